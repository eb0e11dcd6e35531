import type { Bytes } from './chars.js';
import { textAt } from './chars.js';
import { paramsMap } from './params.js';

/**
 * A header value cut from the message bytes (a Via, a name-addr): its parameter map and raw
 * text are built on first read, from offsets the scan recorded. Setters let a caller replace
 * them (a parsed value used as a builder).
 */
export abstract class LazyHeaderValue {
  #map: Map<string, string | null> | undefined = undefined;
  #raw: string | undefined = undefined;

  constructor(
    protected readonly b: Bytes,
    protected readonly s: string,
    /** offset where the value starts */
    protected readonly a: number,
    /** offset of its first `;param` */
    protected readonly p0: number,
    protected readonly end: number,
    /** the header was folded over lines (LWS to unfold when reading text) */
    protected readonly folded: boolean,
  ) {}

  get params(): Map<string, string | null> {
    return (this.#map ??= paramsMap(this.b, this.s, this.p0, this.end, this.folded));
  }

  set params(v: Map<string, string | null>) {
    this.#map = v;
  }

  get raw(): string {
    return (this.#raw ??= textAt(this.b, this.s, this.a, this.end, this.folded));
  }

  set raw(v: string) {
    this.#raw = v;
  }
}
