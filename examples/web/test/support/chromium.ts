/**
 * Launch the system's Chromium (Debian's `/usr/bin/chromium`, or `CHROMIUM_PATH`) headless
 * with playwright-core. No browser is ever downloaded.
 *
 * @module
 */
import { existsSync } from "node:fs"
import { type Browser, chromium } from "playwright-core"

/** Where Chromium is: `CHROMIUM_PATH`, else Debian's path. */
export const chromiumPath = (): string => process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium"

/** Whether a Chromium binary is there. */
export const hasChromium = (): boolean => existsSync(chromiumPath())

/** A headless Chromium with flags for containers and quiet, reproducible runs. */
export const launch = (): Promise<Browser> =>
  chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-background-networking",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-component-update",
      "--disable-sync"
    ]
  })
