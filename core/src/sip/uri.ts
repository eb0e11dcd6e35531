/**
 * sip:/sips:/tel: URIs (RFC 3261 19.1, RFC 3966) and a scheme-only view of any other
 * absolute URI. %HH escapes are decoded once in user, password, parameters and headers
 * (never recursively: "%2541" is "%41"). Parameter names are lower-cased.
 */
import { type Bytes, HOST, IPV6, SCHEME, bytesOf, hasHigh, parseDec } from './chars.js';
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
  const t = new Uint8Array(256);
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

const utf8 = new TextDecoder('utf-8', { fatal: true });

function hexVal(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  c |= 0x20;
  return c >= 0x61 && c <= 0x66 ? c - 0x57 : -1;
}

/** Checks b[a, e) against `set` and decodes its %HH escapes (as UTF-8 when they are UTF-8, else octet by octet). */
function decode(b: Bytes, s: string, a: number, e: number, set: Uint8Array, what: string): string {
  let pct = false;
  for (let i = a; i < e; i++) {
    const c = b[i]!;
    if (set[c] === 0) bad(`invalid character in ${what}`);
    if (c === 0x25) pct = true;
  }
  if (!pct) return s.slice(a, e);
  const out = Buffer.allocUnsafe(e - a);
  let n = 0;
  let high = false;
  for (let i = a; i < e; i++) {
    const c = b[i]!;
    if (c !== 0x25) { out[n++] = c; continue; }
    const h = i + 2 < e ? hexVal(b[i + 1]!) : -1;
    const l = h >= 0 ? hexVal(b[i + 2]!) : -1;
    if (l < 0) bad(`bad escape in ${what}`);
    const v = (h << 4) | l;
    if (v >= 0x80) high = true;
    out[n++] = v;
    i += 2;
  }
  const bytes = out.subarray(0, n);
  if (high) {
    try { return utf8.decode(bytes); } catch { /* not UTF-8: octet by octet below */ }
  }
  return bytes.toString('latin1');
}

function parseParams(b: Bytes, s: string, i: number, e: number, params: Map<string, string | null>): void {
  while (i < e) {
    // b[i] === ';'
    let j = i + 1;
    let eq = -1;
    for (; j < e && b[j] !== 0x3b; j++) if (eq < 0 && b[j] === 0x3d) eq = j;
    const nameEnd = eq >= 0 ? eq : j;
    if (nameEnd === i + 1) bad('empty URI parameter');
    const name = decode(b, s, i + 1, nameEnd, PARAM, 'URI parameter').toLowerCase();
    const value = eq >= 0 ? decode(b, s, eq + 1, j, PARAM, 'URI parameter') : null;
    if (!params.has(name)) params.set(name, value);
    i = j;
  }
}

function parseHeaders(b: Bytes, s: string, i: number, e: number, headers: Map<string, string>): void {
  while (i < e) {
    // b[i] is '?' or '&'
    let j = i + 1;
    let eq = -1;
    for (; j < e && b[j] !== 0x26; j++) if (eq < 0 && b[j] === 0x3d) eq = j;
    if (eq <= i + 1) bad('bad URI header');
    const name = decode(b, s, i + 1, eq, HNV, 'URI header');
    const value = decode(b, s, eq + 1, j, HNV, 'URI header');
    const prev = headers.get(name);
    headers.set(name, prev === undefined ? value : `${prev},${value}`);
    i = j;
  }
}

/** Index of the end of host[:port] starting at i; fills `u`. */
function parseHostPort(b: Bytes, s: string, i: number, e: number, u: SipUri): number {
  const hostTab = HOST;
  const ipv6Tab = IPV6;
  const start = i;
  if (i < e && b[i] === 0x5b) {
    let colon = false;
    for (i++; i < e && b[i] !== 0x5d; i++) {
      if (ipv6Tab[b[i]!] === 0) bad('bad IPv6 reference');
      if (b[i] === 0x3a) colon = true;
    }
    if (i === e || !colon) bad('bad IPv6 reference');
    i++;
  } else {
    while (i < e && hostTab[b[i]!] === 1) i++;
    if (i === start) bad('missing host');
  }
  u.host = s.slice(start, i);
  if (i < e && b[i] === 0x3a) {
    let j = i + 1;
    while (j < e && b[j]! >= 0x30 && b[j]! <= 0x39) j++;
    const port = parseDec(b, i + 1, j, 65535);
    if (port < 0) bad('bad port');
    u.port = port;
    i = j;
  }
  return i;
}

function parseSip(b: Bytes, s: string, start: number, e: number, u: SipUri): void {
  let at = -1;
  let colon = -1;
  for (let k = start; k < e; k++) {
    if (b[k] === 0x40) { at = k; break; }
    if (colon < 0 && b[k] === 0x3a) colon = k;
  }
  let i = start;
  if (at >= 0) {
    const userEnd = colon >= 0 ? colon : at;
    if (userEnd === start) bad('empty user');
    u.user = decode(b, s, start, userEnd, USER, 'user');
    if (userEnd < at) u.password = decode(b, s, userEnd + 1, at, PASSWORD, 'password');
    i = at + 1;
  }
  i = parseHostPort(b, s, i, e, u);
  let q = i;
  while (q < e && b[q] !== 0x3f) q++;
  if (i < e && b[i] !== 0x3b && b[i] !== 0x3f) bad('bad host');
  parseParams(b, s, i, q, u.params);
  parseHeaders(b, s, q, e, u.headers);
}

function parseTel(b: Bytes, s: string, start: number, e: number, u: SipUri): void {
  let semi = start;
  while (semi < e && b[semi] !== 0x3b) semi++;
  if (semi === start) bad('empty telephone number');
  u.user = decode(b, s, start, semi, TEL, 'telephone number');
  parseParams(b, s, semi, e, u.params);
}

/** Parses the URI b[a, e) (s is the latin1 text at the same offsets). */
export function uriAt(b: Bytes, s: string, a: number, e: number): SipUri {
  const schemeTab = SCHEME;
  const c0 = a < e ? b[a]! | 0x20 : 0;
  if (c0 < 0x61 || c0 > 0x7a) bad('missing scheme');
  let i = a + 1;
  while (i < e && schemeTab[b[i]!] === 1) i++;
  if (i >= e || b[i] !== 0x3a) bad('missing scheme');
  const scheme = s.slice(a, i).toLowerCase();
  for (let k = i + 1; k < e; k++) {
    const c = b[k]!;
    if (c <= 0x20 || c >= 0x7f || c === 0x22 || c === 0x3c || c === 0x3e) bad('invalid character');
  }
  if (i + 1 === e) bad('empty URI');
  const u: SipUri = { scheme, user: undefined, password: undefined, host: '', port: undefined, params: new Map(), headers: new Map(), raw: s.slice(a, e) };
  if (scheme === 'sip' || scheme === 'sips') parseSip(b, s, i + 1, e, u);
  else if (scheme === 'tel') parseTel(b, s, i + 1, e, u);
  return u;
}

/** Parses a URI; throws SipParseError('Bad URI') with a detail naming what is wrong. */
export function parseUri(s: string): SipUri {
  if (hasHigh(s)) bad('invalid character');
  return uriAt(bytesOf(s), s, 0, s.length);
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
