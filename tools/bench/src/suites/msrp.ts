import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PeerName } from '../args.js';
import { CpuSampler } from '../cpu-sampler.js';
import { LineChild } from '../line-child.js';
import { memoryOf } from '../memory.js';
import type { LoadResult } from '../msrp-load.js';
import { PEER_DRIVERS, runnablePeers, withPeer } from '../peers/index.js';
import type { RunningPeer } from '../peers/types.js';
import { pickPorts } from '../ports.js';
import { machineBusyTicks, processTreePids, ticksToMs, treeCpuTicksOf } from '../proc.js';
import { createProgress } from '../progress.js';
import { fmt } from '../report/table.js';
import { cpuMsPerMb, mbPerSec, msrpSummary, msrpSvg, runsTable, verdictOf, type MsrpRun } from './msrp-report.js';
import type { Suite, SuiteContext, SuiteResult } from './types.js';

const IP = '127.0.0.1';
const CLIENT_JS = fileURLToPath(new URL('../msrp-client.js', import.meta.url));
/** Unrecorded traffic first, so Node's JIT and every relay's buffers are warm. */
const WARMUP_MS = 1000;
/** Kamailio 5.6's msrp module relays frames up to 14338 bytes (body plus about 300 of headers). */
const KAMAILIO_MAX_BODY = 14_000;

export interface MsrpPlan {
  peers: PeerName[];
  rounds: number;
  durationS: number;
  pairs: number;
  window: number;
  chunk: number;
}

/** --quick: one run per relay of 5 s (about 30 s in all). */
export function msrpPlan(o: { peers: PeerName[]; quick: boolean; duration?: number; pairs?: number; window?: number; chunk?: number }): MsrpPlan {
  return {
    peers: o.peers,
    rounds: o.quick ? 1 : 3,
    durationS: o.duration ?? (o.quick ? 5 : 10),
    pairs: o.pairs ?? 4,
    window: o.window ?? 16,
    chunk: o.chunk ?? 8192,
  };
}

async function measure(peer: RunningPeer, plan: MsrpPlan, round: number): Promise<MsrpRun> {
  const client = LineChild.node('msrp client', CLIENT_JS, [String(peer.port), String(plan.pairs), String(plan.window), String(plan.chunk)]);
  try {
    await client.ask('setup', 20_000);
    await client.ask(`run ${WARMUP_MS}`, WARMUP_MS + 15_000);
    const cpu0 = treeCpuTicksOf(peer.pid);
    const busy0 = machineBusyTicks();
    const t0 = performance.now();
    const sampler = new CpuSampler({ client: client.pid }).start();
    const answer = await client.ask(`run ${plan.durationS * 1000}`, plan.durationS * 1000 + 15_000);
    const cpu = sampler.stop()['client']!;
    const wallMs = performance.now() - t0;
    const relayTicks = treeCpuTicksOf(peer.pid) - cpu0;
    const otherMs = ticksToMs(machineBusyTicks() - busy0 - relayTicks - cpu.ticks);
    const mem = memoryOf(processTreePids(peer.pid));
    const load = JSON.parse(answer.replace(/^result /, '')) as LoadResult;
    return {
      peer: peer.name, round, load, relayCpuMs: ticksToMs(relayTicks), relayCpuPct: (ticksToMs(relayTicks) / wallMs) * 100,
      rssKb: mem.rssKb, pssKb: mem.pssKb, processes: mem.processes, clientAvgPct: cpu.avgPct, clientPeakPct: cpu.peakPct,
      otherCpuPct: Math.max(0, (otherMs / wallMs) * 100),
    };
  } finally {
    await client.stop();
  }
}

function failedRun(peer: PeerName, round: number, error: string): MsrpRun {
  return {
    peer, round, load: { pairs: [], elapsedMs: 0, sendMs: 0, undelivered: 0 }, relayCpuMs: NaN, relayCpuPct: NaN, rssKb: NaN, pssKb: NaN,
    processes: 0, clientAvgPct: NaN, clientPeakPct: NaN, otherCpuPct: NaN, error,
  };
}

async function runMsrpSuite(ctx: SuiteContext): Promise<SuiteResult> {
  const plan = msrpPlan(ctx.opts);
  const notes: string[] = [];
  const peers = runnablePeers(plan.peers, ctx, notes);
  notes.push(`load: a separate Node process (src/msrp-client.ts) with ${plan.pairs} sender/receiver pairs of TCP connections to the relay on 127.0.0.1; each receiver AUTHs (no credentials) and gets its session URI (Use-Path); each sender SENDs ${plan.chunk} B text/plain chunks of 64-chunk messages (Message-ID, Byte-Range, Failure-Report: yes) with To-Path = <Use-Path> <receiver URI>, keeping ${plan.window} SENDs waiting for the relay's 200; receivers answer every SEND with 200 (absorbed by the relay) and check each body's CRC-32 against the one sent`);
  notes.push(`${plan.durationS} s of sending per run after ${WARMUP_MS / 1000} s of unrecorded traffic on the same connections, then up to 5 s for the last deliveries; MB/s = delivered body bytes / (first SEND to last delivery); relays run fresh for each run, interleaved (${peers.join(', ')}${plan.rounds > 1 ? ', repeated' : ''})`);
  notes.push('relay CPU: utime+stime of all its processes (/proc) over the measured run; RSS/PSS: smaps_rollup summed over its processes after the run (Kamailio\'s processes share memory: PSS is the fair figure); client CPU peak >= 90 % of a core marks a saturated client');
  notes.push('Kamailio 5.6 msrp: tcp_children=2; its msrp module relays frames of at most 14338 bytes and builds $msrp(...) only for frames under 11239 bytes, so chunks default to 8 KB (the issue asked 16 KB, which Kamailio cannot relay); tsips: one process');
  if (plan.chunk > KAMAILIO_MAX_BODY && peers.includes('kamailio')) notes.push(`--chunk ${plan.chunk}: above what Kamailio 5.6's msrp module relays; its runs are expected to fail`);

  const runs: MsrpRun[] = [];
  const progress = createProgress('msrp', plan.rounds * peers.length);
  try {
    for (let round = 1; round <= plan.rounds; round++) {
      for (const name of peers) {
        progress.step(`${name} round ${round}`);
        const dir = join(ctx.runDir, `${name}-${round}`);
        mkdirSync(dir, { recursive: true });
        const [port] = await pickPorts(1);
        await withPeer(
          () => PEER_DRIVERS[name].start({ mode: 'stateful', template: 'msrp', transport: 't1', ip: IP, port: port!, uas: { ip: IP, port: port! }, dir, shim: '' }),
          async (peer) => {
            if (round === 1) notes.push(`${name}: config ${peer.configPath}`);
            const r = await measure(peer, plan, round);
            runs.push(r);
            progress.note(`${name} round ${round}: ${fmt(mbPerSec(r), 1)} MB/s, ${fmt(cpuMsPerMb(r), 2)} relay CPU ms/MB, relay CPU ${fmt(r.relayCpuPct, 0)} %, client peak ${fmt(r.clientPeakPct, 0)} % -> ${verdictOf(r)}`);
          },
          (error) => {
            const msg = `${name} round ${round} failed: ${error}`;
            runs.push(failedRun(name, round, error.split('\n')[0]!));
            progress.note(msg);
            notes.push(msg);
          },
        );
      }
    }
  } finally {
    progress.done();
  }
  return {
    suite: 'msrp',
    title: `MSRP relay throughput: ${plan.pairs} pairs, ${plan.chunk} B chunks, window ${plan.window}, tsips vs Kamailio`,
    notes,
    tables: runs.length > 0 ? [runsTable(runs, plan.chunk)] : [],
    summary: msrpSummary(runs),
    data: { plan: { ...plan, peers }, warmupMs: WARMUP_MS, runs: runs.map((r) => ({ ...r, mbPerSec: mbPerSec(r), cpuMsPerMb: cpuMsPerMb(r) })) },
    svg: msrpSvg(runs),
  };
}

export const msrpSuite: Suite = {
  name: 'msrp',
  describe: 'MSRP relay (RFC 4976) throughput in MB/s, CPU per MB and memory, tsips vs Kamailio',
  run: runMsrpSuite,
};
