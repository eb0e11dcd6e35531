import type { Logger } from 'pino';
import type { GlobalParams } from '../config/globals.js';
import type { HookBus } from '../hooks.js';
import type { Stat, StatsRegistry } from '../stats/registry.js';
import type { DatagramEndpoint, MessageSink, ProtoHandler } from './proto.js';
import type { TcpManager } from './tcp/manager.js';
import type { Destination, Listener, ProtoName, ReceiveInfo, SendData, SendResult } from './types.js';

export interface TransportsDeps {
  log: Logger;
  hooks: HookBus;
  stats: StatsRegistry;
  tcp: TcpManager;
  globals: GlobalParams;
}

type FailFn = (error: string) => void;

/** Datagram receive path: trace tap (only when tapped), then the sink; nothing escapes the socket. */
class DatagramSink implements MessageSink {
  constructor(
    private readonly hooks: HookBus,
    private readonly sink: MessageSink,
    private readonly log: Logger,
  ) {}

  receive(buf: Buffer, rcv: ReceiveInfo): void {
    if (this.hooks.trace.isUsed())
      this.hooks.trace.call({ direction: 'in', buf, proto: rcv.proto, srcIp: rcv.srcIp, srcPort: rcv.srcPort, dstIp: rcv.dstIp, dstPort: rcv.dstPort, conId: 0 });
    try {
      this.sink.receive(buf, rcv);
    } catch (e) {
      this.log.error({ err: e, peer: `${rcv.srcIp}:${rcv.srcPort}` }, 'message handler threw');
    }
  }
}

/**
 * The registry of proto handlers and bound listeners, and the one send entry point: datagram
 * protos go to the endpoint of the chosen socket, stream protos to the TCP manager (which
 * Transports also closes). Stream protos registered here are registered with the manager too.
 */
export class Transports {
  private readonly log: Logger;
  private readonly hooks: HookBus;
  private readonly tcp: TcpManager;
  private readonly globals: GlobalParams;
  private readonly protos = new Map<ProtoName, ProtoHandler>();
  private readonly ports = new Map<ProtoName, number>();
  private readonly bound: Listener[] = [];
  private readonly endpoints = new Map<Listener, DatagramEndpoint>();
  /** first datagram endpoint per proto: [IPv4, IPv6] */
  private readonly defaultEndpoints = new Map<ProtoName, [DatagramEndpoint | undefined, DatagramEndpoint | undefined]>();
  private readonly udpSendErrors: Stat;
  /** non-SIP protos (msrp, hep_*) receive into their module instead of the SIP core */
  private readonly receivers = new Map<ProtoName, MessageSink>();

  constructor(deps: TransportsDeps) {
    this.log = deps.log;
    this.hooks = deps.hooks;
    this.tcp = deps.tcp;
    this.globals = deps.globals;
    this.udpSendErrors = deps.stats.counter('net', 'datagram_send_errors');
  }

  registerProto(h: ProtoHandler): void {
    if (this.protos.has(h.name)) throw new Error(`proto "${h.name}" is already registered`);
    if (h.stream) this.tcp.registerStreamProto(h);
    else if (!h.bindDatagram) throw new Error(`proto "${h.name}": a datagram proto needs bindDatagram`);
    this.protos.set(h.name, h);
    const port = this.ports.get(h.name);
    if (port !== undefined && h.stream) this.tcp.setProtoOptions(h.name, { defaultPort: port });
  }

  /**
   * Route what `proto`'s listeners receive to `sink` instead of the SIP core (a module's init,
   * before listeners bind): MSRP frames go to proto_msrp, HEP packets to proto_hep.
   */
  setReceiver(proto: ProtoName, sink: MessageSink): void {
    if (this.receivers.has(proto)) throw new Error(`proto "${proto}" already has a receiver`);
    this.receivers.set(proto, sink);
  }

  hasProto(name: ProtoName): boolean {
    return this.protos.has(name);
  }

  /** A proto module's port param (udp_port, tcp_port): for sockets and destinations without one. */
  setDefaultPort(proto: ProtoName, port: number): void {
    this.ports.set(proto, port);
    if (this.protos.get(proto)?.stream) this.tcp.setProtoOptions(proto, { defaultPort: port });
  }

  defaultPort(proto: ProtoName): number | undefined {
    return this.ports.get(proto) ?? this.protos.get(proto)?.defaultPort;
  }

  /** Is `proto` a stream (connection) proto? Reliable: no retransmissions over it. */
  isStream(proto: ProtoName): boolean {
    return this.protos.get(proto)?.stream === true;
  }

  /**
   * Open every listener. Port 0 binds an OS-assigned port, written back to listener.port (and
   * its name). A failure closes what was opened and throws naming the socket.
   */
  async bind(listeners: readonly Listener[], sipSink: MessageSink): Promise<void> {
    for (const l of listeners) {
      const h = this.protos.get(l.proto);
      if (!h) throw new Error(`${l.name}: no loaded module provides proto "${l.proto}"`);
      const sink = this.receivers.get(l.proto) ?? sipSink;
      try {
        if (h.stream) await this.tcp.listen(l, sink);
        else await this.bindDatagram(h, l, sink);
      } catch (e) {
        await this.close();
        throw new Error(`${l.name}: ${(e as Error).message}`, { cause: e });
      }
      if (l.name.endsWith(':0')) (l as { name: string }).name = `${l.name.slice(0, -1)}${l.port}`;
      this.bound.push(l);
    }
  }

  private async bindDatagram(h: ProtoHandler, l: Listener, sink: MessageSink): Promise<void> {
    const ep = await h.bindDatagram!(l, new DatagramSink(this.hooks, sink, this.log), {
      rcvBuf: this.globals.udp_rcvbuf,
      sndBuf: this.globals.udp_sndbuf,
      onSendError: this.onDatagramSendError,
    });
    this.endpoints.set(l, ep);
    let defaults = this.defaultEndpoints.get(l.proto);
    if (!defaults) this.defaultEndpoints.set(l.proto, (defaults = [undefined, undefined]));
    const i = l.family === 6 ? 1 : 0;
    defaults[i] ??= ep;
  }

  private readonly onDatagramSendError = (error: string): void => {
    this.udpSendErrors.inc();
    this.log.debug({ error }, 'datagram send failed');
  };

  /**
   * Hand `data` (one message, or its parts in order) to the transport of `dst.proto`.
   * Synchronous decision; failures known only later (connect refused/timeout, write error,
   * ICMP-driven datagram errors) call onFail once. Stream protos write parts without joining
   * them; datagrams and the trace/sent taps get them joined.
   */
  send(dst: Destination, data: SendData, onFail?: FailFn): SendResult {
    const h = this.protos.get(dst.proto);
    if (!h) return { ok: false, error: `unknown proto "${dst.proto}"` };
    if (!dst.port) dst = { ...dst, port: this.defaultPort(dst.proto) ?? h.defaultPort };
    const res = h.stream ? this.tcp.send(dst, data, onFail) : this.sendDatagram(dst, joined(data), onFail);
    if (res.ok && (this.hooks.trace.isUsed() || this.hooks.sent.isUsed())) {
      const buf = joined(data);
      if (this.hooks.trace.isUsed()) this.traceOut(buf, dst, res.conId);
      if (this.hooks.sent.isUsed()) this.hooks.sent.call(buf, dst);
    }
    return res;
  }

  private sendDatagram(dst: Destination, buf: Buffer, onFail: FailFn | undefined): SendResult {
    const ep = this.endpointFor(dst);
    if (!ep) return { ok: false, error: `no ${dst.proto} socket ${dst.listener ? dst.listener.name : `for ${dst.ip}`}` };
    if ((ep.listener.family === 6) !== dst.ip.includes(':')) return { ok: false, error: `socket ${ep.listener.name} cannot reach ${dst.ip}` };
    return ep.send(dst, buf, onFail);
  }

  private endpointFor(dst: Destination): DatagramEndpoint | undefined {
    if (dst.listener) return this.endpoints.get(dst.listener);
    return this.defaultEndpoints.get(dst.proto)?.[dst.ip.includes(':') ? 1 : 0];
  }

  /** The trace tap wants our side too: the connection's local address, or the datagram socket's. */
  private traceOut(buf: Buffer, dst: Destination, conId: number): void {
    let srcIp = '';
    let srcPort = 0;
    if (conId) {
      const c = this.tcp.get(conId);
      if (c) ({ localIp: srcIp, localPort: srcPort } = c);
    } else {
      const l = this.endpointFor(dst)?.listener;
      if (l) ({ ip: srcIp, port: srcPort } = l);
    }
    this.hooks.trace.call({ direction: 'out', buf, proto: dst.proto, srcIp, srcPort, dstIp: dst.ip, dstPort: dst.port, conId });
  }

  listeners(): Listener[] {
    return [...this.bound];
  }

  findListener(proto: ProtoName, ip: string, port: number): Listener | undefined {
    return this.bound.find((l) => l.proto === proto && l.ip === ip && l.port === port);
  }

  defaultListener(proto: ProtoName, family: 4 | 6): Listener | undefined {
    return this.bound.find((l) => l.proto === proto && l.family === family);
  }

  /** Close datagram sockets, TCP listeners and every connection. */
  async close(): Promise<void> {
    const eps = [...this.endpoints.values()];
    this.endpoints.clear();
    this.defaultEndpoints.clear();
    this.bound.length = 0;
    await Promise.all([...eps.map((ep) => ep.close()), this.tcp.shutdown()]);
  }
}

/** one buffer of a message given in parts */
function joined(data: SendData): Buffer {
  return Array.isArray(data) ? Buffer.concat(data as readonly Buffer[]) : (data as Buffer);
}
