import type { PeerName, Transport } from '../args.js';
import type { ProxyMode } from '../peers/types.js';

/** Everything measured in one fixed-rate step of one proxy. */
export interface StepResult {
  peer: PeerName;
  mode: ProxyMode;
  transport: Transport;
  targetRate: number;
  durationS: number;
  /** Calls SIPp was told to place (-m). */
  calls: number;
  created: number;
  successful: number;
  failed: number;
  failedBy: Record<string, number>;
  uasFailed: number;
  /** UAC plus UAS retransmissions. */
  retransmissions: number;
  achievedRate: number;
  proxyCpuMs: number;
  cpuMsPerCall: number;
  /** Proxy CPU as % of one core over the step. */
  proxyCpuPct: number;
  /** Mean INVITE -> 200 OK time seen by the UAC (ms). */
  meanRtMs: number;
  /** Kernel UDP receive-buffer drops during the step (system-wide counter). */
  rcvbufErrors: number;
  sippUacPeakPct: number;
  sippUasPeakPct: number;
  /** A SIPp instance used ~a whole core: the load generator, not the proxy, was the limit. */
  sippSaturated: boolean;
  /** CPU used by everything else on the machine during the step (% of one core). */
  otherCpuPct: number;
  /** SIPp had to be stopped at the step's time limit. */
  timedOut: boolean;
  error?: string;
  /** The first measurement of a step that was measured twice (see `needsRetry`). */
  firstTry?: StepResult;
}

export const SIPP_SATURATED_PCT = 90;
/** "Sustainable": clean and the mean INVITE -> 200 stays at or below this (TCP saturates as delay). */
export const SUSTAINABLE_RT_MS = 50;

/** Every call placed and completed, none failed, at >= 95 % of the offered rate. */
export function isClean(s: StepResult): boolean {
  return !s.error && !s.timedOut && s.failed === 0 && s.successful === s.calls && s.achievedRate >= 0.95 * s.targetRate;
}

export function isSustainable(s: StepResult): boolean {
  return isClean(s) && s.meanRtMs <= SUSTAINABLE_RT_MS;
}

/**
 * A borderline step (not clean, yet not collapsed) is measured once more, for every proxy
 * alike: on a noisy machine one stall decides it, and such steps decide the clean rate.
 */
export function needsRetry(s: StepResult): boolean {
  return !s.firstTry && !isClean(s) && !collapsed(s);
}

/** Far enough past the limit that higher rates would only burn time. */
export function collapsed(s: StepResult): boolean {
  return Boolean(s.error) || s.timedOut || s.failed > 0.05 * s.calls || s.achievedRate < 0.8 * s.targetRate;
}

export interface CleanRate {
  /** Highest offered rate with a clean step (0 when none was clean). */
  rate: number;
  /**
   * What stopped the climb: 'proxy' (the next step failed with SIPp below saturation),
   * 'sipp' (the next step failed while SIPp used a whole core), or 'none' (every step
   * run was clean: the figure is a lower bound).
   */
  limit: 'proxy' | 'sipp' | 'none';
  sustainable: boolean;
}

export function highestCleanRate(steps: readonly StepResult[]): CleanRate {
  const sorted = [...steps].sort((a, b) => a.targetRate - b.targetRate);
  const clean = sorted.filter(isClean);
  const best = clean[clean.length - 1];
  const rate = best?.targetRate ?? 0;
  const next = sorted.find((s) => s.targetRate > rate && !isClean(s));
  const limit = !next ? 'none' : next.sippSaturated ? 'sipp' : 'proxy';
  return { rate, limit, sustainable: best ? isSustainable(best) : false };
}

export function describeCleanRate(c: CleanRate): string {
  if (c.rate === 0) return 'no clean step';
  const rt = c.sustainable ? '' : `, mean INVITE->200 > ${SUSTAINABLE_RT_MS} ms`;
  if (c.limit === 'none') return `>= ${c.rate} cps (every step clean${rt})`;
  if (c.limit === 'sipp') return `${c.rate} cps (next step limited by SIPp, not the proxy${rt})`;
  return `${c.rate} cps${rt}`;
}

export interface Comparison {
  transport: Transport;
  /** Highest rate both proxies ran clean, where CPU per call is compared. */
  commonRate?: number;
  cpuMsPerCall?: { tsips: number; kamailio: number; ratio: number };
  /**
   * `bound`: a proxy whose climb stopped at the last step or at SIPp's limit has only a
   * lower bound, which makes the ratio a bound too ('n/a' when both are bounds).
   */
  clean: { tsips: CleanRate; kamailio: CleanRate; ratio: number; bound: '' | '>=' | '<=' | 'n/a' };
}

/** tsips vs Kamailio on one transport; undefined when either has no steps. */
export function compare(steps: readonly StepResult[], transport: Transport): Comparison | undefined {
  const of = (peer: PeerName): StepResult[] => steps.filter((s) => s.peer === peer && s.transport === transport);
  const ts = of('tsips');
  const ka = of('kamailio');
  if (ts.length === 0 || ka.length === 0) return undefined;
  const tc = highestCleanRate(ts);
  const kc = highestCleanRate(ka);
  const tLow = tc.limit !== 'proxy';
  const kLow = kc.limit !== 'proxy';
  const bound = tLow && kLow ? 'n/a' : tLow ? '>=' : kLow ? '<=' : '';
  const ratio = tc.rate > 0 && kc.rate > 0 ? tc.rate / kc.rate : NaN; // no clean step: no ratio
  const out: Comparison = { transport, clean: { tsips: tc, kamailio: kc, ratio, bound } };
  const common = ts.filter(isClean).map((s) => s.targetRate).filter((r) => ka.some((k) => k.targetRate === r && isClean(k)));
  if (common.length > 0) {
    const r = Math.max(...common);
    const t = ts.find((s) => s.targetRate === r)!.cpuMsPerCall;
    const k = ka.find((s) => s.targetRate === r)!.cpuMsPerCall;
    out.commonRate = r;
    out.cpuMsPerCall = { tsips: t, kamailio: k, ratio: t / k };
  }
  return out;
}

const TRANSPORT_NAMES: Record<Transport, string> = { u1: 'UDP', t1: 'TCP, one connection', tn: 'TCP, connection per call' };

export function transportName(t: Transport): string {
  return `${TRANSPORT_NAMES[t]} (${t})`;
}

/** The lines `--quick` promises: tsips/Kamailio ratios per transport. */
export function comparisonLines(c: Comparison): string[] {
  const name = transportName(c.transport);
  const cpu = c.cpuMsPerCall
    ? `CPU ms/call at ${c.commonRate} cps: tsips ${c.cpuMsPerCall.tsips.toFixed(3)}, Kamailio ${c.cpuMsPerCall.kamailio.toFixed(3)} -> tsips/Kamailio ${c.cpuMsPerCall.ratio.toFixed(2)}x (lower is better for tsips)`
    : 'CPU ms/call: no rate where both ran clean';
  const ratio = !Number.isFinite(c.clean.ratio) ? 'n/a'
    : c.clean.bound === 'n/a' ? `n/a (neither proxy reached its own limit; ${c.clean.ratio.toFixed(2)}x of the rates reached)`
    : `${c.clean.bound}${c.clean.ratio.toFixed(2)}x`;
  const clean = `highest clean rate: tsips ${describeCleanRate(c.clean.tsips)}, Kamailio ${describeCleanRate(c.clean.kamailio)} -> tsips/Kamailio ${ratio}`;
  return [`${name}: ${cpu}`, `${name}: ${clean}`];
}
