import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchOptions, PeerName, Transport } from '../args.js';
import { stopChild } from '../children.js';
import { capFile } from '../files.js';
import { ensureCommand } from '../install.js';
import { PEER_DRIVERS, runnablePeers } from '../peers/index.js';
import type { ProxyMode, RunningPeer } from '../peers/types.js';
import { pickPorts } from '../ports.js';
import { processTreePids } from '../proc.js';
import { createProgress } from '../progress.js';
import { fmt } from '../report/table.js';
import { prepareScenarios } from '../scenarios.js';
import { buildShim } from '../shim.js';
import { describeBuffers, udpSocketsOf } from '../sockbuf.js';
import { proxySvg, stepTable, verdict } from './proxy-report.js';
import { SOCKET_BUFFER, runStep } from './proxy-step.js';
import { collapsed, compare, comparisonLines, isClean, needsRetry, type StepResult } from './proxy-summary.js';
import type { Suite, SuiteContext, SuiteResult } from './types.js';

const IP = '127.0.0.1';
const WARMUP_S = 2;

export interface ProxyPlan {
  peers: PeerName[];
  transports: Transport[];
  rates: number[];
  durationS: number;
}

/** Steps of a run: --quick fits `stateful --quick` for both proxies in under 3 minutes on 2 cores. */
export function proxyPlan(o: BenchOptions): ProxyPlan {
  return {
    peers: o.peers,
    transports: o.transports ?? (o.quick ? ['u1', 't1'] : ['u1', 't1', 'tn']),
    rates: o.rates ?? (o.quick ? [500, 1000, 1500, 2000, 2500] : [500, 1000, 1500, 2000, 2500, 3000]),
    durationS: o.duration ?? (o.quick ? 3 : 10),
  };
}

async function startPeers(ctx: SuiteContext, mode: ProxyMode, transport: Transport, peers: PeerName[], shim: string, notes: string[]) {
  // SIPp's uac would otherwise take 5060, which other test runs on this machine use.
  const [uasPort, uacPort, ...ports] = await pickPorts(2 + peers.length);
  const running = new Map<PeerName, RunningPeer>();
  const dir = join(ctx.runDir, transport);
  mkdirSync(dir, { recursive: true });
  for (const [i, name] of peers.entries()) {
    try {
      const peer = await PEER_DRIVERS[name].start({ mode, transport, ip: IP, port: ports[i]!, uas: { ip: IP, port: uasPort! }, dir, shim });
      running.set(name, peer);
      const measured = describeBuffers(udpSocketsOf(processTreePids(peer.pid)));
      notes.push(`${name} (${transport}): ${peer.bufferNote}; measured UDP sockets: ${measured}; config ${peer.configPath}`);
    } catch (e) {
      const msg = `${name} could not run ${transport}: ${(e as Error).message}`;
      notes.push(msg);
      ctx.log(msg);
    }
  }
  return { running, uasPort: uasPort!, uacPort: uacPort!, dir };
}

async function runProxySuite(mode: ProxyMode, ctx: SuiteContext): Promise<SuiteResult> {
  const plan = proxyPlan(ctx.opts);
  const notes: string[] = [];
  ensureCommand('sipp', 'sip-tester', ctx.opts.install, ctx.log);
  const peers = runnablePeers(plan.peers, ctx, notes);
  ensureCommand('gcc', 'gcc', ctx.opts.install, ctx.log); // builds the LD_PRELOAD shim
  const shim = buildShim(ctx.runDir);
  const scenarios = prepareScenarios(ctx.opts.scenario, ctx.runDir);
  notes.push(`scenario: ${scenarios.label}`);
  notes.push(`socket buffers: 4 MB SO_RCVBUF/SO_SNDBUF requested for every process; SIPp: -buff_size ${SOCKET_BUFFER}`);
  if (plan.transports.includes('tn')) notes.push(`tn: the SIPp uac runs with an LD_PRELOAD shim setting IP_BIND_ADDRESS_NO_PORT (${shim})`);
  notes.push(`${plan.durationS} s of traffic per step after an unrecorded ${WARMUP_S} s warm-up step per proxy and transport; steps interleave the proxies (${peers.join(', ')}) at each rate; a step neither clean nor collapsed is measured once more (the table shows the second measurement); a proxy that collapses skips its higher rates`);
  notes.push('other CPU %: CPU the rest of the machine used during a step (the bench itself and any other job), in % of one core: a high value marks a noisy step');
  notes.push('CPU ms/call: utime+stime of all the proxy\'s processes (/proc) over the step / successful calls; UDP drops: RcvbufErrors delta of /proc/net/snmp (system-wide)');

  const steps: StepResult[] = [];
  const progress = createProgress(mode, plan.transports.length * (plan.rates.length + 1) * peers.length);
  try {
    for (const transport of plan.transports) {
      const { running, uasPort, uacPort, dir } = await startPeers(ctx, mode, transport, peers, shim, notes);
      const gaveUp = new Set<PeerName>();
      try {
        // An unrecorded short step first: Node's JIT (and any proxy's caches) warm up
        // before a measured step, for every proxy alike.
        for (const [name, peer] of running) {
          progress.step(`${name} ${transport} warm-up`);
          const w = await runStep({
            peer, mode, transport, rate: plan.rates[0]!, durationS: WARMUP_S, ip: IP, uasPort, uacPort, scenarios, shim,
            dir: join(dir, `${name}-warmup`),
          });
          if (!isClean(w)) progress.note(`${name} ${transport}: warm-up step was not clean (${verdict(w)})`);
        }
        for (const rate of plan.rates) {
          for (const name of peers) {
            const peer = running.get(name);
            progress.step(`${name} ${transport} ${rate} cps`);
            if (!peer || gaveUp.has(name)) continue;
            const plan1 = { peer, mode, transport, rate, durationS: plan.durationS, ip: IP, uasPort, uacPort, scenarios, shim };
            let step = await runStep({ ...plan1, dir: join(dir, `${name}-${rate}`) });
            if (needsRetry(step)) {
              progress.note(`${name} ${transport} ${rate} cps: ${verdict(step)}; measuring it once more`);
              step = { ...(await runStep({ ...plan1, dir: join(dir, `${name}-${rate}-again`) })), firstTry: step };
            }
            steps.push(step);
            progress.note(`${mode} ${transport} ${name} ${rate} cps: ${fmt(step.achievedRate)} cps, ${step.failed} failed, ${fmt(step.cpuMsPerCall, 3)} CPU ms/call, ${fmt(step.meanRtMs, 2)} ms -> ${verdict(step)}`);
            if (collapsed(step)) {
              gaveUp.add(name);
              if (rate !== plan.rates[plan.rates.length - 1]) progress.note(`${name} ${transport}: collapsed at ${rate} cps, higher rates skipped`);
            }
          }
        }
      } finally {
        await Promise.all([...running.values()].map((p) => stopChild(p.child, 5000)));
        for (const p of running.values()) capFile(p.logPath);
      }
    }
  } finally {
    progress.done();
  }

  const summary: string[] = [];
  for (const t of plan.transports) {
    const c = compare(steps, t);
    if (c) summary.push(...comparisonLines(c));
  }
  if (summary.length === 0) summary.push(`no tsips/Kamailio ratio: ran ${peers.join(', ') || 'no proxy'}`);
  return {
    suite: mode,
    title: `${mode} proxy: SIPp uac -> proxy -> SIPp uas`,
    notes,
    tables: plan.transports
      .map((t) => stepTable(mode, t, steps.filter((s) => s.transport === t), scenarios.label))
      .filter((t) => t.rows.length > 0),
    summary,
    data: { plan: { ...plan, peers }, scenario: scenarios.label, steps },
    svg: proxySvg(mode, steps),
  };
}

export function proxySuite(mode: ProxyMode): Suite {
  return {
    name: mode,
    describe: `${mode} relay of SIPp calls at fixed rate steps over UDP, TCP and TCP-per-call, tsips vs Kamailio`,
    run: (ctx) => runProxySuite(mode, ctx),
  };
}
