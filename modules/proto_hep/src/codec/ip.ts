/**
 * IP literals to and from their wire bytes, written straight into the packet buffer (no
 * intermediate Buffer). Parsers return false on anything that is not a plain literal.
 */

/** Write dotted-quad `ip` at `off` (4 bytes); false if it is not an IPv4 literal. */
export function writeIp4(buf: Buffer, off: number, ip: string): boolean {
  let part = 0;
  let digits = 0;
  let n = 0;
  for (let i = 0; i <= ip.length; i++) {
    const c = i < ip.length ? ip.charCodeAt(i) : 46; // a final '.' closes the last part
    if (c === 46) {
      if (digits === 0 || n > 255 || part > 3) return false;
      buf[off + part++] = n;
      n = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57 && digits < 3) {
      n = n * 10 + (c - 48);
      digits++;
    } else return false;
  }
  return part === 4;
}

export function isIp4(ip: string): boolean {
  return writeIp4(SCRATCH, 0, ip);
}

const SCRATCH = Buffer.alloc(16);

/** Write an IPv6 literal (`::` and a trailing dotted quad allowed, no zone) at `off` (16 bytes). */
export function writeIp6(buf: Buffer, off: number, ip: string): boolean {
  if (ip.length < 2 || ip.length > 45) return false;
  const words: number[] = [];
  let gap = -1;
  let i = 0;
  if (ip.startsWith('::')) {
    gap = 0;
    i = 2;
  }
  while (i < ip.length) {
    let j = i;
    let w = 0;
    while (j < ip.length && j - i < 5) {
      const c = ip.charCodeAt(j);
      const h = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : c === 46 ? -2 : -1;
      if (h === -2) {
        // embedded IPv4 in the last 32 bits
        if (words.length > 6 || !writeIp4(SCRATCH, 0, ip.slice(i))) return false;
        words.push((SCRATCH[0]! << 8) | SCRATCH[1]!, (SCRATCH[2]! << 8) | SCRATCH[3]!);
        j = ip.length;
        w = -1;
        break;
      }
      if (h < 0) break;
      w = (w << 4) | h;
      j++;
    }
    if (w !== -1) {
      if (j === i || j - i > 4) return false;
      words.push(w);
    }
    if (j >= ip.length) break;
    if (ip.charCodeAt(j) !== 58) return false;
    if (ip.charCodeAt(j + 1) === 58) {
      if (gap >= 0) return false;
      gap = words.length;
      i = j + 2;
    } else {
      i = j + 1;
      if (i >= ip.length) return false; // trailing single ':'
    }
  }
  if (words.length > 8 || (gap < 0 && words.length !== 8) || (gap >= 0 && words.length > 7)) return false;
  const fill = 8 - words.length;
  let k = 0;
  for (let w = 0; w < 8; w++) {
    const v = gap >= 0 && w >= gap && w < gap + fill ? 0 : words[k++]!;
    buf[off + 2 * w] = v >> 8;
    buf[off + 2 * w + 1] = v & 0xff;
  }
  return true;
}

/** 4 for an IPv4 literal, 6 for an IPv6 one, 0 otherwise. */
export function ipFamily(ip: string): 0 | 4 | 6 {
  if (writeIp4(SCRATCH, 0, ip)) return 4;
  return ip.includes(':') && writeIp6(SCRATCH, 0, ip) ? 6 : 0;
}

export function readIp4(buf: Buffer, off: number): string {
  return `${buf[off]}.${buf[off + 1]}.${buf[off + 2]}.${buf[off + 3]}`;
}

/** RFC 5952 text: lowercase, no leading zeros, the longest run (>= 2) of zero words as `::`. */
export function readIp6(buf: Buffer, off: number): string {
  let bestStart = -1;
  let bestLen = 0;
  for (let w = 0; w < 8; ) {
    if (buf.readUInt16BE(off + 2 * w) !== 0) {
      w++;
      continue;
    }
    let e = w;
    while (e < 8 && buf.readUInt16BE(off + 2 * e) === 0) e++;
    if (e - w > bestLen) {
      bestStart = w;
      bestLen = e - w;
    }
    w = e;
  }
  if (bestLen < 2) bestStart = -1;
  let out = '';
  for (let w = 0; w < 8; w++) {
    if (w === bestStart) {
      out += '::';
      w += bestLen - 1;
      continue;
    }
    if (out !== '' && !out.endsWith(':')) out += ':';
    out += buf.readUInt16BE(off + 2 * w).toString(16);
  }
  return out;
}
