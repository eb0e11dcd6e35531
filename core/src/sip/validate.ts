/**
 * The eager check a proxy runs before routing (RFC 3261 16.3 "reasonable syntax check",
 * RFC 4475 verdicts): start line, R-URI, Via, From, To, Call-ID, CSeq, Max-Forwards and
 * Content-Length. Each failure is a SipParseError whose reason names the element.
 */
import { WORD } from './chars.js';
import { SipParseError } from './errors.js';
import {
  CANONICAL, H_CALL_ID, H_CONTENT_LENGTH, H_CSEQ, H_FROM, H_MAX_FORWARDS, H_TO, matcherOf,
} from './headers.js';
import type { SipMessage } from './message.js';
import { type NameAddr, nameAddrUri } from './nameaddr.js';
import { FOLDED, STRIDE, nameLength } from './scan.js';

/** Methods of RFC 3261 and its extensions: a CSeq mismatch on any other method is answered 501. */
const KNOWN_METHODS = new Set([
  'INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'REGISTER', 'PRACK', 'SUBSCRIBE', 'NOTIFY',
  'PUBLISH', 'INFO', 'REFER', 'MESSAGE', 'UPDATE',
]);

/** Headers that may appear once only (RFC 3261 7.3.1: they are not comma lists). */
const SINGLE = [H_FROM, H_TO, H_CALL_ID, H_CSEQ, H_MAX_FORWARDS, H_CONTENT_LENGTH];

/** sip/sips/tel URIs get the full check; other absolute URIs (http:, isbn: ...) only a shape check. */
function checkUri(na: NameAddr, header: string): void {
  try {
    nameAddrUri(na);
  } catch (e) {
    throw new SipParseError(`Bad ${header} header`, 400, (e as Error).message);
  }
}

function checkVersion(m: SipMessage): void {
  const b = m.buf;
  const v = m._v0;
  const ok = m._v1 - v === 7 && (b[v]! | 0x20) === 0x73 && (b[v + 1]! | 0x20) === 0x69 && (b[v + 2]! | 0x20) === 0x70 &&
    b[v + 3] === 0x2f && b[v + 4] === 0x32 && b[v + 5] === 0x2e && b[v + 6] === 0x30;
  if (!ok) throw new SipParseError('Version Not Supported', 505, m.version);
}

const SINGLE_MATCH = SINGLE.map(matcherOf);
/** name signatures (long and compact forms) of the single headers: a cheap first filter */
const SINGLE_SIGS = new Set(SINGLE_MATCH.flatMap((x) => [x.long, x.short]));

/** Every line is "token: value" (the scanner marks the others); single headers appear once. */
function checkLines(m: SipMessage): void {
  const h = m._h;
  const n = m._count();
  let seen = 0;
  for (let k = 0; k < n; k += STRIDE) {
    if (nameLength(h[k]!) === 0) throw new SipParseError('Bad header line', 400, m._s.slice(h[k + 1], h[k + 3]).slice(0, 40));
    if (!SINGLE_SIGS.has(h[k]! & ~FOLDED)) continue;
    for (let j = 0; j < SINGLE_MATCH.length; j++) {
      if (!m._is(k, SINGLE_MATCH[j]!)) continue;
      if ((seen & (1 << j)) !== 0) throw new SipParseError(`Duplicate ${CANONICAL[SINGLE[j]!]} header`);
      seen |= 1 << j;
      break;
    }
  }
}

/** Call-ID = word [ "@" word ] */
function checkCallId(m: SipMessage): void {
  const id = m.callId;
  const word = WORD;
  let at = -1;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    if (c < 256 && word[c] === 1) continue;
    if (c !== 0x40 || at >= 0 || i === 0 || i === id.length - 1) throw new SipParseError('Bad Call-ID header', 400, id);
    at = i;
  }
}

export function validateMessage(m: SipMessage): void {
  if (m.isRequest) {
    if (!m._strict) throw new SipParseError('Bad request line', 400, 'extra blanks');
    checkVersion(m);
    const u = m.parsedRuri;
    if (u.headers.size > 0) throw new SipParseError('Bad Request-URI', 400, 'headers are not allowed');
  } else {
    checkVersion(m);
  }
  checkLines(m);
  const vias = m.vias();
  if (vias.length === 0) throw new SipParseError('Missing Via header');
  for (const v of vias) {
    if (v.protocol !== 'SIP/2.0') throw new SipParseError('Bad Via header', 400, `protocol ${v.protocol}`);
  }
  checkUri(m.from, 'From');
  checkUri(m.to, 'To');
  checkCallId(m);
  const cseq = m.cseq;
  if (m.isRequest && cseq.method !== m.method) {
    throw new SipParseError('CSeq method mismatch', KNOWN_METHODS.has(m.method) ? 400 : 501,
      `${cseq.method} in CSeq, ${m.method} in the request line`);
  }
  void m.maxForwards;
  void m.body;
}
