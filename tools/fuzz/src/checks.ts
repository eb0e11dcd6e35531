import { miClient, probeHepTcp, probeHepUdp, probeMsrp, probeSipTcp, probeSipUdp, PROBE_TIMEOUT_MS, statistics, type ProbeResult } from './liveness.js';
import { rssMb, type ServerProcess } from './server.js';
import type { Summary } from './summary.js';
import type { Endpoints, Target } from './types.js';

export type FailureKind = 'crash' | 'hang' | 'liveness' | 'error-log' | 'rss' | 'leak' | 'wrong-answer' | 'bad-answer';

export interface Failure {
  kind: FailureKind;
  detail: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The probes that apply to a server: every endpoint it has that a target uses. */
function probesFor(e: Endpoints, targets: readonly Target[]): (() => Promise<ProbeResult>)[] {
  const p: (() => Promise<ProbeResult>)[] = [];
  if (e.sip) p.push(() => probeSipUdp(e), () => probeSipTcp(e));
  if (e.msrp) p.push(() => probeMsrp(e));
  if (e.hep && e.sip && targets.includes('hep-udp')) p.push(() => probeHepUdp(e));
  if (e.hepTcp && targets.includes('hep-tcp')) p.push(() => probeHepTcp(e));
  return p;
}

/**
 * After a batch: the process is alive, every probe answers within 2 s, MI get_statistics
 * answers, nothing was logged at error level, RSS is under the limit, and the server let go
 * of the batch's connections (tcp:connections back to where it was).
 */
export class Checker {
  private readonly mi;
  private baseConns = 0;

  constructor(
    private readonly server: ServerProcess,
    private readonly e: Endpoints,
    private readonly targets: readonly Target[],
    private readonly summary: Summary,
    private readonly rssLimitMb: number,
  ) {
    this.mi = e.mi ? miClient(e) : undefined;
  }

  /** Stats at the start (for the deltas and the connection baseline). */
  async start(): Promise<Map<string, number>> {
    const rss = await rssMb(this.server.pid);
    this.summary.rssStartMb = rss ?? 0;
    this.summary.maxRssMb = rss ?? 0;
    const stats = this.mi ? await statistics(this.mi) : new Map<string, number>();
    this.baseConns = stats.get('tcp:connections') ?? 0;
    return stats;
  }

  async stats(): Promise<Map<string, number>> {
    return this.mi ? statistics(this.mi) : new Map();
  }

  async check(): Promise<Failure | undefined> {
    const gone = this.server.exited();
    if (gone) return { kind: 'crash', detail: `server ${gone}` };
    const results = await Promise.all(probesFor(this.e, this.targets).map((p) => p()));
    for (const r of results) this.summary.probe(r.name, r.ms);
    const after = this.server.exited();
    if (after) return { kind: 'crash', detail: `server ${after}` };
    const bad = results.find((r) => !r.ok);
    if (bad) return { kind: bad.ms >= PROBE_TIMEOUT_MS ? 'hang' : 'liveness', detail: `${bad.name}: ${bad.detail} after ${bad.ms} ms` };
    let stats: Map<string, number> | undefined;
    if (this.mi) {
      const t0 = Date.now();
      try {
        stats = await statistics(this.mi);
      } catch (e) {
        return { kind: Date.now() - t0 >= PROBE_TIMEOUT_MS ? 'hang' : 'liveness', detail: `MI get_statistics: ${(e as Error).message}` };
      }
      this.summary.probe('mi get_statistics', Date.now() - t0);
    }
    const errors = this.server.logs.takeErrors();
    if (errors.length > 0) return { kind: 'error-log', detail: `server logged ${errors.length} error(s); first: ${errors[0]!.slice(0, 1500)}` };
    const rss = await rssMb(this.server.pid);
    if (rss !== undefined) {
      this.summary.maxRssMb = Math.max(this.summary.maxRssMb, rss);
      if (rss > this.rssLimitMb) return { kind: 'rss', detail: `RSS ${rss.toFixed(0)} MB is over the ${this.rssLimitMb} MB limit` };
    }
    return stats ? this.connectionsReleased(stats) : undefined;
  }

  /** Every connection of the batch is closed on our side: the server must close its side. */
  private async connectionsReleased(first: Map<string, number>): Promise<Failure | undefined> {
    let conns = first.get('tcp:connections') ?? 0;
    for (let waited = 0; conns > this.baseConns + 1 && waited < 3000; waited += 250) {
      await sleep(250);
      conns = (await statistics(this.mi!)).get('tcp:connections') ?? 0;
    }
    if (conns > this.baseConns + 1) return { kind: 'leak', detail: `${conns} TCP connections still open 3 s after the batch (${this.baseConns} before)` };
    return undefined;
  }
}
