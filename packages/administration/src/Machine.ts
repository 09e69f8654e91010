/**
 * The administration state machine: its event types, by name, with their authority, and the
 * queries it answers (`docs/protocol.md` §14).
 *
 * | type | authority |
 * |---|---|
 * | `qualification.define`, `rules.set` | prime |
 * | `qualification.grant`, `.renew`, `.suspend`, `.reinstate`, `.revoke`, `assign`, `assign.lot`, `assign.end`, `resource.register`, `resource.consent` | mandate |
 * | `qualification.vouch`, `member.invite`, `member.vouch`, `pool.join`, `pool.leave`, `assign.leave`, `freeze`, `unfreeze`, `resource.personal`, `resource.handover`, `resource.book`, `resource.lend`, `resource.return` | member |
 *
 * @module
 */
import { Module } from "@affinity/core/module"
import * as A from "./Assignments.ts"
import { NAME } from "./Common.ts"
import * as M from "./Membership.ts"
import * as Q from "./Qualifications.ts"
import * as Queries from "./Queries.ts"
import { init, type State } from "./State.ts"
import * as S from "./Stewardship.ts"

/** The administration module, to register with a community beside governance. */
export const module: Module.Module<State> = Module.make<State>({
  name: NAME,
  init,
  prime: true,
  events: {
    "qualification.define": Q.define,
    "qualification.grant": Q.grant,
    "qualification.renew": Q.renew,
    "qualification.vouch": Q.vouch,
    "qualification.suspend": Q.suspend,
    "qualification.reinstate": Q.reinstate,
    "qualification.revoke": Q.revoke,
    "rules.set": M.setRules,
    "member.invite": M.invite,
    "member.vouch": M.admissionVouch,
    "pool.join": A.poolJoin,
    "pool.leave": A.poolLeave,
    assign: A.assign,
    "assign.lot": A.assignLot,
    "assign.end": A.assignEnd,
    "assign.leave": A.assignLeave,
    freeze: A.freeze,
    unfreeze: A.unfreeze,
    "resource.register": S.register,
    "resource.personal": S.personal,
    "resource.consent": S.stewardConsent,
    "resource.handover": S.handover,
    "resource.book": S.book,
    "resource.lend": S.lend,
    "resource.return": S.giveBack
  },
  queries: Queries.all
})
