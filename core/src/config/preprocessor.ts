import { TsipsError } from '../errors.js';
import { closest } from '../script/suggest.js';
import type { Loc } from './ast.js';
import { DEFINE_NAME, type Defines } from './defines.js';

/**
 * Kamailio's config preprocessor, run by the lexer as it meets a `#!` that starts a line:
 * `#!define NAME [value]`, `#!trydef`, `#!redefine`, `#!undef`, `#!ifdef` / `#!ifndef` /
 * `#!else` / `#!endif` (nested), `#!subst` / `#!substdef` / `#!substdefs`, `#!include_file`.
 * The define table is shared with included files; the #!ifdef nesting is per file, so an
 * #!ifdef must be closed in the file that opens it. Lines in a branch not taken are skipped
 * whole (nothing in them is lexed).
 */

interface Frame {
  directive: string;
  name: string;
  loc: Loc;
  inElse: boolean;
}

/** `#!KAMAILIO` and its kin name the config dialect: accepted and ignored. */
const MARKERS = new Set(['KAMAILIO', 'OPENSER', 'SER', 'MAXCOMPAT', 'ALL', 'OPENSIPS', 'TSIPS']);
const DIRECTIVES = [
  'define', 'trydef', 'redefine', 'undef', 'ifdef', 'ifndef', 'else', 'endif',
  'subst', 'substdef', 'substdefs', 'include_file', 'import_file',
];
const WORD = /[A-Za-z_]+/y;
const ONLY_COMMENT = /^\s*(?:(?:#|\/\/).*)?$/;

/** `#!` at `pos` starts a directive when a letter follows (`#!/bin/...` and `#!!` stay comments). */
export function isDirective(src: string, pos: number): boolean {
  return src[pos] === '#' && src[pos + 1] === '!' && /[A-Za-z_]/.test(src[pos + 2] ?? '');
}

/** End of the line at `pos` (its '\n' or the end of text); a define value goes on past a trailing '\'. */
function lineEnd(src: string, pos: number, continued: boolean): number {
  let nl = src.indexOf('\n', pos);
  while (continued && nl > 0 && src[nl - 1 - (src[nl - 1] === '\r' ? 1 : 0)] === '\\') nl = src.indexOf('\n', nl + 1);
  return nl < 0 ? src.length : nl;
}

export class Preprocessor {
  private readonly frames: Frame[] = [];

  constructor(
    readonly defines: Defines,
    private readonly errors: TsipsError[],
  ) {}

  private error(msg: string, loc: Loc, hint?: string): void {
    this.errors.push(new TsipsError('TSIPS_ERR_SYNTAX', msg, { loc, hint }));
  }

  /**
   * Handle the directive whose `#!` is at `pos` (located at `loc`). Returns where lexing goes
   * on: the end of the directive's line, the end of a skipped branch, or `pos + 2` for
   * `#!include_file` (then read as the include_file keyword).
   */
  directive(src: string, pos: number, loc: Loc): number {
    WORD.lastIndex = pos + 2;
    WORD.test(src);
    const nameEnd = WORD.lastIndex;
    const name = src.slice(pos + 2, nameEnd);
    const isDefine = name === 'define' || name === 'trydef' || name === 'redefine';
    const end = lineEnd(src, pos, isDefine);
    const rest = src.slice(nameEnd, end).replace(/\\\r?\n/g, '\n');
    const at = (p: number): Loc => ({ file: loc.file, line: loc.line, col: loc.col + (p - pos) });
    if (MARKERS.has(name)) return end;
    if (name === 'include_file' || name === 'import_file') return pos + 2;
    if (!DIRECTIVES.includes(name)) {
      const near = closest(name, DIRECTIVES);
      this.error(`unknown preprocessor directive '#!${name}'`, loc, near ? `did you mean '#!${near}'?` : "write '# ' for a comment");
      return end;
    }
    if (rest.length > 0 && !/^\s/.test(rest)) {
      this.error(`unknown preprocessor directive '#!${name}${rest.split(/\s/)[0]}'`, loc);
      return end;
    }
    switch (name) {
      case 'define':
      case 'trydef':
      case 'redefine':
        this.define(name, rest, loc, at(nameEnd));
        return end;
      case 'undef': {
        const id = this.oneName(name, rest, at(nameEnd));
        if (id !== undefined) this.defines.delete(id);
        return end;
      }
      case 'ifdef':
      case 'ifndef': {
        const id = this.oneName(name, rest, at(nameEnd)) ?? '';
        this.frames.push({ directive: name, name: id, loc, inElse: false });
        const taken = this.defines.has(id) === (name === 'ifdef');
        return taken ? end : this.skip(src, end, loc.line);
      }
      case 'else':
      case 'endif': {
        if (!ONLY_COMMENT.test(rest)) this.error(`unexpected text after #!${name}`, at(nameEnd), 'write it alone on its line');
        const top = this.frames[this.frames.length - 1];
        if (top === undefined) {
          this.error(`#!${name} without #!ifdef`, loc, 'open the branch with #!ifdef NAME or #!ifndef NAME');
          return end;
        }
        if (name === 'endif') {
          this.frames.pop();
          return end;
        }
        if (top.inElse) {
          this.error(`second #!else for #!${top.directive} ${top.name} (at ${top.loc.file}:${top.loc.line})`, loc);
          return end;
        }
        top.inElse = true;
        return this.skip(src, end, loc.line);
      }
      default:
        this.subst(name, rest.trim(), at(nameEnd));
        return end;
    }
  }

  /** At the end of a file: every #!ifdef still open is an error. */
  finish(): void {
    for (const f of this.frames) this.error(`unterminated #!${f.directive} ${f.name}`, f.loc, 'close it with #!endif in the same file');
    this.frames.length = 0;
  }

  private oneName(directive: string, rest: string, loc: Loc): string | undefined {
    const text = rest.trim();
    if (DEFINE_NAME.test(text)) return text;
    this.error(text === '' ? `#!${directive} needs a name` : `bad name '${text}' after #!${directive}`, loc, `write #!${directive} NAME (letters, digits and '_')`);
    return undefined;
  }

  private define(directive: string, rest: string, loc: Loc, after: Loc): void {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)(?:\s+([\s\S]*))?$/.exec(rest);
    if (m === null) {
      this.error(`#!${directive} needs a name`, after, `write #!${directive} NAME [value] (letters, digits and '_')`);
      return;
    }
    const id = m[1]!;
    const value = (m[2] ?? '').trim();
    const old = this.defines.get(id);
    if (old !== undefined && directive === 'trydef') return;
    if (old !== undefined && directive === 'define') {
      const where = old.loc.line === 0 ? old.loc.file : `${old.loc.file}:${old.loc.line}`;
      this.error(`'${id}' is already defined (at ${where})`, loc, 'use #!redefine to change it, or #!trydef to set a default');
      return;
    }
    this.defines.set(id, value, loc);
  }

  /** `#!subst "/regex/replacement/flags"`; substdef(s) also defines regex → replacement (quoted for substdefs). */
  private subst(directive: string, arg: string, loc: Loc): void {
    const parts = splitSubst(arg);
    if (typeof parts === 'string') {
      this.error(`bad #!${directive}: ${parts}`, loc, `write #!${directive} "/pattern/replacement/flags" (flags: g, i)`);
      return;
    }
    const [pattern, replacement, flags] = parts;
    let re: RegExp;
    try {
      re = new RegExp(pattern, flags);
    } catch (e) {
      this.error(`bad #!${directive} pattern: ${(e as Error).message}`, loc);
      return;
    }
    // \1 back-references become $1; a literal '$' stays one
    this.defines.substs.push({ re, replacement: replacement.replace(/\$/g, '$$$$').replace(/\\(\d)/g, '$$$1') });
    if (directive === 'subst') return;
    if (!DEFINE_NAME.test(pattern)) {
      this.error(`#!${directive} needs a name as its pattern, found '${pattern}'`, loc);
      return;
    }
    this.define('define', ` ${pattern} ${directive === 'substdefs' ? JSON.stringify(replacement) : replacement}`, loc, loc);
  }

  /**
   * Skip the lines of a branch not taken, from `from` (the end of the directive's line) to the
   * #!else (when the frame is not yet in its else) or #!endif at this nesting level; returns
   * the end of that line, or the end of text (the open frame is reported by finish()).
   */
  private skip(src: string, from: number, line: number): number {
    const frame = this.frames[this.frames.length - 1]!;
    let depth = 0;
    let p = from;
    while (p < src.length) {
      p++; // past the '\n'
      line++;
      let q = p;
      while (src[q] === ' ' || src[q] === '\t') q++;
      const end = lineEnd(src, q, false);
      if (isDirective(src, q)) {
        WORD.lastIndex = q + 2;
        WORD.test(src);
        const name = src.slice(q + 2, WORD.lastIndex);
        const loc: Loc = { file: frame.loc.file, line, col: q - p + 1 };
        if (name === 'ifdef' || name === 'ifndef') depth++;
        else if (name === 'endif' && depth > 0) depth--;
        else if (name === 'endif') {
          this.frames.pop();
          return end;
        } else if (name === 'else' && depth === 0) {
          if (!frame.inElse) {
            frame.inElse = true;
            return end;
          }
          this.error(`second #!else for #!${frame.directive} ${frame.name} (at ${frame.loc.file}:${frame.loc.line})`, loc);
        }
      }
      p = end;
    }
    return src.length;
  }
}

/** `"/a/b/g"` → ['a', 'b', 'g'] (any delimiter; `\` escapes it), or what is wrong. */
function splitSubst(arg: string): [string, string, string] | string {
  const m = /^"(.*)"$/.exec(arg);
  if (m === null || m[1]!.length < 2) return 'expected a quoted "/pattern/replacement/flags"';
  const body = m[1]!;
  const delim = body[0]!;
  const parts: string[] = [];
  let cur = '';
  for (let i = 1; i < body.length; i++) {
    const c = body[i]!;
    if (c === '\\' && body[i + 1] === delim) {
      cur += delim;
      i++;
    } else if (c === delim) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  if (parts.length !== 3) return `expected 3 parts separated by '${delim}', found ${parts.length}`;
  const [pattern, replacement, flags] = parts as [string, string, string];
  if (!/^[gi]*$/.test(flags)) return `unknown flags '${flags}' (g and i are known)`;
  return [pattern, replacement, flags];
}
