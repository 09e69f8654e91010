/**
 * Everything of the expression module in one namespace: its state, drafts and module.
 *
 * @module
 */
import type * as S from "./State.ts"

export * from "./Build.ts"
export { module } from "./module.ts"
export { standing } from "./Machine.ts"
export {
  allMessages,
  contactsAt,
  contactsNow,
  DAY,
  DEFAULT_RULE,
  init,
  isMemberAt,
  lookup,
  membersAt,
  membersNow,
  messageOf,
  MINUTE,
  seen,
  withMessage
} from "./State.ts"
/** See `State.ts`. */
export type Alert = S.Alert
/** See `State.ts`. */
export type Channel = S.Channel
/** See `State.ts`. */
export type Confirmation = S.Confirmation
/** See `State.ts`. */
export type Contact = S.Contact
/** See `State.ts`. */
export type Drill = S.Drill
/** See `State.ts`. */
export type EditRecord = S.EditRecord
/** See `State.ts`. */
export type EmergencyRule = S.EmergencyRule
/** See `State.ts`. */
export type KeyEvent = S.KeyEvent
/** See `State.ts`. */
export type Kind = S.Kind
/** See `State.ts`. */
export type Level = S.Level
/** See `State.ts`. */
export type Member = S.Member
/** See `State.ts`. */
export type Message = S.Message
/** See `State.ts`. */
export type Mute = S.Mute
/** See `State.ts`. */
export type Page = S.Page
/** See `State.ts`. */
export type PostRule = S.PostRule
/** See `State.ts`. */
export type State = S.State
