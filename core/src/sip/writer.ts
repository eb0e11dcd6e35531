/**
 * Collects the pieces of an outgoing message (ranges of the received bytes and new text)
 * and writes them into one freshly allocated Buffer: received bytes are copied as they
 * are, never re-serialised. Adjacent ranges merge, so a relayed message is a few copies.
 */

type Writers = {
  latin1Write(s: string, offset: number): number;
  utf8Write(s: string, offset: number): number;
};

export class ByteWriter {
  /** ranges as two numbers, text as a string followed by 1 (latin1: one char per byte) or 0 (UTF-8) */
  private readonly parts: Array<string | number> = [];
  private size = 0;

  constructor(private readonly src: Buffer) {}

  /** Bytes src[a, b). */
  range(a: number, b: number): void {
    if (b <= a) return;
    const p = this.parts;
    const n = p.length;
    if (n >= 2 && p[n - 1] === a && typeof p[n - 2] === 'number') p[n - 1] = b;
    else p.push(a, b);
    this.size += b - a;
  }

  /** Text cut from the received message (one char per byte). */
  latin1(s: string): void {
    if (s.length === 0) return;
    this.parts.push(s, 1);
    this.size += s.length;
  }

  /** New text, written as UTF-8. */
  text(s: string): void {
    if (s.length === 0) return;
    const len = Buffer.byteLength(s, 'utf8');
    this.parts.push(s, len === s.length ? 1 : 0);
    this.size += len;
  }

  finish(body?: Uint8Array): Buffer {
    const out = Buffer.allocUnsafe(this.size + (body ? body.length : 0));
    const w = out as unknown as Writers;
    let o = 0;
    const p = this.parts;
    for (let i = 0; i < p.length; i += 2) {
      const x = p[i]!;
      if (typeof x === 'string') o += p[i + 1] === 1 ? w.latin1Write(x, o) : w.utf8Write(x, o);
      else o += this.src.copy(out, o, x, p[i + 1] as number);
    }
    if (body && body.length) out.set(body, o);
    return out;
  }
}
