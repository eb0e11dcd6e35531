import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Logger, TraceDestination } from '@tsips/core';
import type { HepIdSpec } from '../hep-id.js';
import type { SendStats } from './stats.js';
import { TcpLink, type TcpLinkOptions } from './tcp.js';
import { UdpLink } from './udp.js';

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
    /** the sender: a TCP connection (tcp destinations) or a connected UDP socket */
    readonly link: TcpLink | null,
    private readonly udp: UdpLink | null,
  ) {}

  send(buf: Buffer): void {
    if (this.link !== null) this.link.send(buf);
    else this.udp!.send(buf);
  }

  close(): void {
    this.link?.close();
    this.udp?.close();
  }
}

/** Every hep_id destination by name, and the sockets behind them (one per destination). */
export class Destinations {
  private readonly byName = new Map<string, HepDestination>();

  /**
   * Resolve host names once (a start-up error when one does not resolve) and build the
   * senders. TCP with version < 3 falls back to UDP with a warning, as OpenSIPS does.
   */
  static async create(specs: readonly HepIdSpec[], tcpOpts: TcpLinkOptions, stats: SendStats, log: Logger): Promise<Destinations> {
    const d = new Destinations();
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
      const tcp = transport === 'tcp';
      const link = tcp ? new TcpLink(ip, s.port, tcpOpts, stats, log) : null;
      const udp = tcp ? null : new UdpLink(ip, s.port, stats);
      d.byName.set(s.name, new HepDestination(s.name, s.version, transport, s.host, s.port, ip, link, udp));
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
    for (const d of this.byName.values()) d.close();
  }
}
