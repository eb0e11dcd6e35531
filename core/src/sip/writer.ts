/**
 * Collects the pieces of an outgoing message (ranges of the received bytes and new text)
 * and writes them into one freshly allocated Buffer: received bytes are copied as they
 * are, never re-serialised. Text pieces are "binary" strings (one char per byte).
 */
export { binary } from './chars.js';

export class ByteWriter {
  private readonly parts: Array<string | number> = [];
  private size = 0;

  constructor(private readonly src: Buffer) {}

  /** Bytes src[a, b). Adjacent ranges are merged. */
  range(a: number, b: number): void {
    if (b <= a) return;
    const n = this.parts.length;
    if (n >= 2 && this.parts[n - 1] === a && typeof this.parts[n - 2] === 'number') this.parts[n - 1] = b;
    else this.parts.push(a, b);
    this.size += b - a;
  }

  /** Binary text (see binary()). */
  text(s: string): void {
    if (s.length === 0) return;
    this.parts.push(s);
    this.size += s.length;
  }

  finish(body: Uint8Array | undefined): Buffer {
    const out = Buffer.allocUnsafe(this.size + (body ? body.length : 0));
    let o = 0;
    const p = this.parts;
    for (let i = 0; i < p.length; i++) {
      const x = p[i]!;
      if (typeof x === 'string') o += out.write(x, o, 'latin1');
      else {
        const b = p[++i] as number;
        o += this.src.copy(out, o, x, b);
      }
    }
    if (body && body.length) out.set(body, o);
    return out;
  }
}
