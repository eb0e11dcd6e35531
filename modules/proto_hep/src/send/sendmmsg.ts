import { createRequire } from 'node:module';

/**
 * sendmmsg(2) through koffi: many datagrams on a connected UDP socket in one system call
 * (node's dgram makes one sendmsg per datagram, which is most of what HEP tracing costs).
 * The mmsghdr/iovec arrays live in two Buffers reused by every call; the packets are not
 * copied: each iovec points into the packet's own memory (node never moves a Buffer's
 * backing store). Linux on 64-bit little-endian CPUs only (the layouts written below).
 */

/** Sends bufs[from..from+n) as n datagrams; returns how many the kernel took, or -1 on an error. */
export type BatchSender = (fd: number, bufs: readonly Buffer[], from: number, n: number) => number;

/** Datagrams per system call (a longer batch takes several calls). */
export const MMSG_MAX = 64;

/** struct mmsghdr { struct msghdr (56 bytes); unsigned msg_len; } padded to 64; struct iovec is 16 */
const HDR = 64;
const IOV = 16;
const HDR_IOV = 16;
const HDR_IOVLEN = 24;
const TWO32 = 4294967296;

let loaded: BatchSender | null | undefined;

/** The process-wide sender (libc loaded once), or null where koffi or sendmmsg is unavailable. */
export function batchSender(): BatchSender | null {
  if (loaded !== undefined) return loaded;
  loaded = null;
  if (process.platform !== 'linux' || (process.arch !== 'x64' && process.arch !== 'arm64')) return null;
  try {
    const require = createRequire(import.meta.url);
    const koffi = require('koffi') as typeof import('koffi');
    const sendmmsg = koffi.load('libc.so.6').func('int sendmmsg(int fd, void *msgvec, unsigned int vlen, int flags)') as
      (fd: number, vec: Buffer, n: number, flags: number) => number;
    const addr = (b: Buffer): number => Number(koffi.address(b));
    const hdrs = Buffer.alloc(MMSG_MAX * HDR);
    const iovs = Buffer.alloc(MMSG_MAX * IOV);
    const iov32 = new Uint32Array(iovs.buffer, iovs.byteOffset, (MMSG_MAX * IOV) / 4);
    const iovBase = addr(iovs);
    // msg_name stays NULL (connected socket), one iovec per message, no control data
    for (let i = 0; i < MMSG_MAX; i++) {
      const a = iovBase + i * IOV;
      hdrs.writeUInt32LE(a % TWO32, i * HDR + HDR_IOV);
      hdrs.writeUInt32LE(Math.floor(a / TWO32), i * HDR + HDR_IOV + 4);
      hdrs.writeUInt32LE(1, i * HDR + HDR_IOVLEN);
    }
    // packets come from the encoder's slab: one address look-up per slab, not per packet
    let lastAb: ArrayBufferLike | null = null;
    let lastBase = 0;
    loaded = (fd, bufs, from, n) => {
      for (let i = 0; i < n; i++) {
        const b = bufs[from + i]!;
        if (b.buffer !== lastAb) {
          lastAb = b.buffer;
          lastBase = addr(b) - b.byteOffset;
        }
        const a = lastBase + b.byteOffset;
        const o = i * 4;
        iov32[o] = a % TWO32;
        iov32[o + 1] = a / TWO32;
        iov32[o + 2] = b.length;
        iov32[o + 3] = 0;
      }
      return sendmmsg(fd, hdrs, n, 0);
    };
  } catch {
    loaded = null;
  }
  return loaded;
}
