import { EMPTY_BUFFER as EMPTY, StreamFramerBase, type FramerHost, type StreamFramer } from '@tsips/core';

/*
 * SIP over a byte stream (tcp-core.md §5 "Framing"): messages are delimited by the end of
 * headers plus Content-Length, which RFC 3261 18.3 makes mandatory on streams. Only that
 * header is looked at; everything else is the SIP parser's business. Bytes stay Buffers.
 */

/** OpenSIPS' read buffer: neither a body nor an unfinished message may reach it. */
export const MAX_MSG_SIZE = 65535;

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const TAB = 0x09;
const COLON = 0x3a;
const PONG = Buffer.from('\r\n');
const CL_NAME = 'content-length';

/** Reason texts handed to FramerHost.fail (logged, and the connection's close reason). */
export const FRAMING_ERRORS = {
  noContentLength: 'Content-Length header missing',
  badContentLength: 'bad Content-Length value',
  tooBig: 'message too big',
  tooManyChunks: 'message not complete after too many read chunks',
} as const;

/** When `inMessage`, a message starts at offset 0 of `buf`. */
export class SipStreamFramer extends StreamFramerBase {
  private inMessage = false;
  /** offset of the next header line not yet looked at */
  private scanFrom = 0;
  /** Content-Length once seen (-1 before) and the body offset once the headers are complete */
  private bodyLen = -1;
  private bodyStart = -1;

  push(chunk: Buffer): void {
    if (this.dead) return;
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    while (this.buf.length > 0 && !this.dead) {
      if (!this.inMessage && !this.skipEmpty()) break;
      if (this.bodyStart < 0 && !this.scanHeaders()) break;
      const end = this.bodyStart + this.bodyLen;
      if (this.buf.length < end) break;
      const msg = this.buf.subarray(0, end);
      this.buf = this.buf.length === end ? EMPTY : this.buf.subarray(end);
      this.inMessage = false;
      this.scanFrom = 0;
      this.bodyLen = this.bodyStart = -1;
      this.attempts = 0;
      this.host.deliver(msg);
    }
    if (this.dead) return;
    this.pending = this.buf.length > 0;
    if (!this.pending) return;
    if (this.buf.length >= MAX_MSG_SIZE) this.die(FRAMING_ERRORS.tooBig);
    else if (++this.attempts >= this.maxChunks) this.die(FRAMING_ERRORS.tooManyChunks);
  }

  /**
   * Before a message: drop empty lines, answer CRLFCRLF pings. Returns true when a message
   * starts at offset 0, false when more bytes are needed (or nothing is left).
   */
  private skipEmpty(): boolean {
    const b = this.buf;
    const len = b.length;
    let i = 0;
    while (i < len) {
      const c = b[i];
      if (c === CR) {
        if (i + 4 <= len) {
          if (b[i + 1] === LF && b[i + 2] === CR && b[i + 3] === LF) {
            i += 4;
            if (this.host.options.crlfPingPong) this.host.write(PONG);
            continue;
          }
        } else if (isPingPrefix(b, i, len)) {
          // maybe a ping still arriving; a lone CRLF is dropped only when so configured
          if (len - i === 2 && this.host.options.crlfDrop) i = len;
          break;
        }
        i++;
      } else if (c === LF || c === SP || c === TAB) i++;
      else {
        this.buf = i === 0 ? b : b.subarray(i);
        this.inMessage = true;
        return true;
      }
    }
    this.buf = i === len ? EMPTY : b.subarray(i);
    return false;
  }

  /** Find Content-Length (first occurrence) and the end of headers; false = need more bytes. */
  private scanHeaders(): boolean {
    const b = this.buf;
    let pos = this.scanFrom;
    for (;;) {
      const lf = b.indexOf(LF, pos);
      if (lf < 0) {
        this.scanFrom = pos;
        return false;
      }
      if (pos > 0) {
        const end = lf > pos && b[lf - 1] === CR ? lf - 1 : lf;
        if (end === pos) {
          // empty line: LF LF or LF CR LF ends the headers
          if (this.bodyLen < 0) return this.die(FRAMING_ERRORS.noContentLength);
          this.bodyStart = lf + 1;
          if (this.bodyLen >= MAX_MSG_SIZE) return this.die(FRAMING_ERRORS.tooBig);
          return true;
        }
        if (this.bodyLen < 0) {
          const v = contentLength(b, pos, end);
          if (v === BAD) return this.die(FRAMING_ERRORS.badContentLength);
          if (v >= MAX_MSG_SIZE) return this.die(FRAMING_ERRORS.tooBig);
          if (v >= 0) this.bodyLen = v;
        }
      }
      pos = lf + 1;
    }
  }
}

/** b[i..len) is a proper prefix of CR LF CR LF */
function isPingPrefix(b: Buffer, i: number, len: number): boolean {
  for (let k = i; k < len; k++) if (b[k] !== ((k - i) % 2 === 0 ? CR : LF)) return false;
  return true;
}

const NOT_CL = -1;
const BAD = -2;

/**
 * The Content-Length value if line [s, e) is that header (long or compact `l` form, any case,
 * `_` for `-`, optional whitespace before ':'); NOT_CL for another header; BAD for a value
 * that is not all digits.
 */
function contentLength(b: Buffer, s: number, e: number): number {
  let i: number;
  if ((b[s]! | 0x20) === 0x6c && (s + 1 === e || b[s + 1] === COLON || b[s + 1] === SP || b[s + 1] === TAB)) i = s + 1;
  else {
    if (e - s < CL_NAME.length) return NOT_CL;
    for (let k = 0; k < CL_NAME.length; k++) {
      const c = b[s + k]!;
      const want = CL_NAME.charCodeAt(k);
      if (want === 0x2d ? c !== 0x2d && c !== 0x5f : (c | 0x20) !== want) return NOT_CL;
    }
    i = s + CL_NAME.length;
  }
  while (i < e && (b[i] === SP || b[i] === TAB)) i++;
  if (i === e || b[i] !== COLON) return NOT_CL;
  i++;
  while (i < e && (b[i] === SP || b[i] === TAB)) i++;
  let n = 0;
  const digitsFrom = i;
  while (i < e) {
    const c = b[i]!;
    if (c < 0x30 || c > 0x39) break;
    if (n < MAX_MSG_SIZE) n = n * 10 + (c - 0x30); // saturates: anything this big is refused anyway
    i++;
  }
  if (i === digitsFrom) return BAD;
  while (i < e && (b[i] === SP || b[i] === TAB)) i++;
  return i === e ? n : BAD;
}

/** The proto_tcp framer factory (ProtoHandler.createFramer). */
export function createSipFramer(host: FramerHost): StreamFramer {
  return new SipStreamFramer(host);
}
