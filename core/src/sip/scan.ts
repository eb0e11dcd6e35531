/**
 * Header boundaries of a received message, found on demand: a lookup scans header lines
 * only until it finds what it wants (a typical proxy read of Via, CSeq, Call-ID and From
 * stops half-way down an INVITE); anything that needs every line calls _count().
 *
 * Each header is recorded as four numbers in a flat array (no per-header objects, no name
 * strings): [meta, lineStart, valueStart, valueEnd]. meta = name signature (headers.ts:
 * name length << 9 | lower-case first byte) | FOLDED when the value spans several lines;
 * 0 (| FOLDED) for a line that is not "token: value". Offsets index the bytes and, equally,
 * their latin1 text.
 */
import { type Bytes, TOKEN, WS } from './chars.js';
import { FOLDED, type NameMatch, matchLine, signature } from './headers.js';

export const STRIDE = 4;
export { FOLDED };
/** header table slots allocated up front (10 headers: what a lookup of the usual ones scans); more grow the array */
const TABLE_SLOTS = 10 * STRIDE;

/** Name length of a table entry (0 for a malformed line). */
export function nameLength(meta: number): number {
  return meta >>> 9;
}

export class HeaderTable {
  readonly buf: Buffer;
  /** @internal latin1 text of (at least) the start line and header section */
  readonly _s: string;
  /** @internal the header table (STRIDE numbers per header); _n slots are filled so far */
  readonly _h: number[] = new Array<number>(TABLE_SLOTS);
  _n = 0;
  /** @internal where scanning resumes, or -1 once the header section has been scanned */
  private _pos: number;
  private _end = -1;

  constructor(buf: Buffer, s: string, hdrStart: number) {
    this.buf = buf;
    this._s = s;
    this._pos = hdrStart;
  }

  /**
   * @internal scans header lines until one matches `m` (returns its table index) or the
   * header section ends (returns -1); with m === null scans every line.
   */
  _scan(m: NameMatch | null): number {
    const tokenTab = TOKEN;
    const wsTab = WS;
    let pos = this._pos;
    if (pos < 0) return -1;
    const b: Bytes = this.buf;
    const s = this._s;
    const h = this._h;
    const len = s.length;
    let n = this._n;
    let found = -1;
    for (;;) {
      let c = b[pos]!;
      if (pos >= len || c === 10 || (c === 13 && (pos + 1 === len || b[pos + 1] === 10))) {
        // the empty line (or, in a datagram without one, the end of the text: RFC 4475 baddn)
        this._end = Math.min(pos, len);
        pos = -1;
        break;
      }
      let nl = s.indexOf('\n', pos);
      let folded = 0;
      if (nl < 0) nl = len;
      else {
        // continuation lines (starting with SP/HT) belong to this header
        while (nl + 1 < len && ((c = b[nl + 1]!) === 32 || c === 9)) {
          folded = FOLDED;
          nl = s.indexOf('\n', nl + 1);
          if (nl < 0) { nl = len; break; }
        }
      }
      // name: token chars, then blanks and ':'
      let p = pos;
      while (p < nl && tokenTab[b[p]!] === 1) p++;
      const ne = p;
      while (p < nl && ((c = b[p]!) === 32 || c === 9)) p++;
      let meta = 0;
      if (ne > pos && p < nl && b[p] === 0x3a) {
        meta = signature(b, pos, ne - pos);
        p++;
        while (p < nl && wsTab[b[p]!] === 1) p++;
      } else {
        p = pos;
      }
      let ve = nl;
      while (ve > p && wsTab[b[ve - 1]!] === 1) ve--;
      h[n] = meta | folded;
      h[n + 1] = pos;
      h[n + 2] = p;
      h[n + 3] = ve;
      n += STRIDE;
      pos = nl + 1;
      if (m !== null && (meta === m.short || meta === m.long) && matchLine(b, meta, h[n - 3]!, m)) {
        found = n - STRIDE;
        break;
      }
    }
    this._n = n;
    this._pos = pos;
    return found;
  }

  /** @internal scans every header line; returns the number of table slots */
  _count(): number {
    if (this._pos >= 0) this._scan(null);
    return this._n;
  }

  /** @internal offset of the empty line ending the header section (or of the end of the text) */
  get _hdrEnd(): number {
    this._count();
    return this._end;
  }

  /** @internal offset of the first body byte */
  get _bodyStart(): number {
    const end = this._hdrEnd;
    const b = end < this._s.length ? (this.buf[end] === 13 ? end + 2 : end + 1) : end;
    return Math.min(b, this.buf.length);
  }

  /** @internal table index of the first header matching `m` at or after k, or -1 */
  _find(m: NameMatch, k: number): number {
    const h = this._h;
    const b = this.buf;
    const n = this._n;
    const long = m.long;
    const short = m.short;
    // signatures first (inline), the char compare only for a candidate
    for (; k < n; k += STRIDE) {
      const sig = h[k]! & ~FOLDED;
      if (sig === short || (sig === long && matchLine(b, sig, h[k + 1]!, m))) return k;
    }
    return this._scan(m);
  }

  /** @internal is header k (table index) named as `m` says? */
  _is(k: number, m: NameMatch): boolean {
    return matchLine(this.buf, this._h[k]!, this._h[k + 1]!, m);
  }

  /** @internal does header k span several lines? */
  _folded(k: number): boolean {
    return (this._h[k]! & FOLDED) !== 0;
  }
}
