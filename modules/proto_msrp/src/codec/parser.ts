import type { ReceiveInfo } from '@tsips/core';
import type { MsrpMessage } from '../api.js';
import { COLON, CR, DASH, DASHES, flagOf, HTAB, isDigit, isIdent, LF, SP } from './chars.js';
import { H, headerId, headerIdOf, H_OTHER } from './headers.js';

/*
 * MSRP frame parser (msrp.md §1 grammar, §6 "Parse/validation"). One pass finds the first
 * line, every header line (name classified, value kept as offsets) and the body bounds, and
 * applies the validation rules; values become strings only when read. A frame handed in by
 * the framer ends with its end-line; a frame from elsewhere is checked for that too.
 */

/** Why a frame is invalid (it is dropped silently and counted). */
export const PARSE_ERRORS = {
  notMsrp: 'not an MSRP frame',
  badFirstLine: 'bad first line',
  badId: 'bad transaction id',
  badStatus: 'bad status code',
  badMethod: 'bad method',
  badEndLine: 'bad end-line',
  badHeader: 'header line without a name and colon',
  duplicate: 'known header repeated',
  noToPath: 'To-Path missing',
  noFromPath: 'From-Path missing',
  noContentType: 'body without Content-Type',
  noMessageId: 'Message-ID missing',
} as const;

/** per header: known id, name start, name end, value start, value end */
const HDR_FIELDS = 5;
const EMPTY_LIST: readonly string[] = Object.freeze([]);

/** A parsed frame: the MsrpMessage handlers see, plus the offsets the builder rewrites with. */
export class MsrpFrame implements MsrpMessage {
  readonly kind: 'request' | 'response';
  readonly method: string;
  readonly status: number;
  readonly continuation: '$' | '+' | '#';
  /** the transaction id in the first line and in the end-line */
  readonly idStart: number;
  readonly idEnd: number;
  readonly endLineStart: number;
  /** offset just after the last header line (where extra headers go) */
  readonly headersEnd: number;
  /** body bounds; bodyStart -1 = no content-stuff */
  readonly bodyStart: number;
  readonly bodyEnd: number;
  /** flat HDR_FIELDS per header line, in order */
  readonly hdrs: readonly number[];
  private readonly commentStart: number;
  private readonly commentEnd: number;
  private _id: string | undefined;
  private _to: readonly string[] | undefined;
  private _from: readonly string[] | undefined;

  constructor(
    readonly buf: Buffer,
    readonly rcv: ReceiveInfo,
    p: FrameParts,
  ) {
    this.kind = p.kind;
    this.method = p.method;
    this.status = p.status;
    this.continuation = p.continuation;
    this.idStart = p.idStart;
    this.idEnd = p.idEnd;
    this.endLineStart = p.endLineStart;
    this.headersEnd = p.headersEnd;
    this.bodyStart = p.bodyStart;
    this.bodyEnd = p.bodyEnd;
    this.hdrs = p.hdrs;
    this.commentStart = p.commentStart;
    this.commentEnd = p.commentEnd;
  }

  get transactionId(): string {
    return (this._id ??= this.buf.toString('latin1', this.idStart, this.idEnd));
  }

  get comment(): string {
    return this.commentStart < this.commentEnd ? this.buf.toString('utf8', this.commentStart, this.commentEnd) : '';
  }

  get toPath(): readonly string[] {
    return (this._to ??= this.pathOf(H.TO_PATH));
  }

  get fromPath(): readonly string[] {
    return (this._from ??= this.pathOf(H.FROM_PATH));
  }

  get messageId(): string | undefined {
    return this.known(H.MESSAGE_ID);
  }

  get body(): Buffer | undefined {
    return this.bodyStart < 0 ? undefined : this.buf.subarray(this.bodyStart, this.bodyEnd);
  }

  header(name: string): string | undefined {
    const id = headerIdOf(name);
    if (id !== H_OTHER) return this.known(id);
    const want = Buffer.from(name, 'latin1');
    const h = this.hdrs;
    for (let i = 0; i < h.length; i += HDR_FIELDS) {
      if (h[i] !== H_OTHER || h[i + 2]! - h[i + 1]! !== want.length) continue;
      if (equalsFolded(this.buf, h[i + 1]!, want)) return this.buf.toString('utf8', h[i + 3], h[i + 4]);
    }
    return undefined;
  }

  /** index into hdrs of known header `id`, or -1 */
  hdrIndex(id: number): number {
    const h = this.hdrs;
    for (let i = 0; i < h.length; i += HDR_FIELDS) if (h[i] === id) return i;
    return -1;
  }

  /** the value of known header `id` (H), without a name look-up */
  known(id: number): string | undefined {
    const i = this.hdrIndex(id);
    return i < 0 ? undefined : this.buf.toString('utf8', this.hdrs[i + 3], this.hdrs[i + 4]);
  }

  private pathOf(id: number): readonly string[] {
    const i = this.hdrIndex(id);
    return i < 0 ? EMPTY_LIST : splitPath(this.buf.toString('latin1', this.hdrs[i + 3], this.hdrs[i + 4]));
  }
}

interface FrameParts {
  kind: 'request' | 'response';
  method: string;
  status: number;
  continuation: '$' | '+' | '#';
  idStart: number;
  idEnd: number;
  endLineStart: number;
  headersEnd: number;
  bodyStart: number;
  bodyEnd: number;
  hdrs: number[];
  commentStart: number;
  commentEnd: number;
}

/** URIs of a path header value (separated by runs of spaces or tabs) */
export function splitPath(v: string): readonly string[] {
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === SP || c === HTAB) {
      if (start >= 0) out.push(v.slice(start, i));
      start = -1;
    } else if (start < 0) start = i;
  }
  if (start >= 0) out.push(start === 0 ? v : v.slice(start));
  return out;
}

function equalsFolded(b: Buffer, s: number, want: Buffer): boolean {
  for (let i = 0; i < want.length; i++) {
    const x = b[s + i]!;
    const y = want[i]!;
    if (x !== y && ((x | 0x20) !== (y | 0x20) || (x | 0x20) < 0x61 || (x | 0x20) > 0x7a)) return false;
  }
  return true;
}

/** the method as a shared constant string where it is a known one */
function methodName(b: Buffer, s: number, e: number): string {
  const n = e - s;
  if (n === 4 && b[s] === 0x53 && b[s + 1] === 0x45 && b[s + 2] === 0x4e && b[s + 3] === 0x44) return 'SEND';
  if (n === 4 && b[s] === 0x41 && b[s + 1] === 0x55 && b[s + 2] === 0x54 && b[s + 3] === 0x48) return 'AUTH';
  if (n === 6 && b.toString('latin1', s, e) === 'REPORT') return 'REPORT';
  return b.toString('latin1', s, e);
}

/**
 * Parse one whole frame (first line to end-line). Returns the frame, or the reason it is
 * invalid (a PARSE_ERRORS text): invalid frames are dropped, never answered (msrp.md §6).
 */
export function parseMsrp(buf: Buffer, rcv: ReceiveInfo): MsrpFrame | string {
  const len = buf.length;
  if (len < 5 || buf[0] !== 0x4d || buf[1] !== 0x53 || buf[2] !== 0x52 || buf[3] !== 0x50 || buf[4] !== SP) return PARSE_ERRORS.notMsrp; // "MSRP "
  const lf = buf.indexOf(LF);
  if (lf < 0) return PARSE_ERRORS.badFirstLine;
  const lineEnd = buf[lf - 1] === CR ? lf - 1 : lf;
  const idStart = 5;
  const idEnd = buf.indexOf(SP, idStart);
  if (idEnd < 0 || idEnd >= lineEnd || !isIdent(buf, idStart, idEnd)) return PARSE_ERRORS.badId;

  // third token: a 3-digit status code (optional comment) or a method without spaces
  const t = idEnd + 1;
  let kind: 'request' | 'response' = 'request';
  let method = '';
  let status = 0;
  let commentStart = 0;
  let commentEnd = 0;
  if (t + 3 <= lineEnd && isDigit(buf[t]!) && isDigit(buf[t + 1]!) && isDigit(buf[t + 2]!)) {
    if (t + 3 < lineEnd && buf[t + 3] !== SP) return PARSE_ERRORS.badStatus;
    kind = 'response';
    status = (buf[t]! - 0x30) * 100 + (buf[t + 1]! - 0x30) * 10 + (buf[t + 2]! - 0x30);
    if (t + 4 < lineEnd) {
      commentStart = t + 4;
      commentEnd = lineEnd;
    }
  } else {
    if (t >= lineEnd) return PARSE_ERRORS.badMethod;
    for (let i = t; i < lineEnd; i++) if (buf[i]! <= SP || buf[i] === 0x7f) return PARSE_ERRORS.badMethod;
    method = methodName(buf, t, lineEnd);
  }

  // end-line: the last line, "-------" id flag CRLF, after a line break
  const idLen = idEnd - idStart;
  const endLineStart = len - (DASHES + idLen + 3);
  if (endLineStart <= lf || buf[endLineStart - 1] !== LF || buf[len - 2] !== CR || buf[len - 1] !== LF) return PARSE_ERRORS.badEndLine;
  for (let i = 0; i < DASHES; i++) if (buf[endLineStart + i] !== DASH) return PARSE_ERRORS.badEndLine;
  const elId = endLineStart + DASHES;
  for (let i = 0; i < idLen; i++) if (buf[elId + i] !== buf[idStart + i]) return PARSE_ERRORS.badEndLine;
  const continuation = flagOf(buf[elId + idLen]!);
  if (continuation === undefined) return PARSE_ERRORS.badEndLine;

  // header lines up to the end-line or a blank line (content-stuff follows)
  const hdrs: number[] = [];
  let seen = 0;
  let pos = lf + 1;
  let bodyStart = -1;
  let bodyEnd = -1;
  while (pos < endLineStart) {
    const nl = buf.indexOf(LF, pos); // found: the end-line is preceded by LF
    const e = nl > pos && buf[nl - 1] === CR ? nl - 1 : nl;
    if (e === pos) {
      bodyStart = nl + 1;
      // data ends with the CRLF before the end-line; an end-line right after the blank line = empty body
      bodyEnd = endLineStart >= bodyStart + 2 ? endLineStart - 2 : bodyStart;
      if (endLineStart >= bodyStart + 2 && buf[endLineStart - 2] !== CR) return PARSE_ERRORS.badEndLine;
      break;
    }
    let colon = pos; // names are short: a JS loop is cheaper than an indexOf call
    while (colon < e && buf[colon] !== COLON) colon++;
    if (colon === pos || colon === e) return PARSE_ERRORS.badHeader;
    let ne = colon;
    while (ne > pos && (buf[ne - 1] === SP || buf[ne - 1] === HTAB)) ne--;
    if (ne === pos) return PARSE_ERRORS.badHeader;
    let vs = colon + 1;
    while (vs < e && (buf[vs] === SP || buf[vs] === HTAB)) vs++;
    let ve = e;
    while (ve > vs && (buf[ve - 1] === SP || buf[ve - 1] === HTAB)) ve--;
    const id = headerId(buf, pos, ne);
    if (id !== H_OTHER) {
      if (seen & (1 << id)) return PARSE_ERRORS.duplicate;
      // a path holds at least one URI (RFC 4975 ABNF): an empty one counts as missing
      if (vs === ve && (id === H.TO_PATH || id === H.FROM_PATH)) return id === H.TO_PATH ? PARSE_ERRORS.noToPath : PARSE_ERRORS.noFromPath;
      seen |= 1 << id;
    }
    hdrs.push(id, pos, ne, vs, ve);
    pos = nl + 1;
  }
  const headersEnd = bodyStart < 0 ? endLineStart : pos;

  if (!(seen & (1 << H.TO_PATH))) return PARSE_ERRORS.noToPath;
  if (!(seen & (1 << H.FROM_PATH))) return PARSE_ERRORS.noFromPath;
  if (kind === 'request') {
    if (bodyStart >= 0 && !(seen & (1 << H.CONTENT_TYPE))) return PARSE_ERRORS.noContentType;
    if (method !== 'AUTH' && !(seen & (1 << H.MESSAGE_ID))) return PARSE_ERRORS.noMessageId;
  }
  return new MsrpFrame(buf, rcv, {
    kind,
    method,
    status,
    continuation,
    idStart,
    idEnd,
    endLineStart,
    headersEnd,
    bodyStart,
    bodyEnd,
    hdrs,
    commentStart,
    commentEnd,
  });
}
