/**
 * Comma lists (RFC 3261 7.3.1: `#element`): split on commas that are outside quoted strings
 * and outside <...>, items trimmed of LWS. Works on offsets so the builder can cut the raw
 * bytes of a header line at a value boundary.
 */
import { type Bytes, binary, bytesOf, textAt, trimEnd, skipWs } from './chars.js';

/**
 * Item boundaries of the list in b[start, end) as [start0, end0, start1, end1, ...].
 * Empty items are reported as empty ranges (callers that forbid them check), and an
 * unterminated quote makes the rest of the text one item.
 */
export function listRanges(b: Bytes, start: number, end: number): number[] {
  const out: number[] = [];
  let itemStart = start;
  let quoted = false;
  let angle = false;
  for (let i = start; i < end; i++) {
    const c = b[i]!;
    if (quoted) {
      if (c === 0x5c) i++;
      else if (c === 0x22) quoted = false;
    } else if (c === 0x22) quoted = true;
    else if (c === 0x3c) angle = true;
    else if (c === 0x3e) angle = false;
    else if (c === 0x2c && !angle) {
      const a = skipWs(b, itemStart, i);
      out.push(a, trimEnd(b, a, i));
      itemStart = i + 1;
    }
  }
  const a = skipWs(b, itemStart, end);
  out.push(a, trimEnd(b, a, end));
  return out;
}

/** The items of a comma list given as a string (empty items kept as ''). */
export function splitList(s: string): string[] {
  const bin = binary(s);
  const b = bytesOf(bin);
  const r = listRanges(b, 0, bin.length);
  const out = new Array<string>(r.length >> 1);
  for (let k = 0; k < r.length; k += 2) out[k >> 1] = textAt(b, bin, r[k]!, r[k + 1]!, true);
  return out;
}

