import { bool, int, str, type ParamValues } from '@tsips/core';

/**
 * tm parameters: OpenSIPS names with their units (shared/reference/tm.md §1) and the
 * Kamailio names beside them. Where the two projects use one name with different units
 * (`fr_timer`, `fr_inv_timer`, `wt_timer`: seconds in OpenSIPS, milliseconds in Kamailio)
 * a value of 1000 or more is read as milliseconds, a smaller one as seconds.
 */
export const TM_PARAMS = {
  fr_timeout: int({ default: 30, min: 2, unit: 's', doc: 'no final reply (INVITE: no reply at all) within this time: 408' }),
  fr_inv_timeout: int({ default: 120, min: 2, unit: 's', doc: 'INVITE: no final reply after a provisional: 408' }),
  fr_timer: int({ optional: true, min: 1, doc: 'Kamailio/old OpenSIPS name of fr_timeout: < 1000 = s, >= 1000 = ms' }),
  fr_inv_timer: int({ optional: true, min: 1, doc: 'Kamailio/old OpenSIPS name of fr_inv_timeout: < 1000 = s, >= 1000 = ms' }),
  restart_fr_on_each_reply: bool({ default: true, doc: 're-arm fr_inv_timeout on every provisional reply' }),
  wt_timer: int({ default: 5, min: 1, doc: 'wait state after completion (< 1000 = s, >= 1000 = ms)' }),
  delete_timer: int({ default: 2, min: 2, unit: 's', doc: 'accepted for compatibility: freeing never has to be retried here' }),
  T1_timer: int({ default: 500, min: 1, unit: 'ms', doc: 'RFC 3261 T1: first retransmission interval' }),
  T2_timer: int({ default: 4000, min: 2, unit: 'ms', doc: 'RFC 3261 T2: longest retransmission interval' }),
  T4_timer: int({ default: 5000, min: 1, unit: 'ms', doc: 'RFC 3261 T4: timer I after the ACK of a negative INVITE reply (UDP)' }),
  retr_timer1: int({ optional: true, min: 1, unit: 'ms', doc: 'Kamailio name of T1_timer' }),
  retr_timer2: int({ optional: true, min: 2, unit: 'ms', doc: 'Kamailio name of T2_timer' }),
  ruri_matching: bool({ default: true, doc: 'RFC 2543 matching compares the R-URI' }),
  via1_matching: bool({ default: true, doc: 'RFC 2543 matching compares the top Via' }),
  onreply_avp_mode: int({ default: 0, min: 0, max: 1, doc: '0: reply routes start with no AVPs; 1: they see and change the transaction AVPs' }),
  disable_6xx_block: bool({ default: false, doc: '6xx handled like other negative replies (no cancel of other branches)' }),
  enable_stats: bool({ default: true }),
  minor_branch_flag: str({ optional: true, doc: 'branch flag marking branches that are not waited for' }),
  timer_partitions: int({ default: 1, min: 1, max: 16, doc: 'accepted for compatibility: one event loop drives one timer wheel' }),
  auto_100trying: bool({ default: true, doc: 'send 100 Trying when an INVITE transaction is created' }),
  auto_inv_100: bool({ optional: true, doc: 'Kamailio name of auto_100trying' }),
  auto_inv_100_reason: str({ default: 'Trying', doc: 'reason phrase of the automatic 100' }),
  noisy_ctimer: bool({ default: true, doc: '0: a timed-out single-branch INVITE that never got a reply ends without a 408' }),
  unmatched_cancel: int({ default: 0, min: 0, max: 2, doc: 'CANCEL without INVITE transaction in t_relay: 0 relay statefully, 1 statelessly, 2 drop' }),
  max_inv_lifetime: int({ default: 180000, min: 1, unit: 'ms', doc: 'an INVITE transaction gets its final reply within this time' }),
  max_noninv_lifetime: int({ default: 32000, min: 1, unit: 'ms', doc: 'a non-INVITE transaction gets its final reply within this time' }),
  default_code: int({ default: 500, min: 100, max: 699, doc: 't_reply code when its argument is not a number' }),
  default_reason: str({ default: 'Server Internal Error', doc: 't_reply reason when its argument is empty' }),
  contacts_avp: str({ optional: true, doc: 'AVP holding the contacts of t_load_contacts()/t_next_contacts()' }),
  aggregate_challenges: bool({ default: true, doc: 'a relayed 401/407 carries the challenges of every 401/407 branch (RFC 3261 16.7 step 7)' }),
  cancel_b_method: int({ default: 1, min: 0, max: 2, doc: 'cancelling a branch without reply: 0 fake 487, 1 CANCEL after its first reply, 2 CANCEL at once' }),
};

export type TmParams = ParamValues<typeof TM_PARAMS>;

/** The configuration tm runs with: every duration in milliseconds. */
export interface TmConfig {
  frMs: number;
  frInvMs: number;
  restartFrOnEachReply: boolean;
  waitMs: number;
  t1: number;
  t2: number;
  t4: number;
  ruriMatching: boolean;
  via1Matching: boolean;
  onreplyAvpMode: number;
  disable6xxBlock: boolean;
  enableStats: boolean;
  minorBranchFlag: string | undefined;
  auto100: boolean;
  auto100Reason: string;
  noisyCtimer: boolean;
  unmatchedCancel: number;
  maxInvLifetime: number;
  maxNonInvLifetime: number;
  defaultCode: number;
  defaultReason: string;
  contactsAvp: string | undefined;
  aggregateChallenges: boolean;
  cancelBMethod: number;
}

/** OpenSIPS seconds below 1000, Kamailio milliseconds from 1000 on. */
export function secondsOrMs(v: number): number {
  return v >= 1000 ? v : v * 1000;
}

/** Params to the run-time configuration; throws with a message naming the params on conflict. */
export function resolveConfig(p: TmParams): TmConfig {
  const t1 = p.retr_timer1 ?? p.T1_timer;
  const t2 = p.retr_timer2 ?? p.T2_timer;
  if (t2 <= t1) throw new Error(`T2_timer (${t2} ms) must be greater than T1_timer (${t1} ms)`);
  return {
    frMs: p.fr_timer !== undefined ? secondsOrMs(p.fr_timer) : p.fr_timeout * 1000,
    frInvMs: p.fr_inv_timer !== undefined ? secondsOrMs(p.fr_inv_timer) : p.fr_inv_timeout * 1000,
    restartFrOnEachReply: p.restart_fr_on_each_reply,
    waitMs: secondsOrMs(p.wt_timer),
    t1,
    t2,
    t4: p.T4_timer,
    ruriMatching: p.ruri_matching,
    via1Matching: p.via1_matching,
    onreplyAvpMode: p.onreply_avp_mode,
    disable6xxBlock: p.disable_6xx_block,
    enableStats: p.enable_stats,
    minorBranchFlag: p.minor_branch_flag,
    auto100: p.auto_inv_100 ?? p.auto_100trying,
    auto100Reason: p.auto_inv_100_reason,
    noisyCtimer: p.noisy_ctimer,
    unmatchedCancel: p.unmatched_cancel,
    maxInvLifetime: p.max_inv_lifetime,
    maxNonInvLifetime: p.max_noninv_lifetime,
    defaultCode: p.default_code,
    defaultReason: p.default_reason,
    contactsAvp: p.contacts_avp,
    aggregateChallenges: p.aggregate_challenges,
    cancelBMethod: p.cancel_b_method,
  };
}
