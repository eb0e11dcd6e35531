/**
 * A received SIP message. parse() does one pass (start line + header boundaries, see
 * scan.ts); every header is parsed only when asked and the result cached. Changes are
 * recorded (edits.ts) and applied by build() (build.ts), which copies the received bytes.
 */
import { isAscii } from 'node:buffer';
import { WORD, hasHigh, isToken, parseDec, parseDecCapped } from './chars.js';
import { SipParseError } from './errors.js';
import {
  CANONICAL, H_CALL_ID, H_CONTACT, H_CONTENT_LENGTH, H_CSEQ, H_EXPIRES, H_FROM, H_MAX_FORWARDS,
  H_RECORD_ROUTE, H_ROUTE, H_TO, H_VIA, type NameMatch, matchLine, matcherFor, matcherOf,
} from './headers.js';
import { firstItem, splitList, unfold } from './lists.js';
import { type Contact, type NameAddr, parseContact, parseNameAddr } from './nameaddr.js';
import { FOLDED, STRIDE, bodyOffset, nameLength, scanHeaders } from './scan.js';
import { type StartLine, parseStartLine } from './startline.js';
import { type SipUri, parseUri } from './uri.js';
import { type Via, parseVia } from './via.js';
import { type BuildOptions, buildMessage } from './build.js';
import { Edits } from './edits.js';
import { validateMessage } from './validate.js';

export type { BuildOptions } from './build.js';

/** Above this size the latin1 view covers only the header section (found with a byte search). */
const WHOLE_TEXT_LIMIT = 8192;
const CRLFCRLF = Buffer.from('\r\n\r\n');

type Latin1 = { latin1Slice(start: number, end: number): string };

function rethrow(e: unknown, reason: string): never {
  if (e instanceof SipParseError) throw new SipParseError(reason, e.status, e.message);
  throw e;
}

export class SipMessage implements StartLine {
  readonly buf: Buffer;
  readonly isRequest: boolean = false;
  readonly status: number = 0;
  /** @internal latin1 text of (at least) the start line and header section */
  readonly _s: string;
  /** @internal header table, STRIDE numbers per header (scan.ts) */
  readonly _h: number[] = [];
  /** @internal start line: offsets (startline.ts), its extent and the header section */
  _a0 = 0; _a1 = 0; _u0 = 0; _u1 = 0; _v0 = 0; _v1 = 0; _r0 = 0; _r1 = 0;
  _strict = false;
  readonly _start: number;
  readonly _hdrStart: number;
  readonly _hdrEnd: number;
  readonly _bodyStart: number;
  /** @internal recorded changes (undefined until the first one) */
  _edits: Edits | undefined = undefined;

  private _ascii = -1;
  private _method: string | undefined = undefined;
  private _ruri: string | undefined = undefined;
  private _callId: string | undefined = undefined;
  private _cseq: { num: number; method: string } | undefined = undefined;
  private _from: NameAddr | undefined = undefined;
  private _to: NameAddr | undefined = undefined;
  private _via1: Via | undefined = undefined;
  private _vias: Via[] | undefined = undefined;
  private _mf = -2;
  private _cl = -2;
  private _body: Buffer | undefined = undefined;
  private _puri: SipUri | undefined = undefined;
  private _contacts: Contact[] | '*' | undefined = undefined;

  private constructor(buf: Buffer) {
    this.buf = buf;
    const len = buf.length;
    let textEnd = len;
    if (len > WHOLE_TEXT_LIMIT) {
      const p = buf.indexOf(CRLFCRLF);
      if (p >= 0) textEnd = p + 4;
    }
    const s = (buf as unknown as Latin1).latin1Slice(0, textEnd);
    this._s = s;
    let a = 0;
    while (a < s.length && (s.charCodeAt(a) === 13 || s.charCodeAt(a) === 10)) a++; // RFC 3261 7.5
    if (a === s.length) throw new SipParseError('Empty message');
    this._start = a;
    let nl = s.indexOf('\n', a);
    if (nl < 0) nl = s.length;
    const e = nl > a && s.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    parseStartLine(s, a, e, this);
    this._hdrStart = Math.min(nl + 1, s.length);
    this._hdrEnd = scanHeaders(s, this._hdrStart, this._h);
    this._bodyStart = Math.min(bodyOffset(s, this._hdrEnd), len);
  }

  /** Parses one message (framing is the transport's job). Throws SipParseError only. */
  static parse(buf: Buffer): SipMessage {
    return new SipMessage(buf);
  }

  // ---- start line ----

  /** Request: the method. Reply: the CSeq method ('' when CSeq is missing or malformed). */
  get method(): string {
    if (this._method === undefined) {
      if (this.isRequest) this._method = this._s.slice(this._a0, this._a1);
      else {
        try { this._method = this.cseq.method; } catch { this._method = ''; }
      }
    }
    return this._method;
  }

  /** The Request-URI as written ('' for replies). */
  get ruri(): string {
    if (this._ruri === undefined) this._ruri = this.isRequest ? this._text(this._u0, this._u1) : '';
    return this._ruri;
  }

  get reason(): string {
    return this.isRequest ? '' : this._text(this._r0, this._r1);
  }

  get version(): string {
    return this._s.slice(this._v0, this._v1);
  }

  // ---- raw header access ----

  /** First value of the header (unfolded, trimmed); long or compact name, any case. */
  header(name: string): string | undefined {
    const k = this._find(matcherFor(name), 0);
    return k < 0 ? undefined : this._value(k);
  }

  /** Values of every occurrence, one entry per header line. */
  headerAll(name: string): string[] {
    return this._values(matcherFor(name));
  }

  /** Every comma-separated value of every occurrence (Require, Supported, Allow ...). */
  headerValues(name: string): string[] {
    const out: string[] = [];
    for (const v of this.headerAll(name)) for (const item of splitList(v)) if (item) out.push(item);
    return out;
  }

  hasHeader(name: string): boolean {
    return this._find(matcherFor(name), 0) >= 0;
  }

  /** Header names in order, as written (malformed lines left out). */
  headerNames(): string[] {
    const h = this._h;
    const out: string[] = [];
    for (let k = 0; k < h.length; k += STRIDE) {
      const len = nameLength(h[k]!);
      if (len > 0) out.push(this._s.substr(h[k + 1]!, len));
    }
    return out;
  }

  // ---- parsed headers (lazy, cached; throw SipParseError naming the header) ----

  get callId(): string {
    if (this._callId === undefined) {
      const v = this._required(H_CALL_ID);
      if (v.length === 0) throw new SipParseError('Bad Call-ID header', 400, 'empty');
      let at = 0;
      for (let i = 0; i < v.length; i++) {
        const c = v.charCodeAt(i);
        if (c === 0x40 && at++ === 0 && i > 0 && i < v.length - 1) continue;
        if (c > 255 || WORD[c] === 0) throw new SipParseError('Bad Call-ID header');
      }
      this._callId = v;
    }
    return this._callId;
  }

  get cseq(): { num: number; method: string } {
    if (this._cseq === undefined) {
      const v = this._required(H_CSEQ);
      let i = 0;
      while (i < v.length && v.charCodeAt(i) >= 0x30 && v.charCodeAt(i) <= 0x39) i++;
      const num = parseDec(v, 0, i, 0x7fffffff);
      let j = i;
      while (j < v.length && (v.charCodeAt(j) === 32 || v.charCodeAt(j) === 9)) j++;
      const method = v.slice(j);
      if (num < 0 || j === i || !isToken(method)) throw new SipParseError('Bad CSeq header', 400, v);
      this._cseq = { num, method };
    }
    return this._cseq;
  }

  get from(): NameAddr {
    if (this._from === undefined) this._from = this._nameAddr(H_FROM);
    return this._from;
  }

  get to(): NameAddr {
    if (this._to === undefined) this._to = this._nameAddr(H_TO);
    return this._to;
  }

  get fromTag(): string | undefined {
    return this.from.tag;
  }

  get toTag(): string | undefined {
    return this.to.tag;
  }

  /** The topmost Via value. */
  get via1(): Via {
    if (this._via1 === undefined) {
      if (this._vias !== undefined && this._vias.length > 0) this._via1 = this._vias[0];
      else {
        const v = this._required(H_VIA);
        this._via1 = parseVia(firstItem(v));
      }
    }
    return this._via1!;
  }

  /** Every Via value, top first. */
  vias(): Via[] {
    if (this._vias === undefined) {
      const out: Via[] = [];
      for (const v of this._all(H_VIA)) {
        for (const item of splitList(v)) out.push(parseVia(item));
      }
      this._vias = out;
    }
    return this._vias;
  }

  get maxForwards(): number | undefined {
    if (this._mf === -2) this._mf = this._number(H_MAX_FORWARDS, 255, 'Bad Max-Forwards header');
    return this._mf < 0 ? undefined : this._mf;
  }

  /** Content-Length value (all occurrences must agree); undefined when absent. */
  get contentLength(): number | undefined {
    if (this._cl === -2) {
      let cl = -1;
      for (const v of this._all(H_CONTENT_LENGTH)) {
        const n = parseDec(v, 0, v.length, 0x7fffffff);
        if (n < 0 || (cl >= 0 && n !== cl)) throw new SipParseError('Bad Content-Length header', 400, v);
        cl = n;
      }
      this._cl = cl;
    }
    return this._cl < 0 ? undefined : this._cl;
  }

  /** Expires header in seconds (values above 2^32-1 clamped); undefined when absent. */
  get expires(): number | undefined {
    const v = this._first(H_EXPIRES);
    if (v === undefined) return undefined;
    const n = parseDecCapped(v, 0, v.length, 0xffffffff);
    if (n < 0) throw new SipParseError('Bad Expires header', 400, v);
    return n;
  }

  /**
   * The body: with Content-Length the first CL bytes after the header section (trailing
   * datagram bytes ignored, RFC 3261 18.3), without it everything after the empty line.
   */
  get body(): Buffer {
    if (this._body === undefined) {
      const cl = this.contentLength;
      const avail = this.buf.length - this._bodyStart;
      if (cl !== undefined && cl > avail) {
        throw new SipParseError('Bad Content-Length header', 400, `${cl} > ${avail} octets of body`);
      }
      this._body = this.buf.subarray(this._bodyStart, cl === undefined ? this.buf.length : this._bodyStart + cl);
    }
    return this._body;
  }

  get parsedRuri(): SipUri {
    if (this._puri === undefined) {
      if (!this.isRequest) throw new SipParseError('Bad Request-URI', 400, 'a reply has none');
      try { this._puri = parseUri(this.ruri); } catch (e) { rethrow(e, 'Bad Request-URI'); }
    }
    return this._puri!;
  }

  /** All Contact values, or '*' (which must then be the only one). */
  contacts(): Contact[] | '*' {
    if (this._contacts === undefined) {
      const values = this._all(H_CONTACT);
      if (values.length === 1 && values[0] === '*') this._contacts = '*';
      else {
        const out: Contact[] = [];
        try {
          for (const v of values) for (const item of splitList(v)) out.push(parseContact(item));
        } catch (e) { rethrow(e, 'Bad Contact header'); }
        this._contacts = out;
      }
    }
    return this._contacts;
  }

  routes(): NameAddr[] {
    return this._nameAddrList(H_ROUTE);
  }

  recordRoutes(): NameAddr[] {
    return this._nameAddrList(H_RECORD_ROUTE);
  }

  /** Eager check of what a proxy needs before routing; throws SipParseError with a specific reason. */
  validate(): void {
    validateMessage(this);
  }

  // ---- recorded changes (applied by build(); the received bytes stay untouched) ----

  private get _ed(): Edits {
    return (this._edits ??= new Edits(this));
  }

  setRuri(uri: string): void { this._ed.setRuri(uri); }
  addHeader(line: string): void { this._ed.addHeader(line); }
  insertHeaderFirst(line: string): void { this._ed.insertHeaderFirst(line); }
  removeHeader(name: string): number { return this._ed.removeHeader(name); }
  removeFirstValue(name: string): boolean { return this._ed.removeFirstValue(name); }
  addViaParam(name: string, value?: string): void { this._ed.addViaParam(name, value); }
  setBody(body: Buffer | string, contentType?: string): void { this._ed.setBody(body, contentType); }
  changeMark(): number { return this._edits ? this._edits.mark() : 0; }
  revertTo(mark: number): void { this._edits?.revertTo(mark); }

  get changed(): boolean {
    return this._edits !== undefined && this._edits.mark() > 0;
  }

  /** Serialises the message with its changes; with none (and no opts) returns `buf` itself. */
  build(opts?: BuildOptions): Buffer {
    return buildMessage(this, opts);
  }

  // ---- internals ----

  /** @internal is header k (table index) named as `m` says? */
  _is(k: number, m: NameMatch): boolean {
    return matchLine(this._s, this._h[k]!, this._h[k + 1]!, m);
  }

  /** @internal table index of the first header matching `m` at or after k, or -1 */
  _find(m: NameMatch, k: number): number {
    const h = this._h;
    const s = this._s;
    for (; k < h.length; k += STRIDE) if (matchLine(s, h[k]!, h[k + 1]!, m)) return k;
    return -1;
  }

  /** @internal the value of header k as a string */
  _value(k: number): string {
    const h = this._h;
    let v = this._text(h[k + 2]!, h[k + 3]!);
    if ((h[k]! & FOLDED) !== 0) v = unfold(v);
    return v;
  }

  /** Text s[a, b), decoded as UTF-8 from the bytes when it holds non-ASCII octets. */
  private _text(a: number, b: number): string {
    const v = this._s.slice(a, b);
    if (this._ascii === -1) this._ascii = isAscii(this.buf) ? 1 : 0;
    return this._ascii === 1 || !hasHigh(v) ? v : this.buf.toString('utf8', a, b);
  }

  private _first(id: number): string | undefined {
    const k = this._find(matcherOf(id), 0);
    return k < 0 ? undefined : this._value(k);
  }

  private _values(m: NameMatch): string[] {
    const out: string[] = [];
    for (let k = this._find(m, 0); k >= 0; k = this._find(m, k + STRIDE)) out.push(this._value(k));
    return out;
  }

  private _all(id: number): string[] {
    return this._values(matcherOf(id));
  }

  private _required(id: number): string {
    const v = this._first(id);
    if (v === undefined) throw new SipParseError(`Missing ${CANONICAL[id]} header`);
    return v;
  }

  private _number(id: number, max: number, reason: string): number {
    const v = this._first(id);
    if (v === undefined) return -1;
    const n = parseDec(v, 0, v.length, max);
    if (n < 0) throw new SipParseError(reason, 400, v);
    return n;
  }

  private _nameAddr(id: number): NameAddr {
    const v = this._required(id);
    try { return parseNameAddr(v); } catch (e) { rethrow(e, `Bad ${CANONICAL[id]} header`); }
  }

  private _nameAddrList(id: number): NameAddr[] {
    const out: NameAddr[] = [];
    try {
      for (const v of this._all(id)) for (const item of splitList(v)) out.push(parseNameAddr(item));
    } catch (e) { rethrow(e, `Bad ${CANONICAL[id]} header`); }
    return out;
  }
}

