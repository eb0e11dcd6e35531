/**
 * Results of a pure parse of short texts that repeat (the URIs of a session's frames), so a
 * relay parses each URI once, not once per frame. Bounded: when full it starts over, so a peer
 * sending endless distinct URIs costs a parse each, never memory. Failed parses are not kept.
 */
export class TextMemo<V extends object> {
  private readonly map = new Map<string, V>();

  constructor(
    private readonly parse: (text: string) => V | undefined,
    private readonly max = 1024,
  ) {}

  get(text: string): V | undefined {
    const hit = this.map.get(text);
    if (hit !== undefined) return hit;
    const v = this.parse(text);
    if (v === undefined) return undefined;
    if (this.map.size >= this.max) this.map.clear();
    this.map.set(text, v);
    return v;
  }
}
