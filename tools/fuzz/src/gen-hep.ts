import { deflateRawSync, gzipSync } from 'node:zlib';
import type { TortureMessage } from './corpus.js';
import { sipMessage, streamPlan } from './gen-sip.js';
import { BYTE_MUTATIONS } from './mutate-bytes.js';
import type { Rng } from './rng.js';
import { hepDatagramSafe, hepStreamSafe } from './safety.js';
import type { FuzzInput, GenEnv } from './types.js';

/** One HEPv3 chunk before encoding; `len` overrides the real length (bad chunk lengths). */
export interface Chunk {
  vendor: number;
  type: number;
  value: Buffer;
  len?: number;
}

const u8 = (v: number): Buffer => Buffer.from([v & 0xff]);
const u16 = (v: number): Buffer => Buffer.from([(v >> 8) & 0xff, v & 0xff]);
const u32 = (v: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v >>> 0);
  return b;
};
const LOOP4 = Buffer.from([127, 0, 0, 1]);
const LOOP6 = Buffer.concat([Buffer.alloc(15), Buffer.from([1])]);

/** The chunks of a captured SIP message from 127.0.0.1:srcPort to the server's SIP port. */
export function sipChunks(payload: Buffer, srcPort: number, dstPort: number, v6: boolean): Chunk[] {
  const c = (type: number, value: Buffer): Chunk => ({ vendor: 0, type, value });
  return [
    c(1, u8(v6 ? 10 : 2)), c(2, u8(17)),
    c(v6 ? 5 : 3, v6 ? LOOP6 : LOOP4), c(v6 ? 6 : 4, v6 ? LOOP6 : LOOP4),
    c(7, u16(srcPort)), c(8, u16(dstPort)),
    c(9, u32(Math.floor(Date.UTC(2026, 0, 1) / 1000))), c(10, u32(123456)),
    c(11, u8(1)), c(12, u32(2001)), c(0x0f, payload),
  ];
}

/** HEPv3 bytes; `total` overrides the length field (bad packet lengths). */
export function encodeChunks(chunks: readonly Chunk[], total?: number, id = 'HEP3'): Buffer {
  const parts = chunks.map((ch) => {
    const h = Buffer.alloc(6);
    h.writeUInt16BE(ch.vendor, 0);
    h.writeUInt16BE(ch.type, 2);
    h.writeUInt16BE((ch.len ?? ch.value.length + 6) & 0xffff, 4);
    return Buffer.concat([h, ch.value]);
  });
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(6);
  head.write(id, 0, 'latin1');
  head.writeUInt16BE((total ?? body.length + 6) & 0xffff, 4);
  return Buffer.concat([head, body]);
}

/** HEPv1/v2 bytes (UDP only); `hdrLen`/`family` override the header fields. */
export function encodeHep2(version: number, payload: Buffer, srcPort: number, dstPort: number, v6: boolean, over: { hdrLen?: number; family?: number } = {}): Buffer {
  const hdr = v6 ? 40 : 16;
  const b = Buffer.alloc(hdr + (version === 2 ? 10 : 0));
  b[0] = version;
  b[1] = over.hdrLen ?? hdr;
  b[2] = over.family ?? (v6 ? 10 : 2);
  b[3] = 17;
  b.writeUInt16BE(srcPort, 4);
  b.writeUInt16BE(dstPort, 6);
  (v6 ? LOOP6 : LOOP4).copy(b, 8);
  (v6 ? LOOP6 : LOOP4).copy(b, v6 ? 24 : 12);
  if (version === 2) b.writeUInt32LE(1767225600, hdr);
  return Buffer.concat([b, payload]);
}

type ChunkMutation = (rng: Rng, chunks: Chunk[]) => { chunks: Chunk[]; total?: number };

const CHUNK_MUTATIONS: Record<string, ChunkMutation> = {
  badTotal: (rng, c) => ({ chunks: c, total: rng.pick([0, 5, 6, 7, 65535, rng.int(0, 65535)]) }),
  shortChunkLen: (rng, c) => (rng.pick(c).len = rng.int(0, 5), { chunks: c }),
  longChunkLen: (rng, c) => (rng.pick(c).len = rng.int(7, 65535), { chunks: c }),
  wrongFixedSize: (rng, c) => {
    const ch = rng.pick(c.filter((x) => x.type <= 12));
    ch.value = rng.bytes(rng.pick([0, 1, 3, 5, 8, 17]));
    // an address chunk of the wrong size is refused; of the right size it must stay loopback
    if (ch.type === 3 && ch.value.length === 4) ch.value = LOOP4;
    return { chunks: c };
  },
  dropChunk: (rng, c) => ({ chunks: c.filter((x) => x !== rng.pick(c)) }),
  vendorChunks: (rng, c) => {
    for (let n = rng.logSize(1, 3000); n > 0; n--) c.splice(rng.int(0, c.length), 0, { vendor: rng.int(1, 0xffff), type: rng.int(0, 0xffff), value: rng.bytes(rng.int(0, 8)) });
    return { chunks: c };
  },
  compressed: (rng, c) => {
    const p = c.find((x) => x.type === 0x0f);
    if (!p) return { chunks: c };
    p.type = 0x10;
    const w = rng.int(0, 3);
    p.value = w === 0 ? deflateRawSync(p.value) : w === 1 ? gzipSync(p.value) : w === 2 ? rng.bytes(rng.int(0, 200)) : deflateRawSync(Buffer.alloc(rng.logSize(1 << 19, 4 << 20)));
    return { chunks: c };
  },
  duplicateChunks: (rng, c) => {
    const ch = rng.pick(c);
    for (let n = rng.logSize(1, 500); n > 0; n--) c.push({ ...ch });
    return { chunks: c };
  },
  otherProtoType: (rng, c) => {
    const t = c.find((x) => x.type === 11);
    if (t) t.value = u8(rng.pick([0, 2, 5, 0x22, 0x32, 0x64, 0xff]));
    return { chunks: c };
  },
};
const CHUNK_NAMES = Object.keys(CHUNK_MUTATIONS);
const BYTE_NAMES = Object.keys(BYTE_MUTATIONS);

/**
 * One HEP packet carrying a (valid or mutated) SIP message captured from the fuzzer's sink
 * port; for UDP also v1/v2. Structural mutations first, then sometimes byte-level ones.
 */
export function hepPacket(rng: Rng, corpus: readonly TortureMessage[], env: GenEnv, udp: boolean): { kind: string; data: Buffer } {
  const sip = sipMessage(rng, corpus, env, 'UDP', env.sinkPort);
  const v6 = rng.chance(0.15);
  const dst = env.server.sip ?? 5060;
  const version = udp ? rng.pick([1, 2, 3, 3, 3, 3]) : 3;
  const names: string[] = [`v${version}`, sip.kind];
  let data: Buffer;
  if (version !== 3) {
    const bad = rng.chance(0.2);
    data = encodeHep2(version, rng.chance(0.05) ? Buffer.alloc(0) : sip.msg, env.sinkPort, dst, v6, bad ? rng.pick([{ hdrLen: rng.int(0, 60) }, { family: rng.int(0, 30) }]) : {});
    if (bad) names.push('badV2Header');
  } else {
    let chunks = sipChunks(sip.msg, env.sinkPort, dst, v6);
    let total: number | undefined;
    if (rng.chance(0.6)) {
      for (let n = rng.int(1, 2); n > 0; n--) {
        const name = rng.pick(CHUNK_NAMES);
        const r = CHUNK_MUTATIONS[name]!(rng, chunks);
        chunks = r.chunks;
        total = r.total ?? total;
        names.push(name);
      }
    }
    data = encodeChunks(chunks, total, rng.chance(0.1) ? 'EEP3' : 'HEP3');
  }
  if (rng.chance(0.25)) {
    const name = rng.pick(BYTE_NAMES);
    data = BYTE_MUTATIONS[name]!(rng, data);
    names.push(name);
  }
  return { kind: names.join('+'), data };
}

export function hepUdpBatch(rng: Rng, corpus: readonly TortureMessage[], env: GenEnv, size: number): FuzzInput[] {
  const out: FuzzInput[] = [];
  while (out.length < size) {
    const p = hepPacket(rng, corpus, env, true);
    if (p.data.length <= 65507 && hepDatagramSafe(p.data, env.sinkPort)) out.push({ target: 'hep-udp', kind: p.kind, data: p.data });
  }
  return out;
}

/** A hep_tcp connection: 1..4 packets, sometimes garbage between, written by a stream plan. */
export function hepTcpBatch(rng: Rng, corpus: readonly TortureMessage[], env: GenEnv, size: number): FuzzInput[] {
  let held = false;
  const out: FuzzInput[] = [];
  while (out.length < size) {
    const kinds: string[] = [];
    const parts: Buffer[] = [];
    for (let n = rng.int(1, 4); n > 0; n--) {
      const p = hepPacket(rng, corpus, env, false);
      kinds.push(p.kind);
      parts.push(p.data);
      if (rng.chance(0.05)) parts.push(rng.bytes(rng.int(1, 64)));
    }
    let data = Buffer.concat(parts);
    if (!hepStreamSafe(data, env.sinkPort)) continue;
    const plan = streamPlan(rng, data.length, !held);
    if (plan.end === 'hold') {
      held = true;
      data = data.subarray(0, Math.max(1, data.length - rng.int(1, 20)));
      if (!hepStreamSafe(data, env.sinkPort)) continue;
    }
    out.push({ target: 'hep-tcp', kind: kinds.join(' | '), data, plan });
  }
  return out;
}
