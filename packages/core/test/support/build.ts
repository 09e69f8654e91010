import { signDraft, TestCommunity } from "@affinity/core/testing"

/** Sign a draft synchronously (tests only): the shared test signer of `@affinity/core/testing`. */
export { signDraft }

/**
 * A test author of events over a growing DAG: tracks every author's chain and lets each
 * new event pick its parents, so tests can build concurrent histories.
 */
export class Builder extends TestCommunity {}
