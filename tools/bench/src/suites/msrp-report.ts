import type { PeerName } from '../args.js';
import type { LoadResult } from '../msrp-load.js';
import { fmt, fmtInt, type Table } from '../report/table.js';
import { renderSvg } from '../report/svg.js';
import { median } from './parse.js';

/** A load client using this much of a core (peak) was the limit, not the relay. */
export const CLIENT_SATURATED_PCT = 90;
const MB = 1e6;

/** One measured run of one relay. */
export interface MsrpRun {
  peer: PeerName;
  round: number;
  load: LoadResult;
  /** relay CPU (all its processes) during the measured run, ms */
  relayCpuMs: number;
  /** relay CPU as % of one core over the run */
  relayCpuPct: number;
  /** relay memory after the run (summed over its processes), kB */
  rssKb: number;
  pssKb: number;
  processes: number;
  clientAvgPct: number;
  clientPeakPct: number;
  /** CPU everything else used meanwhile, % of one core */
  otherCpuPct: number;
  error?: string;
}

export interface MsrpTotals {
  sent: number;
  acked: number;
  delivered: number;
  deliveredBytes: number;
  corrupt: number;
  rejected: number;
  reports: number;
}

export function totals(l: LoadResult): MsrpTotals {
  const t: MsrpTotals = { sent: 0, acked: 0, delivered: 0, deliveredBytes: 0, corrupt: 0, rejected: 0, reports: 0 };
  for (const p of l.pairs) {
    t.sent += p.sent;
    t.acked += p.acked;
    t.delivered += p.delivered;
    t.deliveredBytes += p.deliveredBytes;
    t.corrupt += p.corrupt;
    t.reports += p.reports;
    t.rejected += Object.values(p.rejected).reduce((a, b) => a + b, 0);
  }
  return t;
}

/** Delivered body MB (10^6 bytes) per second, from the first SEND to the last delivery. */
export function mbPerSec(r: MsrpRun): number {
  const t = totals(r.load);
  return r.load.elapsedMs > 0 ? t.deliveredBytes / MB / (r.load.elapsedMs / 1000) : NaN;
}

export function cpuMsPerMb(r: MsrpRun): number {
  const t = totals(r.load);
  return t.deliveredBytes > 0 ? r.relayCpuMs / (t.deliveredBytes / MB) : NaN;
}

export function clientSaturated(r: MsrpRun): boolean {
  return r.clientPeakPct >= CLIENT_SATURATED_PCT;
}

/** Every chunk the relay took reached its receiver intact, nothing was refused. */
export function intact(r: MsrpRun): boolean {
  const t = totals(r.load);
  return !r.error && t.delivered > 0 && t.corrupt === 0 && t.rejected === 0 && t.reports === 0 && t.delivered === t.acked && t.acked === t.sent;
}

export function verdictOf(r: MsrpRun): string {
  if (r.error) return `error: ${r.error}`;
  const t = totals(r.load);
  const bad: string[] = [];
  if (t.delivered === 0) bad.push('nothing delivered');
  if (t.corrupt > 0) bad.push(`${t.corrupt} corrupt`);
  if (t.rejected > 0) bad.push(`${t.rejected} refused`);
  if (t.reports > 0) bad.push(`${t.reports} REPORTs`);
  if (t.delivered !== t.acked || t.acked !== t.sent) bad.push(`${t.sent} sent / ${t.acked} acked / ${t.delivered} delivered`);
  const sat = clientSaturated(r) ? ', client saturated' : '';
  return bad.length === 0 ? `intact${sat}` : `NOT intact: ${bad.join(', ')}${sat}`;
}

export function runsTable(runs: readonly MsrpRun[], chunk: number): Table {
  return {
    title: `MSRP relay throughput, ${chunk} B chunks (MB = 10^6 bytes)`,
    columns: ['round', 'relay', 'delivered MB/s', 'chunks delivered', 'relay CPU ms/MB', 'relay CPU %', 'RSS MB', 'PSS MB', 'processes', 'client CPU avg/peak %', 'other CPU %', 'verdict'],
    leftColumns: [1, 11],
    rows: runs.map((r) => [
      String(r.round), r.peer, fmt(mbPerSec(r), 1), fmtInt(totals(r.load).delivered), fmt(cpuMsPerMb(r), 2), fmt(r.relayCpuPct, 0),
      fmt(r.rssKb / 1024, 1), fmt(r.pssKb / 1024, 1), String(r.processes), `${fmt(r.clientAvgPct, 0)}/${fmt(r.clientPeakPct, 0)}`,
      fmt(r.otherCpuPct, 0), verdictOf(r),
    ]),
  };
}

export interface PeerMedians {
  mbPerSec: number;
  cpuMsPerMb: number;
  rssKb: number;
  pssKb: number;
  runs: number;
  saturated: number;
}

/** Medians over a peer's intact runs (undefined when it has none). */
export function peerMedians(runs: readonly MsrpRun[], peer: PeerName): PeerMedians | undefined {
  const ok = runs.filter((r) => r.peer === peer && intact(r));
  if (ok.length === 0) return undefined;
  return {
    mbPerSec: median(ok.map(mbPerSec)),
    cpuMsPerMb: median(ok.map(cpuMsPerMb)),
    rssKb: median(ok.map((r) => r.rssKb)),
    pssKb: median(ok.map((r) => r.pssKb)),
    runs: ok.length,
    saturated: ok.filter(clientSaturated).length,
  };
}

export function msrpSummary(runs: readonly MsrpRun[]): string[] {
  const t = peerMedians(runs, 'tsips');
  const k = peerMedians(runs, 'kamailio');
  const lines: string[] = [];
  const describe = (name: string, m: PeerMedians | undefined): string => (m
    ? `${name}: ${fmt(m.mbPerSec, 1)} MB/s, ${fmt(m.cpuMsPerMb, 2)} CPU ms/MB, RSS ${fmt(m.rssKb / 1024, 1)} MB (PSS ${fmt(m.pssKb / 1024, 1)} MB) (median of ${m.runs} intact run${m.runs > 1 ? 's' : ''})`
    : `${name}: no intact run`);
  lines.push(describe('tsips', t), describe('Kamailio', k));
  if (t && k) {
    lines.push(`tsips/Kamailio: throughput ${fmt(t.mbPerSec / k.mbPerSec, 2)}x (higher is better for tsips), CPU per MB ${fmt(t.cpuMsPerMb / k.cpuMsPerMb, 2)}x (lower is better), RSS ${fmt(t.rssKb / k.rssKb, 2)}x, PSS ${fmt(t.pssKb / k.pssKb, 2)}x`);
  }
  const sat = runs.filter(clientSaturated);
  if (sat.length > 0) {
    lines.push(`client saturated (peak >= ${CLIENT_SATURATED_PCT} % of a core) in ${sat.length} of ${runs.length} runs (${[...new Set(sat.map((r) => r.peer))].join(', ')}): there the load client, not the relay, capped the throughput, so MB/s is a lower bound for that relay; CPU ms/MB stays comparable`);
  }
  return lines;
}

export function msrpSvg(runs: readonly MsrpRun[]): string {
  const series = (y: (r: MsrpRun) => number) => (['tsips', 'kamailio'] as const).map((peer) => ({
    name: peer,
    color: peer === 'tsips' ? '#d62728' : '#1f77b4',
    points: runs.filter((r) => r.peer === peer && !r.error).map((r) => ({ x: r.round, y: y(r), hollow: !intact(r) || clientSaturated(r) })),
  })).filter((s) => s.points.length > 0);
  return renderSvg('tsips bench: MSRP relay', [
    { title: 'delivered MB/s', xLabel: 'round', yLabel: 'MB/s', series: series(mbPerSec) },
    { title: 'relay CPU ms per MB', xLabel: 'round', yLabel: 'CPU ms/MB', series: series(cpuMsPerMb) },
  ], 'Open circles: runs not intact or with a saturated client.');
}
