/**
 * Readers for the files SIPp writes: the statistics CSV (-trace_stat -stf, one row per
 * -fd period, cumulative "(C)" columns) and the per-call response times (-trace_rtt).
 */

export interface SippStats {
  /** Seconds from SIPp's start to its last row. */
  elapsedS: number;
  targetRate: number;
  created: number;
  current: number;
  successful: number;
  failed: number;
  retransmissions: number;
  /** Non-zero Failed*(C) counters by reason, e.g. { FailedUnexpectedMessage: 3 }. */
  failedBy: Record<string, number>;
  outOfCallMsgs: number;
  /** SIPp's own mean of response time 1 (ms; SIPp's clock has 1 ms resolution). */
  meanRtMs: number;
  rows: number;
}

/** "2026-11-23\t16:20:26.320378\t1795450826.320378" -> 1795450826.320378 (epoch seconds). */
export function sippEpoch(field: string): number {
  const last = field.split('\t').pop() ?? '';
  const n = Number(last);
  if (!Number.isFinite(n)) throw new Error(`bad SIPp time "${field}"`);
  return n;
}

/** "hh:mm:ss:uuuuuu" -> milliseconds. */
export function sippDurationMs(field: string): number {
  const parts = field.split(':').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isFinite(p))) throw new Error(`bad SIPp duration "${field}"`);
  const [h, m, s, us] = parts as [number, number, number, number];
  return ((h * 60 + m) * 60 + s) * 1000 + us / 1000;
}

/** Parses the statistics CSV and returns the cumulative figures of its last row. */
export function parseStatCsv(text: string, delimiter = ';'): SippStats {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l.length > 0);
  if (lines.length < 2) throw new Error('SIPp statistics file has no data row');
  const header = lines[0]!.split(delimiter);
  const row = lines[lines.length - 1]!.split(delimiter);
  const col = (name: string): string => {
    const i = header.indexOf(name);
    if (i < 0 || row[i] === undefined) throw new Error(`SIPp statistics: no column ${name}`);
    return row[i]!;
  };
  const num = (name: string): number => {
    const v = Number(col(name));
    if (!Number.isFinite(v)) throw new Error(`SIPp statistics: ${name} is not a number`);
    return v;
  };
  const failedBy: Record<string, number> = {};
  header.forEach((name, i) => {
    const m = /^(Failed\w+)\(C\)$/.exec(name);
    if (m && m[1] !== 'FailedCall' && Number(row[i]) > 0) failedBy[m[1]!] = Number(row[i]);
  });
  return {
    elapsedS: sippEpoch(col('CurrentTime')) - sippEpoch(col('StartTime')),
    targetRate: num('TargetRate'),
    created: num('TotalCallCreated'),
    current: num('CurrentCall'),
    successful: num('SuccessfulCall(C)'),
    failed: num('FailedCall(C)'),
    retransmissions: num('Retransmissions(C)'),
    failedBy,
    outOfCallMsgs: num('OutOfCallMsgs(C)'),
    meanRtMs: sippDurationMs(col('ResponseTime1(C)')),
    rows: lines.length - 1,
  };
}

export interface RttSummary {
  count: number;
  meanMs: number;
  /** Time (ms since SIPp's start) of the first and last measured response. */
  firstAtMs: number;
  lastAtMs: number;
}

/**
 * Summarises a -trace_rtt file ("Date_ms;response_time_ms;rtd_no") for one response-time
 * counter. SIPp flushes it every -rtt_freq samples, so up to rtt_freq-1 final ones are absent.
 */
export function parseRtt(text: string, rtd = 1): RttSummary {
  let count = 0;
  let sum = 0;
  let first = NaN;
  let last = NaN;
  for (const line of text.split('\n')) {
    const f = line.split(';');
    if (f.length < 3 || Number(f[2]) !== rtd) continue;
    const at = Number(f[0]);
    const rt = Number(f[1]);
    if (!Number.isFinite(at) || !Number.isFinite(rt)) continue;
    if (count === 0) first = at;
    last = at;
    count++;
    sum += rt;
  }
  return { count, meanMs: count ? sum / count : NaN, firstAtMs: first, lastAtMs: last };
}

/**
 * Calls per second actually carried: the rate at which INVITEs were answered (200 OK)
 * during the step, from the response-time trace; SIPp's own run average when the trace
 * has too few samples. Failed calls are judged separately (a clean step has none).
 */
export function achievedRate(stats: SippStats, rtt: RttSummary | undefined): number {
  if (rtt && rtt.count >= 2 && rtt.lastAtMs > rtt.firstAtMs) {
    return ((rtt.count - 1) * 1000) / (rtt.lastAtMs - rtt.firstAtMs);
  }
  return stats.elapsedS > 0 ? stats.successful / stats.elapsedS : 0;
}
