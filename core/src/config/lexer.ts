import { TsipsError } from '../errors.js';
import type { Loc, PvExpr } from './ast.js';
import { scanPv } from './pv-syntax.js';

/**
 * Tokens of the routing-script language, produced on demand so the parser can switch to raw
 * reading for values that are not tokens (`socket=udp:127.0.0.1:5060 as 1.2.3.4`).
 * Comments: `# ...`, `// ...`, `/* ... *\/`. Lexical errors are recorded and lexing goes on.
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
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', '"': '"', "'": "'" };

export class Lexer {
  private pos = 0;
  private line = 1;
  private lineStart = 0;
  /** a newline was crossed since the previous token */
  private sawNewline = true;

  constructor(
    private readonly src: string,
    private readonly file: string,
    private readonly errors: TsipsError[],
  ) {}

  private locAt(pos: number): Loc {
    return { file: this.file, line: this.line, col: pos - this.lineStart + 1 };
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
      else if (c === '#' || (c === '/' && s[this.pos + 1] === '/')) {
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
    this.skipSpace(false);
    const s = this.src;
    const start = this.pos;
    const loc = this.locAt(start);
    const nl = this.sawNewline;
    this.sawNewline = false;
    if (start >= s.length) return { kind: 'eof', value: '', loc, start, end: start, nl };
    const c = s[start]!;

    if (IDENT_START.test(c)) {
      let p = start + 1;
      while (p < s.length && IDENT_CHAR.test(s[p]!)) p++;
      this.pos = p;
      return { kind: 'ident', value: s.slice(start, p), loc, start, end: p, nl };
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
      const value = this.readString(loc);
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
    if (s[this.pos] === '"' || s[this.pos] === "'") return { text: this.readString(loc), quoted: true, loc };
    const start = this.pos;
    let p = start;
    while (p < s.length) {
      const c = s[p]!;
      if (c === '\n' || c === ';' || c === '#' || (c === '/' && (s[p + 1] === '/' || s[p + 1] === '*'))) break;
      p++;
    }
    this.pos = p;
    return { text: s.slice(start, p).trim(), quoted: false, loc };
  }
}
