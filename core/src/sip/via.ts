/**
 * One Via value (RFC 3261 20.42, RFC 3581 rport):
 *   sent-protocol LWS sent-by *( SEMI via-params )
 * with SWS allowed around "/" in the sent-protocol and around ":" in sent-by.
 */
import {
  type Bytes, HOST, IPV6, TOKEN, WS, binary, bytesOf, parseDec, scanToken, skipWs, trimEnd,
} from './chars.js';
import { SipParseError } from './errors.js';
import { LazyHeaderValue } from './lazy-value.js';
import { P, lexParam, nameBytes, nameIs, paramError, paramValue } from './params.js';

export interface Via {
  /** protocol name and version without blanks, name upper case: 'SIP/2.0' */
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
  /** every parameter, names lower-cased, values as written (built on first access) */
  params: Map<string, string | null>;
  raw: string;
}

function bad(detail: string): never {
  throw new SipParseError('Bad Via header', 400, detail);
}

const BRANCH = nameBytes('branch');
const RECEIVED = nameBytes('received');
const RPORT = nameBytes('rport');
const MADDR = nameBytes('maddr');
const TTL = nameBytes('ttl');
const ALIAS = nameBytes('alias');

/**
 * A parsed Via value. The fields a transaction layer reads on every message (branch, rport,
 * received ...) are set at parse time; transport, host, parameters and raw text are made
 * from the recorded offsets when first read. Private fields keep the source out of logs.
 */
class ViaValue extends LazyHeaderValue implements Via {
  protocol = 'SIP/2.0';
  port: number | undefined = undefined;
  branch: string | undefined = undefined;
  received: string | undefined = undefined;
  rport: number | null | undefined = undefined;
  maddr: string | undefined = undefined;
  ttl: number | undefined = undefined;
  alias = false;
  readonly #t0: number;
  readonly #t1: number;
  readonly #h0: number;
  readonly #h1: number;
  #transport: string | undefined = undefined;
  #host: string | undefined = undefined;

  /** transport at [t0, t1), host at [h0, h1), params from p0 */
  constructor(b: Bytes, s: string, a: number, t0: number, t1: number, h0: number, h1: number, p0: number, end: number, folded: boolean) {
    super(b, s, a, p0, end, folded);
    this.#t0 = t0;
    this.#t1 = t1;
    this.#h0 = h0;
    this.#h1 = h1;
  }

  get transport(): string {
    return (this.#transport ??= this.s.slice(this.#t0, this.#t1).toUpperCase());
  }

  set transport(v: string) {
    this.#transport = v;
  }

  get host(): string {
    return (this.#host ??= this.s.slice(this.#h0, this.#h1));
  }

  set host(v: string) {
    this.#host = v;
  }

}

/** Index after SWS "/" SWS at i. */
function slash(b: Bytes, i: number, end: number): number {
  i = skipWs(b, i, end);
  if (i >= end || b[i] !== 0x2f) bad('bad sent-protocol');
  return skipWs(b, i + 1, end);
}

/**
 * Parses the Via value b[a, e) (s is the latin1 text at the same offsets; `folded`: the
 * range may hold header folding). Written as one tight function: it is on every proxy's
 * hot path.
 */
export function viaAt(b: Bytes, s: string, a: number, e: number, folded: boolean): Via {
  const tokenTab = TOKEN;
  const wsTab = WS;
  const hostTab = HOST;
  const ipv6Tab = IPV6;
  a = skipWs(b, a, e);
  e = trimEnd(b, a, e);
  let i = a;
  let protocol = 'SIP/2.0';
  let t0: number;
  if (i + 8 < e && b[i] === 0x53 && b[i + 1] === 0x49 && b[i + 2] === 0x50 && b[i + 3] === 0x2f &&
      b[i + 4] === 0x32 && b[i + 5] === 0x2e && b[i + 6] === 0x30 && b[i + 7] === 0x2f) {
    t0 = i + 8; // "SIP/2.0/" as nearly everyone writes it
  } else {
    const n0 = i;
    i = scanToken(b, i, e);
    if (i === n0) bad('missing protocol name');
    const n1 = i;
    const v0 = slash(b, i, e);
    i = scanToken(b, v0, e);
    if (i === v0) bad('missing protocol version');
    const v1 = i;
    t0 = slash(b, i, e);
    const sip20 = n1 - n0 === 3 && (b[n0]! | 0x20) === 0x73 && (b[n0 + 1]! | 0x20) === 0x69 &&
      (b[n0 + 2]! | 0x20) === 0x70 && v1 - v0 === 3 && b[v0] === 0x32 && b[v0 + 1] === 0x2e && b[v0 + 2] === 0x30;
    if (!sip20) protocol = `${s.slice(n0, n1).toUpperCase()}/${s.slice(v0, v1)}`;
  }
  i = t0;
  while (i < e && tokenTab[b[i]!] === 1) i++;
  if (i === t0) bad('missing transport');
  const t1 = i;
  while (i < e && wsTab[b[i]!] === 1) i++;
  if (i === t1) bad('missing sent-by');
  const h0 = i;
  if (i < e && b[i] === 0x5b) {
    i++;
    while (i < e && ipv6Tab[b[i]!] === 1) i++;
    if (i === e || b[i] !== 0x5d) bad('bad IPv6 reference');
    i++;
  } else {
    while (i < e && hostTab[b[i]!] === 1) i++;
    if (i === h0) bad('missing sent-by host');
  }
  const h1 = i;
  let port: number | undefined;
  while (i < e && wsTab[b[i]!] === 1) i++;
  if (i < e && b[i] === 0x3a) {
    i = skipWs(b, i + 1, e);
    const p0 = i;
    while (i < e && b[i]! >= 0x30 && b[i]! <= 0x39) i++;
    port = parseDec(b, p0, i, 65535);
    if (port < 0) bad('bad port');
    while (i < e && wsTab[b[i]!] === 1) i++;
  }
  const via = new ViaValue(b, s, a, t0, t1, h0, h1, i, e, folded);
  via.protocol = protocol;
  via.port = port;
  while (i < e) {
    i = lexParam(b, i, e);
    if (i < 0) bad(paramError(i));
    knownParam(via, b, s, folded);
  }
  return via;
}

/** Sets the field of the last lexed parameter when it is a known one (the first occurrence wins). */
function knownParam(via: ViaValue, b: Bytes, s: string, folded: boolean): void {
  const v0 = P[2]!;
  switch (P[1]! - P[0]!) {
    case 6:
      if (via.branch === undefined && nameIs(b, BRANCH)) {
        if (v0 < 0) bad('branch without value');
        via.branch = paramValue(b, s, folded)!;
      }
      return;
    case 5:
      if (via.rport === undefined && nameIs(b, RPORT)) {
        via.rport = v0 < 0 ? null : parseDec(b, v0, P[3]!, 65535);
        if (via.rport === -1) bad('bad rport');
      } else if (via.maddr === undefined && nameIs(b, MADDR)) {
        if (v0 < 0) bad('maddr without value');
        via.maddr = paramValue(b, s, folded)!;
      } else if (nameIs(b, ALIAS)) {
        via.alias = true;
      }
      return;
    case 8:
      if (via.received === undefined && nameIs(b, RECEIVED)) {
        if (v0 < 0) bad('received without value');
        via.received = paramValue(b, s, folded)!;
      }
      return;
    case 3:
      if (via.ttl === undefined && nameIs(b, TTL)) {
        via.ttl = v0 < 0 ? -1 : parseDec(b, v0, P[3]!, 255);
        if (via.ttl === -1) bad('bad ttl');
      }
      return;
    default:
  }
}

/** Parses one Via value given as a string. */
export function parseVia(s: string): Via {
  const bin = binary(s);
  return viaAt(bytesOf(bin), bin, 0, bin.length, true);
}

/**
 * The Via value text with ";name=value" set (replacing an existing param of that name,
 * e.g. a valueless ";rport") or appended. Works on one-char-per-byte text.
 */
export function setViaParam(text: string, name: string, value: string | undefined): string {
  const add = value === undefined ? `;${name}` : `;${name}=${value}`;
  const b = bytesOf(text);
  const lname = nameBytes(name.toLowerCase());
  // the params start at the first ';' (sent-protocol and sent-by hold none)
  let i = text.indexOf(';');
  while (i >= 0 && i < text.length) {
    const semi = i;
    i = lexParam(b, i, text.length);
    if (i < 0) break;
    if (nameIs(b, lname)) {
      // from the ';' to the end of the value (or name)
      return text.slice(0, semi) + add + text.slice(P[2]! < 0 ? P[1] : P[3]);
    }
  }
  return text + add;
}
