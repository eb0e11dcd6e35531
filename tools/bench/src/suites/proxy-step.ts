import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Transport } from '../args.js';
import { exited, stopChild, waitExit } from '../children.js';
import { CpuSampler } from '../cpu-sampler.js';
import { capFiles } from '../files.js';
import type { ProxyMode, RunningPeer } from '../peers/types.js';
import { isListening, machineBusyTicks, ticksToMs, treeCpuTicksOf, udpRcvbufErrors } from '../proc.js';
import type { Scenarios } from '../scenarios.js';
import { shimEnv } from '../shim.js';
import { readStats, startSipp, takeRtt, uacArgs, uasArgs } from '../sipp.js';
import { achievedRate } from '../sipp-stats.js';
import { SIPP_SATURATED_PCT, type StepResult } from './proxy-summary.js';

/** 4 MB SO_RCVBUF/SO_SNDBUF for both SIPp instances (-buff_size). */
export const SOCKET_BUFFER = 4 * 1024 * 1024;
/** A call waiting this long for its next message fails, so a broken step still ends. */
const RECV_TIMEOUT_MS = 4000;

export interface StepPlan {
  peer: RunningPeer;
  mode: ProxyMode;
  transport: Transport;
  rate: number;
  durationS: number;
  ip: string;
  uasPort: number;
  uacPort: number;
  scenarios: Scenarios;
  shim: string;
  /** Folder for this step's SIPp files. */
  dir: string;
}

async function waitListening(port: number, proto: 'udp' | 'tcp', ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (isListening(port, proto)) return true;
    await sleep(50);
  }
  return false;
}

/**
 * One fixed-rate step: a fresh SIPp uas, then a SIPp uac placing rate x duration calls
 * through the proxy. The proxy's CPU and the kernel's UDP drop counter are read just
 * before the uac starts and once it has finished (plus a short settle for the last
 * relays); both SIPp instances are sampled to tell a saturated load generator apart.
 */
export async function runStep(p: StepPlan): Promise<StepResult> {
  mkdirSync(p.dir, { recursive: true });
  const calls = Math.max(1, Math.round(p.rate * p.durationS));
  const base: StepResult = {
    peer: p.peer.name, mode: p.mode, transport: p.transport, targetRate: p.rate, durationS: p.durationS, calls,
    created: 0, successful: 0, failed: 0, failedBy: {}, uasFailed: 0, retransmissions: 0, achievedRate: 0,
    proxyCpuMs: NaN, cpuMsPerCall: NaN, proxyCpuPct: NaN, meanRtMs: NaN, rcvbufErrors: NaN,
    sippUacPeakPct: NaN, sippUasPeakPct: NaN, sippSaturated: false, otherCpuPct: NaN, timedOut: false,
  };
  const gone = (): StepResult => ({ ...base, error: `${p.peer.name} is no longer running (see ${p.peer.logPath})` });
  if (exited(p.peer.child)) return gone();
  const proto = p.transport === 'u1' ? 'udp' : 'tcp';
  const common = { transport: p.transport, ip: p.ip, buffSize: SOCKET_BUFFER };
  const uas = startSipp(uasArgs({ ...common, scenario: p.scenarios.uas, statFile: 'uas.csv', port: p.uasPort }), p.dir, 'uas.log');
  try {
    if (uas.pid === undefined || !(await waitListening(p.uasPort, proto, 5000))) {
      return { ...base, error: `SIPp uas did not listen on ${p.ip}:${p.uasPort}/${proto} (see ${join(p.dir, 'uas.log')})` };
    }
    const cpu0 = treeCpuTicksOf(p.peer.pid);
    const busy0 = machineBusyTicks();
    const drops0 = udpRcvbufErrors();
    const t0 = performance.now();
    // -t tn: SIPp binds each client socket to port 0; the shim defers the port to connect().
    const env = p.transport === 'tn' ? shimEnv(p.shim, { noPort: true }) : undefined;
    const uac = startSipp(uacArgs({
      ...common, scenario: p.scenarios.uac, statFile: 'uac.csv', target: `${p.ip}:${p.peer.port}`, port: p.uacPort,
      rate: p.rate, calls, recvTimeoutMs: RECV_TIMEOUT_MS, rttFreq: 50,
    }), p.dir, 'uac.log', env);
    if (uac.pid === undefined) return { ...base, error: 'SIPp uac did not start' };
    const sampler = new CpuSampler({ uac: uac.pid, uas: uas.pid }).start();
    const limitMs = p.durationS * 1000 + RECV_TIMEOUT_MS + 10_000;
    const timedOut = !(await waitExit(uac, limitMs));
    if (timedOut) await stopChild(uac, 3000, 'SIGUSR1'); // SIGUSR1: SIPp stops placing calls and exits
    const sipp = sampler.stop();
    await sleep(300);
    const proxyTicks = treeCpuTicksOf(p.peer.pid) - cpu0;
    const busyTicks = machineBusyTicks() - busy0;
    const cpuMs = ticksToMs(proxyTicks);
    const wallMs = performance.now() - t0;
    // Whatever else ran on the machine meanwhile (other jobs make a step noisy).
    const otherMs = ticksToMs(busyTicks - proxyTicks - (sipp['uac']?.ticks ?? 0) - (sipp['uas']?.ticks ?? 0));
    const drops = udpRcvbufErrors() - drops0;
    await stopChild(uas, 3000);

    if (exited(p.peer.child)) return gone();
    const stats = readStats(p.dir, 'uac.csv');
    const uasStats = readStats(p.dir, 'uas.csv');
    const rtt = takeRtt(p.dir, uac.pid);
    if (!stats) return { ...base, timedOut, error: `no SIPp uac statistics (see ${join(p.dir, 'uac.log')})` };
    const uacPeak = sipp['uac']?.peakPct ?? NaN;
    const uasPeak = sipp['uas']?.peakPct ?? NaN;
    return {
      ...base,
      created: stats.created,
      successful: stats.successful,
      failed: stats.failed,
      failedBy: stats.failedBy,
      uasFailed: uasStats?.failed ?? NaN,
      retransmissions: stats.retransmissions + (uasStats?.retransmissions ?? 0),
      achievedRate: achievedRate(stats, rtt),
      proxyCpuMs: cpuMs,
      cpuMsPerCall: stats.successful > 0 ? cpuMs / stats.successful : NaN,
      proxyCpuPct: (cpuMs / wallMs) * 100,
      meanRtMs: rtt && rtt.count > 0 ? rtt.meanMs : stats.meanRtMs,
      rcvbufErrors: drops,
      sippUacPeakPct: uacPeak,
      sippUasPeakPct: uasPeak,
      sippSaturated: uacPeak >= SIPP_SATURATED_PCT || uasPeak >= SIPP_SATURATED_PCT,
      otherCpuPct: Math.max(0, (otherMs / wallMs) * 100),
      timedOut,
    };
  } finally {
    await stopChild(uas, 3000);
    capFiles(p.dir, /\.log$/); // SIPp screens and error traces
  }
}
