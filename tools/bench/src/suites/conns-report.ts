import type { PeerName } from '../args.js';
import { bytesPer, type Memory } from '../memory.js';
import { fmt, fmtInt, type Table } from '../report/table.js';
import { median } from './parse.js';

/** One peer holding N idle connections once. */
export interface ConnsRun {
  peer: PeerName;
  round: number;
  /** connections asked for */
  target: number;
  /** connections the client held at the end */
  held: number;
  /** server-side ESTABLISHED sockets of the port at the end (/proc/net/tcp) */
  serverEstablished: number;
  failed: number;
  closedByPeer: number;
  /** ms from the first connect to an empty accept queue after the last batch */
  acceptMs: number;
  /** system-wide TcpExt ListenOverflows during the accepts (another job may add to it) */
  listenOverflows: number;
  backlog: number;
  openFilesLimit: number;
  before: Memory;
  after: Memory;
  /** why the run stopped before `target`, if it did */
  stalled?: string;
}

const MB = (kb: number): string => fmt(kb / 1024, 1);

export function rssPerConn(r: ConnsRun): number {
  return bytesPer(r.before.rssKb, r.after.rssKb, r.held);
}

export function pssPerConn(r: ConnsRun): number {
  return bytesPer(r.before.pssKb, r.after.pssKb, r.held);
}

export function runsTable(runs: readonly ConnsRun[]): Table {
  return {
    title: 'Idle TCP connections held: memory of all the server\'s processes before and after (kB from /proc/<pid>/smaps_rollup)',
    columns: ['peer', 'round', 'processes', 'held', 'accept s', 'accepted/s', 'RSS before MB', 'RSS after MB', 'RSS B/conn', 'PSS before MB', 'PSS after MB', 'PSS B/conn', 'listen overflows'],
    rows: runs.map((r) => [
      r.stalled ? `${r.peer} (stalled)` : r.peer,
      String(r.round),
      String(r.after.processes),
      `${r.held}/${r.target}`,
      fmt(r.acceptMs / 1000, 2),
      fmtInt((r.held * 1000) / r.acceptMs),
      MB(r.before.rssKb),
      MB(r.after.rssKb),
      fmtInt(rssPerConn(r)),
      MB(r.before.pssKb),
      MB(r.after.pssKb),
      fmtInt(pssPerConn(r)),
      String(r.listenOverflows),
    ]),
  };
}

/** Median per-connection figures of one peer's complete runs (undefined when it has none). */
export function peerFigures(runs: readonly ConnsRun[], peer: PeerName): { rss: number; pss: number; acceptMs: number; runs: number } | undefined {
  const ok = runs.filter((r) => r.peer === peer && !r.stalled && r.held === r.target);
  if (ok.length === 0) return undefined;
  return { rss: median(ok.map(rssPerConn)), pss: median(ok.map(pssPerConn)), acceptMs: median(ok.map((r) => r.acceptMs)), runs: ok.length };
}

/** The verdict against the target "no more memory per connection than Kamailio". */
export function connsSummary(runs: readonly ConnsRun[], n: number): string[] {
  const t = peerFigures(runs, 'tsips');
  const k = peerFigures(runs, 'kamailio');
  const out: string[] = [];
  for (const [name, f] of [['tsips', t], ['kamailio', k]] as const) {
    if (f) out.push(`${name}: ${fmtInt(f.pss)} B PSS and ${fmtInt(f.rss)} B RSS per idle connection, ${fmt(f.acceptMs / 1000, 2)} s to accept ${n} (median of ${f.runs} run${f.runs > 1 ? 's' : ''})`);
    else out.push(`${name}: no complete run`);
  }
  if (t && k) {
    const verdict = t.pss <= k.pss ? 'PASS' : 'FAIL';
    out.push(`${verdict}: tsips uses ${fmt(t.pss / k.pss, 2)}x Kamailio's memory per connection by PSS (target <= 1x); by summed RSS ${fmt(t.rss / k.rss, 2)}x`);
    out.push(`accepting ${n} connections: tsips ${fmt(t.acceptMs / k.acceptMs, 2)}x Kamailio's time`);
  } else out.push('no verdict: tsips and Kamailio both need a complete run');
  return out;
}
