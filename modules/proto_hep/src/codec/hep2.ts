import { AF_INET, AF_INET6 } from './constants.js';
import { readIp4, readIp6, writeIp4, writeIp6 } from './ip.js';
import { HepEncodeError, type DecodeResult, type HepMessage, type HepPacket } from './types.js';

/*
 * HEPv1 / HEPv2 (hep.md §2), UDP only: version, header length, family, ip proto, ports (network
 * order), the two addresses, for v2 a time block, then the raw payload to the end.
 * The v2 time block (sec, usec, 16-bit capture id) is written without byte-order conversion
 * by OpenSIPS and as little-endian by Kamailio: on the usual little-endian hosts both are
 * little-endian, so that is what is read and written here.
 */

const HDR4 = 16;
const HDR6 = 40;
const TIME_BLOCK = 10;

/** Encode a HEPv1 or v2 packet; the family follows the source address. */
export function encodeHep2(m: HepMessage, version: 1 | 2): Buffer {
  const v6 = m.srcIp.includes(':');
  const hdr = v6 ? HDR6 : HDR4;
  const payload = m.payload;
  const plen = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
  const size = hdr + (version === 2 ? TIME_BLOCK : 0) + plen;
  const b = Buffer.allocUnsafe(size);
  b[0] = version;
  b[1] = hdr;
  b[2] = v6 ? AF_INET6 : AF_INET;
  b[3] = m.ipProto;
  b.writeUInt16BE(m.srcPort & 0xffff, 4);
  b.writeUInt16BE(m.dstPort & 0xffff, 6);
  const ok = v6 ? writeIp6(b, 8, m.srcIp) && writeIp6(b, 24, m.dstIp) : writeIp4(b, 8, m.srcIp) && writeIp4(b, 12, m.dstIp);
  if (!ok) throw new HepEncodeError(`HEPv${version} needs two IPv${v6 ? 6 : 4} addresses, got "${m.srcIp}" and "${m.dstIp}"`);
  let o = hdr;
  if (version === 2) {
    b.writeUInt32LE(m.timeSec >>> 0, o);
    b.writeUInt32LE(m.timeUsec >>> 0, o + 4);
    b.writeUInt16LE(m.captureId & 0xffff, o + 8);
    o += TIME_BLOCK;
  }
  if (typeof payload === 'string') b.write(payload, o);
  else payload.copy(b, o);
  return b;
}

const fail = (error: string): DecodeResult => ({ ok: false, error });

/** Decode a HEPv1/v2 datagram; malformed input gives `{ ok: false, error }`. */
export function decodeHep2(buf: Buffer): DecodeResult {
  if (buf.length < HDR4) return fail(`HEPv1/v2 packet of ${buf.length} bytes is shorter than its 16-byte header`);
  const version = buf[0]!;
  if (version !== 1 && version !== 2) return fail(`unknown HEP version ${version}`);
  const hdr = buf[1]!;
  const family = buf[2]!;
  const v6 = family === AF_INET6;
  if (!v6 && family !== AF_INET) return fail(`HEPv${version}: unknown address family ${family}`);
  if (hdr !== (v6 ? HDR6 : HDR4)) return fail(`HEPv${version}: header length ${hdr} does not match family ${family} (want ${v6 ? HDR6 : HDR4})`);
  const fixed = hdr + (version === 2 ? TIME_BLOCK : 0);
  if (buf.length < fixed) return fail(`HEPv${version} packet of ${buf.length} bytes is shorter than its ${fixed}-byte header`);
  const p: HepPacket = {
    version,
    family,
    ipProto: buf[3]!,
    srcPort: buf.readUInt16BE(4),
    dstPort: buf.readUInt16BE(6),
    srcIp: v6 ? readIp6(buf, 8) : readIp4(buf, 8),
    dstIp: v6 ? readIp6(buf, 24) : readIp4(buf, 12),
    timeSec: version === 2 ? buf.readUInt32LE(hdr) : 0,
    timeUsec: version === 2 ? buf.readUInt32LE(hdr + 4) : 0,
    captureId: version === 2 ? buf.readUInt16LE(hdr + 8) : 0,
    protoType: 1, // v1/v2 carry SIP only
    payload: buf.subarray(fixed),
    compressed: false,
    correlation: null,
    chunks: null,
  };
  if (p.payload.length === 0) return fail(`HEPv${version} packet has no payload`);
  return { ok: true, packet: p };
}
