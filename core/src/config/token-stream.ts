import { TsipsError } from '../errors.js';
import type { Loc } from './ast.js';
import type { Defines } from './defines.js';
import { Lexer, type RawValue, type Token } from './lexer.js';
import { Preprocessor } from './preprocessor.js';

/** Thrown after a syntax error was recorded: the caller skips to a safe point and goes on. */
export class ParseAbort extends Error {}

/**
 * Thrown when a top-level keyword shows up inside a block (a missing '}'): every open block
 * gives up and the top-level parser resumes at that keyword, which is pushed back.
 */
export class Unwind extends Error {}

/** The parser's view of the lexer: lookahead with push-back, position of the last token's end. */
export class TokenStream {
  private readonly lexer: Lexer;
  private readonly pending: Token[] = [];
  /** where the last consumed token ended ("missing ';'" points there) */
  lastEnd: Loc;

  constructor(
    src: string,
    readonly file: string,
    readonly errors: TsipsError[],
    /** with a define table, `#!` directives run and defined names expand */
    defines?: Defines,
  ) {
    this.lexer = new Lexer(src, file, errors, defines && new Preprocessor(defines, errors));
    this.lastEnd = { file, line: 1, col: 1 };
  }

  peek(): Token {
    if (this.pending.length === 0) this.pending.push(this.lexer.next());
    return this.pending[this.pending.length - 1]!;
  }

  next(): Token {
    const t = this.pending.length > 0 ? this.pending.pop()! : this.lexer.next();
    this.lastEnd = { file: t.loc.file, line: t.loc.line, col: t.loc.col + (t.end - t.start) };
    return t;
  }

  /** Give a consumed token back (at most one level beyond the lookahead). */
  unread(t: Token): void {
    this.pending.push(t);
  }

  isOp(value: string): boolean {
    const t = this.peek();
    return t.kind === 'op' && t.value === value;
  }

  eatOp(value: string): boolean {
    if (!this.isOp(value)) return false;
    this.next();
    return true;
  }

  /** eatOp that looks no further than the current line (nothing past it is lexed). */
  eatOpOnLine(value: string): boolean {
    if (this.pending.length > 0) return this.eatOp(value);
    return this.lexer.eatOnLine(value);
  }

  expectOp(value: string, context: string): Token {
    const t = this.peek();
    if (t.kind === 'op' && t.value === value) return this.next();
    if (value === ';') this.fail(`missing ';' ${context}`, this.lastEnd, `found ${describe(t)} instead`);
    return this.fail(`expected '${value}' ${context}, found ${describe(t)}`, t.loc);
  }

  /** Raw text after `name =` (see Lexer.readRaw); only valid with no token looked ahead. */
  readRaw(): RawValue {
    if (this.pending.length > 0) throw new Error('readRaw with a pending token');
    return this.lexer.readRaw();
  }

  error(message: string, loc: Loc, hint?: string): void {
    this.errors.push(new TsipsError('TSIPS_ERR_SYNTAX', message, { loc, hint }));
  }

  fail(message: string, loc: Loc, hint?: string): never {
    this.error(message, loc, hint);
    throw new ParseAbort(message);
  }
}

/** "'foo'", "string \"x\"", "end of file": how a token is named in messages. */
export function describe(t: Token): string {
  switch (t.kind) {
    case 'eof':
      return 'end of file';
    case 'str':
      return `string "${t.value}"`;
    case 'int':
      return `number ${t.value}`;
    default:
      return `'${t.value}'`;
  }
}
