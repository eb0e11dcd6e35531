import { describe, expect, it } from 'vitest';
import { resolveConfig, secondsOrMs, type TmParams } from '../src/params.js';

const base: TmParams = {
  fr_timeout: 30, fr_inv_timeout: 120, fr_timer: undefined, fr_inv_timer: undefined, restart_fr_on_each_reply: true,
  wt_timer: 5, delete_timer: 2, T1_timer: 500, T2_timer: 4000, T4_timer: 5000, retr_timer1: undefined, retr_timer2: undefined,
  ruri_matching: true, via1_matching: true, onreply_avp_mode: 0, disable_6xx_block: false, enable_stats: true,
  minor_branch_flag: undefined, timer_partitions: 1, auto_100trying: true, auto_inv_100: undefined, auto_inv_100_reason: 'Trying',
  noisy_ctimer: true, unmatched_cancel: 0, max_inv_lifetime: 180000, max_noninv_lifetime: 32000, default_code: 500,
  default_reason: 'Server Internal Error', contacts_avp: undefined, aggregate_challenges: true, cancel_b_method: 1,
};

describe('tm parameters', () => {
  it('defaults: OpenSIPS seconds become milliseconds', () => {
    const c = resolveConfig(base);
    expect(c).toMatchObject({ frMs: 30000, frInvMs: 120000, waitMs: 5000, t1: 500, t2: 4000, t4: 5000, auto100: true });
  });
  it('shared names: below 1000 is seconds (OpenSIPS), from 1000 on milliseconds (Kamailio)', () => {
    expect(secondsOrMs(5)).toBe(5000);
    expect(secondsOrMs(5000)).toBe(5000);
    const c = resolveConfig({ ...base, fr_timer: 3000, fr_inv_timer: 40, wt_timer: 1500 });
    expect(c).toMatchObject({ frMs: 3000, frInvMs: 40000, waitMs: 1500 });
  });
  it('Kamailio names win over the OpenSIPS ones: retr_timer1/2, auto_inv_100', () => {
    expect(resolveConfig({ ...base, retr_timer1: 250, retr_timer2: 1000, auto_inv_100: false })).toMatchObject({ t1: 250, t2: 1000, auto100: false });
  });
  it('T2 must be greater than T1', () => {
    expect(() => resolveConfig({ ...base, T1_timer: 500, T2_timer: 400 })).toThrow(/T2_timer/);
  });
});
