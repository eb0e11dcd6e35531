import { TsipsError } from '../errors.js';
import type { Loc, PvExpr } from './ast.js';
import { isDirective, type Preprocessor } from './preprocessor.js';
import { scanPv } from './pv-syntax.js';

/**
 * Tokens of the routing-script language, produced on demand so the parser can switch to raw
 * reading for values that are not tokens (`socket=udp:127.0.0.1:5060 as 1.2.3.4`).
 * Comments: `# ...`, `// ...`, `/* ... *\/`. Lexical errors are recorded and lexing goes on.
 * With a Preprocessor, a `#!` that starts a line is a directive (`#!define`, `#!ifdef` ...) and
 * an identifier that names a define is replaced by the tokens of its value (never inside a
 * string: there only `#!subst` rules apply).
 */
export type Token =
  | { kind: 'ident'; value: string; loc: Loc; start: number; end: number; nl: boolean }
  | { kind: 'int'; value: number; loc: Loc; start: number; end: number; nl: boolean }
  | { kind: 'str'; value: string; loc: Loc; start: number; end: number; nl: boolean }
  | { kind: 'pv'; value: string; pv: PvExpr; loc: Loc; start: number; end: number; nl: boolean }
  | { kind: 'op'; value: string; loc: Loc; start: number; end: number; nl: boolean }
  | { kind: 'eof'; value: ''; loc: Loc; start: number; end: number; nl: boolean };

export interface RawValue {
  text: string;
  quoted: boolean;
  loc: Loc;
}

const OPS2 = new Set(['&&', '||', '==', '!=', '=~', '!~', ':=', '+=', '-=', '<=', '>=']);
const OPS1 = new Set('(){}[],;:=<>+-*/%&|^~!.');
const IDENT_START = /[A-Za-z_]/;
const IDENT_CHAR = /[A-Za-z0-9_]/;
const DIGIT = /[0-9]/;
const IPV4 = /\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?![\w.])/y;
const HEX = /0[xX][0-9a-fA-F]+/y;
/** `#!define A B` + `#!define B A`: how deep expansions may nest before it is called a loop */
const MAX_EXPANSION_DEPTH = 16;

/** Expanding a define: every token is located at the name it replaces. */
interface Expansion {
  at: Loc;
  depth: number;
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', '"': '"', "'": "'" };

export class Lexer {
  private pos = 0;
  private line = 1;
  private lineStart = 0;
  /** a newline was crossed since the previous token */
  private sawNewline = true;
  /** the rest of a define's expansion */
  private readonly queue: Token[] = [];
  private finished = false;

  constructor(
    private readonly src: string,
    private readonly file: string,
    private readonly errors: TsipsError[],
    private readonly pp?: Preprocessor,
    private readonly expansion?: Expansion,
  ) {}

  private locAt(pos: number): Loc {
    if (this.expansion) return this.expansion.at;
    return { file: this.file, line: this.line, col: pos - this.lineStart + 1 };
  }

  private atLineStart(): boolean {
    for (let i = this.lineStart; i < this.pos; i++) if (this.src[i] !== ' ' && this.src[i] !== '\t') return false;
    return true;
  }

  /** A `#!` directive at this.pos; false when lexing must go on here (`#!include_file`). */
  private directive(): boolean {
    const from = this.pos;
    const resume = this.pp!.directive(this.src, from, this.locAt(from));
    for (let i = from; i < resume; i++) if (this.src[i] === '\n') this.newline(i);
    this.pos = resume;
    return resume !== from + 2;
  }

  private error(msg: string, loc: Loc, hint?: string): void {
    this.errors.push(new TsipsError('TSIPS_ERR_SYNTAX', msg, { loc, hint }));
  }

  private newline(at: number): void {
    this.line++;
    this.lineStart = at + 1;
    this.sawNewline = true;
  }

  /** Skip blanks and comments; `stopAtNewline` keeps the position at a newline (raw values). */
  private skipSpace(stopAtNewline: boolean): void {
    const s = this.src;
    while (this.pos < s.length) {
      const c = s[this.pos]!;
      if (c === '\n') {
        if (stopAtNewline) return;
        this.newline(this.pos);
        this.pos++;
      } else if (c === ' ' || c === '\t' || c === '\r' || c === '\f') this.pos++;
      else if (c === '#' && this.pp && !this.expansion && isDirective(s, this.pos) && this.atLineStart()) {
        if (!this.directive()) return;
      } else if (c === '#' || (c === '/' && s[this.pos + 1] === '/')) {
        const nl = s.indexOf('\n', this.pos);
        this.pos = nl < 0 ? s.length : nl;
      } else if (c === '/' && s[this.pos + 1] === '*') {
        if (stopAtNewline) return;
        const open = this.locAt(this.pos);
        const end = s.indexOf('*/', this.pos + 2);
        const stop = end < 0 ? s.length : end + 2;
        for (let i = this.pos; i < stop; i++) if (s[i] === '\n') this.newline(i);
        this.pos = stop;
        if (end < 0) this.error('unterminated comment', open, "close it with '*/'");
      } else return;
    }
  }

  next(): Token {
    if (this.queue.length > 0) return this.queue.shift()!;
    this.skipSpace(false);
    const s = this.src;
    const start = this.pos;
    const loc = this.locAt(start);
    const nl = this.sawNewline;
    this.sawNewline = false;
    if (start >= s.length) {
      if (!this.finished && this.pp && !this.expansion) this.pp.finish();
      this.finished = true;
      return { kind: 'eof', value: '', loc, start, end: start, nl };
    }
    const c = s[start]!;

    if (IDENT_START.test(c)) {
      let p = start + 1;
      while (p < s.length && IDENT_CHAR.test(s[p]!)) p++;
      this.pos = p;
      const word = s.slice(start, p);
      const def = this.pp?.defines.get(word);
      if (def !== undefined) return this.expand(word, def.value, loc, start, p, nl);
      return { kind: 'ident', value: word, loc, start, end: p, nl };
    }
    if (DIGIT.test(c)) {
      IPV4.lastIndex = start;
      if (IPV4.test(s)) {
        this.pos = IPV4.lastIndex;
        return { kind: 'str', value: s.slice(start, this.pos), loc, start, end: this.pos, nl };
      }
      HEX.lastIndex = start;
      let p: number;
      let value: number;
      if (HEX.test(s)) {
        p = HEX.lastIndex;
        value = Number.parseInt(s.slice(start + 2, p), 16);
      } else {
        p = start + 1;
        while (p < s.length && DIGIT.test(s[p]!)) p++;
        value = Number.parseInt(s.slice(start, p), 10);
      }
      this.pos = p;
      return { kind: 'int', value, loc, start, end: p, nl };
    }
    if (c === '"' || c === "'") {
      const value = this.substituted(this.readString(loc));
      return { kind: 'str', value, loc, start, end: this.pos, nl };
    }
    if (c === '$') {
      const r = scanPv(s, start, loc);
      if (!r.ok) {
        this.error(r.error, this.locAt(r.at));
        this.pos = Math.max(r.at, start + 1);
        return this.next();
      }
      this.pos = r.end;
      return { kind: 'pv', value: r.pv.text, pv: r.pv, loc, start, end: r.end, nl };
    }
    const two = s.slice(start, start + 2);
    if (OPS2.has(two)) {
      this.pos = start + 2;
      return { kind: 'op', value: two, loc, start, end: this.pos, nl };
    }
    if (OPS1.has(c)) {
      this.pos = start + 1;
      return { kind: 'op', value: c, loc, start, end: this.pos, nl };
    }
    this.error(`unexpected character '${c}'`, loc);
    this.pos = start + 1;
    return this.next();
  }

  /** Consume the one-character operator `c` when it comes next on this line. */
  eatOnLine(c: string): boolean {
    if (this.queue.length > 0) {
      if (this.queue[0]!.value !== c) return false;
      this.queue.shift();
      return true;
    }
    this.skipSpace(true);
    if (this.src[this.pos] !== c) return false;
    this.pos++;
    return true;
  }

  /** The tokens of a define's value in place of its name (located at the name); none for an empty value. */
  private expand(name: string, value: string, loc: Loc, start: number, end: number, nl: boolean): Token {
    const depth = (this.expansion?.depth ?? 0) + 1;
    if (depth > MAX_EXPANSION_DEPTH) {
      this.error(`define '${name}' expands into itself`, loc, 'a define cannot use itself, directly or through others');
      return this.next();
    }
    const sub = new Lexer(value, this.file, this.errors, this.pp, { at: loc, depth });
    const tokens: Token[] = [];
    for (let t = sub.next(); t.kind !== 'eof'; t = sub.next()) tokens.push({ ...t, start, end, nl: tokens.length === 0 && nl });
    if (tokens.length === 0) {
      if (nl) this.sawNewline = true;
      return this.next();
    }
    this.queue.push(...tokens.slice(1));
    return tokens[0]!;
  }

  private substituted(s: string): string {
    return this.pp && this.pp.defines.substs.length > 0 ? this.pp.defines.subst(s) : s;
  }

  /** A quoted string at `pos`; strings end on their line (an unterminated one is reported). */
  private readString(loc: Loc): string {
    const s = this.src;
    const quote = s[this.pos]!;
    let out = '';
    let p = this.pos + 1;
    for (;;) {
      const c = s[p];
      if (c === undefined || c === '\n') {
        this.error('unterminated string', loc, `close it with ${quote} on the same line`);
        this.pos = p;
        return out;
      }
      if (c === quote) {
        this.pos = p + 1;
        return out;
      }
      if (c === '\\' && p + 1 < s.length && s[p + 1] !== '\n') {
        const e = s[p + 1]!;
        // unknown escapes keep their backslash, so regexes like "example\.com" survive
        out += ESCAPES[e] ?? '\\' + e;
        p += 2;
      } else {
        out += c;
        p++;
      }
    }
  }

  /**
   * The value after `name =`, read as text up to the end of the line, a `;` or a comment
   * (`socket=udp:127.0.0.1:5060 as 1.2.3.4:5080`), or one quoted string.
   */
  readRaw(): RawValue {
    this.skipSpace(true);
    const s = this.src;
    const loc = this.locAt(this.pos);
    if (this.queue.length > 0) {
      this.error("a #!define that expands to 'name = value' cannot be used here", loc, 'define the value alone and write name = VALUE');
      this.queue.length = 0;
    }
    if (s[this.pos] === '"' || s[this.pos] === "'") return { text: this.substituted(this.readString(loc)), quoted: true, loc };
    const start = this.pos;
    let p = start;
    while (p < s.length) {
      const c = s[p]!;
      if (c === '\n' || c === ';' || c === '#' || (c === '/' && (s[p + 1] === '/' || s[p + 1] === '*'))) break;
      p++;
    }
    this.pos = p;
    const text = s.slice(start, p).trim();
    const expanded = this.pp && this.pp.defines.size > 0 ? this.pp.defines.expandWords(text) : text;
    // `listen = MY_SOCKET` where MY_SOCKET is "udp:..." reads as the quoted value
    const m = expanded !== text ? /^"([^"]*)"$/.exec(expanded) : null;
    return m ? { text: m[1]!, quoted: true, loc } : { text: expanded, quoted: false, loc };
  }
}
