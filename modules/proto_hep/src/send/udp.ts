import dgram from 'node:dgram';
import { batchSender, MMSG_MAX, type BatchSender } from './sendmmsg.js';
import type { SendStats } from './stats.js';

/** Packets kept while the socket connects (the first tick of a destination's life). */
const MAX_EARLY = 256;

/**
 * The UDP sender of one hep_id destination: a socket connected to the collector, opened on
 * the first packet (so a failed start-up leaves nothing open). Connected, because node's
 * dgram then sends at once: an unconnected send runs a DNS lookup of the address (even of an
 * IP literal) and finishes in a later tick. No send callback either: dgram reports a failed
 * send (e.g. ECONNREFUSED after the collector's ICMP port unreachable) as an 'error' event,
 * which is counted; a callback would cost a completion per packet.
 *
 * The packets of one event-loop turn are sent together at its end (setImmediate, right after
 * the poll phase that produced them) with one sendmmsg(2) on the socket's fd; each dgram send
 * is a system call of its own. Where sendmmsg is unavailable, fails or takes only part of a
 * batch, the rest goes through dgram one by one, as do all packets while libuv still queues
 * earlier ones (keeps the order).
 */
export class UdpLink {
  private sock: dgram.Socket | null = null;
  /** packets sent while the socket connects, flushed by the connect callback */
  private early: Buffer[] | null = null;
  private closed = false;
  /** the socket's OS descriptor once connected (-1: none, send through dgram) */
  private fd = -1;
  /** packets of this turn, sent by flush() */
  private readonly batch: Buffer[] = [];
  private flushing: NodeJS.Immediate | null = null;
  private readonly flushNow = (): void => this.flush();

  constructor(
    private readonly ip: string,
    private readonly port: number,
    private readonly stats: SendStats,
    private readonly mmsg: BatchSender | null = batchSender(),
  ) {}

  send(buf: Buffer): void {
    if (this.closed) return void this.stats.dropped.inc();
    const s = this.sock ?? this.open();
    const early = this.early;
    if (early !== null) {
      if (early.length < MAX_EARLY) early.push(buf);
      else this.stats.dropped.inc();
      return;
    }
    if (this.fd < 0) return this.write(s, buf);
    this.batch.push(buf);
    this.flushing ??= setImmediate(this.flushNow);
  }

  private flush(): void {
    this.flushing = null;
    const s = this.sock;
    const batch = this.batch;
    const n = batch.length;
    if (s === null || n === 0) return void (batch.length = 0);
    let done = 0;
    // a non-empty libuv queue means a previous send hit EAGAIN: dgram keeps the order then
    if (s.getSendQueueCount() === 0) {
      while (done < n) {
        const len = Math.min(n - done, MMSG_MAX);
        const k = this.mmsg!(this.fd, batch, done, len);
        if (k <= 0) break;
        done += k;
        if (k < len) break;
      }
      if (done > 0) this.stats.sent.inc(done);
    }
    // what the kernel did not take is retried one by one: a real error is counted by dgram
    for (let i = done; i < n; i++) this.write(s, batch[i]!);
    batch.length = 0;
  }

  private write(s: dgram.Socket, buf: Buffer): void {
    try {
      s.send(buf);
      this.stats.sent.inc();
    } catch {
      this.stats.failures.inc();
    }
  }

  private open(): dgram.Socket {
    const s = dgram.createSocket(this.ip.includes(':') ? 'udp6' : 'udp4');
    this.sock = s;
    this.early = [];
    // failed sends and ICMP-driven errors arrive here; they must not crash the process
    s.on('error', () => this.stats.failures.inc());
    // dgram passes the error of a failed connect to this callback (no 'error' event)
    s.connect(this.port, this.ip, (err?: Error) => {
      const early = this.early ?? [];
      this.early = null;
      if (this.closed) return;
      if (err) {
        // e.g. no route to the address: what waited is lost; the next packet tries again
        this.stats.failures.inc(early.length);
        this.sock = null;
        s.close();
        return;
      }
      if (this.mmsg !== null) this.fd = fdOf(s);
      for (const b of early) this.write(s, b);
    });
    return s;
  }

  close(): void {
    if (this.flushing !== null) {
      clearImmediate(this.flushing);
      this.flush();
    }
    this.closed = true;
    if (this.early?.length) this.stats.dropped.inc(this.early.length);
    this.early = null;
    this.sock?.close();
    this.sock = null;
    this.fd = -1;
  }
}

/**
 * The OS descriptor of a connected dgram socket, or -1. Read from dgram's internal state
 * (its `_handle` getter is deprecated and warns); -1 wherever the layout differs.
 */
function fdOf(s: dgram.Socket): number {
  const state = Object.getOwnPropertySymbols(s).find((k) => k.description === 'state symbol');
  const fd = state ? (s as unknown as Record<symbol, { handle?: { fd?: unknown } } | undefined>)[state]?.handle?.fd : undefined;
  return typeof fd === 'number' && fd >= 0 ? fd : -1;
}
