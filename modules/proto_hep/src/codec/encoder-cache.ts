import { writeIp4, writeIp6 } from './ip.js';

/** Bytes of each slab packets are carved from (about 400 SIP-sized packets). */
const SLAB_SIZE = 256 * 1024;
/** Distinct address strings kept parsed; past this the cache starts over (bounded memory). */
const MAX_IPS = 256;

/**
 * What a sender's encodeHep3 calls reuse from one packet to the next:
 * - packet buffers carved from a large slab: one ArrayBuffer per ~400 packets instead of
 *   Buffer.allocUnsafe's 8 KB pool (one per ~13 packets). A carved region is never handed out
 *   again, so a packet still queued in a socket stays intact; the slab is freed by the GC once
 *   its last packet is gone.
 * - the wire bytes of each address string, parsed once (a proxy traces the same few local and
 *   peer addresses over and over).
 */
export class EncoderCache {
  private slab: ArrayBuffer | null = null;
  private used = 0;
  private readonly ips = new Map<string, Buffer | null>();

  /** A fresh, uninitialised buffer of `size` bytes nobody else holds. */
  alloc(size: number): Buffer {
    if (size > SLAB_SIZE >>> 3) return Buffer.allocUnsafe(size);
    if (this.slab === null || this.used + size > SLAB_SIZE) {
      this.slab = Buffer.allocUnsafeSlow(SLAB_SIZE).buffer as ArrayBuffer;
      this.used = 0;
    }
    const b = Buffer.from(this.slab, this.used, size);
    // keep the next packet 8-byte aligned, as node's own pool does
    this.used = (this.used + size + 7) & ~7;
    return b;
  }

  /** The 4 or 16 wire bytes of an IP literal (shared: read only), or null if it is none. */
  ip(text: string): Buffer | null {
    let b = this.ips.get(text);
    if (b !== undefined) return b;
    b = parseIp(text);
    if (this.ips.size >= MAX_IPS) this.ips.clear();
    this.ips.set(text, b);
    return b;
  }
}

/** The wire bytes of an IPv4 or IPv6 literal, or null. */
export function parseIp(text: string): Buffer | null {
  if (!text.includes(':')) {
    const b = Buffer.alloc(4);
    return writeIp4(b, 0, text) ? b : null;
  }
  const b = Buffer.alloc(16);
  return writeIp6(b, 0, text) ? b : null;
}
