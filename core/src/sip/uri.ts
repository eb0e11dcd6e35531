/**
 * sip:/sips:/tel: URIs (RFC 3261 19.1, RFC 3966) and a scheme-only view of any other
 * absolute URI. %HH escapes are decoded once in user, password, parameters and headers
 * (never recursively: "%2541" is "%41"). Parameter names are lower-cased.
 */
import { HOST, IPV6, SCHEME, parseDec } from './chars.js';
import { SipParseError } from './errors.js';

export interface SipUri {
  /** lower case: 'sip', 'sips', 'tel' or any other scheme (then only `raw` holds the rest) */
  scheme: 'sip' | 'sips' | 'tel' | string;
  user?: string;
  password?: string;
  /** as written; IPv6 references keep their brackets ("[::1]"); '' for tel: and other schemes */
  host: string;
  port?: number;
  params: Map<string, string | null>;
  headers: Map<string, string>;
  raw: string;
}

function charSet(extra: string): Uint8Array {
  const t = new Uint8Array(128);
  const all = extra + "-_.!~*'()%";
  for (let i = 0; i < all.length; i++) t[all.charCodeAt(i)] = 1;
  for (let c = 0x30; c <= 0x39; c++) t[c] = 1;
  for (let c = 0x41; c <= 0x5a; c++) { t[c] = 1; t[c + 32] = 1; }
  return t;
}
const USER = charSet('&=+$,;?/');
const PASSWORD = charSet('&=+$,');
const PARAM = charSet('[]/:&+$');
const HNV = charSet('[]/?:+$');
/** tel: subscriber characters (RFC 3966 visual separators, digits, hex, '*', '#', '+') */
const TEL = charSet('+#*-.()/=&$,;?:');

function bad(detail: string): never {
  throw new SipParseError('Bad URI', 400, detail);
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function hexVal(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  c |= 0x20;
  return c >= 0x61 && c <= 0x66 ? c - 0x57 : -1;
}

/** Checks s[a, b) against `set` and decodes its %HH escapes (UTF-8 when the bytes are UTF-8, else octet by octet). */
function decode(s: string, a: number, b: number, set: Uint8Array, what: string): string {
  let pct = false;
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || set[c] === 0) bad(`invalid character in ${what}`);
    if (c === 0x25) pct = true;
  }
  if (!pct) return s.slice(a, b);
  const bytes: number[] = [];
  let high = false;
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i);
    if (c !== 0x25) { bytes.push(c); continue; }
    const h = i + 2 < b ? hexVal(s.charCodeAt(i + 1)) : -1;
    const l = h >= 0 ? hexVal(s.charCodeAt(i + 2)) : -1;
    if (l < 0) bad(`bad escape in ${what}`);
    const v = (h << 4) | l;
    if (v >= 0x80) high = true;
    bytes.push(v);
    i += 2;
  }
  if (high) {
    try { return decoder.decode(Uint8Array.from(bytes)); } catch { /* not UTF-8: octets below */ }
  }
  return Buffer.from(bytes).toString('latin1');
}

function parseParams(s: string, i: number, end: number, params: Map<string, string | null>): void {
  while (i < end) {
    // s[i] === ';'
    let j = i + 1;
    while (j < end && s.charCodeAt(j) !== 0x3b) j++;
    const eq = s.indexOf('=', i + 1);
    const nameEnd = eq >= 0 && eq < j ? eq : j;
    if (nameEnd === i + 1) bad('empty URI parameter');
    const name = decode(s, i + 1, nameEnd, PARAM, 'URI parameter').toLowerCase();
    const value = nameEnd < j ? decode(s, nameEnd + 1, j, PARAM, 'URI parameter') : null;
    if (!params.has(name)) params.set(name, value);
    i = j;
  }
}

function parseHeaders(s: string, i: number, end: number, headers: Map<string, string>): void {
  while (i < end) {
    // s[i] is '?' or '&'
    let j = i + 1;
    while (j < end && s.charCodeAt(j) !== 0x26) j++;
    const eq = s.indexOf('=', i + 1);
    if (eq < 0 || eq >= j || eq === i + 1) bad('bad URI header');
    const name = decode(s, i + 1, eq, HNV, 'URI header');
    const value = decode(s, eq + 1, j, HNV, 'URI header');
    const prev = headers.get(name);
    headers.set(name, prev === undefined ? value : `${prev},${value}`);
    i = j;
  }
}

/** Index of the end of the host (and port) starting at i; fills `u`. */
function parseHostPort(s: string, i: number, end: number, u: SipUri): number {
  const start = i;
  if (s.charCodeAt(i) === 0x5b) {
    const close = s.indexOf(']', i);
    if (close < 0 || close >= end || close === i + 1) bad('bad IPv6 reference');
    for (let k = i + 1; k < close; k++) {
      const c = s.charCodeAt(k);
      if (c >= 256 || IPV6[c] === 0) bad('bad IPv6 reference');
    }
    const colon = s.indexOf(':', i);
    if (colon < 0 || colon > close) bad('bad IPv6 reference');
    i = close + 1;
  } else {
    while (i < end) {
      const c = s.charCodeAt(i);
      if (c >= 256 || HOST[c] === 0) break;
      i++;
    }
    if (i === start) bad('missing host');
  }
  u.host = s.slice(start, i);
  if (i < end && s.charCodeAt(i) === 0x3a) {
    let j = i + 1;
    while (j < end && s.charCodeAt(j) >= 0x30 && s.charCodeAt(j) <= 0x39) j++;
    const port = parseDec(s, i + 1, j, 65535);
    if (port < 0) bad('bad port');
    u.port = port;
    i = j;
  }
  return i;
}

function parseSip(s: string, start: number, u: SipUri): void {
  const end = s.length;
  const at = s.indexOf('@', start);
  let i = start;
  if (at >= 0) {
    const colon = s.indexOf(':', start);
    const userEnd = colon >= 0 && colon < at ? colon : at;
    if (userEnd === start) bad('empty user');
    u.user = decode(s, start, userEnd, USER, 'user');
    if (userEnd < at) u.password = decode(s, userEnd + 1, at, PASSWORD, 'password');
    i = at + 1;
  }
  i = parseHostPort(s, i, end, u);
  let q = s.indexOf('?', i);
  if (q < 0) q = end;
  const c = i < end ? s.charCodeAt(i) : -1;
  if (c !== -1 && c !== 0x3b && c !== 0x3f) bad('bad host');
  parseParams(s, i, q, u.params);
  parseHeaders(s, q, end, u.headers);
}

function parseTel(s: string, start: number, u: SipUri): void {
  let semi = s.indexOf(';', start);
  if (semi < 0) semi = s.length;
  if (semi === start) bad('empty telephone number');
  u.user = decode(s, start, semi, TEL, 'telephone number');
  parseParams(s, semi, s.length, u.params);
}

/** Parses a URI; throws SipParseError('Bad URI') with a detail naming what is wrong. */
export function parseUri(s: string): SipUri {
  const c0 = s.charCodeAt(0) | 0x20;
  if (!(c0 >= 0x61 && c0 <= 0x7a)) bad('missing scheme');
  let i = 1;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c >= 128 || SCHEME[c] === 0) break;
    i++;
  }
  if (s.charCodeAt(i) !== 0x3a) bad('missing scheme');
  const scheme = s.slice(0, i).toLowerCase();
  for (let k = i + 1; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c <= 0x20 || c >= 0x7f || c === 0x22 || c === 0x3c || c === 0x3e) bad('invalid character');
  }
  if (i + 1 === s.length) bad('empty URI');
  const u: SipUri = { scheme, host: '', params: new Map(), headers: new Map(), raw: s };
  if (scheme === 'sip' || scheme === 'sips') parseSip(s, i + 1, u);
  else if (scheme === 'tel') parseTel(s, i + 1, u);
  return u;
}

function escape(v: string, set: Uint8Array): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 128 && set[c] === 1 && c !== 0x25) continue;
    out += v.slice(from, i) + (c < 128 ? `%${c < 16 ? '0' : ''}${c.toString(16).toUpperCase()}` : encodeURIComponent(v[i]!));
    from = i + 1;
  }
  return from === 0 ? v : out + v.slice(from);
}

function formatParams(params: Map<string, string | null>): string {
  let out = '';
  for (const [k, v] of params) out += `;${escape(k, PARAM)}${v === null ? '' : `=${escape(v, PARAM)}`}`;
  return out;
}

/** Serialises a URI (escaping what needs it). Schemes other than sip/sips/tel give `raw`. */
export function formatUri(u: SipUri): string {
  if (u.scheme === 'tel') return `tel:${escape(u.user ?? '', TEL)}${formatParams(u.params)}`;
  if (u.scheme !== 'sip' && u.scheme !== 'sips') return u.raw;
  let out = `${u.scheme}:`;
  if (u.user !== undefined) {
    out += escape(u.user, USER);
    if (u.password !== undefined) out += `:${escape(u.password, PASSWORD)}`;
    out += '@';
  }
  out += u.host;
  if (u.port !== undefined) out += `:${u.port}`;
  out += formatParams(u.params);
  let sep = '?';
  for (const [k, v] of u.headers) {
    out += `${sep}${escape(k, HNV)}=${escape(v, HNV)}`;
    sep = '&';
  }
  return out;
}

/** Host (IPv6 without brackets, ready for a socket) and port of a URI. */
export function uriHostPort(u: SipUri): { host: string; port?: number } {
  const h = u.host.charCodeAt(0) === 0x5b ? u.host.slice(1, -1) : u.host;
  return u.port === undefined ? { host: h } : { host: h, port: u.port };
}
