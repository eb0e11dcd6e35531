/**
 * name-addr / addr-spec with header parameters (From, To, Contact, Route, Record-Route ...):
 *   [ display-name ] "<" URI ">" *( ";" param )   or   URI *( ";" param )
 * In the addr-spec form every ";param" belongs to the header, not the URI (RFC 3261 20),
 * and a URI with "?" headers must be in angle brackets.
 */
import {
  type Bytes, SCHEME, TOKEN_WS, URIC, WS, binary, bytesOf, parseDecCapped, scanQuoted, skipWs, textAt, trimEnd, unquote,
} from './chars.js';
import { SipParseError } from './errors.js';
import { type SipUri, parseUri, uriAt } from './uri.js';
import { P, lexParam, nameBytes, nameIs, paramError, paramValue, paramsMap } from './params.js';

export interface NameAddr {
  /** display name: quotes removed and quoted-pairs resolved, or the tokens as written */
  display?: string;
  /** the URI as written (parse it with parseUri when needed) */
  uri: string;
  /** header parameters, names lower-cased, values as written (built on first access) */
  readonly params: Map<string, string | null>;
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

class NameAddrValue implements Contact {
  display: string | undefined = undefined;
  uri = '';
  tag: string | undefined = undefined;
  q: number | undefined = undefined;
  expires: number | undefined = undefined;
  // where the value and its parameters are, for what is built on first access (private: kept out of logs)
  readonly #b: Bytes;
  readonly #s: string;
  readonly #a: number;
  readonly #p0: number;
  readonly #end: number;
  readonly #folded: boolean;
  #u0 = 0;
  #map: Map<string, string | null> | undefined = undefined;
  #raw: string | undefined = undefined;
  #puri: SipUri | undefined = undefined;

  constructor(b: Bytes, s: string, a: number, p0: number, end: number, folded: boolean) {
    this.#b = b;
    this.#s = s;
    this.#a = a;
    this.#p0 = p0;
    this.#end = end;
    this.#folded = folded;
  }

  /** the URI, parsed from the bytes it was cut from (cached) */
  parsedUri(): SipUri {
    return (this.#puri ??= uriAt(this.#b, this.#s, this.#u0, this.#u0 + this.uri.length));
  }

  setUriStart(u0: number): void {
    this.#u0 = u0;
  }

  get params(): Map<string, string | null> {
    return (this.#map ??= paramsMap(this.#b, this.#s, this.#p0, this.#end, this.#folded));
  }

  get raw(): string {
    return (this.#raw ??= textAt(this.#b, this.#s, this.#a, this.#end, this.#folded));
  }
}

/** URI shape check on b[a, e): scheme ":" something, no LWS, quotes, angle brackets or non-ASCII. */
function checkUri(b: Bytes, a: number, e: number): void {
  const uricTab = URIC;
  const schemeTab = SCHEME;
  const c0 = b[a]! | 0x20;
  if (a >= e || c0 < 0x61 || c0 > 0x7a) bad('bad URI');
  let i = a + 1;
  while (i < e && schemeTab[b[i]!] === 1) i++;
  if (i >= e - 1 || b[i] !== 0x3a) bad('bad URI');
  for (i++; i < e; i++) if (uricTab[b[i]!] !== 1) bad('bad URI');
}

/**
 * Parses the name-addr b[a, e) (s is the latin1 text at the same offsets; `folded`: the
 * range may hold header folding).
 */
export function nameAddrAt(b: Bytes, s: string, a: number, e: number, folded: boolean): NameAddrValue {
  const tokenWsTab = TOKEN_WS;
  const wsTab = WS;
  let i = skipWs(b, a, e);
  let display: string | undefined;
  let angle = true;
  if (i < e && b[i] === 0x22) {
    const close = scanQuoted(b, i, e);
    if (close < 0) bad('unterminated quoted string');
    display = unquote(textAt(b, s, i, close, folded));
    i = skipWs(b, close, e);
    if (i >= e || b[i] !== 0x3c) bad('expected "<" after display name');
  } else {
    // *(token LWS) "<" is the display-name form; anything else is an addr-spec
    let j = i;
    while (j < e && tokenWsTab[b[j]!] === 1) j++;
    if (j < e && b[j] === 0x3c) {
      const d1 = trimEnd(b, i, j);
      if (d1 > i) display = folded ? textAt(b, s, i, d1, true) : s.slice(i, d1);
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
  const na = new NameAddrValue(b, s, a, i, e, folded);
  na.display = display;
  na.uri = s.slice(u0, u1);
  na.setUriStart(u0);
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
