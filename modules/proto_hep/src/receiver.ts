import type { Logger, MessageSink, ReceiveInfo, SipCore, Stat } from '@tsips/core';
import { decodeHep, PROTO_TYPE, type HepPacket } from './codec/index.js';

/** The packet a SIP message was injected from, by its ReceiveInfo ($hep reads it). */
export type HepOrigin = WeakMap<ReceiveInfo, HepPacket>;

/**
 * What hep_udp / hep_tcp listeners receive (TRANSPORTS.setReceiver): decode, count, and
 * inject an encapsulated SIP payload into the SIP core as if it had come from the captured
 * source to the captured destination, over the listener's proto. Bad packets are counted and
 * logged, never thrown. Replies to an injected request go to the captured source as plain SIP
 * over the listener's proto (OpenSIPS sends them the same way).
 */
export class HepReceiver implements MessageSink {
  private lastBadLog = 0;

  constructor(
    private readonly sip: SipCore,
    private readonly origin: HepOrigin,
    private readonly received: Stat,
    private readonly bad: Stat,
    private readonly log: Logger,
  ) {}

  receive(buf: Buffer, rcv: ReceiveInfo): void {
    const r = decodeHep(buf);
    if (!r.ok) {
      this.bad.inc();
      // one line a second at most: a flood of garbage must not flood the log
      const now = Date.now();
      if (now - this.lastBadLog >= 1000) {
        this.lastBadLog = now;
        this.log.warn({ src: `${rcv.proto}:${rcv.srcIp}:${rcv.srcPort}`, error: r.error }, 'bad HEP packet dropped');
      }
      return;
    }
    this.received.inc();
    const p = r.packet;
    if (p.protoType !== PROTO_TYPE.SIP) return; // no callbacks registered for other payloads
    const inner: ReceiveInfo = {
      proto: rcv.proto,
      srcIp: p.srcIp,
      srcPort: p.srcPort,
      dstIp: p.dstIp,
      dstPort: p.dstPort,
      // the captured peers are not the HEP connection's: replies must not go back on it
      conId: 0,
      listener: rcv.listener,
      time: rcv.time,
    };
    this.origin.set(inner, p);
    this.sip.receive(p.payload, inner);
  }
}
