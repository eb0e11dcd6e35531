import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { achievedRate, parseRtt, parseStatCsv, sippDurationMs, sippEpoch } from '../src/sipp-stats.js';

const fixture = (name: string): string => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');

describe('SIPp statistics CSV (captured from real runs)', () => {
  it('reads the cumulative counters of the last row of a clean run', () => {
    const s = parseStatCsv(fixture('uac-stat.csv'));
    expect(s.rows).toBe(2);
    expect(s.targetRate).toBe(1000);
    expect(s.created).toBe(3000);
    expect(s.successful).toBe(3000);
    expect(s.failed).toBe(0);
    expect(s.failedBy).toEqual({});
    expect(s.retransmissions).toBe(0);
    expect(s.current).toBe(0);
    expect(s.elapsedS).toBeCloseTo(1795452320.080965 - 1795452317.069322, 5);
  });

  it('breaks failures down by SIPp reason', () => {
    const s = parseStatCsv(fixture('uac-stat-failed.csv'));
    expect(s.successful).toBe(6168);
    expect(s.failed).toBe(5832);
    expect(s.failedBy).toEqual({ FailedUnexpectedMessage: 5269, FailedTimeoutOnRecv: 563 });
    expect(s.retransmissions).toBe(1689);
    expect(s.meanRtMs).toBe(188);
  });

  it('rejects a file without data rows or without a needed column', () => {
    expect(() => parseStatCsv('StartTime;CurrentTime;\n')).toThrow(/no data row/);
    expect(() => parseStatCsv('A;B;\n1;2;\n')).toThrow(/no column/);
  });

  it('converts SIPp time formats', () => {
    expect(sippDurationMs('00:00:01:250000')).toBe(1250);
    expect(sippDurationMs('01:02:03:000500')).toBeCloseTo(3723000.5, 6);
    expect(sippEpoch('2026-11-23\t16:45:17.069322\t1795452317.069322')).toBe(1795452317.069322);
    expect(() => sippDurationMs('00:01')).toThrow();
  });
});

describe('response-time trace', () => {
  const trace = ['Date_ms;response_time_ms;rtd_no', '4.001;0;1', '5;2;1', '7;9;2', '1004;1;1', ''].join('\n');

  it('averages one counter and keeps the first and last times', () => {
    expect(parseRtt(trace)).toEqual({ count: 3, meanMs: 1, firstAtMs: 4.001, lastAtMs: 1004 });
    expect(parseRtt(trace, 2)).toMatchObject({ count: 1, meanMs: 9 });
  });

  it('gives the answer rate from the trace, else successful calls over the run', () => {
    const stats = parseStatCsv(fixture('uac-stat.csv'));
    const rtt = { count: 1001, meanMs: 0.2, firstAtMs: 0, lastAtMs: 2000 };
    expect(achievedRate(stats, rtt)).toBe(500);
    expect(achievedRate(stats, undefined)).toBeCloseTo(3000 / stats.elapsedS, 6);
    expect(achievedRate(stats, { count: 1, meanMs: 0, firstAtMs: 5, lastAtMs: 5 })).toBeCloseTo(3000 / stats.elapsedS, 6);
  });
});

describe('SIPp command lines', () => {
  it('keeps the socket limit of -t tn under the open-files limit', async () => {
    const { maxSockets } = await import('../src/sipp.js');
    expect(maxSockets(20_000)).toBe(19_900);
    expect(maxSockets(1_048_576)).toBe(50_000);
    expect(maxSockets(100)).toBe(64);
  });
});
