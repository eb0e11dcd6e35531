/**
 * Start-line parsing. Lenient where a request can still be answered: a request line with
 * extra blanks or a strange R-URI is recorded (`strict` false) so that validate() rejects it
 * with a 400 the core can send; only a line that is not "method SP uri SP SIP/x.y" (or a
 * status line without a 3-digit code) throws here.
 */
import { TOKEN } from './chars.js';
import { SipParseError } from './errors.js';

export interface StartLine {
  isRequest: boolean;
  /** offsets into the message text: method (_a), R-URI (_u), version (_v), reason (_r) */
  _a0: number; _a1: number;
  _u0: number; _u1: number;
  _v0: number; _v1: number;
  _r0: number; _r1: number;
  status: number;
  /** single SPs, no blanks in the R-URI, nothing after the version */
  _strict: boolean;
}

function isSipVersion(s: string, a: number, b: number): boolean {
  if (b - a < 7) return false;
  if ((s.charCodeAt(a) | 0x20) !== 0x73 || (s.charCodeAt(a + 1) | 0x20) !== 0x69 ||
      (s.charCodeAt(a + 2) | 0x20) !== 0x70 || s.charCodeAt(a + 3) !== 0x2f) return false;
  let i = a + 4;
  const d0 = i;
  while (i < b && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39) i++;
  if (i === d0 || s.charCodeAt(i) !== 0x2e) return false;
  const d1 = ++i;
  while (i < b && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39) i++;
  return i > d1 && i === b;
}

export function isResponseLine(s: string, a: number): boolean {
  return (s.charCodeAt(a) | 0x20) === 0x73 && (s.charCodeAt(a + 1) | 0x20) === 0x69 &&
    (s.charCodeAt(a + 2) | 0x20) === 0x70 && s.charCodeAt(a + 3) === 0x2f;
}

/** Parses the start line s[a, e) (e excludes the line terminator) into `out`. */
export function parseStartLine(s: string, a: number, e: number, out: StartLine): void {
  const sp1 = s.indexOf(' ', a);
  if (isResponseLine(s, a)) {
    if (sp1 < 0 || sp1 >= e || !isSipVersion(s, a, sp1)) throw new SipParseError('Bad status line');
    let code = 0;
    for (let i = sp1 + 1; i < sp1 + 4; i++) {
      const d = s.charCodeAt(i) - 48;
      if (i >= e || d < 0 || d > 9) throw new SipParseError('Bad status line', 400, 'status code');
      code = code * 10 + d;
    }
    if (sp1 + 4 < e && s.charCodeAt(sp1 + 4) !== 32) throw new SipParseError('Bad status line', 400, 'status code');
    if (code < 100 || code > 699) throw new SipParseError('Bad status line', 400, 'status code out of range');
    out.isRequest = false;
    out._v0 = a; out._v1 = sp1;
    out.status = code;
    out._r0 = Math.min(sp1 + 5, e); out._r1 = e;
    out._strict = true;
    return;
  }
  if (sp1 < 0 || sp1 >= e || sp1 === a) throw new SipParseError('Bad request line');
  for (let i = a; i < sp1; i++) {
    const c = s.charCodeAt(i);
    if (TOKEN[c] !== 1) throw new SipParseError('Bad request line', 400, 'bad method');
  }
  let ve = e;
  while (ve > sp1 && (s.charCodeAt(ve - 1) === 32 || s.charCodeAt(ve - 1) === 9)) ve--;
  const sp2 = s.lastIndexOf(' ', ve - 1);
  if (sp2 <= sp1 || !isSipVersion(s, sp2 + 1, ve)) throw new SipParseError('Bad request line');
  let u0 = sp1 + 1;
  let u1 = sp2;
  while (u0 < u1 && (s.charCodeAt(u0) === 32 || s.charCodeAt(u0) === 9)) u0++;
  while (u1 > u0 && (s.charCodeAt(u1 - 1) === 32 || s.charCodeAt(u1 - 1) === 9)) u1--;
  if (u0 === u1) throw new SipParseError('Bad request line', 400, 'missing Request-URI');
  let strict = ve === e && u0 === sp1 + 1 && u1 === sp2;
  for (let i = u0; strict && i < u1; i++) {
    const c = s.charCodeAt(i);
    if (c === 32 || c === 9) strict = false;
  }
  out.isRequest = true;
  out._a0 = a; out._a1 = sp1;
  out._u0 = u0; out._u1 = u1;
  out._v0 = sp2 + 1; out._v1 = ve;
  out._strict = strict;
}
