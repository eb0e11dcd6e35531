/**
 * The `tm-memory` suite's measurement, run inside one process (tm-memory-child.ts runs it in
 * a fresh `node --expose-gc` so the bench's own heap does not blur the figures): a tsips
 * server with tm relays INVITEs to a UDP port that never answers, so every transaction stays
 * live, and the process memory is read before and after N of them.
 */
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { TsipsServer, silentLogger, sipRequest, type ReceiveInfo } from '@tsips/core';

/** Transactions created (and kept) before the first reading: JIT, lazy state and table growth of the first calls stay out of the slope. */
export const WARMUP_TRANSACTIONS = 500;

/** INVITEs handed to the server per event-loop turn, so UDP sends drain between batches. */
const BATCH = 250;

/**
 * The server: t_relay of every request to `sinkPort`. Timers are long enough that nothing
 * expires or is retransmitted while the suite measures (fr/fr_inv 10 min, max lifetime
 * 10 min, T1 = 5 s: the first INVITE retransmission would come 5 s after the request).
 */
export function tmMemoryConfig(sinkPort: number): string {
  return [
    'log_level = 1',
    'socket = udp:127.0.0.1:0',
    'loadmodule "proto_udp"',
    'loadmodule "sl"',
    'loadmodule "tm"',
    'modparam("tm", "fr_timeout", 600)',
    'modparam("tm", "fr_inv_timeout", 600)',
    'modparam("tm", "max_inv_lifetime", 600000)',
    'modparam("tm", "T1_timer", 5000)',
    'modparam("tm", "T2_timer", 40000)',
    'route {',
    `    $du = "sip:127.0.0.1:${sinkPort}";`,
    '    t_relay();',
    '    exit;',
    '}',
    '',
  ].join('\n');
}

/** The i-th INVITE: its own Call-ID and branch; the Via points at the sink, so the 100 Trying goes there too. */
export function memInvite(i: number, sinkPort: number): string {
  return sipRequest({
    method: 'INVITE',
    callId: `tm-mem-${i}`,
    via: `SIP/2.0/UDP 127.0.0.1:${sinkPort};branch=z9hG4bK-tmmem-${i}`,
  });
}

/** One process.memoryUsage() reading, bytes. */
export interface MemReading {
  rss: number;
  heapUsed: number;
  /** memory of Buffers and other objects outside the V8 heap (includes arrayBuffers) */
  external: number;
}

export interface ProbeResult {
  n: number;
  warmup: number;
  /** tm:inuse_transactions after warm-up and after the N INVITEs */
  liveBefore: number;
  liveAfter: number;
  /** global.gc was available (node --expose-gc) and ran before each reading */
  gc: boolean;
  before: MemReading;
  after: MemReading;
  /** messages the server sent during the N INVITEs (a relayed INVITE and a 100 Trying each) */
  sent: number;
  /** tm retransmission counters summed at the second reading: 0 means the timers stayed quiet */
  retransmissions: number;
  /** bytes of one INVITE as injected */
  inviteBytes: number;
  /** milliseconds to inject the N INVITEs and see them all live */
  injectMs: number;
}

/** Growth per 1000 items in KB: (after - before) / n * 1000 / 1024. */
export function kbPer1000(beforeBytes: number, afterBytes: number, n: number): number {
  return n > 0 ? ((afterBytes - beforeBytes) / n) * 1000 / 1024 : NaN;
}

/** Checks a child's JSON line; throws naming what is missing. */
export function parseProbeResult(line: string): ProbeResult {
  const r = JSON.parse(line) as Partial<ProbeResult>;
  const nums = ['n', 'warmup', 'liveBefore', 'liveAfter', 'sent', 'retransmissions', 'inviteBytes', 'injectMs'] as const;
  for (const k of nums) if (typeof r[k] !== 'number') throw new Error(`tm-memory probe: no number "${k}" in ${line.slice(0, 200)}`);
  for (const k of ['before', 'after'] as const) {
    const m = r[k];
    if (!m || typeof m.rss !== 'number' || typeof m.heapUsed !== 'number' || typeof m.external !== 'number') {
      throw new Error(`tm-memory probe: no memory reading "${k}" in ${line.slice(0, 200)}`);
    }
  }
  if (typeof r.gc !== 'boolean') throw new Error('tm-memory probe: no "gc" flag');
  return r as ProbeResult;
}

/** Full collections (several: one pass can leave garbage that only the next one finds), then a reading. */
async function settledReading(gc: (() => void) | undefined): Promise<MemReading> {
  await sleep(200); // let the UDP sends of the last batch complete and release their buffers
  if (gc) {
    for (let i = 0; i < 3; i++) {
      gc();
      await nextTurn();
    }
  }
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external };
}

async function tmStats(server: TsipsServer): Promise<Record<string, number>> {
  const res = (await server.mi.dispatch({ jsonrpc: '2.0', method: 'get_statistics', params: [['tm:']], id: 1 })) as
    | { result?: Record<string, number>; error?: { message: string } }
    | undefined;
  if (!res?.result) throw new Error(`tm-memory: get_statistics failed: ${res?.error?.message ?? 'no answer'}`);
  return res.result;
}

async function waitLive(server: TsipsServer, want: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const live = (await tmStats(server))['tm:inuse_transactions'] ?? 0;
    if (live >= want || Date.now() > deadline) return live;
    await sleep(20);
  }
}

/**
 * Starts the server, creates WARMUP_TRANSACTIONS, reads memory, creates `n` more, reads
 * again. `sinkPort` must be a bound UDP port that never answers (the suite holds it).
 */
export async function measureTmMemory(n: number, sinkPort: number): Promise<ProbeResult> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const server = await TsipsServer.load({ configText: tmMemoryConfig(sinkPort), configName: 'bench-tm-memory.cfg', logger: silentLogger() });
  let sent = 0;
  server.hooks.sent.tap('bench-tm-memory', () => { sent++; }); // a count only: keeping the buffers would be measured too
  await server.start();
  try {
    const listener = server.config.listeners[0] ?? null;
    const rcv = (): ReceiveInfo => ({
      proto: 'udp', srcIp: '127.0.0.1', srcPort: sinkPort, dstIp: listener?.ip ?? '127.0.0.1', dstPort: listener?.port ?? 5060,
      conId: 0, listener, time: performance.now(),
    });
    const inject = async (from: number, count: number): Promise<void> => {
      for (let i = 0; i < count; i++) {
        server.sip.receive(Buffer.from(memInvite(from + i, sinkPort), 'latin1'), rcv());
        if ((i + 1) % BATCH === 0) await nextTurn();
      }
    };

    await inject(0, WARMUP_TRANSACTIONS);
    const liveBefore = await waitLive(server, WARMUP_TRANSACTIONS, 10_000);
    const before = await settledReading(gc);
    const sentBefore = sent;
    const t0 = performance.now();
    await inject(WARMUP_TRANSACTIONS, n);
    const liveAfter = await waitLive(server, WARMUP_TRANSACTIONS + n, 30_000);
    const injectMs = performance.now() - t0;
    const after = await settledReading(gc);
    const st = await tmStats(server);
    const retransmissions = Object.entries(st).filter(([k]) => k.startsWith('tm:retransmission_')).reduce((s, [, v]) => s + v, 0);
    return {
      n, warmup: WARMUP_TRANSACTIONS, liveBefore, liveAfter, gc: gc !== undefined, before, after,
      sent: sent - sentBefore, retransmissions, inviteBytes: Buffer.byteLength(memInvite(0, sinkPort)), injectMs,
    };
  } finally {
    await server.stop(); // takes tm's 4 s shutdown drain: these transactions never get a final reply
  }
}
