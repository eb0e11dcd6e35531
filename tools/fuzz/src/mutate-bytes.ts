import type { Rng } from './rng.js';

/**
 * Protocol-blind mutations. Positions are drawn outside `keep` (a byte range the caller must
 * leave intact, e.g. the part of the first Via that sends SIP answers back to the fuzzer).
 */
export interface Keep {
  start: number;
  end: number;
}

export type ByteMutation = (rng: Rng, b: Buffer, keep?: Keep) => Buffer;

/** a position in [0, len] that is not strictly inside `keep` */
export function pos(rng: Rng, len: number, keep?: Keep): number {
  for (let i = 0; i < 8; i++) {
    const p = rng.int(0, len);
    if (!keep || p <= keep.start || p >= keep.end) return p;
  }
  return keep ? (rng.chance(0.5) ? keep.start : Math.min(keep.end, len)) : 0;
}

const insert = (b: Buffer, at: number, x: Buffer): Buffer => Buffer.concat([b.subarray(0, at), x, b.subarray(at)]);

/** 1..16 bit flips */
export const flipBits: ByteMutation = (rng, b, keep) => {
  if (b.length === 0) return b;
  const out = Buffer.from(b);
  const n = rng.int(1, 16);
  for (let i = 0; i < n; i++) {
    const p = Math.min(pos(rng, out.length - 1, keep), out.length - 1);
    if (keep && p >= keep.start && p < keep.end) continue;
    out[p]! ^= 1 << rng.int(0, 7);
  }
  return out;
};

/** whole bytes replaced by "interesting" values */
export const setBytes: ByteMutation = (rng, b, keep) => {
  if (b.length === 0) return b;
  const out = Buffer.from(b);
  const values = [0x00, 0xff, 0x7f, 0x80, 0x0d, 0x0a, 0x20, 0x3a, 0x3b, 0x2c, 0x3c, 0x3e, 0x22, 0x25, 0x40, 0x5c];
  const n = rng.int(1, 8);
  for (let i = 0; i < n; i++) {
    const p = Math.min(pos(rng, out.length - 1, keep), out.length - 1);
    if (keep && p >= keep.start && p < keep.end) continue;
    out[p] = rng.pick(values);
  }
  return out;
};

/** cut the message short (a UDP datagram or a stream message that never completes) */
export const truncate: ByteMutation = (rng, b, keep) => {
  let at = pos(rng, b.length, keep);
  if (keep && at > keep.start && at < keep.end) at = keep.start;
  return b.subarray(0, at);
};

export const nulBytes: ByteMutation = (rng, b, keep) => insert(b, pos(rng, b.length, keep), Buffer.alloc(rng.int(1, 64)));

/** invalid UTF-8: stray continuation bytes, overlong forms, encoded surrogates, 0xfe/0xff */
export const nonUtf8: ByteMutation = (rng, b, keep) => {
  const seqs = [[0x80], [0xbf, 0xbf], [0xc0, 0xaf], [0xe0, 0x80, 0xaf], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xfe], [0xff], [0xc3]];
  const parts: number[] = [];
  for (let i = rng.int(1, 12); i > 0; i--) parts.push(...rng.pick(seqs));
  return insert(b, pos(rng, b.length, keep), Buffer.from(parts));
};

/** runs of CRLF, lone CR and lone LF */
export const crlfStorm: ByteMutation = (rng, b, keep) => {
  const unit = rng.pick(['\r\n', '\r', '\n', '\r\n\r\n', '\n\r']);
  const at = rng.chance(0.3) ? 0 : pos(rng, b.length, keep);
  return insert(b, at, Buffer.from(unit.repeat(rng.logSize(1, 4000)), 'latin1'));
};

/** a slice of the message copied somewhere else in it */
export const splice: ByteMutation = (rng, b, keep) => {
  if (b.length < 2) return b;
  const s = rng.int(0, b.length - 1);
  const e = Math.min(b.length, s + rng.logSize(1, 512));
  return insert(b, pos(rng, b.length, keep), Buffer.from(b.subarray(s, e)));
};

/** random bytes inserted (or, rarely, the whole input replaced by them) */
export const garbage: ByteMutation = (rng, b, keep) => {
  const junk = rng.bytes(rng.logSize(1, 2048));
  return rng.chance(0.1) && !keep ? junk : insert(b, pos(rng, b.length, keep), junk);
};

export const BYTE_MUTATIONS: Record<string, ByteMutation> = { flipBits, setBytes, truncate, nulBytes, nonUtf8, crlfStorm, splice, garbage };
