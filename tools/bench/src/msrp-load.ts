/**
 * The `msrp` suite's load: P sender/receiver pairs of TCP connections through one relay.
 * Each receiver AUTHs (RFC 4976) and gets a session URI (Use-Path); its sender then SENDs
 * chunks of one long message after another with To-Path = <Use-Path> <receiver URI>,
 * keeping `window` SENDs waiting for the relay's 200. Receivers answer every SEND with 200
 * (the relay absorbs it) and check every body against the pool it came from.
 * Runs inside the client process (msrp-client.ts), never inside the bench.
 */
import { connect, type Socket } from 'node:net';
import {
  authRequest, bodyIntact, bodyPool, headerValue, MsrpReader, parseByteRange, response, sendHead, sendTail, type MsrpFrame,
} from './msrp-wire.js';

export interface LoadOptions {
  host: string;
  port: number;
  pairs: number;
  window: number;
  chunkBytes: number;
}

/** Chunks per message: each chunk of a message carries the pool body of its index. */
export const CHUNKS_PER_MESSAGE = 64;
/** Waiting this long for the last deliveries after the senders stop. */
const DRAIN_MS = 5000;

export interface PairResult {
  sent: number;
  /** 200s from the relay to SENDs */
  acked: number;
  /** other responses from the relay, by code */
  rejected: Record<string, number>;
  /** REPORTs the relay sent to the sender (failures) */
  reports: number;
  delivered: number;
  deliveredBytes: number;
  /** delivered chunks whose body was not the one sent */
  corrupt: number;
}

export interface LoadResult {
  pairs: PairResult[];
  /** from the first SEND to the last delivery (ms) */
  elapsedMs: number;
  /** senders stopped after this long (ms) */
  sendMs: number;
  /** deliveries still missing when the drain gave up */
  undelivered: number;
}

export function emptyPair(): PairResult {
  return { sent: 0, acked: 0, rejected: {}, reports: 0, delivered: 0, deliveredBytes: 0, corrupt: 0 };
}

function open(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host, port });
    s.setNoDelay(true);
    s.once('connect', () => { s.off('error', reject); resolve(s); });
    s.once('error', reject);
  });
}

const uri = (port: number, session: string): string => `msrp://127.0.0.1:${port}/${session};tcp`;

interface Pair {
  index: number;
  sender: Socket;
  receiver: Socket;
  senderUri: string;
  receiverUri: string;
  toPath: string;
  res: PairResult;
  outstanding: Set<string>;
  seq: number;
  stopped: boolean;
  /** called when the sender has nothing outstanding after stopping */
  onIdle: (() => void) | undefined;
}

/** Sets up the pairs (connect, AUTH) and runs them; one instance per client process. */
export class MsrpLoad {
  private readonly pool: ReturnType<typeof bodyPool>;
  private readonly pairs: Pair[] = [];
  private lastDelivery = 0;

  constructor(private readonly o: LoadOptions) {
    this.pool = bodyPool(CHUNKS_PER_MESSAGE, o.chunkBytes);
  }

  get relayUri(): string {
    return `msrp://${this.o.host}:${this.o.port};tcp`;
  }

  /** Connects every pair and AUTHs each receiver; resolves with the Use-Path URIs. */
  async setup(): Promise<string[]> {
    for (let i = 0; i < this.o.pairs; i++) {
      const receiver = await open(this.o.host, this.o.port);
      const sender = await open(this.o.host, this.o.port);
      const receiverUri = uri(receiver.localPort!, `r${i}`);
      const usePath = await this.auth(receiver, receiverUri, `au${i}x${process.pid}`);
      const p: Pair = {
        index: i, sender, receiver, senderUri: uri(sender.localPort!, `s${i}`), receiverUri,
        toPath: `${usePath} ${receiverUri}`, res: emptyPair(), outstanding: new Set(), seq: 0, stopped: false, onIdle: undefined,
      };
      this.wire(p);
      this.pairs.push(p);
    }
    return this.pairs.map((p) => p.toPath.split(' ')[0]!);
  }

  private auth(sock: Socket, ownUri: string, tid: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const reader = new MsrpReader();
      const timer = setTimeout(() => { sock.off('data', onData); reject(new Error('no answer to AUTH in 5 s')); }, 5000);
      const onData = (chunk: Buffer): void => {
        try {
          reader.push(chunk, (f) => {
            if (f.tid !== tid) return;
            clearTimeout(timer);
            sock.off('data', onData);
            const usePath = headerValue(f.headers, 'Use-Path');
            if (f.status !== 200 || !usePath) reject(new Error(`AUTH answered ${f.status || f.method} without Use-Path`));
            else resolve(usePath.split(/\s+/)[0]!);
          });
        } catch (e) {
          clearTimeout(timer);
          sock.off('data', onData);
          reject(e as Error);
        }
      };
      sock.on('data', onData);
      sock.write(authRequest(tid, this.relayUri, ownUri));
    });
  }

  private wire(p: Pair): void {
    const fail = (who: string) => (e: Error): void => { process.stderr.write(`msrp client pair ${p.index} ${who}: ${e.message}\n`); };
    p.sender.on('error', fail('sender'));
    p.receiver.on('error', fail('receiver'));
    const sr = new MsrpReader();
    p.sender.on('data', (chunk: Buffer) => {
      let freed = 0;
      sr.push(chunk, (f) => {
        if (f.method === 'REPORT') { p.res.reports++; return; }
        if (f.method || !p.outstanding.delete(f.tid)) return;
        if (f.status === 200) p.res.acked++;
        else p.res.rejected[f.status] = (p.res.rejected[f.status] ?? 0) + 1;
        freed++;
      });
      if (freed > 0) this.fill(p);
    });
    const rr = new MsrpReader();
    p.receiver.on('data', (chunk: Buffer) => {
      let answers = '';
      rr.push(chunk, (f) => { answers += this.receive(p, f); });
      if (answers) p.receiver.write(answers, 'latin1');
    });
  }

  /** One frame at a receiver: checks a SEND's body and returns its 200 ('' for others). */
  private receive(p: Pair, f: MsrpFrame): string {
    if (f.method !== 'SEND') return '';
    const body = f.body ?? Buffer.alloc(0);
    const range = parseByteRange(headerValue(f.headers, 'Byte-Range'));
    const index = range ? Math.floor((range.start - 1) / this.o.chunkBytes) : -1;
    if (!bodyIntact(body, index, this.pool.crcs)) p.res.corrupt++;
    p.res.delivered++;
    p.res.deliveredBytes += body.length;
    this.lastDelivery = performance.now();
    const prev = headerValue(f.headers, 'From-Path')?.split(' ')[0] ?? '';
    return response(f.tid, 200, 'OK', prev, p.receiverUri);
  }

  /** Sends SENDs until `window` wait for their 200 (corked: one write per batch). */
  private fill(p: Pair): void {
    if (p.stopped) {
      if (p.outstanding.size === 0) p.onIdle?.();
      return;
    }
    const size = this.o.chunkBytes;
    const total = size * CHUNKS_PER_MESSAGE;
    p.sender.cork();
    while (p.outstanding.size < this.o.window) {
      const n = p.seq++;
      const k = n % CHUNKS_PER_MESSAGE;
      const tid = `t${p.index}n${n.toString(36)}`;
      p.sender.write(sendHead({
        tid, toPath: p.toPath, fromPath: p.senderUri, messageId: `m${p.index}-${Math.floor(n / CHUNKS_PER_MESSAGE)}`,
        start: k * size + 1, length: size, total, flag: k === CHUNKS_PER_MESSAGE - 1 ? '$' : '+',
      }));
      p.sender.write(this.pool.bodies[k]!);
      p.sender.write(sendTail(tid, k === CHUNKS_PER_MESSAGE - 1 ? '$' : '+'));
      p.outstanding.add(tid);
      p.res.sent++;
    }
    p.sender.uncork();
  }

  /** Sends for `ms`, then waits (up to DRAIN_MS) for the last 200s and deliveries. */
  async run(ms: number): Promise<LoadResult> {
    for (const p of this.pairs) {
      p.res = emptyPair();
      p.stopped = false;
      p.onIdle = undefined;
    }
    const t0 = performance.now();
    this.lastDelivery = t0;
    for (const p of this.pairs) this.fill(p);
    await new Promise((r) => setTimeout(r, ms));
    const sendMs = performance.now() - t0;
    const idle = this.pairs.map((p) => new Promise<void>((resolve) => {
      p.stopped = true;
      p.onIdle = resolve;
      if (p.outstanding.size === 0) resolve();
    }));
    const deadline = performance.now() + DRAIN_MS;
    await Promise.race([Promise.all(idle), new Promise((r) => setTimeout(r, DRAIN_MS))]);
    while (performance.now() < deadline && this.missing() > 0) await new Promise((r) => setTimeout(r, 10));
    return { pairs: this.pairs.map((p) => p.res), elapsedMs: this.lastDelivery - t0, sendMs, undelivered: this.missing() };
  }

  /** SENDs the relay accepted (200) that no receiver has seen yet. */
  private missing(): number {
    return this.pairs.reduce((n, p) => n + Math.max(0, p.res.acked - p.res.delivered), 0);
  }

  close(): void {
    for (const p of this.pairs) { p.sender.destroy(); p.receiver.destroy(); }
  }
}
