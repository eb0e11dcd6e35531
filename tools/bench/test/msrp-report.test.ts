import { describe, expect, it } from 'vitest';
import type { PeerName } from '../src/args.js';
import { emptyPair, type LoadResult } from '../src/msrp-load.js';
import { msrpPlan } from '../src/suites/msrp.js';
import {
  clientSaturated, cpuMsPerMb, intact, mbPerSec, msrpSummary, msrpSvg, peerMedians, runsTable, totals, verdictOf, type MsrpRun,
} from '../src/suites/msrp-report.js';

function load(chunks: number, chunk = 8192, elapsedMs = 5000): LoadResult {
  const pair = { ...emptyPair(), sent: chunks / 2, acked: chunks / 2, delivered: chunks / 2, deliveredBytes: (chunks / 2) * chunk };
  return { pairs: [pair, { ...pair }], elapsedMs, sendMs: elapsedMs, undelivered: 0 };
}

function run(peer: PeerName, round: number, over: Partial<MsrpRun> = {}): MsrpRun {
  return {
    peer, round, load: load(61_036), relayCpuMs: 2500, relayCpuPct: 50, rssKb: 102_400, pssKb: 51_200, processes: 1,
    clientAvgPct: 50, clientPeakPct: 60, otherCpuPct: 0, ...over,
  };
}

describe('msrp suite plan', () => {
  it('defaults to 4 pairs, a window of 16 and 8 KB chunks; --quick runs each relay once', () => {
    expect(msrpPlan({ peers: ['tsips', 'kamailio'], quick: true })).toEqual({ peers: ['tsips', 'kamailio'], rounds: 1, durationS: 5, pairs: 4, window: 16, chunk: 8192 });
    expect(msrpPlan({ peers: ['tsips'], quick: false, pairs: 2, window: 4, chunk: 16384, duration: 3 })).toMatchObject({ rounds: 3, durationS: 3, pairs: 2, window: 4, chunk: 16384 });
  });
});

describe('msrp report math', () => {
  it('derives MB/s and CPU ms per MB from delivered bytes', () => {
    const r = run('tsips', 1);
    expect(totals(r.load)).toMatchObject({ sent: 61_036, delivered: 61_036, deliveredBytes: 61_036 * 8192, corrupt: 0 });
    expect(mbPerSec(r)).toBeCloseTo((61_036 * 8192) / 1e6 / 5, 6);
    expect(cpuMsPerMb(r)).toBeCloseTo(2500 / ((61_036 * 8192) / 1e6), 6);
    expect(mbPerSec(run('tsips', 1, { load: { ...load(10), elapsedMs: 0 } }))).toBeNaN();
  });

  it('calls a run intact only when every chunk arrived unchanged and nothing was refused', () => {
    expect(intact(run('tsips', 1))).toBe(true);
    expect(verdictOf(run('tsips', 1))).toBe('intact');
    const bad = load(10);
    bad.pairs[0] = { ...bad.pairs[0]!, corrupt: 1, rejected: { 481: 2 }, delivered: 4 };
    const r = run('kamailio', 1, { load: bad });
    expect(intact(r)).toBe(false);
    expect(verdictOf(r)).toBe('NOT intact: 1 corrupt, 2 refused, 10 sent / 10 acked / 9 delivered');
    expect(verdictOf(run('tsips', 1, { error: 'boom' }))).toBe('error: boom');
  });

  it('flags a saturated client and takes medians over intact runs', () => {
    expect(clientSaturated(run('tsips', 1, { clientPeakPct: 95 }))).toBe(true);
    expect(verdictOf(run('tsips', 1, { clientPeakPct: 95 }))).toBe('intact, client saturated');
    const runs = [run('tsips', 1), run('tsips', 2, { relayCpuMs: 5000 }), run('tsips', 3, { relayCpuMs: 3000 }), run('tsips', 4, { error: 'x' })];
    const m = peerMedians(runs, 'tsips')!;
    expect(m.runs).toBe(3);
    expect(m.cpuMsPerMb).toBeCloseTo(3000 / ((61_036 * 8192) / 1e6), 6);
    expect(peerMedians(runs, 'kamailio')).toBeUndefined();
  });

  it('summarises tsips/Kamailio ratios and notes saturation', () => {
    const runs = [run('tsips', 1, { load: load(30_518), rssKb: 204_800 }), run('kamailio', 1, { clientPeakPct: 97 })];
    const lines = msrpSummary(runs);
    expect(lines[2]).toContain('throughput 0.50x');
    expect(lines[2]).toContain('CPU per MB 2.00x');
    expect(lines[2]).toContain('RSS 2.00x');
    expect(lines[3]).toContain('client saturated');
    expect(msrpSummary([run('tsips', 1)])[1]).toBe('Kamailio: no intact run');
    expect(runsTable(runs, 8192).rows[0]!.slice(0, 3)).toEqual(['1', 'tsips', '50.0']);
    expect(msrpSvg(runs)).toContain('data-name="kamailio"');
  });
});
