import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Logger, TraceDestination } from '@tsips/core';
import type { HepIdSpec } from '../hep-id.js';
import type { SendStats } from './stats.js';
import { TcpLink, type TcpLinkOptions } from './tcp.js';
import { UdpSockets } from './udp.js';

/** One configured hep_id, resolved: what the Tracer hands out and sends to. */
export class HepDestination implements TraceDestination {
  constructor(
    readonly name: string,
    readonly version: 1 | 2 | 3,
    readonly transport: 'udp' | 'tcp',
    readonly host: string,
    readonly port: number,
    /** the host's address (resolved once at start-up) */
    readonly ip: string,
    private readonly udp: UdpSockets,
    /** set for tcp destinations */
    readonly link: TcpLink | null,
  ) {}

  send(buf: Buffer): void {
    if (this.link) this.link.send(buf);
    else this.udp.send(this.ip, this.port, buf);
  }
}

/** Every hep_id destination by name, and the sockets behind them. */
export class Destinations {
  private readonly byName = new Map<string, HepDestination>();
  private readonly udp: UdpSockets;

  private constructor(stats: SendStats) {
    this.udp = new UdpSockets(stats);
  }

  /**
   * Resolve host names once (a start-up error when one does not resolve) and build the
   * senders. TCP with version < 3 falls back to UDP with a warning, as OpenSIPS does.
   */
  static async create(specs: readonly HepIdSpec[], tcpOpts: TcpLinkOptions, stats: SendStats, log: Logger): Promise<Destinations> {
    const d = new Destinations(stats);
    for (const s of specs) {
      let transport = s.transport;
      if (transport === 'tcp' && s.version < 3) {
        log.warn({ hep_id: s.name }, `hep_id "${s.name}": HEPv${s.version} runs over UDP only; using udp`);
        transport = 'udp';
      }
      let ip = s.host;
      if (!isIP(ip)) {
        try {
          ip = (await lookup(s.host)).address;
        } catch (e) {
          throw new Error(`hep_id "${s.name}": cannot resolve host "${s.host}": ${(e as Error).message}`);
        }
      }
      const link = transport === 'tcp' ? new TcpLink(ip, s.port, tcpOpts, stats, log) : null;
      d.byName.set(s.name, new HepDestination(s.name, s.version, transport, s.host, s.port, ip, d.udp, link));
    }
    return d;
  }

  get(name: string): HepDestination | undefined {
    return this.byName.get(name);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  close(): void {
    this.udp.close();
    for (const d of this.byName.values()) d.link?.close();
  }
}
