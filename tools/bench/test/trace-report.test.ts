import { describe, expect, it } from 'vitest';
import type { PeerName } from '../src/args.js';
import { emptyCounts, type HepCounts } from '../src/hep-count.js';
import { variantsOf, tracePlan } from '../src/suites/trace.js';
import {
  capturedPerCall, compareOverheads, hepPerCall, overheads, overheadTable, traceStepTable, traceSummary, traceSvg, type TraceStep,
} from '../src/suites/trace-report.js';

function step(peer: PeerName, tracing: boolean, rate: number, cpuMsPerCall: number, over: Partial<TraceStep> = {}): TraceStep {
  const calls = rate * 3;
  const hep: HepCounts | undefined = tracing ? { ...emptyCounts(), packets: calls * 12, bytes: calls * 6000, sip: calls * 12, requests: calls * 5 } : undefined;
  return {
    peer, mode: 'stateful', transport: 'u1', targetRate: rate, durationS: 3, calls, created: calls, successful: calls,
    failed: 0, failedBy: {}, uasFailed: 0, retransmissions: 0, achievedRate: rate, proxyCpuMs: calls * cpuMsPerCall,
    cpuMsPerCall, proxyCpuPct: 40, meanRtMs: 1, rcvbufErrors: 0, sippUacPeakPct: 20, sippUasPeakPct: 20,
    sippSaturated: false, otherCpuPct: 0, timedOut: false, tracing, ...(hep ? { hep } : {}), ...over,
  };
}

const steps = [
  step('tsips', false, 1000, 0.5), step('kamailio', false, 1000, 0.4), step('tsips', true, 1000, 0.6), step('kamailio', true, 1000, 0.45),
  step('tsips', false, 2000, 0.4), step('kamailio', false, 2000, 0.4), step('tsips', true, 2000, 0.5), step('kamailio', true, 2000, 0.5, { failed: 10, successful: 5990 }),
];

describe('trace suite plan', () => {
  it('interleaves tsips off, Kamailio off, tsips on, Kamailio on', () => {
    expect(variantsOf(['tsips', 'kamailio']).map((v) => v.key)).toEqual(['tsips-off', 'kamailio-off', 'tsips-on', 'kamailio-on']);
    expect(variantsOf(['kamailio']).map((v) => v.key)).toEqual(['kamailio-off', 'kamailio-on']);
  });

  it('runs UDP unless told otherwise and honours --transports, --rates, --duration', () => {
    expect(tracePlan({ peers: ['tsips'], quick: true })).toEqual({ peers: ['tsips'], transports: ['u1'], rates: [500, 1000, 1500, 2000], durationS: 3 });
    const p = tracePlan({ peers: ['tsips'], quick: false, transports: ['u1', 't1'], rates: [700], duration: 4 });
    expect(p).toEqual({ peers: ['tsips'], transports: ['u1', 't1'], rates: [700], durationS: 4 });
  });
});

describe('trace report math', () => {
  it('computes on/off ratios and extra ms per call per peer and rate', () => {
    const o = overheads(steps);
    expect(o).toHaveLength(4);
    const t1000 = o.find((x) => x.peer === 'tsips' && x.rate === 1000)!;
    expect(t1000.ratio).toBeCloseTo(1.2);
    expect(t1000.extraMs).toBeCloseTo(0.1);
    expect(t1000.clean).toBe(true);
    expect(o.find((x) => x.peer === 'kamailio' && x.rate === 2000)!.clean).toBe(false);
  });

  it('compares tsips with Kamailio only where all four steps were clean', () => {
    const c = compareOverheads(overheads(steps));
    expect(c.map((x) => x.rate)).toEqual([1000]);
    expect(c[0]!.extraRatio).toBeCloseTo(0.1 / 0.05);
    expect(c[0]!.relRatio).toBeCloseTo(1.2 / 1.125);
  });

  it('reports HEP packets per call and whether both proxies captured the same', () => {
    expect(hepPerCall(steps[2]!)).toEqual({ packets: 12, sip: 12, requests: 5, bytes: 6000 });
    expect(hepPerCall(steps[0]!)).toBeUndefined();
    expect(capturedPerCall([steps[2]!, steps[6]!])).toEqual({ packets: 12, requests: 5, replies: 7 });
    const lines = traceSummary(steps);
    expect(lines[0]).toContain('tsips/Kamailio tracing overhead 2.00x (extra ms)');
    expect(lines.at(-1)).toContain('both captured the same messages per call');
    const more = steps.map((s) => (s.peer === 'tsips' && s.hep ? { ...s, hep: { ...s.hep, packets: s.hep.packets * 13 / 12 } } : s));
    expect(traceSummary(more).at(-1)).toContain('DIFFERENT');
  });

  it('says so when no rate had four clean steps or Kamailio measured no overhead', () => {
    expect(traceSummary(steps.slice(4))[0]).toContain('no rate where tsips and Kamailio both ran clean');
    const flat = steps.map((s) => (s.peer === 'kamailio' ? { ...s, cpuMsPerCall: 0.4 } : s));
    expect(traceSummary(flat)[0]).toContain('n/a (extra ms: Kamailio measured none)');
  });

  it('renders the tables and a chart with every variant', () => {
    const t = traceStepTable('u1', steps);
    expect(t.rows).toHaveLength(8);
    expect(t.rows[2]!.slice(1, 3)).toEqual(['tsips', 'on']);
    expect(t.rows[2]![9]).toBe('12.00');
    expect(t.rows[2]![10]).toBe('5.00/7.00');
    expect(overheadTable(overheads(steps)).rows[0]).toEqual(['u1', '1000', 'tsips', '0.500', '0.600', '1.20', '0.100', 'yes']);
    const svg = traceSvg(steps);
    for (const name of ['tsips off', 'tsips on', 'kamailio off', 'kamailio on', 'tsips on/off', 'kamailio on/off']) expect(svg).toContain(`data-name="${name}"`);
  });
});
