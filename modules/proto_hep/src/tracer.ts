import { deflateSync } from 'node:zlib';
import type { ConnTraceEvent, ConnTraceStatus, Logger, TcpConnInfo, TraceDestination, TraceEvent, Tracer } from '@tsips/core';
import { AF_INET, AF_INET6, CHUNK, encodeHep2, encodeHep3, IPPROTO_TCP, IPPROTO_UDP, PROTO_TYPE, type HepChunk, type HepMessage } from './codec/index.js';
import { EncoderCache } from './codec/encoder-cache.js';
import { payloadText, type PayloadMode, type PayloadParts } from './payload.js';
import type { Destinations, HepDestination } from './send/destinations.js';
import type { SendStats } from './send/stats.js';

export interface TracerOptions extends PayloadMode {
  captureId: number;
  compress: boolean;
}

/** hep.md §4: the IP proto chunk of a connection event by protocol label */
const CONN_IP_PROTO: Readonly<Record<string, number>> = { TCP: 6, TLS: 22, BINS: 22, WS: 50, WSS: 50 };

/** OpenSIPS' "no address given" placeholders (CLOSED events, correlate()) */
const NO_SRC = '127.0.0.1';
const NO_DST = '127.0.0.2';

/**
 * The TRACER service (core/src/trace.ts) over hep_id destinations. message() runs for every
 * traced SIP message: it fills one reused HepMessage and encodes it into one buffer carved
 * from a slab; nothing is looked up but the destination the caller already holds and the
 * parsed form of each address string (cached).
 */
export class HepTracer implements Tracer {
  /** reused for every packet: the encoders read it synchronously */
  private readonly m: HepMessage = {
    family: AF_INET, ipProto: IPPROTO_UDP, srcIp: '', dstIp: '', srcPort: 0, dstPort: 0, timeSec: 0, timeUsec: 0,
    protoType: PROTO_TYPE.SIP, captureId: 0, payload: '', correlation: null, chunks: null,
  };
  private readonly jsonChunk: HepChunk = { vendor: 0, type: CHUNK.JSON_CORRELATION, value: '' };
  private readonly jsonChunks: readonly HepChunk[] = [this.jsonChunk];
  /** packet slab and parsed addresses, reused by every HEPv3 packet */
  private readonly cache = new EncoderCache();
  private encodeErrorLogged = false;

  constructor(
    private readonly dests: Destinations,
    private readonly opts: TracerOptions,
    private readonly stats: SendStats,
    private readonly log: Logger,
  ) {
    this.m.captureId = opts.captureId;
  }

  destination(name: string): TraceDestination | undefined {
    return this.dests.get(name);
  }

  message(dst: TraceDestination, ev: TraceEvent, correlation?: string): void {
    const m = this.m;
    m.ipProto = ev.proto === 'udp' ? IPPROTO_UDP : IPPROTO_TCP;
    this.setAddresses(ev.srcIp, ev.srcPort, ev.dstIp, ev.dstPort);
    m.protoType = PROTO_TYPE.SIP;
    m.payload = ev.buf;
    this.setCorrelation(correlation, 'sip');
    this.send(dst as HepDestination);
  }

  connEvent(dst: TraceDestination, protocol: string, conn: TcpConnInfo, event: ConnTraceEvent, message: string, status: ConnTraceStatus = 'SUCCESS'): void {
    const m = this.m;
    m.ipProto = CONN_IP_PROTO[protocol] ?? IPPROTO_TCP;
    if (event === 'CLOSED') this.setAddresses(NO_SRC, 0, NO_DST, 0);
    else this.setAddresses(conn.remoteIp, conn.remotePort, conn.localIp, conn.localPort);
    m.protoType = PROTO_TYPE.NET;
    const parts: [string, string][] = [['Protocol', protocol], ['Event', event], ['Status', status]];
    if (message) parts.push(['Message', message]);
    m.payload = payloadText(parts, this.opts);
    // the connection id is the correlation in both modes (OpenSIPS adds it as chunk 0x0011)
    m.correlation = String(conn.id);
    m.chunks = null;
    this.send(dst as HepDestination);
  }

  /**
   * correlate(): a "control" packet whose payload and correlation carry both correlations
   * (JSON object keyed by the lowercase types). v3 only: the caller checked the destination.
   */
  control(dst: HepDestination, parts: PayloadParts): void {
    const m = this.m;
    m.ipProto = IPPROTO_UDP;
    this.setAddresses(NO_SRC, 0, NO_DST, 0);
    m.protoType = PROTO_TYPE.CONTROL;
    const json = payloadText(parts, { homer5: false, delim: '' });
    m.payload = json;
    m.correlation = null;
    this.jsonChunk.value = json;
    m.chunks = this.jsonChunks;
    this.send(dst);
  }

  private setAddresses(srcIp: string, srcPort: number, dstIp: string, dstPort: number): void {
    const m = this.m;
    // an address-less side (a datagram sent before any socket was known) gets the placeholder
    m.srcIp = srcIp || NO_SRC;
    m.dstIp = dstIp || NO_DST;
    m.srcPort = srcPort;
    m.dstPort = dstPort;
    m.family = m.srcIp.includes(':') ? AF_INET6 : AF_INET;
  }

  /** HOMER5: the correlation as chunk 0x0011; JSON mode: a type-101 chunk `{"<name>": value}` */
  private setCorrelation(value: string | undefined, name: string): void {
    const m = this.m;
    if (value === undefined) {
      m.correlation = null;
      m.chunks = null;
    } else if (this.opts.homer5) {
      m.correlation = value;
      m.chunks = null;
    } else {
      m.correlation = null;
      // no object per packet: only the value needs escaping (name is ours)
      this.jsonChunk.value = `{"${name}":${JSON.stringify(value)}}`;
      m.chunks = this.jsonChunks;
    }
  }

  private send(d: HepDestination): void {
    const m = this.m;
    let buf: Buffer;
    const now = Date.now();
    m.timeSec = Math.floor(now / 1000);
    m.timeUsec = (now % 1000) * 1000;
    try {
      if (d.version === 3) {
        if (this.opts.compress) m.payload = deflateSync(m.payload);
        buf = encodeHep3(m, this.opts.compress, this.cache);
      } else if (m.protoType !== PROTO_TYPE.SIP) {
        // HEPv1/v2 carry SIP only: connection events cannot go there
        this.stats.dropped.inc();
        return;
      } else buf = encodeHep2(m, d.version);
    } catch (err) {
      this.stats.dropped.inc();
      if (!this.encodeErrorLogged) {
        this.encodeErrorLogged = true;
        this.log.warn({ err, hep_id: d.name }, 'cannot encode a HEP packet (reported once)');
      }
      return;
    } finally {
      m.payload = ''; // do not keep the caller's buffer alive
    }
    d.send(buf);
  }
}
