import { EMPTY_BUFFER as EMPTY, StreamFramerBase, type FramerHost, type StreamFramer } from '@tsips/core';
import { HDR } from './codec/constants.js';
import { isHep3 } from './codec/hep3.js';

/** Reason texts handed to FramerHost.fail (the connection's close reason). */
export const HEP_FRAMING_ERRORS = {
  badId: 'bad HEP framing: stream does not start with "HEP3"/"EEP3"',
  badLength: 'bad HEP framing: packet length below 6',
  tooManyChunks: 'HEP packet not complete after too many read chunks',
} as const;

/**
 * hep_tcp framing (hep.md §3): every packet starts with "HEP3" (or "EEP3") and its 16-bit
 * total length, which delimits it. A packet may take at most hep_max_msg_chunks reads.
 */
export class HepStreamFramer extends StreamFramerBase {
  push(chunk: Buffer): void {
    if (this.dead) return;
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    while (this.buf.length >= HDR) {
      if (!isHep3(this.buf)) return void this.die(HEP_FRAMING_ERRORS.badId);
      const len = this.buf.readUInt16BE(4);
      if (len < HDR) return void this.die(HEP_FRAMING_ERRORS.badLength);
      if (this.buf.length < len) break;
      const pkt = this.buf.subarray(0, len);
      this.buf = this.buf.length === len ? EMPTY : this.buf.subarray(len);
      this.attempts = 0;
      this.host.deliver(pkt);
      if (this.dead) return;
    }
    // fewer than 4 bytes cannot be checked yet; 4 or 5 that are not an id fail at once
    if (this.buf.length >= 4 && !isHep3(this.buf)) return void this.die(HEP_FRAMING_ERRORS.badId);
    this.pending = this.buf.length > 0;
    if (this.pending && ++this.attempts >= this.maxChunks) this.die(HEP_FRAMING_ERRORS.tooManyChunks);
  }
}

export const createHepFramer = (host: FramerHost): StreamFramer => new HepStreamFramer(host);
