import { describe, expect, it } from 'vitest';
import type { PeerName, Transport } from '../src/args.js';
import {
  collapsed, compare, comparisonLines, describeCleanRate, highestCleanRate, isClean, isSustainable, needsRetry, type StepResult,
} from '../src/suites/proxy-summary.js';

function step(peer: PeerName, rate: number, over: Partial<StepResult> = {}, transport: Transport = 'u1'): StepResult {
  const calls = rate * 10;
  return {
    peer, mode: 'stateful', transport, targetRate: rate, durationS: 10, calls, created: calls, successful: calls,
    failed: 0, failedBy: {}, uasFailed: 0, retransmissions: 0, achievedRate: rate, proxyCpuMs: calls * 0.5,
    cpuMsPerCall: 0.5, proxyCpuPct: 50, meanRtMs: 1, rcvbufErrors: 0, sippUacPeakPct: 30, sippUasPeakPct: 30,
    sippSaturated: false, otherCpuPct: 0, timedOut: false, ...over,
  };
}

describe('clean and sustainable steps', () => {
  it('needs every call done, none failed and >= 95 % of the rate', () => {
    expect(isClean(step('tsips', 1000))).toBe(true);
    expect(isClean(step('tsips', 1000, { failed: 1, successful: 9999 }))).toBe(false);
    expect(isClean(step('tsips', 1000, { successful: 9990 }))).toBe(false);
    expect(isClean(step('tsips', 1000, { achievedRate: 940 }))).toBe(false);
    expect(isClean(step('tsips', 1000, { achievedRate: 960 }))).toBe(true);
    expect(isClean(step('tsips', 1000, { timedOut: true }))).toBe(false);
    expect(isClean(step('tsips', 1000, { error: 'boom' }))).toBe(false);
  });

  it('calls a clean step with a slow mean response not sustainable', () => {
    expect(isSustainable(step('tsips', 1000, { meanRtMs: 50 }))).toBe(true);
    expect(isSustainable(step('tsips', 1000, { meanRtMs: 51 }))).toBe(false);
  });

  it('gives up on a proxy only past 5 % failures or 80 % of the rate', () => {
    expect(collapsed(step('tsips', 1000, { failed: 500, successful: 9500 }))).toBe(false);
    expect(collapsed(step('tsips', 1000, { failed: 501, successful: 9499 }))).toBe(true);
    expect(collapsed(step('tsips', 1000, { achievedRate: 790 }))).toBe(true);
  });
});

describe('highest clean rate', () => {
  it('stops at the proxy when the next step fails with SIPp below saturation', () => {
    const c = highestCleanRate([step('tsips', 2000, { failed: 30, successful: 19970 }), step('tsips', 500), step('tsips', 1000)]);
    expect(c).toEqual({ rate: 1000, limit: 'proxy', sustainable: true });
    expect(describeCleanRate(c)).toBe('1000 cps');
  });

  it('blames SIPp when it was saturated on the failing step', () => {
    const c = highestCleanRate([step('kamailio', 1000), step('kamailio', 2000, { failed: 5, successful: 19995, sippSaturated: true })]);
    expect(c.limit).toBe('sipp');
    expect(describeCleanRate(c)).toMatch(/limited by SIPp/);
  });

  it('is a lower bound when every step was clean, zero when none was', () => {
    expect(highestCleanRate([step('tsips', 500), step('tsips', 1000)])).toMatchObject({ rate: 1000, limit: 'none' });
    expect(describeCleanRate(highestCleanRate([step('tsips', 500), step('tsips', 1000)]))).toMatch(/^>= 1000/);
    expect(highestCleanRate([step('tsips', 500, { failed: 1, successful: 4999 })]).rate).toBe(0);
  });
});

describe('tsips / Kamailio comparison', () => {
  const steps = [
    step('tsips', 500, { cpuMsPerCall: 0.6 }), step('kamailio', 500, { cpuMsPerCall: 0.4 }),
    step('tsips', 1000, { cpuMsPerCall: 0.5 }), step('kamailio', 1000, { cpuMsPerCall: 0.25 }),
    step('tsips', 2000, { failed: 100, successful: 19900 }), step('kamailio', 2000, { cpuMsPerCall: 0.3 }),
    step('kamailio', 3000, { failed: 9, successful: 29991 }),
    step('tsips', 1000, {}, 't1'),
  ];

  it('compares CPU per call at the highest rate both ran clean and the highest clean rates', () => {
    const c = compare(steps, 'u1')!;
    expect(c.commonRate).toBe(1000);
    expect(c.cpuMsPerCall).toEqual({ tsips: 0.5, kamailio: 0.25, ratio: 2 });
    expect(c.clean.tsips.rate).toBe(1000);
    expect(c.clean.kamailio.rate).toBe(2000);
    expect(c.clean.ratio).toBe(0.5);
    expect(c.clean.bound).toBe('');
    const lines = comparisonLines(c);
    expect(lines[0]).toMatch(/UDP \(u1\): CPU ms\/call at 1000 cps: tsips 0\.500, Kamailio 0\.250 -> tsips\/Kamailio 2\.00x/);
    expect(lines[1]).toMatch(/tsips\/Kamailio 0\.50x$/);
  });

  it('turns the rate ratio into a bound when one side never failed', () => {
    const c = compare([step('tsips', 1000), step('kamailio', 1000), step('kamailio', 2000, { failed: 9, successful: 19991 })], 'u1')!;
    expect(c.clean.bound).toBe('>=');
    expect(comparisonLines(c)[1]).toMatch(/>=1\.00x$/);
  });

  it('gives no rate ratio when a proxy had no clean step', () => {
    const c = compare([step('tsips', 500, { failed: 5000, successful: 0 }, 'tn'), step('kamailio', 500, {}, 'tn')], 'tn')!;
    expect(c.clean.ratio).toBeNaN();
    expect(c.cpuMsPerCall).toBeUndefined();
    expect(comparisonLines(c)).toEqual([
      'TCP, connection per call (tn): CPU ms/call: no rate where both ran clean',
      'TCP, connection per call (tn): highest clean rate: tsips no clean step, Kamailio >= 500 cps (every step clean) -> tsips/Kamailio n/a',
    ]);
  });

  it('has nothing to compare when a proxy did not run the transport', () => {
    expect(compare(steps, 't1')).toBeUndefined();
    expect(compare(steps, 'tn')).toBeUndefined();
  });
});

describe('second measurement of borderline steps', () => {
  it('retries a step that is neither clean nor collapsed, once', () => {
    const borderline = step('tsips', 1000, { achievedRate: 900 });
    expect(needsRetry(borderline)).toBe(true);
    expect(needsRetry(step('tsips', 1000))).toBe(false);
    expect(needsRetry(step('tsips', 1000, { achievedRate: 700 }))).toBe(false);
    expect(needsRetry({ ...borderline, firstTry: borderline })).toBe(false);
  });
});
