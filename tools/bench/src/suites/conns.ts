import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureCommand } from '../install.js';
import { memoryOf, noFileLimitOf } from '../memory.js';
import { runnablePeers, withPeer } from '../peers/index.js';
import type { RunningPeer } from '../peers/types.js';
import { pickPorts } from '../ports.js';
import { processTreePids } from '../proc.js';
import { createProgress, type Progress } from '../progress.js';
import { fmt } from '../report/table.js';
import { acceptQueue, listenBacklog, listenOverflows, serverSocketsOf } from '../tcp-accept.js';
import { ConnsClient } from './conns-client-driver.js';
import { startConnsPeer } from './conns-peers.js';
import { connsSummary, pssPerConn, rssPerConn, runsTable, type ConnsRun } from './conns-report.js';
import type { Suite, SuiteContext, SuiteResult } from './types.js';

const IP = '127.0.0.1';
/** Connections opened at once; the client waits for them before the next batch. */
export const BATCH = 500;
/** Opened and closed before the baseline, so first-use costs (code, allocator) are not counted. */
const WARMUP = 200;
/** A batch whose connections are not all accepted by then stops the run. */
const BATCH_DEADLINE_MS = 20_000;
/** Memory is read after the connections sit idle this long (Kamailio hands them between processes). */
const SETTLE_MS = 5000;

export function connsPlan(quick: boolean): { n: number; rounds: number } {
  return quick ? { n: 2000, rounds: 1 } : { n: 10_000, rounds: 2 };
}

/**
 * Waits until the server has accept()ed every connection the client holds: the accept
 * queue is empty and, if a full queue dropped handshakes meanwhile (ListenOverflows grew;
 * such a client is connected while the server side still waits in SYN_RECV), the server
 * also has `expected` ESTABLISHED sockets. False at the deadline.
 */
async function allAccepted(port: number, expected: number, overflowsBefore: number, deadline: number): Promise<boolean> {
  for (;;) {
    if (acceptQueue(port) === 0) {
      if (listenOverflows() === overflowsBefore) return true;
      if (serverSocketsOf(port).established >= expected) return true; // ~100 ms with 20 000 sockets: only after overflows
    }
    if (Date.now() > deadline) return false;
    await sleep(2);
  }
}

/** Waits until the server has closed every connection of the port (after the warm-up). */
async function serverReleased(port: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    const s = serverSocketsOf(port);
    if (s.established + s.closeWait === 0) return true;
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
}

async function holdConnections(peer: RunningPeer, port: number, n: number, round: number, progress: Progress): Promise<ConnsRun> {
  const client = ConnsClient.start(port);
  try {
    const need = n + 256;
    for (const [who, pid] of [[peer.name, peer.pid], ['client', client.pid]] as const) {
      const limit = noFileLimitOf(pid);
      if (limit < need) throw new Error(`${who} may open only ${limit} files, ${need} needed (raise the hard limit: ulimit -Hn)`);
    }
    const backlog = listenBacklog(port) ?? NaN;

    const w = await client.open(WARMUP);
    if (w.failed > 0) throw new Error(`${peer.name}: ${w.failed} of ${WARMUP} warm-up connections failed`);
    await allAccepted(port, WARMUP, listenOverflows(), Date.now() + BATCH_DEADLINE_MS);
    await client.close();
    if (!(await serverReleased(port, 10_000))) progress.note(`${peer.name}: warm-up connections still open after 10 s`);
    await sleep(1000);

    const before = memoryOf(processTreePids(peer.pid));
    const overflows0 = listenOverflows();
    const t0 = performance.now();
    let failed = 0;
    let stalled: string | undefined;
    for (let asked = 0; asked < n && !stalled; ) {
      const k = Math.min(BATCH, n - asked);
      const ovf = listenOverflows();
      const r = await client.open(k);
      asked += k;
      failed += r.failed;
      if (!(await allAccepted(port, r.open, ovf, Date.now() + BATCH_DEADLINE_MS))) {
        stalled = `accept queue not empty ${BATCH_DEADLINE_MS / 1000} s after connection ${asked}`;
      }
      if (r.failed > 0 && !stalled) stalled = `${r.failed} connects failed in the batch ending at ${asked}`;
    }
    const acceptMs = performance.now() - t0;
    const overflows = listenOverflows() - overflows0;
    await sleep(SETTLE_MS);
    const after = memoryOf(processTreePids(peer.pid));
    const serverEstablished = serverSocketsOf(port).established;
    const st = await client.status();
    return {
      peer: peer.name, round, target: n, held: st.open, serverEstablished, failed, closedByPeer: st.closedByPeer,
      acceptMs, listenOverflows: overflows, backlog, openFilesLimit: noFileLimitOf(peer.pid), before, after,
      ...(stalled ? { stalled } : {}),
    };
  } finally {
    await client.stop();
  }
}

async function runConnsSuite(ctx: SuiteContext): Promise<SuiteResult> {
  const { n, rounds } = connsPlan(ctx.opts.quick);
  const notes: string[] = [];
  ensureCommand('ss', 'iproute2', ctx.opts.install, ctx.log);
  const peers = runnablePeers(ctx.opts.peers, ctx, notes);
  const runs: ConnsRun[] = [];
  const progress = createProgress('conns', rounds * peers.length);
  try {
    // Rounds interleave the peers (tsips, Kamailio, tsips, ...), each run in a fresh process.
    for (let round = 1; round <= rounds; round++) {
      for (const name of peers) {
        progress.step(`${name} round ${round}: ${n} connections`);
        const dir = join(ctx.runDir, `${name}-${round}`);
        mkdirSync(dir, { recursive: true });
        const [port] = await pickPorts(1);
        await withPeer(
          () => startConnsPeer(name, { ip: IP, port: port!, maxConnections: n + 2000, dir }),
          async (peer) => {
            const r = await holdConnections(peer, port!, n, round, progress);
            runs.push(r);
            progress.note(`${name} round ${round}: ${r.held}/${n} held, ${fmt(r.acceptMs / 1000, 2)} s to accept, ${fmt(rssPerConn(r), 0)} B RSS / ${fmt(pssPerConn(r), 0)} B PSS per connection${r.stalled ? ` (stalled: ${r.stalled})` : ''}`);
            if (round === 1) notes.push(`${name}: config ${peer.configPath}; ${r.after.processes} process${r.after.processes > 1 ? 'es' : ''} measured; open files limit ${r.openFilesLimit}; listen backlog ${r.backlog}`);
          },
          (error) => {
            const msg = `${name} round ${round} failed: ${error}`;
            notes.push(msg);
            progress.note(msg);
          },
        );
      }
    }
  } finally {
    progress.done();
  }
  notes.push(`${n} idle TCP connections to 127.0.0.1 opened by a separate Node process (tools/bench/src/conns-client.ts) ${BATCH} at a time; each batch waits until the server has accepted all (its accept queue, the rx_queue of the LISTEN line in /proc/net/tcp, is empty; after a listen overflow also its ESTABLISHED count); nothing is sent on them`);
  notes.push(`before the baseline, ${WARMUP} connections are opened and closed (first-use costs); memory is read ${SETTLE_MS / 1000} s after the last accept`);
  notes.push('memory: Rss and Pss of /proc/<pid>/smaps_rollup summed over all the server\'s processes; Kamailio\'s processes share memory (its connections live in shared memory), so its summed RSS counts shared pages once per process: PSS divides each shared page among the processes mapping it and is the fair figure; kernel socket buffers are in neither');
  notes.push('accept s: from the first connect to an empty accept queue after the last batch, so it includes the client\'s connects and 2 ms polling; listen overflows: system-wide TcpExt ListenOverflows during the accepts');
  return {
    suite: 'conns',
    title: `${n} concurrent idle TCP connections: memory per connection and time to accept`,
    notes,
    tables: runs.length > 0 ? [runsTable(runs)] : [],
    summary: connsSummary(runs, n),
    data: { n, rounds, batch: BATCH, warmup: WARMUP, settleMs: SETTLE_MS, peers, runs: runs.map((r) => ({ ...r, rssPerConn: rssPerConn(r), pssPerConn: pssPerConn(r) })) },
  };
}

export const connsSuite: Suite = {
  name: 'conns',
  describe: 'idle TCP connections held by tsips and Kamailio: memory per connection (RSS, PSS) and time to accept them',
  run: runConnsSuite,
};
