import type { MsrpFrame } from './parser.js';
import { H } from './headers.js';
import { DASHES, HTAB, SP } from './chars.js';

/*
 * Building frames (msrp.md §6 API). Replies, REPORTs and new requests are short and made
 * from text. Relaying (forwarded requests, forwarded replies) copies the received bytes and
 * splices in only the new transaction id (first line and end-line) and the two rewritten path
 * values, plus any extra headers after the last header line.
 */

const CRLF = '\r\n';
const DASH_TEXT = '-'.repeat(DASHES);

/** extra header lines: "Name: value", a trailing CRLF optional */
function headerLines(extra: readonly string[] | undefined): string {
  if (!extra || extra.length === 0) return '';
  let s = '';
  for (const h of extra) s += h.endsWith(CRLF) ? h : h + CRLF;
  return s;
}

/** A response: `MSRP id code [comment]`, To-Path, From-Path, extra headers, end-line `$`. */
export function buildResponse(id: string, code: number, comment: string, toPath: string, fromPath: string, extra?: readonly string[]): Buffer {
  return Buffer.from(
    `MSRP ${id} ${code}${comment ? ' ' + comment : ''}${CRLF}To-Path: ${toPath}${CRLF}From-Path: ${fromPath}${CRLF}${headerLines(extra)}${DASH_TEXT}${id}$${CRLF}`,
    'utf8',
  );
}

export interface RequestParts {
  id: string;
  method: string;
  toPath: readonly string[];
  fromPath: readonly string[];
  extraHeaders?: readonly string[];
  /** with a body: Content-Type, a blank line, the body and CRLF come before the end-line */
  contentType?: string;
  body?: Buffer | string;
  continuation?: '$' | '+' | '#';
}

/** A new request (send_request): headers To-Path, From-Path, extra, Content-Type; body + CRLF; end-line. */
export function buildRequest(r: RequestParts): Buffer {
  const head = `MSRP ${r.id} ${r.method}${CRLF}To-Path: ${r.toPath.join(' ')}${CRLF}From-Path: ${r.fromPath.join(' ')}${CRLF}${headerLines(r.extraHeaders)}`;
  const end = `${DASH_TEXT}${r.id}${r.continuation ?? '$'}${CRLF}`;
  if (r.body === undefined) return Buffer.from(head + end, 'utf8');
  const body = typeof r.body === 'string' ? Buffer.from(r.body, 'utf8') : r.body;
  return Buffer.concat([Buffer.from(`${head}Content-Type: ${r.contentType}${CRLF}${CRLF}`, 'utf8'), body, Buffer.from(CRLF + end, 'latin1')]);
}

/** A REPORT (send_report): To-Path, From-Path, Message-ID, Byte-Range, Status; no body. */
export function buildReport(id: string, toPath: string, fromPath: string, messageId: string, byteRange: string, status: string): Buffer {
  return Buffer.from(
    `MSRP ${id} REPORT${CRLF}To-Path: ${toPath}${CRLF}From-Path: ${fromPath}${CRLF}Message-ID: ${messageId}${CRLF}Byte-Range: ${byteRange}${CRLF}Status: ${status}${CRLF}${DASH_TEXT}${id}$${CRLF}`,
    'utf8',
  );
}

/**
 * Relay a frame one hop (forward_request, forward_reply): the top To-Path URI moves to the
 * front of From-Path, `newId` (if given) replaces the transaction id in the first line and
 * the end-line, `extra` header lines go after the last header. Everything else, the end-line
 * flag and the body included, is copied byte for byte. Undefined when To-Path has no second URI.
 */
export function relayFrame(f: MsrpFrame, newId: string | undefined, extra?: readonly string[]): Buffer | undefined {
  const parts = relayFrameParts(f, newId, extra);
  return parts && Buffer.concat(parts);
}

/**
 * relayFrame without copying the body: the frame as [new head, the received body through
 * the end-line dashes (a view of f.buf), new end-line id + flag + CRLF] (the last part only
 * with a new id). Head and end-line share one small allocation.
 */
export function relayFrameParts(f: MsrpFrame, newId: string | undefined, extra?: readonly string[]): Buffer[] | undefined {
  const b = f.buf;
  const ti = f.hdrIndex(H.TO_PATH);
  const fi = f.hdrIndex(H.FROM_PATH);
  const tvs = f.hdrs[ti + 3]!;
  const tve = f.hdrs[ti + 4]!;
  let topEnd = tvs;
  while (topEnd < tve && b[topEnd] !== SP && b[topEnd] !== HTAB) topEnd++;
  let rest = topEnd;
  while (rest < tve && (b[rest] === SP || b[rest] === HTAB)) rest++;
  if (rest >= tve) return undefined;
  const fvs = f.hdrs[fi + 3]!;
  const lines = headerLines(extra);
  const idBytes = newId === undefined ? 0 : Buffer.byteLength(newId, 'utf8');
  const linesBytes = lines ? Buffer.byteLength(lines, 'utf8') : 0;
  const topLen = topEnd - tvs + 1; // the top URI and a space

  // the head is everything before the body (or before the end-line of a bodiless frame); in it
  // the id (first line), the two path values (either order) and the extra lines (last) change
  const cut = f.bodyStart >= 0 ? f.bodyStart : f.endLineStart;
  const headLen = cut + (newId === undefined ? 0 : idBytes - (f.idEnd - f.idStart)) - (rest - tvs) + topLen + linesBytes;
  const out = Buffer.allocUnsafe(headLen + (newId === undefined ? 0 : idBytes + 3));
  let w = 0;
  let pos = 0;
  if (newId !== undefined) {
    w = b.copy(out, 0, 0, f.idStart);
    w += out.write(newId, w, 'utf8');
    pos = f.idEnd;
  }
  if (tvs < fvs) {
    w += b.copy(out, w, pos, tvs); // To-Path loses its top URI ...
    w += b.copy(out, w, rest, fvs);
    w += b.copy(out, w, tvs, topEnd); // ... which From-Path gains
    out[w++] = SP;
    pos = fvs;
  } else {
    w += b.copy(out, w, pos, fvs);
    w += b.copy(out, w, tvs, topEnd);
    out[w++] = SP;
    w += b.copy(out, w, fvs, tvs);
    pos = rest;
  }
  w += b.copy(out, w, pos, f.headersEnd);
  if (lines) w += out.write(lines, w, 'utf8');
  w += b.copy(out, w, f.headersEnd, cut);

  const parts = [out.subarray(0, headLen), b.subarray(cut, newId === undefined ? b.length : f.endLineStart + DASHES)];
  if (newId !== undefined) {
    // the new id, then the received flag and CRLF
    w += out.write(newId, w, 'utf8');
    b.copy(out, w, f.endLineStart + DASHES + (f.idEnd - f.idStart));
    parts.push(out.subarray(headLen));
  }
  return parts;
}
