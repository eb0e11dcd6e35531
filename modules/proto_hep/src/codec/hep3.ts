import { inflateRawSync, unzipSync } from 'node:zlib';
import { AF_INET, AF_INET6, CHUNK, CHUNK_NAMES, GENERIC_SIZE, HDR, MAX_PACKET } from './constants.js';
import { parseIp, type EncoderCache } from './encoder-cache.js';
import { ipFamily, readIp4, readIp6 } from './ip.js';
import { HepEncodeError, type DecodeResult, type HepChunk, type HepMessage, type HepPacket } from './types.js';

/*
 * HEPv3 (hep.md §1): "HEP3" | total length | chunks of vendor(2) type(2) length(2) value.
 * The encoder sizes the packet first and writes every field into one uninitialised buffer.
 * Field order: family, ip proto, source / destination address, ports, time, proto type,
 * capture id, payload (the spec's own example order, Kamailio's too), then the correlation
 * and the extra chunks; receivers do not care about the order.
 */

const ID_HEP3 = 0x48455033; // "HEP3"
const ID_EEP3 = 0x45455033; // "EEP3"
/** the fixed part: header, family, proto, two ports, sec, usec, proto type, capture id */
const FIXED = HDR + 7 + 7 + 8 + 8 + 10 + 10 + 7 + 10;
/** inflated payloads beyond this are refused (a HEP packet is at most 64 KiB on the wire) */
const MAX_INFLATED = 1 << 20;

const byteLen = (v: Buffer | string): number => (typeof v === 'string' ? Buffer.byteLength(v) : v.length);

/*
 * The writers below set bytes directly: per packet the encoder writes some 40 integers, and
 * Buffer's checked writeUInt16BE/32BE and copy() cost several times a plain store or set().
 */

function putValue(buf: Buffer, off: number, v: Buffer | string): number {
  if (typeof v === 'string') return buf.write(v, off);
  buf.set(v, off);
  return v.length;
}

function u16(b: Buffer, o: number, v: number): number {
  b[o] = v >>> 8;
  b[o + 1] = v;
  return o + 2;
}

function u32(b: Buffer, o: number, v: number): number {
  b[o] = v >>> 24;
  b[o + 1] = v >>> 16;
  b[o + 2] = v >>> 8;
  b[o + 3] = v;
  return o + 4;
}

/** A chunk header (vendor, type, whole length); returns the offset of its value. */
function putHdr(b: Buffer, o: number, type: number, len: number, vendor = 0): number {
  u16(b, o, vendor);
  u16(b, o + 2, type);
  return u16(b, o + 4, len);
}

/** One address chunk from its wire bytes (4: IPv4, 16: IPv6); returns the new offset. */
function putIp(b: Buffer, o: number, ip: Buffer, v4type: number, v6type: number): number {
  o = putHdr(b, o, ip.length === 4 ? v4type : v6type, HDR + ip.length);
  b.set(ip, o);
  return o + ip.length;
}

function ipBytes(ip: string, cache: EncoderCache | undefined): Buffer {
  const b = cache ? cache.ip(ip) : parseIp(ip);
  if (b === null) throw new HepEncodeError(`not an IP address: "${ip}"`);
  return b;
}

/**
 * Encode a HEPv3 packet. `payload` goes into chunk 0x000f, or 0x0010 when `compressed` says
 * it already is compressed. Throws HepEncodeError on an unusable address or over 64 KiB.
 * A sender passes its EncoderCache (packet slab, parsed addresses); without one every call
 * allocates and parses afresh.
 */
export function encodeHep3(m: HepMessage, compressed = false, cache?: EncoderCache): Buffer {
  const src = ipBytes(m.srcIp, cache);
  const dst = ipBytes(m.dstIp, cache);
  const payloadLen = byteLen(m.payload);
  let size = FIXED + HDR + src.length + HDR + dst.length + HDR + payloadLen;
  const corr = m.correlation;
  const corrLen = corr != null ? byteLen(corr) : 0;
  if (corr != null) size += HDR + corrLen;
  const chunks = m.chunks;
  if (chunks) for (let i = 0; i < chunks.length; i++) size += HDR + byteLen(chunks[i]!.value);
  if (size > MAX_PACKET) throw new HepEncodeError(`packet of ${size} bytes exceeds the HEPv3 limit of ${MAX_PACKET}`);

  const b = cache ? cache.alloc(size) : Buffer.allocUnsafe(size);
  let o = u32(b, 0, ID_HEP3);
  o = u16(b, o, size);
  o = putHdr(b, o, CHUNK.FAMILY, 7);
  b[o++] = m.family;
  o = putHdr(b, o, CHUNK.IP_PROTO, 7);
  b[o++] = m.ipProto;
  o = putIp(b, o, src, CHUNK.SRC_IP4, CHUNK.SRC_IP6);
  o = putIp(b, o, dst, CHUNK.DST_IP4, CHUNK.DST_IP6);
  o = u16(b, putHdr(b, o, CHUNK.SRC_PORT, 8), m.srcPort);
  o = u16(b, putHdr(b, o, CHUNK.DST_PORT, 8), m.dstPort);
  o = u32(b, putHdr(b, o, CHUNK.TIME_SEC, 10), m.timeSec);
  o = u32(b, putHdr(b, o, CHUNK.TIME_USEC, 10), m.timeUsec);
  o = putHdr(b, o, CHUNK.PROTO_TYPE, 7);
  b[o++] = m.protoType;
  o = u32(b, putHdr(b, o, CHUNK.CAPTURE_ID, 10), m.captureId);
  o = putHdr(b, o, compressed ? CHUNK.COMPRESSED_PAYLOAD : CHUNK.PAYLOAD, HDR + payloadLen);
  o += putValue(b, o, m.payload);
  if (corr != null) {
    o = putHdr(b, o, CHUNK.CORRELATION_ID, HDR + corrLen);
    o += putValue(b, o, corr);
  }
  if (chunks)
    for (let i = 0; i < chunks.length; i++) {
      const c = chunks[i]!;
      o = putHdr(b, o, c.type, HDR + byteLen(c.value), c.vendor);
      o += putValue(b, o, c.value);
    }
  return b;
}

/** Is this the start of a HEPv3 packet ("HEP3" or "EEP3")? Needs 4 bytes. */
export function isHep3(buf: Buffer, off = 0): boolean {
  if (buf.length - off < 4) return false;
  const id = buf.readUInt32BE(off);
  return id === ID_HEP3 || id === ID_EEP3;
}

const fail = (error: string): DecodeResult => ({ ok: false, error });
const hex = (n: number): string => `0x${n.toString(16).padStart(4, '0')}`;

/**
 * Decode one whole HEPv3 packet (`buf` is exactly the packet: a datagram, or what the TCP
 * framer cut by the length field). Malformed input gives `{ ok: false, error }`, never a throw.
 */
export function decodeHep3(buf: Buffer): DecodeResult {
  if (buf.length < HDR) return fail(`packet of ${buf.length} bytes is shorter than the 6-byte HEPv3 header`);
  if (!isHep3(buf)) return fail('not a HEPv3 packet: id is neither "HEP3" nor "EEP3"');
  const total = buf.readUInt16BE(4);
  if (total !== buf.length) return fail(`length field says ${total} bytes, packet has ${buf.length}`);
  const p: HepPacket = {
    version: 3, family: 0, ipProto: 0, srcIp: '', dstIp: '', srcPort: 0, dstPort: 0, timeSec: 0, timeUsec: 0,
    protoType: 0, captureId: 0, payload: EMPTY, compressed: false, correlation: null, chunks: null,
  };
  let havePayload = false;
  let havePorts = 0;
  for (let o = HDR; o < total; ) {
    if (total - o < HDR) return fail(`truncated chunk header at offset ${o}`);
    const vendor = buf.readUInt16BE(o);
    const type = buf.readUInt16BE(o + 2);
    const len = buf.readUInt16BE(o + 4);
    if (len < HDR) return fail(`chunk ${hex(type)} at offset ${o}: length ${len} is below 6`);
    if (o + len > total) return fail(`chunk ${hex(type)} at offset ${o}: length ${len} runs past the packet end`);
    const v = o + HDR;
    const vlen = len - HDR;
    o += len;
    if (vendor !== 0) {
      (p.chunks ??= []).push({ vendor, type, value: buf.subarray(v, v + vlen) });
      continue;
    }
    const want = GENERIC_SIZE[type];
    if (want !== undefined && vlen !== want) return fail(`chunk ${hex(type)} (${CHUNK_NAMES[type]}) must hold ${want} bytes, holds ${vlen}`);
    switch (type) {
      case CHUNK.FAMILY: p.family = buf[v]!; break;
      case CHUNK.IP_PROTO: p.ipProto = buf[v]!; break;
      case CHUNK.SRC_IP4: p.srcIp = readIp4(buf, v); break;
      case CHUNK.DST_IP4: p.dstIp = readIp4(buf, v); break;
      case CHUNK.SRC_IP6: p.srcIp = readIp6(buf, v); break;
      case CHUNK.DST_IP6: p.dstIp = readIp6(buf, v); break;
      case CHUNK.SRC_PORT: p.srcPort = buf.readUInt16BE(v); havePorts |= 1; break;
      case CHUNK.DST_PORT: p.dstPort = buf.readUInt16BE(v); havePorts |= 2; break;
      case CHUNK.TIME_SEC: p.timeSec = buf.readUInt32BE(v); break;
      case CHUNK.TIME_USEC: p.timeUsec = buf.readUInt32BE(v); break;
      case CHUNK.PROTO_TYPE: p.protoType = buf[v]!; break;
      case CHUNK.CAPTURE_ID: p.captureId = buf.readUInt32BE(v); break;
      case CHUNK.PAYLOAD:
        p.payload = buf.subarray(v, v + vlen);
        p.compressed = false;
        havePayload = true;
        break;
      case CHUNK.COMPRESSED_PAYLOAD: {
        const inflated = inflate(buf.subarray(v, v + vlen));
        if (!inflated) return fail('compressed payload (chunk 0x0010) does not inflate');
        p.payload = inflated;
        p.compressed = true;
        havePayload = true;
        break;
      }
      case CHUNK.CORRELATION_ID: p.correlation = buf.subarray(v, v + vlen); break;
      default: (p.chunks ??= []).push({ vendor, type, value: buf.subarray(v, v + vlen) });
    }
  }
  if (!havePayload) return fail('no payload chunk (0x000f or 0x0010)');
  if (p.srcIp === '' || p.dstIp === '') return fail('source or destination address chunk missing');
  if (havePorts !== 3) return fail('source or destination port chunk missing');
  if (p.family === 0) p.family = ipFamily(p.srcIp) === 6 ? AF_INET6 : AF_INET;
  return { ok: true, packet: p };
}

const EMPTY = Buffer.alloc(0);

/** zlib or gzip (unzip tells them apart), else raw deflate; bounded; null when none fits */
function inflate(data: Buffer): Buffer | null {
  try {
    return unzipSync(data, { maxOutputLength: MAX_INFLATED });
  } catch {
    try {
      return inflateRawSync(data, { maxOutputLength: MAX_INFLATED });
    } catch {
      return null;
    }
  }
}

/** The value of one chunk as $hep(0x....) shows it: numbers for fixed-size integer chunks. */
export function chunkValue(c: HepChunk): string | number {
  const v = c.value;
  if (typeof v === 'string') return v;
  if (c.vendor === 0 && GENERIC_SIZE[c.type] === v.length) {
    if (v.length === 1) return v[0]!;
    if (v.length === 2) return v.readUInt16BE(0);
    if (v.length === 4) return v.readUInt32BE(0);
  }
  return v.toString('utf8');
}
