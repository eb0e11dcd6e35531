/**
 * Start-line parsing. Lenient where a request can still be answered: a request line with
 * extra blanks is recorded (`_strict` false) so that validate() rejects it with a 400 the
 * core can send; only a line that is not "method SP uri SP SIP/x.y" (or a status line
 * without a 3-digit code) throws here.
 */
import { type Bytes, TOKEN } from './chars.js';
import { SipParseError } from './errors.js';

export interface StartLine {
  isRequest: boolean;
  status: number;
  /** offsets: method (_a), R-URI (_u), version (_v), reason phrase (_r) */
  _a0: number; _a1: number;
  _u0: number; _u1: number;
  _v0: number; _v1: number;
  _r0: number; _r1: number;
  /** single SPs, no blanks in the R-URI, nothing after the version */
  _strict: boolean;
}

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39;
}

/** "SIP/" 1*DIGIT "." 1*DIGIT exactly filling b[a, e) ("SIP" in any case) */
function isSipVersion(b: Bytes, a: number, e: number): boolean {
  if (e - a < 7 || !isSipSlash(b, a)) return false;
  let i = a + 4;
  const d0 = i;
  while (i < e && isDigit(b[i])) i++;
  if (i === d0 || i >= e || b[i] !== 0x2e) return false;
  const d1 = ++i;
  while (i < e && isDigit(b[i])) i++;
  return i > d1 && i === e;
}

function isSipSlash(b: Bytes, a: number): boolean {
  return (b[a]! | 0x20) === 0x73 && (b[a + 1]! | 0x20) === 0x69 && (b[a + 2]! | 0x20) === 0x70 && b[a + 3] === 0x2f;
}

function isBlank(c: number | undefined): boolean {
  return c === 32 || c === 9;
}

function statusLine(b: Bytes, a: number, e: number, sp1: number, out: StartLine): void {
  if (sp1 < 0 || sp1 >= e || !isSipVersion(b, a, sp1)) throw new SipParseError('Bad status line');
  let code = 0;
  for (let i = sp1 + 1; i < sp1 + 4; i++) {
    if (i >= e || !isDigit(b[i])) throw new SipParseError('Bad status line', 400, 'status code');
    code = code * 10 + b[i]! - 48;
  }
  if (sp1 + 4 < e && b[sp1 + 4] !== 32) throw new SipParseError('Bad status line', 400, 'status code');
  if (code < 100 || code > 699) throw new SipParseError('Bad status line', 400, 'status code out of range');
  out.isRequest = false;
  out._v0 = a; out._v1 = sp1;
  out.status = code;
  out._r0 = Math.min(sp1 + 5, e); out._r1 = e;
  out._strict = true;
}

/** Parses the start line b[a, e) (e excludes the line terminator; s is the text of b) into `out`. */
export function parseStartLine(b: Bytes, s: string, a: number, e: number, out: StartLine): void {
  const tokenTab = TOKEN;
  const sp1 = s.indexOf(' ', a);
  if (isSipSlash(b, a)) {
    statusLine(b, a, e, sp1, out);
    return;
  }
  if (sp1 < 0 || sp1 >= e || sp1 === a) throw new SipParseError('Bad request line');
  for (let i = a; i < sp1; i++) {
    if (tokenTab[b[i]!] !== 1) throw new SipParseError('Bad request line', 400, 'bad method');
  }
  out.isRequest = true;
  out._a0 = a; out._a1 = sp1;
  // the usual "METHOD SP uri SP SIP/2.0" in a few compares
  const v = e - 8;
  if (v > sp1 + 1 && b[v] === 32 && b[v + 1] === 0x53 && b[v + 2] === 0x49 && b[v + 3] === 0x50 && b[v + 4] === 0x2f &&
      b[v + 5] === 0x32 && b[v + 6] === 0x2e && b[v + 7] === 0x30 && s.indexOf(' ', sp1 + 1) === v) {
    out._u0 = sp1 + 1; out._u1 = v;
    out._v0 = v + 1; out._v1 = e;
    out._strict = true;
    return;
  }
  let ve = e;
  while (ve > sp1 && isBlank(b[ve - 1])) ve--;
  const sp2 = s.lastIndexOf(' ', ve - 1);
  if (sp2 <= sp1 || !isSipVersion(b, sp2 + 1, ve)) throw new SipParseError('Bad request line');
  let u0 = sp1 + 1;
  let u1 = sp2;
  while (u0 < u1 && isBlank(b[u0])) u0++;
  while (u1 > u0 && isBlank(b[u1 - 1])) u1--;
  if (u0 === u1) throw new SipParseError('Bad request line', 400, 'missing Request-URI');
  // strict: exactly "method SP uri SP version" (a native search, no byte loop over the URI;
  // a TAB inside the URI is left to the URI check)
  const strict = ve === e && s.indexOf(' ', sp1 + 1) === sp2;
  out._u0 = u0; out._u1 = u1;
  out._v0 = sp2 + 1; out._v1 = ve;
  out._strict = strict;
}
