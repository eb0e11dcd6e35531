import type { PeerName, Transport } from '../args.js';
import type { HepCounts } from '../hep-count.js';
import { fmt, fmtInt, type Table } from '../report/table.js';
import { renderSvg, type Series } from '../report/svg.js';
import { verdict } from './proxy-report.js';
import { isClean, transportName, type StepResult } from './proxy-summary.js';

/** One step of the `trace` suite: a stateful proxy step with tracing on or off. */
export interface TraceStep extends StepResult {
  tracing: boolean;
  /** what the collector received during the step (tracing on only) */
  hep?: HepCounts;
}

/** HEP figures per successful call. */
export function hepPerCall(s: TraceStep): { packets: number; sip: number; requests: number; bytes: number } | undefined {
  if (!s.hep || s.successful <= 0) return undefined;
  const n = s.successful;
  return { packets: s.hep.packets / n, sip: s.hep.sip / n, requests: s.hep.requests / n, bytes: s.hep.bytes / n };
}

export interface Overhead {
  transport: Transport;
  rate: number;
  peer: PeerName;
  off: number;
  on: number;
  /** on / off */
  ratio: number;
  /** on - off, CPU ms per call */
  extraMs: number;
  /** both steps clean */
  clean: boolean;
}

/** Tracing overhead of every peer at every rate where it has an off and an on step. */
export function overheads(steps: readonly TraceStep[]): Overhead[] {
  const out: Overhead[] = [];
  for (const on of steps.filter((s) => s.tracing)) {
    const off = steps.find((s) => !s.tracing && s.peer === on.peer && s.transport === on.transport && s.targetRate === on.targetRate);
    if (!off) continue;
    out.push({
      transport: on.transport, rate: on.targetRate, peer: on.peer, off: off.cpuMsPerCall, on: on.cpuMsPerCall,
      ratio: on.cpuMsPerCall / off.cpuMsPerCall, extraMs: on.cpuMsPerCall - off.cpuMsPerCall, clean: isClean(on) && isClean(off),
    });
  }
  return out;
}

export interface OverheadComparison {
  transport: Transport;
  rate: number;
  tsips: Overhead;
  kamailio: Overhead;
  /** tsips extra ms per call / Kamailio extra ms per call */
  extraRatio: number;
  /** tsips on/off / Kamailio on/off */
  relRatio: number;
}

/** tsips vs Kamailio at each rate where all four steps were clean. */
export function compareOverheads(list: readonly Overhead[]): OverheadComparison[] {
  const out: OverheadComparison[] = [];
  for (const t of list.filter((o) => o.peer === 'tsips' && o.clean)) {
    const k = list.find((o) => o.peer === 'kamailio' && o.clean && o.rate === t.rate && o.transport === t.transport);
    if (!k) continue;
    out.push({ transport: t.transport, rate: t.rate, tsips: t, kamailio: k, extraRatio: t.extraMs / k.extraMs, relRatio: t.ratio / k.ratio });
  }
  return out;
}

export function traceStepTable(transport: Transport, steps: readonly TraceStep[]): Table {
  return {
    title: `stateful proxy with HEP tracing off / on, ${transportName(transport)}`,
    columns: ['offered cps', 'proxy', 'tracing', 'achieved cps', 'calls ok', 'failed', 'CPU ms/call', 'proxy CPU %', 'mean INVITE->200 ms', 'HEP pkts/call', 'SIP req/reply per call', 'HEP bytes/call', 'malformed HEP', 'UDP drops', 'SIPp uac/uas peak %', 'other CPU %', 'verdict'],
    leftColumns: [1, 2, 16],
    rows: steps.map((s) => {
      const h = hepPerCall(s);
      return [
        String(s.targetRate), s.peer, s.tracing ? 'on' : 'off', fmtInt(s.achievedRate), fmtInt(s.successful), fmtInt(s.failed),
        fmt(s.cpuMsPerCall, 3), fmt(s.proxyCpuPct, 0), fmt(s.meanRtMs, 2),
        h ? fmt(h.packets, 2) : '-', h ? `${fmt(h.requests, 2)}/${fmt(h.sip - h.requests, 2)}` : '-', h ? fmtInt(h.bytes) : '-',
        s.hep ? fmtInt(s.hep.malformed) : '-', fmtInt(s.rcvbufErrors), `${fmt(s.sippUacPeakPct, 0)}/${fmt(s.sippUasPeakPct, 0)}`,
        fmt(s.otherCpuPct, 0), verdict(s),
      ];
    }),
  };
}

export function overheadTable(list: readonly Overhead[]): Table {
  return {
    title: 'Tracing overhead: CPU ms per call, tracing off vs on',
    columns: ['transport', 'offered cps', 'proxy', 'off', 'on', 'on/off', 'extra ms/call', 'both clean'],
    leftColumns: [0, 2, 7],
    rows: list.map((o) => [o.transport, String(o.rate), o.peer, fmt(o.off, 3), fmt(o.on, 3), fmt(o.ratio, 2), fmt(o.extraMs, 3), o.clean ? 'yes' : 'no']),
  };
}

/**
 * The summary lines: the overhead ratio per rate and whether both proxies captured the
 * same messages per call (otherwise the overheads measure different work).
 */
export function traceSummary(steps: readonly TraceStep[]): string[] {
  const lines: string[] = [];
  for (const c of compareOverheads(overheads(steps))) {
    // a Kamailio overhead at or below zero is measurement noise: no ratio of extra ms then
    const extra = c.kamailio.extraMs > 0 ? `${fmt(c.extraRatio, 2)}x (extra ms)` : 'n/a (extra ms: Kamailio measured none)';
    lines.push(`${transportName(c.transport)}, ${c.rate} cps: tracing costs tsips ${fmt(c.tsips.extraMs, 3)} ms/call (on/off ${fmt(c.tsips.ratio, 2)}x), Kamailio ${fmt(c.kamailio.extraMs, 3)} ms/call (${fmt(c.kamailio.ratio, 2)}x) -> tsips/Kamailio tracing overhead ${extra}, ${fmt(c.relRatio, 2)}x (on/off ratios)`);
  }
  if (lines.length === 0) lines.push('no rate where tsips and Kamailio both ran clean with tracing off and on: no overhead ratio');
  const traced = steps.filter((s) => s.tracing && isClean(s));
  const t = capturedPerCall(traced.filter((s) => s.peer === 'tsips'));
  const k = capturedPerCall(traced.filter((s) => s.peer === 'kamailio'));
  if (t && k) {
    const same = Math.abs(t.packets - k.packets) < 0.05 * Math.max(t.packets, k.packets);
    const show = (c: Captured): string => `${fmt(c.packets, 2)} (${fmt(c.requests, 2)} requests, ${fmt(c.replies, 2)} replies)`;
    lines.push(`HEP packets per call (clean traced steps): tsips ${show(t)}, Kamailio ${show(k)} -> ${same ? 'both captured the same messages per call' : 'DIFFERENT: the proxies traced different sets of messages, so the overheads are not for exactly the same work'}`);
  }
  return lines;
}

interface Captured {
  packets: number;
  requests: number;
  replies: number;
}

/** Mean HEP packets (and SIP requests / replies) per call over some traced steps. */
export function capturedPerCall(steps: readonly TraceStep[]): Captured | undefined {
  const per = steps.map(hepPerCall).filter((h) => h !== undefined);
  if (per.length === 0) return undefined;
  const avg = (f: (h: (typeof per)[number]) => number): number => per.reduce((a, h) => a + f(h), 0) / per.length;
  return { packets: avg((h) => h.packets), requests: avg((h) => h.requests), replies: avg((h) => h.sip - h.requests) };
}

const COLORS: Record<string, string> = { 'tsips off': '#ff9896', 'tsips on': '#d62728', 'kamailio off': '#aec7e8', 'kamailio on': '#1f77b4' };

export function traceSvg(steps: readonly TraceStep[]): string {
  const groups = new Map<string, TraceStep[]>();
  for (const s of steps) {
    if (s.error || s.successful === 0) continue;
    const k = `${s.peer} ${s.tracing ? 'on' : 'off'}${s.transport === 'u1' ? '' : ` ${s.transport}`}`;
    groups.set(k, [...(groups.get(k) ?? []), s]);
  }
  const cpu: Series[] = [...groups.entries()].map(([name, list]) => ({
    name,
    color: COLORS[`${list[0]!.peer} ${list[0]!.tracing ? 'on' : 'off'}`] ?? '#555',
    dashed: !list[0]!.tracing,
    points: list.map((s) => ({ x: s.achievedRate, y: s.cpuMsPerCall, hollow: !isClean(s) })),
  }));
  const byPeer = new Map<string, Overhead[]>();
  for (const o of overheads(steps)) {
    const k = `${o.peer} on/off${o.transport === 'u1' ? '' : ` ${o.transport}`}`;
    byPeer.set(k, [...(byPeer.get(k) ?? []), o]);
  }
  const ratio: Series[] = [...byPeer.entries()].map(([name, list]) => ({
    name,
    color: list[0]!.peer === 'tsips' ? '#d62728' : '#1f77b4',
    points: list.map((o) => ({ x: o.rate, y: o.ratio, hollow: !o.clean })),
  }));
  return renderSvg('tsips bench: HEP tracing overhead', [
    { title: 'CPU ms per call, tracing off (dashed) / on', xLabel: 'achieved calls/s', yLabel: 'proxy CPU ms per call', series: cpu },
    { title: 'CPU per call, on / off', xLabel: 'offered calls/s', yLabel: 'ratio', series: ratio },
  ], 'Open circles: steps that were not clean.');
}
