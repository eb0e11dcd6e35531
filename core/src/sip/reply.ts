/**
 * Stateless replies (RFC 3261 8.2.6): the request's Via lines (with the received/rport
 * parameters recorded on it), From, To (with a tag added for codes above 100 when it has
 * none), Call-ID and CSeq are copied as received; nothing else is copied (as OpenSIPS sl).
 */
import { changedLine, lineEnd } from './build.js';
import { H_CALL_ID, H_CSEQ, H_FROM, H_TO, H_VIA, matcherOf } from './headers.js';
import type { SipMessage } from './message.js';
import { STRIDE } from './scan.js';
import { ByteWriter } from './writer.js';

export interface ReplyOptions {
  toTag?: string;
  /** extra header lines, 'Name: value' each */
  headers?: string[];
  body?: Buffer | string;
  contentType?: string;
  server?: string;
}

export function buildReply(req: SipMessage, code: number, reason: string, opts: ReplyOptions = {}): Buffer {
  const w = new ByteWriter(req.buf);
  const h = req._h;
  const ed = req._edits;
  w.text(`SIP/2.0 ${code} ${reason}\r\n`);
  const topVia = ed ? ed.topViaLine() : -1;
  const via = matcherOf(H_VIA);
  const n = req._count();
  for (let k = 0; k < n; k += STRIDE) {
    if (!req._is(k, via) || ed?.gone.has(k)) continue;
    const text = ed ? changedLine(req, ed, k, topVia) : undefined;
    if (text === undefined) copyLine(w, req, k);
    else w.latin1(text);
  }
  const from = first(req, H_FROM);
  if (from >= 0) copyLine(w, req, from);
  const to = first(req, H_TO);
  if (to >= 0) {
    if (code > 100 && opts.toTag !== undefined && !hasTag(req)) {
      // the tag goes right after the value, before trailing blanks and the line end
      w.range(h[to + 1]!, h[to + 3]!);
      w.text(`;tag=${opts.toTag}`);
      w.range(h[to + 3]!, lineEnd(req, to));
      terminate(w, req, lineEnd(req, to));
    } else {
      copyLine(w, req, to);
    }
  }
  for (const id of [H_CALL_ID, H_CSEQ]) {
    const k = first(req, id);
    if (k >= 0) copyLine(w, req, k);
  }
  if (opts.headers) for (const line of opts.headers) w.text(`${line}\r\n`);
  if (opts.server !== undefined) w.text(`Server: ${opts.server}\r\n`);
  const body = typeof opts.body === 'string' ? Buffer.from(opts.body, 'utf8') : opts.body;
  if (body && body.length > 0 && opts.contentType !== undefined) w.text(`Content-Type: ${opts.contentType}\r\n`);
  w.latin1(`Content-Length: ${body ? body.length : 0}\r\n\r\n`);
  return w.finish(body);
}

function first(req: SipMessage, id: number): number {
  return req._find(matcherOf(id), 0);
}

/** A To header that cannot be parsed is copied as it is (the reply is most likely a 400). */
function hasTag(req: SipMessage): boolean {
  try {
    return req.toTag !== undefined;
  } catch {
    return true;
  }
}

function copyLine(w: ByteWriter, req: SipMessage, k: number): void {
  const end = lineEnd(req, k);
  w.range(req._h[k + 1]!, end);
  terminate(w, req, end);
}

/** The last header of a datagram without the empty line has no line end: add one. */
function terminate(w: ByteWriter, req: SipMessage, end: number): void {
  if (end === req._s.length && req.buf[end - 1] !== 10) w.latin1('\r\n');
}
