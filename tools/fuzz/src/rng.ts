/**
 * A small seeded PRNG (mulberry32) and the draws the generators need. Every input of a
 * campaign comes from one of these, seeded from (campaign seed, target, batch), so a seed
 * replays byte for byte.
 */
export class Rng {
  private s: number;

  constructor(seed: number) {
    this.s = seed >>> 0;
  }

  /** uniform in [0, 1) */
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** integer in [lo, hi] */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** true with probability p */
  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** an index chosen by weight */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let r = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i]!;
      if (r < 0) return i;
    }
    return weights.length - 1;
  }

  bytes(n: number): Buffer {
    const b = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) b[i] = (this.next() * 256) | 0;
    return b;
  }

  /** [a-z0-9] text, for tags, branches and ids */
  token(n: number): string {
    const abc = 'abcdefghijklmnopqrstuvwxyz0123456789';
    let s = '';
    for (let i = 0; i < n; i++) s += abc[(this.next() * abc.length) | 0];
    return s;
  }

  /** a size drawn log-uniformly from [lo, hi]: small values as often as huge ones */
  logSize(lo: number, hi: number): number {
    return Math.round(Math.exp(Math.log(lo) + this.next() * (Math.log(hi) - Math.log(lo))));
  }
}

/** The seed of one batch: the campaign seed mixed with the target and the batch number. */
export function batchSeed(seed: number, target: string, batch: number): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  const mix = (v: number): void => {
    h ^= v;
    h = Math.imul(h, 0x01000193) >>> 0;
  };
  for (let i = 0; i < target.length; i++) mix(target.charCodeAt(i));
  mix(batch & 0xffff);
  mix(batch >>> 16);
  mix(seed >>> 16);
  return h >>> 0;
}
