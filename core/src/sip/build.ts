/**
 * Serialisation of a received message with its recorded changes: unchanged header lines
 * are copied from the received bytes, changed ones are re-cut from the received text, and
 * Content-Length is made right. With no change at all the received Buffer is returned.
 */
import { parseDec } from './chars.js';
import type { Edits } from './edits.js';
import { H_CONTENT_LENGTH, matcherOf } from './headers.js';
import { listRanges } from './lists.js';
import type { SipMessage } from './message.js';
import { STRIDE } from './scan.js';
import { setViaParam } from './via.js';
import { ByteWriter, binary } from './writer.js';

export interface BuildOptions {
  /** Request-URI to write (overrides setRuri) */
  ruri?: string;
  /** value of a Via header written as the first header line */
  via?: string;
  /** raw header lines ('Name: value\r\n' ...) appended after the last header */
  extraHeaders?: string;
}

/** End of header line k (start of the next line, or of the empty line). */
export function lineEnd(m: SipMessage, k: number): number {
  return k + STRIDE < m._count() ? m._h[k + 1 + STRIDE]! : m._hdrEnd;
}

/**
 * The text of received header line k with its changes (values cut from the front, top-Via
 * parameters), or undefined when the line is unchanged and can be copied as it is.
 */
export function changedLine(m: SipMessage, ed: Edits, k: number, topVia: number): string | undefined {
  const cut = ed.skip.get(k) ?? 0;
  const via = k === topVia && ed.viaParams.length > 0;
  if (cut === 0 && !via) return undefined;
  const s = m._s;
  const h = m._h;
  const r = listRanges(m.buf, h[k + 2]!, h[k + 3]!);
  let first = s.slice(r[2 * cut], r[2 * cut + 1]);
  if (via) for (const [name, value] of ed.viaParams) first = setViaParam(first, name, value);
  return s.slice(h[k + 1], h[k + 2]) + binary(first) + s.slice(r[2 * cut + 1], lineEnd(m, k));
}

function lineOf(text: string): string {
  return `${binary(text)}\r\n`;
}

/** Zero-copy result: the received bytes (without trailing datagram junk or leading CRLFs). */
function unchanged(m: SipMessage): Buffer {
  const cl = m.contentLength;
  const end = cl === undefined ? m.buf.length : m._bodyStart + m.body.length;
  return m._start === 0 && end === m.buf.length ? m.buf : m.buf.subarray(m._start, end);
}

export function buildMessage(m: SipMessage, opts?: BuildOptions): Buffer {
  const ed = m._edits;
  const hasOpts = opts !== undefined && (opts.ruri !== undefined || opts.via !== undefined || !!opts.extraHeaders);
  if (!hasOpts && (ed === undefined || ed.mark() === 0)) return unchanged(m);

  const w = new ByteWriter(m.buf);
  const s = m._s;
  const h = m._h;
  const body = ed?.body ?? m.body;

  const ruri = opts?.ruri ?? ed?.ruri;
  if (ruri !== undefined && m.isRequest) {
    w.text(`${s.slice(m._a0, m._a1)} ${binary(ruri)} ${s.slice(m._v0, m._v1)}\r\n`);
  } else {
    w.range(m._start, m._hdrStart);
    if (m._hdrStart === s.length && s.charCodeAt(s.length - 1) !== 10) w.text('\r\n');
  }
  if (opts?.via !== undefined) w.text(`Via: ${binary(opts.via)}\r\n`);
  if (ed) for (const l of ed.top) w.text(lineOf(l.text));

  const topVia = ed ? ed.topViaLine() : -1;
  const clName = matcherOf(H_CONTENT_LENGTH);
  let clDone = false;
  const n = m._count();
  for (let k = 0; k < n; k += STRIDE) {
    if (ed?.gone.has(k)) continue;
    const end = lineEnd(m, k);
    if (m._is(k, clName)) {
      // keep the first Content-Length line when it is right, drop or rewrite the others
      if (!clDone && parseDec(m.buf, h[k + 2]!, h[k + 3]!, 0x7fffffff) === body.length) w.range(h[k + 1]!, end);
      else if (!clDone) w.text(`${s.slice(h[k + 1], h[k + 2])}${body.length}\r\n`);
      clDone = true;
      continue;
    }
    const text = ed ? changedLine(m, ed, k, topVia) : undefined;
    if (text === undefined) w.range(h[k + 1]!, end);
    else w.text(text);
    // a last line without line end (no empty line in the datagram) gets one
    if (end === s.length && s.charCodeAt(end - 1) !== 10) w.text('\r\n');
  }
  if (ed) {
    for (const l of ed.tail) {
      if (l.lname === 'content-length' || l.lname === 'l') continue;
      w.text(lineOf(l.text));
    }
  }
  const extra = opts?.extraHeaders;
  if (extra) w.text(extra.endsWith('\n') ? binary(extra) : `${binary(extra)}\r\n`);
  if (!clDone) w.text(`Content-Length: ${body.length}\r\n`);
  w.text('\r\n');
  return w.finish(body);
}
