import { decodeHep2 } from './hep2.js';
import { decodeHep3, isHep3 } from './hep3.js';
import type { DecodeResult } from './types.js';

export { encodeHep3, decodeHep3, isHep3, chunkValue } from './hep3.js';
export { encodeHep2, decodeHep2 } from './hep2.js';
export { ipFamily } from './ip.js';
export * from './constants.js';
export { HepEncodeError, type HepChunk, type HepMessage, type HepPacket, type DecodeResult } from './types.js';

/** Decode a datagram of any HEP version: "HEP3"/"EEP3" -> v3, first byte 1 or 2 -> v1/v2. */
export function decodeHep(buf: Buffer): DecodeResult {
  if (isHep3(buf)) return decodeHep3(buf);
  if (buf.length > 0 && (buf[0] === 1 || buf[0] === 2)) return decodeHep2(buf);
  return { ok: false, error: buf.length === 0 ? 'empty packet' : `not a HEP packet (first byte 0x${buf[0]!.toString(16).padStart(2, '0')})` };
}
