/**
 * FNV-1a over strings: a fast, allocation-free, non-cryptographic hash for branch ids, to-tags
 * and loop detection (values that must be equal for equal input, and differ otherwise).
 */
export function fnv1a(...parts: readonly string[]): string {
  let h = 0x811c9dc5;
  for (const s of parts) {
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h ^= 0x7c; // separator, so ("ab","c") != ("a","bc")
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}
