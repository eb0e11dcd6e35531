/**
 * A received SIP message. parse() reads the start line; header boundaries are found as
 * lookups need them (scan.ts) and every header is parsed only when asked, the result
 * cached. Changes are recorded (edits.ts) and applied by build() (build.ts), which copies
 * the received bytes: getters always describe the message as received.
 */
import { isTokenRange, parseDec, parseDecCapped, skipWs, textAt } from './chars.js';
import { SipParseError } from './errors.js';
import {
  CANONICAL, H_CALL_ID, H_CONTACT, H_CONTENT_LENGTH, H_CSEQ, H_EXPIRES, H_FROM, H_MAX_FORWARDS,
  H_RECORD_ROUTE, H_ROUTE, H_TO, H_VIA, matcherFor, matcherOf,
} from './headers.js';
import { listRanges } from './lists.js';
import { type Contact, type NameAddr, contactOf, nameAddrAt } from './nameaddr.js';
import { HeaderTable, STRIDE, nameLength } from './scan.js';
import { type StartLine, parseStartLine } from './startline.js';
import { type SipUri, uriAt } from './uri.js';
import { type Via, viaAt } from './via.js';
import { type BuildOptions, buildMessage } from './build.js';
import { Edits, type LineRenderer } from './edits.js';
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

export class SipMessage extends HeaderTable implements StartLine {
  readonly isRequest: boolean = false;
  readonly status: number = 0;
  /** @internal start line offsets (startline.ts) */
  _a0 = 0; _a1 = 0; _u0 = 0; _u1 = 0; _v0 = 0; _v1 = 0; _r0 = 0; _r1 = 0;
  _strict = false;
  /** @internal first byte of the start line and of the first header line */
  readonly _start: number;
  readonly _hdrStart: number;
  /** @internal recorded changes (undefined until the first one) */
  _edits: Edits | undefined = undefined;

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
    const len = buf.length;
    let textEnd = len;
    if (len > WHOLE_TEXT_LIMIT) {
      const p = buf.indexOf(CRLFCRLF);
      if (p >= 0) textEnd = p + 4;
    }
    const s = (buf as unknown as Latin1).latin1Slice(0, textEnd);
    let a = 0;
    while (a < textEnd && (buf[a] === 13 || buf[a] === 10)) a++; // RFC 3261 7.5: CRLFs before the start line
    if (a === textEnd) throw new SipParseError('Empty message');
    let nl = s.indexOf('\n', a);
    if (nl < 0) nl = textEnd;
    const hdrStart = Math.min(nl + 1, textEnd);
    super(buf, s, hdrStart);
    this._start = a;
    this._hdrStart = hdrStart;
    parseStartLine(buf, s, a, nl > a && buf[nl - 1] === 13 ? nl - 1 : nl, this);
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

  /**
   * The Request-URI as written ('' for replies). A URI is ASCII: other octets (which
   * validate() rejects) come out one char per octet rather than decoded.
   */
  get ruri(): string {
    if (this._ruri === undefined) this._ruri = this.isRequest ? this._s.slice(this._u0, this._u1) : '';
    return this._ruri;
  }

  get reason(): string {
    return this.isRequest ? '' : textAt(this.buf, this._s, this._r0, this._r1, false);
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
    const m = matcherFor(name);
    const out: string[] = [];
    for (let k = this._find(m, 0); k >= 0; k = this._find(m, k + STRIDE)) out.push(this._value(k));
    return out;
  }

  /** Every comma-separated value of every occurrence (Require, Supported, Allow ...), empty ones left out. */
  headerValues(name: string): string[] {
    const m = matcherFor(name);
    const out: string[] = [];
    for (let k = this._find(m, 0); k >= 0; k = this._find(m, k + STRIDE)) {
      this._items(k, (a, e, folded) => {
        if (e > a) out.push(textAt(this.buf, this._s, a, e, folded));
      });
    }
    return out;
  }

  hasHeader(name: string): boolean {
    return this._find(matcherFor(name), 0) >= 0;
  }

  /** Header names in order, as written (malformed lines left out). */
  headerNames(): string[] {
    const h = this._h;
    const out: string[] = [];
    const n = this._count();
    for (let k = 0; k < n; k += STRIDE) {
      const len = nameLength(h[k]!);
      if (len > 0) out.push(this._s.substr(h[k + 1]!, len));
    }
    return out;
  }

  // ---- parsed headers (lazy, cached; throw SipParseError naming the header) ----

  /**
   * The Call-ID, an opaque key: the getter only rejects a missing or empty one, validate()
   * checks its characters (RFC 3261 word ["@" word]). Octets a Call-ID may not hold
   * (>= 0x80) come out one char per octet rather than decoded.
   */
  get callId(): string {
    if (this._callId === undefined) {
      const k = this._required(H_CALL_ID);
      const a = this._h[k + 2]!;
      const e = this._h[k + 3]!;
      if (a === e) throw new SipParseError('Bad Call-ID header', 400, 'empty');
      this._callId = this._s.slice(a, e);
    }
    return this._callId;
  }

  get cseq(): { num: number; method: string } {
    if (this._cseq === undefined) {
      const k = this._required(H_CSEQ);
      const b = this.buf;
      const a = this._h[k + 2]!;
      const e = this._h[k + 3]!;
      let i = a;
      while (i < e && b[i]! >= 0x30 && b[i]! <= 0x39) i++;
      const num = parseDec(b, a, i, 0x7fffffff);
      const j = skipWs(b, i, e);
      if (num < 0 || j === i || !isTokenRange(b, j, e)) throw new SipParseError('Bad CSeq header', 400, this._value(k));
      this._cseq = { num, method: this._s.slice(j, e) };
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
      const k = this._required(H_VIA);
      const a = this._h[k + 2]!;
      const e = this._h[k + 3]!;
      const comma = this._s.indexOf(',', a);
      if (comma < 0 || comma >= e) this._via1 = viaAt(this.buf, this._s, a, e, this._folded(k));
      else this._via1 = this.vias()[0];
    }
    return this._via1!;
  }

  /** Every Via value, top first. */
  vias(): Via[] {
    if (this._vias === undefined) {
      const out: Via[] = [];
      const m = matcherOf(H_VIA);
      for (let k = this._find(m, 0); k >= 0; k = this._find(m, k + STRIDE)) {
        this._items(k, (a, e, folded) => out.push(viaAt(this.buf, this._s, a, e, folded)));
      }
      this._vias = out;
    }
    return this._vias;
  }

  get maxForwards(): number | undefined {
    if (this._mf === -2) {
      const k = this._find(matcherOf(H_MAX_FORWARDS), 0);
      this._mf = k < 0 ? -1 : parseDec(this.buf, this._h[k + 2]!, this._h[k + 3]!, 255);
      if (this._mf === -1 && k >= 0) {
        this._mf = -2;
        throw new SipParseError('Bad Max-Forwards header', 400, this._value(k));
      }
    }
    return this._mf < 0 ? undefined : this._mf;
  }

  /** Content-Length value (all occurrences must agree); undefined when absent. */
  get contentLength(): number | undefined {
    if (this._cl === -2) {
      const m = matcherOf(H_CONTENT_LENGTH);
      let cl = -1;
      for (let k = this._find(m, 0); k >= 0; k = this._find(m, k + STRIDE)) {
        const n = parseDec(this.buf, this._h[k + 2]!, this._h[k + 3]!, 0x7fffffff);
        if (n < 0 || (cl >= 0 && n !== cl)) throw new SipParseError('Bad Content-Length header', 400, this._value(k));
        cl = n;
      }
      this._cl = cl;
    }
    return this._cl < 0 ? undefined : this._cl;
  }

  /** Expires header in seconds (values above 2^32-1 clamped); undefined when absent. */
  get expires(): number | undefined {
    const k = this._find(matcherOf(H_EXPIRES), 0);
    if (k < 0) return undefined;
    const n = parseDecCapped(this.buf, this._h[k + 2]!, this._h[k + 3]!, 0xffffffff);
    if (n < 0) throw new SipParseError('Bad Expires header', 400, this._value(k));
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
      try { this._puri = uriAt(this.buf, this._s, this._u0, this._u1); } catch (e) { rethrow(e, 'Bad Request-URI'); }
    }
    return this._puri!;
  }

  /** All Contact values, or '*' (which must then be the only one). */
  contacts(): Contact[] | '*' {
    if (this._contacts === undefined) {
      const m = matcherOf(H_CONTACT);
      const h = this._h;
      const first = this._find(m, 0);
      if (first >= 0 && h[first + 3]! - h[first + 2]! === 1 && this.buf[h[first + 2]!] === 0x2a &&
          this._find(m, first + STRIDE) < 0) {
        this._contacts = '*';
      } else {
        const out: Contact[] = [];
        try {
          for (let k = first; k >= 0; k = this._find(m, k + STRIDE)) {
            this._items(k, (a, e, folded) => out.push(contactOf(nameAddrAt(this.buf, this._s, a, e, folded))));
          }
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
  /** A header line written when the message is built, from that build's options (per branch). */
  insertHeaderFirstDeferred(name: string, render: LineRenderer): void { this._ed.insertHeaderFirstDeferred(name, render); }
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

  /** @internal the value of header k as a string */
  _value(k: number): string {
    return textAt(this.buf, this._s, this._h[k + 2]!, this._h[k + 3]!, this._folded(k));
  }

  /** Calls fn for each comma-separated item of header k. */
  private _items(k: number, fn: (a: number, e: number, folded: boolean) => void): void {
    const r = listRanges(this.buf, this._h[k + 2]!, this._h[k + 3]!);
    const folded = this._folded(k);
    for (let i = 0; i < r.length; i += 2) fn(r[i]!, r[i + 1]!, folded);
  }

  private _required(id: number): number {
    const k = this._find(matcherOf(id), 0);
    if (k < 0) throw new SipParseError(`Missing ${CANONICAL[id]} header`);
    return k;
  }

  private _nameAddr(id: number): NameAddr {
    const k = this._required(id);
    try {
      return nameAddrAt(this.buf, this._s, this._h[k + 2]!, this._h[k + 3]!, this._folded(k));
    } catch (e) { rethrow(e, `Bad ${CANONICAL[id]} header`); }
  }

  private _nameAddrList(id: number): NameAddr[] {
    const out: NameAddr[] = [];
    const m = matcherOf(id);
    try {
      for (let k = this._find(m, 0); k >= 0; k = this._find(m, k + STRIDE)) {
        this._items(k, (a, e, folded) => out.push(nameAddrAt(this.buf, this._s, a, e, folded)));
      }
    } catch (e) { rethrow(e, `Bad ${CANONICAL[id]} header`); }
    return out;
  }
}
