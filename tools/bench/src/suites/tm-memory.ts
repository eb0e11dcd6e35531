import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { spawnTracked, stopChild } from '../children.js';
import { createProgress } from '../progress.js';
import { fmt, fmtInt, type Table } from '../report/table.js';
import { WARMUP_TRANSACTIONS, kbPer1000, parseProbeResult, type MemReading, type ProbeResult } from './tm-memory-measure.js';
import type { Suite, SuiteResult } from './types.js';

/** The compiled child script (dist/tm-memory-child.js). */
const CHILD_JS = fileURLToPath(new URL('../tm-memory-child.js', import.meta.url));

const CHILD_TIMEOUT_MS = 120_000;

/** A UDP port that takes the relayed INVITEs and 100 Tryings and never answers. */
async function bindSink(): Promise<Socket> {
  const s = createSocket('udp4');
  s.on('message', () => undefined); // read and dropped
  s.bind(0, '127.0.0.1');
  await once(s, 'listening');
  return s;
}

/** Runs the measurement in `node --expose-gc tm-memory-child.js`; resolves with its JSON line. */
async function runChild(n: number, sinkPort: number): Promise<ProbeResult> {
  const child = spawnTracked(process.execPath, ['--expose-gc', CHILD_JS, String(n), String(sinkPort)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => { out += d; });
  // 'close' (not 'exit'): stdout is fully read by then.
  const closed = once(child, 'close').then(() => true);
  const timer = new Promise<false>((r) => { const t = setTimeout(() => r(false), CHILD_TIMEOUT_MS); t.unref(); });
  if (!(await Promise.race([closed, timer]))) {
    await stopChild(child, 2000);
    throw new Error(`tm-memory: the child did not finish within ${CHILD_TIMEOUT_MS / 1000} s`);
  }
  if (child.exitCode !== 0) throw new Error(`tm-memory: the child exited with ${child.exitCode ?? child.signalCode}`);
  const line = out.trim().split('\n').pop() ?? '';
  return parseProbeResult(line);
}

const MB = 1024 * 1024;

function memRow(name: string, r: ProbeResult, pick: (m: MemReading) => number): string[] {
  const b = pick(r.before);
  const a = pick(r.after);
  return [name, fmt(b / MB, 1), fmt(a / MB, 1), fmt((a - b) / MB, 1), fmt(kbPer1000(b, a, r.n), 0), fmtInt((a - b) / r.n)];
}

export const tmMemorySuite: Suite = {
  name: 'tm-memory',
  describe: 'RSS and heap growth per 1000 live INVITE transactions in tm (in-process server, child node --expose-gc)',
  async run(ctx): Promise<SuiteResult> {
    const n = ctx.opts.quick ? 2_000 : 10_000;
    const progress = createProgress('tm-memory', 1);
    const sink = await bindSink();
    let r: ProbeResult;
    try {
      progress.step(`${fmtInt(n)} INVITE transactions in a child process`);
      r = await runChild(n, sink.address().port);
    } finally {
      progress.done();
      sink.close();
    }
    const allLive = r.liveAfter - r.liveBefore === r.n && r.liveBefore === r.warmup;
    if (!allLive) ctx.log(`tm-memory: only ${r.liveAfter - r.liveBefore} of ${r.n} transactions live (warm-up ${r.liveBefore}/${r.warmup})`);

    const table: Table = {
      title: `Process memory before and after ${fmtInt(r.n)} live INVITE transactions (after ${r.warmup} warm-up transactions)`,
      columns: ['memory', 'before MB', 'after MB', 'growth MB', 'KB per 1000 tx', 'bytes per tx'],
      rows: [
        memRow('RSS', r, (m) => m.rss),
        memRow('V8 heap used', r, (m) => m.heapUsed),
        memRow('external (Buffers)', r, (m) => m.external),
      ],
    };
    const check: Table = {
      title: 'Checks',
      columns: ['check', 'value'],
      leftColumns: [0, 1],
      rows: [
        ['tm:inuse_transactions after warm-up / expected', `${r.liveBefore} / ${r.warmup}`],
        ['tm:inuse_transactions after the INVITEs / expected', `${r.liveAfter} / ${r.warmup + r.n}`],
        ['messages sent for the INVITEs (relayed INVITE + 100 Trying each)', `${r.sent} / ${2 * r.n}`],
        ['tm retransmissions at the reading', String(r.retransmissions)],
        ['gc before each reading', r.gc ? 'yes (node --expose-gc)' : 'no'],
        ['inject + all live', `${fmt(r.injectMs, 0)} ms`],
      ],
    };
    const rssKb = kbPer1000(r.before.rss, r.after.rss, r.n);
    const heapKb = kbPer1000(r.before.heapUsed, r.after.heapUsed, r.n);
    const summary = [
      `${allLive ? 'OK' : 'INCOMPLETE'}: ${r.liveAfter - r.liveBefore} of ${r.n} INVITE transactions live at the reading`,
      `RSS grows ${fmt(rssKb, 0)} KB per 1000 live INVITE transactions (${fmtInt((rssKb * 1024) / 1000)} bytes each); V8 heap used ${fmt(heapKb, 0)} KB per 1000`,
    ];
    const notes = [
      'one tsips server in a child process started with `node --expose-gc` (dist/tm-memory-child.js), so the bench process\'s own heap is not measured; config: socket udp:127.0.0.1:0, proto_udp, sl, tm, route { $du = <sink>; t_relay(); }',
      'the sink is a UDP socket of the bench on 127.0.0.1 that reads and drops everything: no reply ever comes, so each transaction stays in the Calling state with its request, its branch and its timers',
      'tm timers long enough that nothing expires or is retransmitted during the run: fr_timeout = fr_inv_timeout = 600 s, max_inv_lifetime 600 s, T1 5 s, T2 40 s (the retransmission counters are checked)',
      `INVITEs are fed to the SIP core in-process (server.sip.receive, as createTestServer's inject does; no client socket), ${r.inviteBytes} bytes each with no body, distinct Call-ID and Via branch, the Via pointing at the sink (the 100 Trying goes there too); 250 per event-loop turn`,
      `${r.warmup} warm-up transactions are created (and kept) before the first reading, so one-time costs (JIT, lazy module state) are not counted; then ${fmtInt(r.n)} more; readings after tm:inuse_transactions reached the count, a 200 ms pause and 3 full GCs`,
      'RSS = process.memoryUsage().rss (includes V8 heap pages kept for reuse: it follows the heap in steps); heap used and external from the same call',
      `one Node ${process.version} process`,
    ];
    return {
      suite: 'tm-memory',
      title: 'tm: memory per live INVITE transaction',
      notes,
      tables: [table, check],
      summary,
      data: { ...r, allLive, rssKbPer1000: rssKb, heapKbPer1000: heapKb, externalKbPer1000: kbPer1000(r.before.external, r.after.external, r.n), warmupTransactions: WARMUP_TRANSACTIONS },
    };
  },
};
