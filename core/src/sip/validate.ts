/**
 * The eager check a proxy runs before routing (RFC 3261 16.3 "reasonable syntax check",
 * RFC 4475 verdicts): start line, R-URI, Via, From, To, Call-ID, CSeq, Max-Forwards and
 * Content-Length. Each failure is a SipParseError whose reason names the element.
 */
import { SipParseError } from './errors.js';
import {
  CANONICAL, H_CALL_ID, H_CONTENT_LENGTH, H_CSEQ, H_FROM, H_MAX_FORWARDS, H_TO, matcherOf,
} from './headers.js';
import type { SipMessage } from './message.js';
import type { NameAddr } from './nameaddr.js';
import { STRIDE, nameLength } from './scan.js';
import { parseUri } from './uri.js';

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
    parseUri(na.uri);
  } catch (e) {
    throw new SipParseError(`Bad ${header} header`, 400, (e as Error).message);
  }
}

function checkVersion(m: SipMessage): void {
  if (m.version.toUpperCase() !== 'SIP/2.0') throw new SipParseError('Version Not Supported', 505, m.version);
}

/** Every line is "token: value" (the scanner marks the others). */
function checkLines(m: SipMessage): void {
  const h = m._h;
  const n = m._count();
  for (let k = 0; k < n; k += STRIDE) {
    if (nameLength(h[k]!) === 0) throw new SipParseError('Bad header line', 400, m._s.slice(h[k + 1], h[k + 3]).slice(0, 40));
  }
}

function checkSingles(m: SipMessage): void {
  for (const id of SINGLE) {
    const first = m._find(matcherOf(id), 0);
    if (first >= 0 && m._find(matcherOf(id), first + STRIDE) >= 0) {
      throw new SipParseError(`Duplicate ${CANONICAL[id]} header`);
    }
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
  checkSingles(m);
  const vias = m.vias();
  if (vias.length === 0) throw new SipParseError('Missing Via header');
  for (const v of vias) {
    if (v.protocol !== 'SIP/2.0') throw new SipParseError('Bad Via header', 400, `protocol ${v.protocol}`);
  }
  checkUri(m.from, 'From');
  checkUri(m.to, 'To');
  void m.callId;
  const cseq = m.cseq;
  if (m.isRequest && cseq.method !== m.method) {
    throw new SipParseError('CSeq method mismatch', KNOWN_METHODS.has(m.method) ? 400 : 501,
      `${cseq.method} in CSeq, ${m.method} in the request line`);
  }
  void m.maxForwards;
  void m.body;
}
