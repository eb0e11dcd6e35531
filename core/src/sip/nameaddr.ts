/**
 * name-addr / addr-spec with header parameters (From, To, Contact, Route, Record-Route ...):
 *   [ display-name ] "<" URI ">" *( ";" param )   or   URI *( ";" param )
 * In the addr-spec form every ";param" belongs to the header, not the URI (RFC 3261 20),
 * and a URI with "?" headers must be in angle brackets.
 */
import { SCHEME, TOKEN, parseDecCapped, scanQuoted, skipWs, unquote } from './chars.js';
import { SipParseError } from './errors.js';
import { parseGenericParams } from './params.js';

export interface NameAddr {
  /** display name: quotes removed and quoted-pairs resolved, or the tokens as written */
  display?: string;
  /** the URI as written (parse it with parseUri when needed) */
  uri: string;
  /** header parameters, names lower-cased, values as written */
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

/** Cheap URI shape check: scheme ":" and no LWS, quotes or angle brackets. */
function checkUri(s: string, a: number, b: number): void {
  const c0 = s.charCodeAt(a) | 0x20;
  if (a >= b || c0 < 0x61 || c0 > 0x7a) bad('bad URI');
  let i = a + 1;
  while (i < b) {
    const c = s.charCodeAt(i);
    if (c >= 128 || SCHEME[c] === 0) break;
    i++;
  }
  if (i >= b - 1 || s.charCodeAt(i) !== 0x3a) bad('bad URI');
  for (i++; i < b; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f || c === 0x22 || c === 0x3c || c === 0x3e) bad('bad URI');
  }
}

function tokenDisplay(s: string, a: number, b: number): string | undefined {
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && (c >= 256 || TOKEN[c] === 0)) bad('bad display name');
  }
  while (b > a && (s.charCodeAt(b - 1) === 32 || s.charCodeAt(b - 1) === 9)) b--;
  return b > a ? s.slice(a, b) : undefined;
}

export function parseNameAddr(s: string): NameAddr {
  const end = s.length;
  let i = skipWs(s, 0, end);
  let display: string | undefined;
  let uri: string;
  let angle = true;
  if (s.charCodeAt(i) === 0x22) {
    const close = scanQuoted(s, i, end);
    if (close < 0) bad('unterminated quoted string');
    display = unquote(s, i, close);
    i = skipWs(s, close, end);
    if (s.charCodeAt(i) !== 0x3c) bad('expected "<" after display name');
  } else {
    const lt = s.indexOf('<', i);
    const colon = s.indexOf(':', i);
    if (lt >= 0 && (colon < 0 || colon > lt)) {
      display = tokenDisplay(s, i, lt);
      i = lt;
    } else {
      angle = false;
    }
  }
  if (angle) {
    const gt = s.indexOf('>', i);
    if (gt < 0) bad('missing ">"');
    checkUri(s, i + 1, gt);
    uri = s.slice(i + 1, gt);
    i = skipWs(s, gt + 1, end);
  } else {
    const u0 = i;
    while (i < end) {
      const c = s.charCodeAt(i);
      if (c === 0x3b || c === 32 || c === 9) break;
      if (c === 0x3f || c === 0x2c) bad('URI with "?" or "," must be in angle brackets');
      i++;
    }
    checkUri(s, u0, i);
    uri = s.slice(u0, i);
    i = skipWs(s, i, end);
  }
  const params = new Map<string, string | null>();
  const err = parseGenericParams(s, i, end, params);
  if (err) bad(err);
  const na: NameAddr = { display, uri, params, tag: undefined, raw: s };
  const tag = params.get('tag');
  if (tag !== undefined) {
    if (tag === null) bad('tag without value');
    na.tag = tag;
  }
  return na;
}

const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

/** One Contact value (not '*'): a name-addr plus its q and expires parameters. */
export function parseContact(s: string): Contact {
  const c: Contact = parseNameAddr(s);
  const q = c.params.get('q');
  if (q !== undefined) {
    if (q === null || !QVALUE.test(q)) bad('bad q value');
    c.q = Number(q);
  }
  const exp = c.params.get('expires');
  if (exp !== undefined) {
    const v = exp === null ? -1 : parseDecCapped(exp, 0, exp.length, 0xffffffff);
    if (v < 0) bad('bad expires value');
    c.expires = v;
  }
  return c;
}
