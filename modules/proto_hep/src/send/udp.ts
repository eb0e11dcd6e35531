import dgram from 'node:dgram';
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
 */
export class UdpLink {
  private sock: dgram.Socket | null = null;
  /** packets sent while the socket connects, flushed by the connect callback */
  private early: Buffer[] | null = null;
  private closed = false;

  constructor(
    private readonly ip: string,
    private readonly port: number,
    private readonly stats: SendStats,
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
    this.write(s, buf);
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
      for (const b of early) this.write(s, b);
    });
    return s;
  }

  close(): void {
    this.closed = true;
    if (this.early?.length) this.stats.dropped.inc(this.early.length);
    this.early = null;
    this.sock?.close();
    this.sock = null;
  }
}
