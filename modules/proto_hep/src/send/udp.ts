import dgram from 'node:dgram';
import type { SendStats } from './stats.js';

/**
 * The UDP side of every hep_id destination: one unbound socket per address family, opened on
 * the first packet of that family (so a failed start-up leaves nothing open).
 */
export class UdpSockets {
  private v4: dgram.Socket | null = null;
  private v6: dgram.Socket | null = null;
  private closed = false;

  constructor(private readonly stats: SendStats) {}

  send(ip: string, port: number, buf: Buffer): void {
    if (this.closed) return void this.stats.dropped.inc();
    const v6 = ip.includes(':');
    const s = v6 ? (this.v6 ??= this.open('udp6')) : (this.v4 ??= this.open('udp4'));
    try {
      s.send(buf, port, ip, this.onSent);
      this.stats.sent.inc();
    } catch {
      this.stats.failures.inc();
    }
  }

  private open(type: 'udp4' | 'udp6'): dgram.Socket {
    const s = dgram.createSocket(type);
    s.on('error', () => this.stats.failures.inc()); // ICMP-driven errors must not crash
    return s;
  }

  private readonly onSent = (err: Error | null): void => {
    if (err) this.stats.failures.inc();
  };

  close(): void {
    this.closed = true;
    for (const s of [this.v4, this.v6]) s?.close();
    this.v4 = this.v6 = null;
  }
}
