import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PeerName, Transport } from '../args.js';
import { stopChild } from '../children.js';
import { capFile } from '../files.js';
import { diffCounts, type HepCounts } from '../hep-count.js';
import { ensureCommand } from '../install.js';
import { LineChild } from '../line-child.js';
import { PEER_DRIVERS, runnablePeers } from '../peers/index.js';
import type { RunningPeer } from '../peers/types.js';
import { pickPorts } from '../ports.js';
import { createProgress } from '../progress.js';
import { fmt } from '../report/table.js';
import { prepareScenarios, type Scenarios } from '../scenarios.js';
import { buildShim } from '../shim.js';
import { verdict } from './proxy-report.js';
import { SOCKET_BUFFER, runStep } from './proxy-step.js';
import { collapsed, isClean, needsRetry } from './proxy-summary.js';
import { hepPerCall, overheads, overheadTable, traceStepTable, traceSummary, traceSvg, type TraceStep } from './trace-report.js';
import type { Suite, SuiteContext, SuiteResult } from './types.js';

const IP = '127.0.0.1';
const WARMUP_S = 2;
const COLLECTOR_JS = fileURLToPath(new URL('../hep-collector.js', import.meta.url));

export interface TracePlan {
  peers: PeerName[];
  transports: Transport[];
  rates: number[];
  durationS: number;
}

/** --quick: UDP, 4 rates x 4 variants of 3 s, about 90 s on 2 cores. */
export function tracePlan(o: { peers: PeerName[]; quick: boolean; rates?: number[]; duration?: number; transports?: Transport[] }): TracePlan {
  return {
    peers: o.peers,
    transports: o.transports ?? ['u1'],
    rates: o.rates ?? (o.quick ? [500, 1000, 1500, 2000] : [500, 1000, 1500, 2000, 2500]),
    durationS: o.duration ?? (o.quick ? 3 : 10),
  };
}

/** One proxy process of the run: a peer with tracing off or on. */
interface Variant {
  peer: PeerName;
  tracing: boolean;
  key: string;
  running?: RunningPeer;
}

/** The order of a rate step: tsips off, Kamailio off, tsips on, Kamailio on. */
export function variantsOf(peers: readonly PeerName[]): Variant[] {
  return [false, true].flatMap((tracing) => peers.map((peer) => ({ peer, tracing, key: `${peer}-${tracing ? 'on' : 'off'}` })));
}

async function collectorCounts(c: LineChild): Promise<Record<string, HepCounts>> {
  const a = await c.ask('counts', 5000);
  return JSON.parse(a.replace(/^counts /, '')) as Record<string, HepCounts>;
}

interface TransportRun {
  ctx: SuiteContext;
  transport: Transport;
  variants: Variant[];
  collector: LineChild;
  hepPorts: Record<string, number>;
  scenarios: Scenarios;
  shim: string;
  notes: string[];
}

async function startVariants(r: TransportRun): Promise<{ uasPort: number; uacPort: number; dir: string }> {
  const [uasPort, uacPort, ...ports] = await pickPorts(2 + r.variants.length);
  const dir = join(r.ctx.runDir, r.transport);
  mkdirSync(dir, { recursive: true });
  for (const [i, v] of r.variants.entries()) {
    try {
      const spec = {
        mode: 'stateful' as const, transport: r.transport, ip: IP, port: ports[i]!, uas: { ip: IP, port: uasPort! }, dir, shim: r.shim,
        ...(v.tracing ? { template: 'trace', vars: { HEP_PORT: String(r.hepPorts[v.key]) } } : {}),
      };
      v.running = await PEER_DRIVERS[v.peer].start(spec);
      r.notes.push(`${v.key} (${r.transport}): config ${v.running.configPath}`);
    } catch (e) {
      const msg = `${v.key} could not run ${r.transport}: ${(e as Error).message}`;
      r.notes.push(msg);
      r.ctx.log(msg);
    }
  }
  return { uasPort: uasPort!, uacPort: uacPort!, dir };
}

async function runTraceSuite(ctx: SuiteContext): Promise<SuiteResult> {
  const plan = tracePlan(ctx.opts);
  const notes: string[] = [];
  ensureCommand('sipp', 'sip-tester', ctx.opts.install, ctx.log);
  const peers = runnablePeers(plan.peers, ctx, notes);
  ensureCommand('gcc', 'gcc', ctx.opts.install, ctx.log);
  const shim = buildShim(ctx.runDir);
  const scenarios = prepareScenarios(ctx.opts.scenario, ctx.runDir);
  notes.push(`scenario: ${scenarios.label}; socket buffers 4 MB for every process (SIPp -buff_size ${SOCKET_BUFFER}), as in the stateful suite`);
  notes.push(`tracing off: the stateful suite's configs (peers/<proxy>-stateful.cfg); on: peers/<proxy>-trace.cfg, the same plus HEPv3 over UDP of each transaction (tsips: proto_hep + tracer, trace("tid", "t") before t_relay(); Kamailio: siptrace, sip_trace(<collector>, "", "t") before t_relay())`);
  notes.push('HEP collector: a separate Node process with one UDP socket per traced proxy, counting packets, bytes and HEPv3 packets with a SIP payload (requests / replies); HEP pkts/call = packets received during the step / successful calls');
  notes.push(`${plan.durationS} s of traffic per step after an unrecorded ${WARMUP_S} s warm-up per proxy process; all four proxy processes run side by side and each rate step runs tsips off, Kamailio off, tsips on, Kamailio on; a borderline step is measured once more; a process that collapses skips its higher rates`);

  const variants = variantsOf(peers);
  const collector = LineChild.node('HEP collector', COLLECTOR_JS, variants.filter((v) => v.tracing).map((v) => v.key));
  const steps: TraceStep[] = [];
  const progress = createProgress('trace', plan.transports.length * (plan.rates.length + 1) * variants.length);
  try {
    const portsLine = await collector.ask('ports', 10_000);
    const hepPorts = Object.fromEntries(portsLine.replace(/^ports /, '').split(' ').map((kv) => kv.split('=')).map(([k, v]) => [k!, Number(v)]));
    for (const transport of plan.transports) {
      const fresh: Variant[] = variants.map(({ peer, tracing, key }) => ({ peer, tracing, key }));
      const run: TransportRun = { ctx, transport, variants: fresh, collector, hepPorts, scenarios, shim, notes };
      const { uasPort, uacPort, dir } = await startVariants(run);
      const gaveUp = new Set<string>();
      try {
        const step = async (v: Variant, rate: number, durationS: number, sub: string): Promise<TraceStep> => {
          const before = v.tracing ? await collectorCounts(collector) : undefined;
          const s = await runStep({
            peer: v.running!, mode: 'stateful', transport, rate, durationS, ip: IP, uasPort, uacPort, scenarios, shim, dir: join(dir, sub),
          });
          const hep = before ? diffCounts((await collectorCounts(collector))[v.key]!, before[v.key]!) : undefined;
          return { ...s, tracing: v.tracing, ...(hep ? { hep } : {}) };
        };
        for (const v of fresh) {
          progress.step(`${v.key} ${transport} warm-up`);
          if (!v.running) continue;
          const w = await step(v, plan.rates[0]!, WARMUP_S, `${v.key}-warmup`);
          if (!isClean(w)) progress.note(`${v.key} ${transport}: warm-up step was not clean (${verdict(w)})`);
        }
        for (const rate of plan.rates) {
          for (const v of fresh) {
            progress.step(`${v.key} ${transport} ${rate} cps`);
            if (!v.running || gaveUp.has(v.key)) continue;
            let s = await step(v, rate, plan.durationS, `${v.key}-${rate}`);
            if (needsRetry(s)) {
              progress.note(`${v.key} ${transport} ${rate} cps: ${verdict(s)}; measuring it once more`);
              s = { ...(await step(v, rate, plan.durationS, `${v.key}-${rate}-again`)), firstTry: s };
            }
            steps.push(s);
            const h = hepPerCall(s);
            progress.note(`${transport} ${v.key} ${rate} cps: ${fmt(s.achievedRate)} cps, ${s.failed} failed, ${fmt(s.cpuMsPerCall, 3)} CPU ms/call${h ? `, ${fmt(h.packets, 2)} HEP pkts/call` : ''} -> ${verdict(s)}`);
            if (collapsed(s)) gaveUp.add(v.key);
          }
        }
      } finally {
        const live = fresh.flatMap((v) => (v.running ? [v.running] : []));
        await Promise.all(live.map((p) => stopChild(p.child, 5000)));
        for (const p of live) capFile(p.logPath);
      }
    }
  } finally {
    progress.done();
    await collector.stop();
  }

  return {
    suite: 'trace',
    title: 'HEP tracing overhead: stateful proxy, tracing off vs on, tsips vs Kamailio',
    notes,
    tables: [
      ...plan.transports.map((t) => traceStepTable(t, steps.filter((s) => s.transport === t))).filter((t) => t.rows.length > 0),
      overheadTable(overheads(steps)),
    ],
    summary: traceSummary(steps),
    data: { plan: { ...plan, peers }, scenario: scenarios.label, steps, overheads: overheads(steps) },
    svg: traceSvg(steps),
  };
}

export const traceSuite: Suite = {
  name: 'trace',
  describe: 'CPU ms per call of a stateful proxy with HEPv3 tracing of each transaction off and on, tsips vs Kamailio',
  run: runTraceSuite,
};
