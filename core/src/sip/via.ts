/**
 * One Via value (RFC 3261 20.42, RFC 3581 rport):
 *   sent-protocol LWS sent-by *( SEMI via-params )
 * with SWS allowed around "/" in the sent-protocol and around ":" in sent-by.
 */
import { HOST, parseDec, scanToken, skipWs } from './chars.js';
import { SipParseError } from './errors.js';
import { parseGenericParams } from './params.js';

export interface Via {
  /** protocol name and version without blanks, upper case: 'SIP/2.0' */
  protocol: string;
  /** upper case, e.g. 'UDP' */
  transport: string;
  /** as written; IPv6 references keep their brackets */
  host: string;
  port?: number;
  branch?: string;
  received?: string;
  /** RFC 3581: undefined = absent, null = present without value */
  rport?: number | null;
  maddr?: string;
  ttl?: number;
  alias: boolean;
  params: Map<string, string | null>;
  raw: string;
}

function bad(detail: string): never {
  throw new SipParseError('Bad Via header', 400, detail);
}

/** token, then SWS "/" SWS; returns the index after the slash. */
function tokenSlash(s: string, i: number, end: number, what: string): [string, number] {
  const t0 = i;
  i = scanToken(s, i, end);
  if (i === t0) bad(`missing ${what}`);
  const tok = s.slice(t0, i);
  i = skipWs(s, i, end);
  if (s.charCodeAt(i) !== 0x2f) bad('bad sent-protocol');
  return [tok, skipWs(s, i + 1, end)];
}

export function parseVia(s: string): Via {
  const end = s.length;
  let i = skipWs(s, 0, end);
  const [name, a] = tokenSlash(s, i, end, 'protocol name');
  const [version, b] = tokenSlash(s, a, end, 'protocol version');
  i = b;
  const t0 = i;
  i = scanToken(s, i, end);
  if (i === t0) bad('missing transport');
  const transport = s.slice(t0, i).toUpperCase();
  const h0 = skipWs(s, i, end);
  if (h0 === i) bad('missing sent-by');
  i = h0;
  if (s.charCodeAt(i) === 0x5b) {
    const close = s.indexOf(']', i);
    if (close < 0) bad('bad IPv6 reference');
    i = close + 1;
  } else {
    while (i < end) {
      const c = s.charCodeAt(i);
      if (c >= 256 || HOST[c] === 0) break;
      i++;
    }
  }
  if (i === h0) bad('missing sent-by host');
  const host = s.slice(h0, i);
  let port: number | undefined;
  i = skipWs(s, i, end);
  if (s.charCodeAt(i) === 0x3a) {
    const p0 = skipWs(s, i + 1, end);
    i = p0;
    while (i < end && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39) i++;
    port = parseDec(s, p0, i, 65535);
    if (port < 0) bad('bad port');
    i = skipWs(s, i, end);
  }
  const params = new Map<string, string | null>();
  const err = parseGenericParams(s, i, end, params);
  if (err) bad(err);
  const via: Via = {
    protocol: `${name.toUpperCase()}/${version}`, transport, host, port,
    branch: undefined, received: undefined, rport: undefined, maddr: undefined, ttl: undefined,
    alias: params.has('alias'), params, raw: s,
  };
  if (params.size !== 0) knownParams(via, params);
  return via;
}

function knownParams(via: Via, params: Map<string, string | null>): void {
  const branch = params.get('branch');
  if (branch !== undefined) {
    if (branch === null) bad('branch without value');
    via.branch = branch;
  }
  const received = params.get('received');
  if (received !== undefined) {
    if (received === null) bad('received without value');
    via.received = received;
  }
  const rport = params.get('rport');
  if (rport !== undefined) {
    via.rport = rport === null ? null : parseDec(rport, 0, rport.length, 65535);
    if (via.rport === -1) bad('bad rport');
  }
  const maddr = params.get('maddr');
  if (maddr !== undefined) {
    if (maddr === null) bad('maddr without value');
    via.maddr = maddr;
  }
  const ttl = params.get('ttl');
  if (ttl !== undefined) {
    via.ttl = ttl === null ? -1 : parseDec(ttl, 0, ttl.length, 255);
    if (via.ttl === -1) bad('bad ttl');
  }
}

/**
 * The Via value text with ";name=value" set (replacing an existing param of that name,
 * e.g. a valueless ";rport") or appended. Quoted param values are skipped over.
 */
export function setViaParam(text: string, name: string, value: string | undefined): string {
  const add = value === undefined ? `;${name}` : `;${name}=${value}`;
  const lname = name.toLowerCase();
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quoted) {
      if (c === 0x5c) i++;
      else if (c === 0x22) quoted = false;
      continue;
    }
    if (c === 0x22) { quoted = true; continue; }
    if (c !== 0x3b) continue;
    const n0 = skipWs(text, i + 1, text.length);
    const n1 = scanToken(text, n0, text.length);
    if (text.slice(n0, n1).toLowerCase() !== lname) continue;
    // the param runs to the next ';' outside quotes (or the end)
    let j = n1;
    let q = false;
    for (; j < text.length; j++) {
      const d = text.charCodeAt(j);
      if (q) { if (d === 0x5c) j++; else if (d === 0x22) q = false; } else if (d === 0x22) q = true; else if (d === 0x3b) break;
    }
    let k = j;
    while (k > n1 && (text.charCodeAt(k - 1) === 32 || text.charCodeAt(k - 1) === 9)) k--;
    return text.slice(0, i) + add + text.slice(k);
  }
  return text + add;
}
