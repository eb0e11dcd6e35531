/**
 * The one pass over a received message: header boundaries. Each header is recorded as four
 * numbers in a flat array (no per-header objects, no name strings):
 *   [meta, lineStart, valueStart, valueEnd]
 * meta = name signature (headers.ts: name length << 9 | lower-case first char) | FOLDED when
 * the value spans several lines; 0 (| FOLDED) for a line that is not "name: value".
 * Offsets index the latin1 text of the message, so they are byte offsets too. Name
 * characters are checked by validate(), not here.
 */
import { FOLDED, signature } from './headers.js';

export const STRIDE = 4;
export { FOLDED };
/** meta without the FOLDED bit is 0 for a malformed line */
export const BAD_LINE = 0;

/** Name length of a table entry. */
export function nameLength(meta: number): number {
  return meta >>> 9;
}

/**
 * Scans header lines from `pos` until the empty line that ends the header section (CRLF or
 * bare LF line ends). Returns the offset of that empty line, or s.length when the text ends
 * first (a datagram without the empty line: RFC 4475 baddn).
 */
export function scanHeaders(s: string, pos: number, h: number[]): number {
  const len = s.length;
  let colon = -1; // first ':' at or after pos (kept across lines: no quadratic rescans)
  while (pos < len) {
    let c = s.charCodeAt(pos);
    if (c === 10 || (c === 13 && (pos + 1 === len || s.charCodeAt(pos + 1) === 10))) return pos;
    let nl = s.indexOf('\n', pos);
    let folded = 0;
    if (nl < 0) nl = len;
    else {
      // continuation lines (starting with SP/HT) belong to this header
      while (nl + 1 < len) {
        const d = s.charCodeAt(nl + 1);
        if (d !== 32 && d !== 9) break;
        folded = FOLDED;
        nl = s.indexOf('\n', nl + 1);
        if (nl < 0) { nl = len; break; }
      }
    }
    if (colon < pos) {
      colon = s.indexOf(':', pos);
      if (colon < 0) colon = len;
    }
    let meta = 0;
    let p = pos;
    if (colon < nl) {
      let ne = colon;
      while (ne > pos && ((c = s.charCodeAt(ne - 1)) === 32 || c === 9)) ne--;
      if (ne > pos) {
        meta = signature(s, pos, ne - pos);
        p = colon + 1;
        while (p < nl && ((c = s.charCodeAt(p)) === 32 || c === 9 || c === 13 || c === 10)) p++;
      }
    }
    let ve = nl;
    while (ve > p && ((c = s.charCodeAt(ve - 1)) === 32 || c === 9 || c === 13 || c === 10)) ve--;
    h.push(meta | folded, pos, p, ve);
    pos = nl + 1;
  }
  return len;
}

/** Offset of the first body byte given the end of the header section. */
export function bodyOffset(s: string, hdrEnd: number): number {
  if (hdrEnd >= s.length) return hdrEnd;
  return s.charCodeAt(hdrEnd) === 13 ? hdrEnd + 2 : hdrEnd + 1;
}
