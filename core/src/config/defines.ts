import type { Loc } from './ast.js';

/**
 * The define table of the preprocessor (`#!define`), shared by a config file, every file it
 * includes and the command line (`tsips -D NAME[=value]`), plus the `#!subst` rules that
 * rewrite string literals.
 */
export interface Define {
  value: string;
  loc: Loc;
}

export interface SubstRule {
  re: RegExp;
  replacement: string;
}

export const DEFINE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const WORD = /\b[A-Za-z_][A-Za-z0-9_]*\b/g;
const COMMAND_LINE: Loc = { file: '<command line>', line: 0, col: 0 };

export class Defines {
  private readonly table = new Map<string, Define>();
  readonly substs: SubstRule[] = [];

  /** `initial`: NAME → value, from the command line (throws on a bad name) */
  constructor(initial: Readonly<Record<string, string>> = {}) {
    for (const [name, value] of Object.entries(initial)) {
      if (!DEFINE_NAME.test(name)) throw new Error(`bad define name '${name}': use letters, digits and '_'`);
      this.table.set(name, { value, loc: COMMAND_LINE });
    }
  }

  get(name: string): Define | undefined {
    return this.table.get(name);
  }

  has(name: string): boolean {
    return this.table.has(name);
  }

  get size(): number {
    return this.table.size;
  }

  set(name: string, value: string, loc: Loc): void {
    this.table.set(name, { value, loc });
  }

  delete(name: string): void {
    this.table.delete(name);
  }

  /**
   * Replace the defined names in raw text (`listen = udp:MY_IP:5060`), again in what they
   * bring, a bounded number of times (a define that uses itself stops there).
   */
  expandWords(text: string): string {
    let out = text;
    for (let pass = 0; pass < 16; pass++) {
      const next = out.replace(WORD, (w) => this.table.get(w)?.value ?? w);
      if (next === out) break;
      out = next;
    }
    return out;
  }

  /** Apply the `#!subst` rules to a string literal. */
  subst(s: string): string {
    let out = s;
    for (const r of this.substs) out = out.replace(r.re, r.replacement);
    return out;
  }
}

/** `NAME` or `NAME=value` as given to `-D`: [name, value] ('' when no value). */
export function parseDefineArg(text: string): [string, string] {
  const eq = text.indexOf('=');
  const name = (eq < 0 ? text : text.slice(0, eq)).trim();
  if (!DEFINE_NAME.test(name)) throw new Error(`bad define '${text}': write NAME or NAME=value (letters, digits and '_')`);
  return [name, eq < 0 ? '' : text.slice(eq + 1)];
}
