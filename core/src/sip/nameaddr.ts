/**
 * name-addr / addr-spec with header parameters (From, To, Contact, Route, Record-Route ...):
 *   [ display-name ] "<" URI ">" *( ";" param )   or   URI *( ";" param )
 * In the addr-spec form every ";param" belongs to the header, not the URI (RFC 3261 20),
 * and a URI with "?" headers must be in angle brackets.
 */
import {
  type Bytes, SCHEME, TOKEN_WS, WS, binary, bytesOf, parseDecCapped, scanQuoted, skipWs, textAt, trimEnd, unquote,
} from './chars.js';
import { SipParseError } from './errors.js';
import { LazyHeaderValue } from './lazy-value.js';
import { type SipUri, parseUri, uriAt } from './uri.js';
import { P, lexParam, nameBytes, nameIs, paramError, paramValue } from './params.js';

export interface NameAddr {
  /** display name: quotes removed and quoted-pairs resolved, or the tokens as written */
  display?: string;
  /** the URI as written; its syntax is checked when it is parsed (nameAddrUri(), validate() for From/To) */
  uri: string;
  /** header parameters, names lower-cased, values as written (built on first access) */
  params: Map<string, string | null>;
  tag?: string;
  raw: string;
}

export interface Contact extends NameAddr {
  q?: number;
  /** the expires parameter in seconds (values above 2^32-1 are clamped) */
  expires?: number;
}

function bad(detail: string): never {
  throw new SipParseError('Bad name-addr', 400, detail);
}

const TAG = nameBytes('tag');

/**
 * A parsed name-addr. Only the tag is cut at parse time; display name, URI, parameters
 * and raw text are made from the recorded offsets when first read (a proxy mostly wants
 * the tag). Private fields keep the source out of logs.
 */
class NameAddrValue extends LazyHeaderValue implements Contact {
  tag: string | undefined = undefined;
  q: number | undefined = undefined;
  expires: number | undefined = undefined;
  #d0: number;
  readonly #d1: number;
  readonly #u0: number;
  #u1: number;
  #display: string | undefined = undefined;
  #uri: string | undefined = undefined;
  #puri: SipUri | undefined = undefined;

  /** display name at [d0, d1) (d0 < 0: none; quoted when it starts with '"'), URI at [u0, u1), params from p0 */
  constructor(b: Bytes, s: string, a: number, d0: number, d1: number, u0: number, u1: number, p0: number, end: number, folded: boolean) {
    super(b, s, a, p0, end, folded);
    this.#d0 = d0;
    this.#d1 = d1;
    this.#u0 = u0;
    this.#u1 = u1;
  }

  get display(): string | undefined {
    if (this.#display === undefined && this.#d0 >= 0) {
      const t = textAt(this.b, this.s, this.#d0, this.#d1, this.folded);
      this.#display = this.b[this.#d0] === 0x22 ? unquote(t) : t;
    }
    return this.#display;
  }

  set display(v: string | undefined) {
    this.#display = v;
    this.#d0 = -1;
  }

  get uri(): string {
    return (this.#uri ??= this.s.slice(this.#u0, this.#u1));
  }

  set uri(v: string) {
    this.#uri = v;
    this.#puri = undefined;
    this.#u1 = -1; // parsedUri() now parses the string
  }

  /** the URI, parsed from the bytes it was cut from (cached) */
  parsedUri(): SipUri {
    return (this.#puri ??= this.#u1 < 0 ? parseUri(this.uri) : uriAt(this.b, this.s, this.#u0, this.#u1));
  }

}

/**
 * URI shape check on b[a, e): scheme ":" something. The rest of its syntax is checked when
 * the URI is parsed (nameAddrUri(), and validate() for From and To).
 */
function checkUri(b: Bytes, a: number, e: number): void {
  const schemeTab = SCHEME;
  const c0 = b[a]! | 0x20;
  if (a >= e || c0 < 0x61 || c0 > 0x7a) bad('bad URI');
  let i = a + 1;
  while (i < e && schemeTab[b[i]!] === 1) i++;
  if (i >= e - 1 || b[i] !== 0x3a) bad('bad URI');
}

/**
 * Parses the name-addr b[a, e) (s is the latin1 text at the same offsets; `folded`: the
 * range may hold header folding).
 */
export function nameAddrAt(b: Bytes, s: string, a: number, e: number, folded: boolean): NameAddrValue {
  const tokenWsTab = TOKEN_WS;
  const wsTab = WS;
  a = skipWs(b, a, e);
  e = trimEnd(b, a, e);
  let i = a;
  let d0 = -1;
  let d1 = -1;
  let angle = true;
  if (i < e && b[i] === 0x22) {
    d0 = i;
    d1 = scanQuoted(b, i, e);
    if (d1 < 0) bad('unterminated quoted string');
    i = skipWs(b, d1, e);
    if (i >= e || b[i] !== 0x3c) bad('expected "<" after display name');
  } else {
    // *(token LWS) "<" is the display-name form; anything else is an addr-spec
    let j = i;
    while (j < e && tokenWsTab[b[j]!] === 1) j++;
    if (j < e && b[j] === 0x3c) {
      const t1 = trimEnd(b, i, j);
      if (t1 > i) {
        d0 = i;
        d1 = t1;
      }
      i = j;
    } else {
      angle = false;
    }
  }
  let u0 = i + 1;
  let u1: number;
  if (angle) {
    u1 = s.indexOf('>', u0);
    if (u1 < 0 || u1 >= e) bad('missing ">"');
    i = skipWs(b, u1 + 1, e);
  } else {
    u0 = i;
    while (i < e) {
      const c = b[i]!;
      if (c === 0x3b || wsTab[c] === 1) break;
      if (c === 0x3f || c === 0x2c) bad('URI with "?" or "," must be in angle brackets');
      i++;
    }
    u1 = i;
    i = skipWs(b, i, e);
  }
  checkUri(b, u0, u1);
  const na = new NameAddrValue(b, s, a, d0, d1, u0, u1, i, e, folded);
  while (i < e) {
    i = lexParam(b, i, e);
    if (i < 0) bad(paramError(i));
    if (na.tag === undefined && P[1]! - P[0]! === 3 && nameIs(b, TAG)) {
      if (P[2]! < 0) bad('tag without value');
      na.tag = paramValue(b, s, folded)!;
    }
  }
  return na;
}

/** Parses one name-addr or addr-spec (with header parameters) given as a string. */
export function parseNameAddr(s: string): NameAddr {
  const bin = binary(s);
  return nameAddrAt(bytesOf(bin), bin, 0, bin.length, true);
}

/** The URI of a name-addr parsed (throws SipParseError 'Bad URI'); no re-encoding for parsed headers. */
export function nameAddrUri(na: NameAddr): SipUri {
  return na instanceof NameAddrValue ? na.parsedUri() : parseUri(na.uri);
}

const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

/** Adds q and expires (Contact parameters) to a parsed name-addr. */
export function contactOf(na: NameAddr): Contact {
  const c = na as Contact;
  const q = na.params.get('q');
  if (q !== undefined) {
    if (q === null || !QVALUE.test(q)) bad('bad q value');
    c.q = Number(q);
  }
  const exp = na.params.get('expires');
  if (exp !== undefined) {
    const v = exp === null || !/^\d+$/.test(exp) ? -1 : parseDecCapped(bytesOf(exp), 0, exp.length, 0xffffffff);
    if (v < 0) bad('bad expires value');
    c.expires = v;
  }
  return c;
}

/** One Contact value (not '*') given as a string: a name-addr plus its q and expires parameters. */
export function parseContact(s: string): Contact {
  return contactOf(parseNameAddr(s));
}
