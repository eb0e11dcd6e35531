/**
 * The few MSRP frames the `msrp` suite's load client speaks (RFC 4975 / 4976, see
 * shared/reference/msrp.md §1 and §5): a stream reader that cuts TCP bytes into frames by
 * their end-line, and builders for AUTH, SEND and responses. Written for the bench, so it
 * handles what a relay sends back to a client, not every corner of the grammar.
 */
import { crc32 } from 'node:zlib';

export interface MsrpFrame {
  tid: string;
  /** requests: the method; responses: '' */
  method: string;
  /** responses: the status code; requests: 0 */
  status: number;
  /** the header lines (between the first line and the blank line or end-line), latin1 */
  headers: string;
  /** body bytes (a view into the read buffer: copy it to keep it past the callback) */
  body: Buffer | undefined;
  flag: '$' | '+' | '#';
}

const CRLF = Buffer.from('\r\n');
const BLANK = Buffer.from('\r\n\r\n');
const DASHES = '-------';
/** A frame that grows past this without an end-line is garbage (or another protocol). */
const MAX_FRAME = 4 * 1024 * 1024;

/**
 * Cuts a TCP byte stream into MSRP frames. MSRP has no length header: a frame ends with
 * CRLF "-------" transaction-id flag CRLF, which a body must not contain.
 */
export class MsrpReader {
  private pending: Buffer = Buffer.alloc(0);
  /** where the search for the current frame's end-line resumes (bytes already scanned) */
  private scanFrom = 0;

  /** Feeds bytes; calls `onFrame` for each complete frame. Throws on a malformed stream. */
  push(chunk: Buffer, onFrame: (f: MsrpFrame) => void): void {
    let buf = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    let pos = 0;
    for (;;) {
      const lineEnd = buf.indexOf(CRLF, pos);
      if (lineEnd < 0) break;
      const first = buf.toString('latin1', pos, lineEnd);
      const parts = first.split(' ');
      if (parts[0] !== 'MSRP' || parts.length < 3 || !parts[1]) throw new Error(`not an MSRP frame: "${first.slice(0, 60)}"`);
      const tid = parts[1];
      const end = Buffer.from(`\r\n${DASHES}${tid}`, 'latin1');
      const from = Math.max(lineEnd, this.scanFrom);
      const at = buf.indexOf(end, from);
      // the flag and CRLF after the end-line must be there too
      if (at < 0 || at + end.length + 3 > buf.length) {
        this.scanFrom = at >= 0 ? at : Math.max(lineEnd, buf.length - end.length);
        if (buf.length - pos > MAX_FRAME) throw new Error(`MSRP frame ${tid} longer than ${MAX_FRAME} bytes`);
        break;
      }
      const flag = String.fromCharCode(buf[at + end.length]!);
      if ((flag !== '$' && flag !== '+' && flag !== '#') || buf[at + end.length + 1] !== 13 || buf[at + end.length + 2] !== 10) {
        throw new Error(`bad MSRP end-line for ${tid}`);
      }
      const blank = buf.indexOf(BLANK, lineEnd);
      const hasBody = blank >= 0 && blank + 2 <= at;
      const headerEnd = hasBody ? blank : at;
      const isResponse = /^\d{3}$/.test(parts[2]!);
      onFrame({
        tid,
        method: isResponse ? '' : parts[2]!,
        status: isResponse ? Number(parts[2]) : 0,
        headers: lineEnd + 2 < headerEnd ? buf.toString('latin1', lineEnd + 2, headerEnd) : '',
        body: hasBody ? buf.subarray(blank + 4, at) : undefined,
        flag,
      });
      pos = at + end.length + 3;
      this.scanFrom = 0;
    }
    if (pos > 0) this.scanFrom = Math.max(0, this.scanFrom - pos);
    buf = pos >= buf.length ? Buffer.alloc(0) : Buffer.from(buf.subarray(pos)); // copy: the caller's chunk may be reused
    this.pending = buf;
  }

  /** Bytes held for a frame not complete yet. */
  get buffered(): number {
    return this.pending.length;
  }
}

/** A header's value from a frame's header lines (case-insensitive name), or undefined. */
export function headerValue(headers: string, name: string): string | undefined {
  const want = name.toLowerCase();
  for (const line of headers.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === want) return line.slice(colon + 1).trim();
  }
  return undefined;
}

/** `Byte-Range: start-end/total` with numbers (end and total may be '*': NaN). */
export function parseByteRange(v: string | undefined): { start: number; end: number; total: number } | undefined {
  const m = v ? /^(\d+)-(\d+|\*)\/(\d+|\*)$/.exec(v) : null;
  if (!m) return undefined;
  const n = (s: string): number => (s === '*' ? NaN : Number(s));
  return { start: Number(m[1]), end: n(m[2]!), total: n(m[3]!) };
}

export function authRequest(tid: string, relayUri: string, ownUri: string): Buffer {
  return Buffer.from(`MSRP ${tid} AUTH\r\nTo-Path: ${relayUri}\r\nFrom-Path: ${ownUri}\r\n${DASHES}${tid}$\r\n`, 'latin1');
}

/**
 * A response to a request received with `fromPath`: To-Path = its first From-Path URI (the
 * previous hop, as for SEND), From-Path = our own URI.
 */
export function response(tid: string, code: number, comment: string, toUri: string, ownUri: string): string {
  return `MSRP ${tid} ${code} ${comment}\r\nTo-Path: ${toUri}\r\nFrom-Path: ${ownUri}\r\n${DASHES}${tid}$\r\n`;
}

export interface SendChunk {
  tid: string;
  toPath: string;
  fromPath: string;
  messageId: string;
  /** 1-based first byte of the chunk within its message */
  start: number;
  length: number;
  total: number;
  flag: '$' | '+';
}

/** Everything of a SEND before its body, blank line included. */
export function sendHead(c: SendChunk): Buffer {
  return Buffer.from(
    `MSRP ${c.tid} SEND\r\nTo-Path: ${c.toPath}\r\nFrom-Path: ${c.fromPath}\r\nMessage-ID: ${c.messageId}\r\n` +
    `Byte-Range: ${c.start}-${c.start + c.length - 1}/${c.total}\r\nFailure-Report: yes\r\nContent-Type: text/plain\r\n\r\n`,
    'latin1',
  );
}

/** CRLF after the body, then the end-line. */
export function sendTail(tid: string, flag: '$' | '+'): Buffer {
  return Buffer.from(`\r\n${DASHES}${tid}${flag}\r\n`, 'latin1');
}

/**
 * `count` distinct text bodies of `size` bytes (letters only, so no CRLF and no end-line
 * can appear in them) with their CRC-32s. Deterministic: the same seed, the same bodies.
 */
export function bodyPool(count: number, size: number, seed = 0x9e3779b9): { bodies: Buffer[]; crcs: number[] } {
  let x = seed >>> 0 || 1;
  const bodies: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const b = Buffer.allocUnsafe(size);
    for (let j = 0; j < size; j++) {
      x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; // xorshift32
      b[j] = 97 + (x % 26);
    }
    bodies.push(b);
  }
  return { bodies, crcs: bodies.map((b) => crc32(b)) };
}

/** Whether `body` is intact: the pool body `index` byte for byte (compared by CRC-32). */
export function bodyIntact(body: Buffer, index: number, crcs: readonly number[]): boolean {
  return crcs[index] !== undefined && crc32(body) === crcs[index];
}
