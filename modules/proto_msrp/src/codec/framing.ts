import { EMPTY_BUFFER as EMPTY, StreamFramerBase, type FramerHost, type StreamFramer } from '@tsips/core';
import { BODY_END, CR, DASH, DASHES, flagOf, IDENT_MAX, isIdent, LF, MSRP_PREFIX, SP } from './chars.js';

/*
 * MSRP over a byte stream (msrp.md §1, §6 "Read path"). There is no length header: a frame
 * ends at the end-line `-------<transact-id><flag>` CRLF. The framer reads the first line for
 * the id, walks the header lines (an end-line may follow them directly), and once a blank line
 * opened a body searches for CRLF "-------" + id, resuming where the last chunk stopped so a
 * slowly arriving body is never scanned twice.
 *
 * Copying: frames that lie inside one read chunk are delivered as views of it. Only a frame
 * split across reads is joined, and only with the part of the next chunk it needs (found by
 * looking ahead for its end-line), so each received byte is copied at most once and most not
 * at all.
 */

/** The read buffer bound (OpenSIPS' TCP buffer): a frame may not be longer. */
export const MAX_MSG_SIZE = 65535;

/** Reason texts handed to FramerHost.fail (logged, and the connection's close reason). */
export const FRAMING_ERRORS = {
  notMsrp: 'frame does not start with "MSRP "',
  badId: 'bad transaction id in first line',
  badDashes: 'end-line does not start with exactly 7 dashes',
  idMismatch: 'end-line transaction id differs from the first line',
  badFlag: 'bad end-line continuation flag',
  badEnd: 'end-line not terminated by CRLF',
  tooBig: 'message too big',
  tooManyChunks: 'message not complete after too many read chunks',
} as const;

/** how much of a new chunk joins a frame still in its first line or headers (they are short) */
const HEAD_STEP = 2048;
const END_DASHES = Buffer.from('-------', 'latin1');
const ST_FIRST = 0;
const ST_HEADERS = 1;
const ST_BODY = 2;

/** A frame starts at offset 0 of `buf`. */
export class MsrpStreamFramer extends StreamFramerBase {
  private state = ST_FIRST;
  /** next offset to look at: a line start (first line, headers) or a body search start */
  private scanFrom = 0;
  /** the transaction id in `buf` (first line) */
  private idStart = 0;
  private idEnd = 0;
  /** times the pending frame was joined with a following chunk */
  private joins = 0;

  push(chunk: Buffer): void {
    if (this.dead) return;
    let rest = chunk;
    while (rest.length > 0) {
      if (this.buf.length === 0) {
        this.buf = rest;
        rest = EMPTY;
      } else {
        // a frame is partly here: join it with the part of `rest` that can complete it
        const k = this.needed(rest);
        this.buf = Buffer.concat([this.buf, k === rest.length ? rest : rest.subarray(0, k)]);
        rest = k === rest.length ? EMPTY : rest.subarray(k);
      }
      if (!this.deliverComplete()) return;
      if (this.buf.length > MAX_MSG_SIZE) {
        this.die(FRAMING_ERRORS.tooBig);
        return;
      }
    }
    this.pending = this.buf.length > 0;
    if (this.pending && ++this.attempts >= this.maxChunks) this.die(FRAMING_ERRORS.tooManyChunks);
  }

  /** Deliver every complete frame at the start of `buf`; false once the framer died. */
  private deliverComplete(): boolean {
    while (this.buf.length > 0) {
      const end = this.frameEnd();
      if (end < 0) break;
      if (end > MAX_MSG_SIZE) {
        this.die(FRAMING_ERRORS.tooBig);
        return false;
      }
      const msg = this.buf.subarray(0, end);
      this.buf = this.buf.length === end ? EMPTY : this.buf.subarray(end);
      this.state = ST_FIRST;
      this.scanFrom = 0;
      this.attempts = 0;
      this.joins = 0;
      this.host.deliver(msg);
      if (this.dead) return false; // the sink may have closed the connection
    }
    return !this.dead;
  }

  /**
   * How many bytes of `next` to join to the frame pending in `buf`: up to the end of its
   * end-line when that is in `next` (CRLF "-------" id in a body; "-------" id before one),
   * else all of `next`. An end-line that starts in `buf` ends within the first bytes of `next`,
   * always included. Taking too much only moves the next frames' bytes along; taking too
   * little (a header value that looks like an end-line) costs another join, and each further
   * join of one frame at least doubles it, so a frame is never copied more than about twice.
   */
  private needed(next: Buffer): number {
    const grow = this.joins++ === 0 ? 0 : Math.min(next.length, this.buf.length);
    if (this.state === ST_FIRST) return Math.max(grow, Math.min(next.length, HEAD_STEP));
    const marker = this.state === ST_BODY ? BODY_END : END_DASHES;
    const idLen = this.idEnd - this.idStart;
    const full = marker.length + idLen + 3; // flag + CRLF
    let from = 0;
    for (;;) {
      const p = next.indexOf(marker, from);
      if (p < 0 || p + full > next.length) return next.length;
      const idAt = p + marker.length;
      if (next.compare(this.buf, this.idStart, this.idEnd, idAt, idAt + idLen) === 0) return Math.max(p + full, Math.min(full, next.length), grow);
      from = p + 1;
    }
  }

  /** Length of the complete frame at offset 0, or -1 (need more bytes, or failed). */
  private frameEnd(): number {
    const b = this.buf;
    if (this.state === ST_FIRST && !this.firstLine(b)) return -1;
    if (this.state === ST_HEADERS) {
      const end = this.headers(b);
      if (end !== 0) return end;
    }
    return this.body(b);
  }

  private firstLine(b: Buffer): boolean {
    const n = Math.min(b.length, MSRP_PREFIX.length);
    if (b.compare(MSRP_PREFIX, 0, n, 0, n) !== 0) return this.die(FRAMING_ERRORS.notMsrp);
    const lf = b.indexOf(LF, this.scanFrom);
    const sp = b.indexOf(SP, MSRP_PREFIX.length);
    if (lf < 0) {
      // an id is at most 32 bytes: no SP after that many is garbage, not a slow peer
      if ((sp < 0 ? b.length : sp) > MSRP_PREFIX.length + IDENT_MAX) return this.die(FRAMING_ERRORS.badId);
      this.scanFrom = b.length;
      return false;
    }
    if (sp < 0 || sp > lf || !isIdent(b, MSRP_PREFIX.length, sp)) return this.die(FRAMING_ERRORS.badId);
    this.idStart = MSRP_PREFIX.length;
    this.idEnd = sp;
    this.state = ST_HEADERS;
    this.scanFrom = lf + 1;
    return true;
  }

  /** Walk header lines. Returns the frame length if an end-line closed it, 0 when a body starts, -1 to wait. */
  private headers(b: Buffer): number {
    let pos = this.scanFrom;
    for (;;) {
      const lf = b.indexOf(LF, pos);
      if (lf < 0) {
        this.scanFrom = pos;
        return -1;
      }
      const c = b[pos];
      if (c === DASH) return this.endLine(b, pos, lf);
      if (c === LF || (c === CR && lf === pos + 1)) {
        // blank line: the body follows; "\r\n-------" may start at the blank line itself (empty body)
        this.state = ST_BODY;
        this.scanFrom = pos;
        return 0;
      }
      pos = lf + 1;
    }
  }

  /** An end-line right after the headers: exactly 7 dashes, the id, a flag, CRLF. */
  private endLine(b: Buffer, pos: number, lf: number): number {
    const idLen = this.idEnd - this.idStart;
    let dashes = 0;
    while (b[pos + dashes] === DASH) dashes++;
    if (dashes !== DASHES) return this.failNum(FRAMING_ERRORS.badDashes);
    const idAt = pos + DASHES;
    if (lf - idAt < idLen + 2 || b.compare(b, this.idStart, this.idEnd, idAt, idAt + idLen) !== 0) return this.failNum(FRAMING_ERRORS.idMismatch);
    if (flagOf(b[idAt + idLen]!) === undefined) return this.failNum(FRAMING_ERRORS.badFlag);
    if (lf !== idAt + idLen + 2 || b[lf - 1] !== CR) return this.failNum(FRAMING_ERRORS.badEnd);
    return lf + 1;
  }

  /** Search the body for CRLF "-------" id flag CRLF from where the last search stopped. */
  private body(b: Buffer): number {
    if (this.state !== ST_BODY) return -1;
    const idLen = this.idEnd - this.idStart;
    let from = this.scanFrom;
    for (;;) {
      const p = b.indexOf(BODY_END, from);
      if (p < 0) {
        // the marker may straddle the chunk boundary: resume just before the tail
        this.scanFrom = Math.max(from, b.length - BODY_END.length + 1);
        return -1;
      }
      const idAt = p + BODY_END.length;
      if (b.length < idAt + idLen + 3) {
        this.scanFrom = p;
        return -1;
      }
      if (b.compare(b, this.idStart, this.idEnd, idAt, idAt + idLen) === 0) {
        // the body must not hold CRLF "-------" id: this is the end-line, right or wrong
        if (flagOf(b[idAt + idLen]!) === undefined) return this.failNum(FRAMING_ERRORS.badFlag);
        if (b[idAt + idLen + 1] !== CR || b[idAt + idLen + 2] !== LF) return this.failNum(FRAMING_ERRORS.badEnd);
        return idAt + idLen + 3;
      }
      from = p + 1;
    }
  }

  private failNum(reason: string): number {
    this.die(reason);
    return -1;
  }
}

/** The msrp proto's framer factory (ProtoHandler.createFramer). */
export function createMsrpFramer(host: FramerHost): StreamFramer {
  return new MsrpStreamFramer(host);
}
