/**
 * Serialisation of a received message with its recorded changes: unchanged header lines
 * are copied from the received bytes, changed ones are re-cut from the received text, and
 * Content-Length is made right. With no change at all the received Buffer is returned.
 */
import { binary, parseDec } from './chars.js';
import type { Edits } from './edits.js';
import { H_CONTENT_LENGTH, matcherOf } from './headers.js';
import { listRanges } from './lists.js';
import type { SipMessage } from './message.js';
import { STRIDE } from './scan.js';
import { setViaParam } from './via.js';
import { ByteWriter } from './writer.js';

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

/** Does the last header line miss its line end (a datagram without the empty line)? */
function unterminated(m: SipMessage, end: number): boolean {
  return end === m._s.length && m.buf[end - 1] !== 10;
}

/**
 * The text (one char per byte) of received header line k with its changes (values cut
 * from the front, top-Via parameters), or undefined when the line is unchanged.
 */
export function changedLine(m: SipMessage, ed: Edits, k: number, topVia: number): string | undefined {
  const cut = ed.skip.get(k) ?? 0;
  const via = k === topVia && ed.viaParams.length > 0;
  if (cut === 0 && !via) return undefined;
  const s = m._s;
  const h = m._h;
  const r = listRanges(m.buf, h[k + 2]!, h[k + 3]!);
  let first = s.slice(r[2 * cut], r[2 * cut + 1]);
  if (via) {
    for (const [name, value] of ed.viaParams) first = setViaParam(first, binary(name), value === undefined ? undefined : binary(value));
  }
  const end = lineEnd(m, k);
  return s.slice(h[k + 1], h[k + 2]) + first + s.slice(r[2 * cut + 1], end) + (unterminated(m, end) ? '\r\n' : '');
}

/** Zero-copy result: the received bytes (without trailing datagram junk or leading CRLFs). */
function unchanged(m: SipMessage): Buffer {
  const cl = m.contentLength;
  const end = cl === undefined ? m.buf.length : m._bodyStart + m.body.length;
  return m._start === 0 && end === m.buf.length ? m.buf : m.buf.subarray(m._start, end);
}

function startLine(m: SipMessage, w: ByteWriter, ruri: string | undefined): void {
  if (ruri !== undefined && m.isRequest) {
    w.text(`${m._s.slice(m._a0, m._a1)} ${ruri} ${m._s.slice(m._v0, m._v1)}\r\n`);
  } else {
    w.range(m._start, m._hdrStart);
    if (m._hdrStart === m._s.length && m.buf[m._hdrStart - 1] !== 10) w.latin1('\r\n');
  }
}

function extraLines(w: ByteWriter, extra: string | undefined): void {
  if (extra) w.text(extra.endsWith('\n') ? extra : `${extra}\r\n`);
}

export function buildMessage(m: SipMessage, opts?: BuildOptions): Buffer {
  const ed = m._edits;
  const edited = ed !== undefined && ed.mark() > 0;
  if (!edited && (opts === undefined || (opts.ruri === undefined && opts.via === undefined && !opts.extraHeaders))) {
    return unchanged(m);
  }
  const w = new ByteWriter(m.buf);
  startLine(m, w, opts?.ruri ?? ed?.ruri);
  if (opts?.via !== undefined) w.text(`Via: ${opts.via}\r\n`);
  const cl = m.contentLength;
  const hdrEnd = m._hdrEnd;
  if (!edited && cl !== undefined && hdrEnd < m._s.length) {
    // a relay: the received header lines, empty line and body in one piece (or two)
    const bodyStart = m._bodyStart;
    const body = m.body;
    w.range(m._hdrStart, hdrEnd);
    extraLines(w, opts?.extraHeaders);
    w.range(hdrEnd, bodyStart + body.length);
    return w.finish();
  }
  return editedMessage(m, w, ed, opts);
}

/** Header lines with the recorded changes applied, a right Content-Length, the body. */
function editedMessage(m: SipMessage, w: ByteWriter, ed: Edits | undefined, opts: BuildOptions | undefined): Buffer {
  const h = m._h;
  const s = m._s;
  const body = ed?.body ?? m.body;
  if (ed) {
    for (const l of ed.top) {
      const text = l.render ? l.render(opts) : l.text;
      if (text) w.text(`${text}\r\n`);
    }
  }
  const topVia = ed ? ed.topViaLine() : -1;
  const clName = matcherOf(H_CONTENT_LENGTH);
  let clDone = false;
  const n = m._count();
  for (let k = 0; k < n; k += STRIDE) {
    if (ed?.gone.has(k)) continue;
    const end = lineEnd(m, k);
    if (m._is(k, clName)) {
      // keep the first Content-Length line when it is right, rewrite it otherwise, drop the others
      if (clDone) continue;
      clDone = true;
      if (parseDec(m.buf, h[k + 2]!, h[k + 3]!, 0x7fffffff) !== body.length) {
        w.latin1(`${s.slice(h[k + 1], h[k + 2])}${body.length}\r\n`);
        continue;
      }
    } else {
      const text = ed ? changedLine(m, ed, k, topVia) : undefined;
      if (text !== undefined) {
        w.latin1(text);
        continue;
      }
    }
    w.range(h[k + 1]!, end);
    if (unterminated(m, end)) w.latin1('\r\n');
  }
  if (ed) {
    for (const l of ed.tail) if (l.lname !== 'content-length' && l.lname !== 'l') w.text(`${l.text}\r\n`);
  }
  extraLines(w, opts?.extraHeaders);
  if (!clDone) w.latin1(`Content-Length: ${body.length}\r\n`);
  w.latin1('\r\n');
  return w.finish(body);
}
