import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { ConfigErrors, TsipsError } from '../errors.js';
import type { ConfigAst, Loc, RouteKind } from './ast.js';
import { Defines } from './defines.js';
import type { RawValue } from './lexer.js';
import { parseBlockBody } from './parse-stmt.js';
import { parseAddress, parseSocket } from './socket-spec.js';
import { describe, ParseAbort, TokenStream, Unwind } from './token-stream.js';

export interface ParseOptions {
  /** read an included file; undefined when it does not exist (default: the file system) */
  readFile?(path: string): string | undefined;
  /** preprocessor defines before the first line (`tsips -D NAME=value`): NAME → value ('' for none) */
  defines?: Readonly<Record<string, string>>;
}

export const MAX_INCLUDE_DEPTH = 10;

/** Route keywords, their kind and how their `[...]` part is written. */
const ROUTE_WORDS: Record<string, { kind: RouteKind; name: 'none' | 'optional' | 'required' }> = {
  request_route: { kind: 'request', name: 'none' },
  failure_route: { kind: 'failure', name: 'required' },
  onreply_route: { kind: 'onreply', name: 'optional' },
  reply_route: { kind: 'onreply', name: 'none' },
  branch_route: { kind: 'branch', name: 'required' },
  error_route: { kind: 'error', name: 'none' },
  local_route: { kind: 'local', name: 'none' },
  startup_route: { kind: 'startup', name: 'none' },
  timer_route: { kind: 'timer', name: 'required' },
  event_route: { kind: 'event', name: 'required' },
};

const ROUTE_NAME = /^[A-Za-z0-9_:.\-]+$/;

function defaultReadFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * Parse a routing script. Every syntax error of the file (and its includes) is collected and
 * thrown at the end as one ConfigErrors. The preprocessor (`#!define`, `#!ifdef` ...) runs as
 * the text is read; its define table is shared by the included files.
 */
export function parseConfig(text: string, file: string, opts: ParseOptions = {}): ConfigAst {
  const ast: ConfigAst = { directives: [], routes: [] };
  const errors: TsipsError[] = [];
  let defines: Defines;
  try {
    defines = new Defines(opts.defines);
  } catch (e) {
    throw new ConfigErrors([new TsipsError('TSIPS_ERR_SYNTAX', (e as Error).message, { loc: { file: '<command line>', line: 0 } })]);
  }
  parseInto(ast, text, file, 0, errors, opts.readFile ?? defaultReadFile, defines);
  if (errors.length > 0) throw new ConfigErrors(errors);
  return ast;
}

function parseInto(
  ast: ConfigAst,
  text: string,
  file: string,
  depth: number,
  errors: TsipsError[],
  readFile: (path: string) => string | undefined,
  defines: Defines,
): void {
  const ts: TokenStream = new TokenStream(text, file, errors, defines);
  for (;;) {
    const t = ts.peek();
    if (t.kind === 'eof') return;
    try {
      ts.next();
      if (t.kind === 'op' && t.value === ';') continue;
      if (t.kind === 'op' && t.value === '}')
        ts.fail("unexpected '}'", t.loc, 'no block is open here: remove it or check the braces above');
      if (t.kind !== 'ident')
        ts.fail(`unexpected ${describe(t)}`, t.loc, 'expected a global parameter (name = value), loadmodule, modparam or a route block');
      const word = t.value as string;
      if (word === 'include_file' || word === 'import_file') {
        include(ts, word, t.loc);
        continue;
      }
      if (word === 'loadmodule') {
        const name = ts.next();
        if (name.kind !== 'str') ts.fail(`expected a quoted module name after loadmodule, found ${describe(name)}`, name.loc);
        ast.directives.push({ type: 'loadmodule', name: name.value as string, loc: t.loc });
      } else if (word === 'modparam') parseModparam(ts, t.loc);
      else if (word === 'route' || Object.hasOwn(ROUTE_WORDS, word)) parseRoute(ts, word, t.loc);
      else if (ts.isOp('=')) {
        ts.next();
        parseAssignment(ts, word, t.loc, ts.readRaw());
      } else ts.fail(`unexpected '${word}'`, t.loc, 'expected a global parameter (name = value), loadmodule, modparam or a route block');
      ts.eatOp(';');
    } catch (e) {
      if (e instanceof ParseAbort) skipTopLevel(ts);
      else if (!(e instanceof Unwind)) throw e;
    }
  }

  function include(ts: TokenStream, word: string, loc: Loc): void {
    const p = ts.next();
    if (p.kind !== 'str') ts.fail(`expected a quoted path after ${word}, found ${describe(p)}`, p.loc);
    // only a ';' on this line: looking further would run the directives after the include
    // before the included file's (#!define in it, #!ifdef here)
    ts.eatOpOnLine(';');
    const path = isAbsolute(p.value as string) ? (p.value as string) : join(dirname(file), p.value as string);
    if (depth + 1 > MAX_INCLUDE_DEPTH)
      ts.fail(`include depth limit (${MAX_INCLUDE_DEPTH}) exceeded at '${path}'`, loc, 'does a file include itself?');
    const body = readFile(path);
    if (body === undefined) {
      if (word === 'include_file') ts.fail(`cannot read included file '${path}'`, loc, "the path is relative to the including file's directory; use import_file for an optional file");
      return;
    }
    parseInto(ast, body, path, depth + 1, errors, readFile, defines);
  }

  function parseModparam(ts: TokenStream, loc: Loc): void {
    ts.expectOp('(', "after 'modparam'");
    const args: (string | number)[] = [];
    const kinds: string[] = [];
    if (!ts.isOp(')')) {
      do {
        const a = ts.next();
        if (a.kind === 'str' || a.kind === 'int') {
          args.push(a.value);
          kinds.push(a.kind);
        } else if (a.kind === 'op' && a.value === '-' && ts.peek().kind === 'int') {
          args.push(-(ts.next().value as number));
          kinds.push('int');
        } else ts.fail(`bad modparam argument ${describe(a)}`, a.loc, 'arguments are quoted strings or integers');
      } while (ts.eatOp(','));
    }
    ts.expectOp(')', 'to close modparam(...)');
    if (args.length !== 3)
      ts.fail(`modparam takes 3 arguments (module, param, value), got ${args.length}`, loc, 'write modparam("module", "param", value)');
    if (kinds[0] !== 'str' || kinds[1] !== 'str')
      ts.fail('modparam module and parameter names must be quoted strings', loc, 'write modparam("module", "param", value)');
    ast.directives.push({ type: 'modparam', module: args[0] as string, param: args[1] as string, value: args[2]!, loc });
  }

  function parseRoute(ts: TokenStream, word: string, loc: Loc): void {
    const hasName = ts.isOp('[');
    const spec = word === 'route' ? { kind: (hasName ? 'route' : 'request') as RouteKind, name: 'optional' } : ROUTE_WORDS[word]!;
    let name: string | undefined;
    let interval: number | undefined;
    if (hasName) {
      if (spec.name === 'none') ts.fail(`${word} takes no name`, loc, `write ${word} { ... }`);
      ts.next();
      name = readRouteName(ts, word);
      if (spec.kind === 'timer') {
        ts.expectOp(',', 'between the timer_route name and its interval');
        const iv = ts.next();
        if (iv.kind !== 'int' || iv.value <= 0) ts.fail(`bad timer_route interval ${describe(iv)}`, iv.loc, 'the interval is a positive number of seconds');
        interval = iv.value as number;
      }
      ts.expectOp(']', `to close ${word}[...]`);
    } else if (spec.name === 'required') {
      const example = spec.kind === 'timer' ? `${word}[name, seconds]` : `${word}[name]`;
      ts.fail(`${word} needs a name`, loc, `write ${example} { ... }`);
    }
    const open = ts.expectOp('{', `to open the ${word} body`);
    const body = parseBlockBody(ts, open.loc);
    const decl: ConfigAst['routes'][number] = { kind: spec.kind, body, loc };
    if (name !== undefined) decl.name = name;
    if (interval !== undefined) decl.interval = interval;
    ast.routes.push(decl);
  }

  /** `[name]`: one string, or adjacent identifier/number/':'/'-'/'.' tokens (`tcp:closed`). */
  function readRouteName(ts: TokenStream, word: string): string {
    const first = ts.peek();
    if (first.kind === 'str') {
      ts.next();
      return first.value;
    }
    let end = first.start;
    let name = '';
    for (;;) {
      const t = ts.peek();
      if (t.kind === 'op' && (t.value === ']' || t.value === ',')) break;
      const ok = t.kind === 'ident' || t.kind === 'int' || (t.kind === 'op' && ':-.'.includes(t.value));
      if (!ok || t.start !== end) ts.fail(`bad ${word} name near ${describe(t)}`, t.loc, 'names are letters, digits, _ : - . or a quoted string');
      ts.next();
      name += String(t.value);
      end = t.end;
    }
    if (!ROUTE_NAME.test(name)) ts.fail(`missing ${word} name`, first.loc, `write ${word}[name]`);
    return name;
  }

  function parseAssignment(ts: TokenStream, name: string, loc: Loc, raw: RawValue): void {
    if (raw.text === '' && !raw.quoted) ts.fail(`missing value for '${name}'`, raw.loc);
    switch (name) {
      case 'socket':
      case 'listen': {
        const s = parseSocket(raw.text);
        if (typeof s === 'string') ts.fail(`bad ${name}: ${s}`, raw.loc, `write ${name}=proto:host:port [as host:port] [tag name]`);
        ast.directives.push({ type: 'socket', keyword: name, ...s, proto: s.proto ?? 'udp', loc });
        return;
      }
      case 'alias': {
        const a = parseAddress(raw.text);
        if (typeof a === 'string') ts.fail(`bad alias: ${a}`, raw.loc, 'write alias=[proto:]host[:port]');
        ast.directives.push({ type: 'alias', ...a, loc });
        return;
      }
      case 'mpath': {
        const paths = raw.text.split(',').map((p) => p.trim()).filter((p) => p !== '');
        ast.directives.push({ type: 'mpath', paths, loc });
        return;
      }
      default:
        ast.directives.push({ type: 'global', name, value: globalValue(raw), loc });
    }
  }
}

/** `3`, `-1`, `0x10` → number; yes/no/on/off/true/false → boolean; anything else → string. */
function globalValue(raw: RawValue): string | number | boolean {
  if (raw.quoted) return raw.text;
  const t = raw.text;
  if (/^-?\d+$/.test(t)) return Number.parseInt(t, 10);
  if (/^0x[0-9a-f]+$/i.test(t)) return Number.parseInt(t.slice(2), 16);
  const lower = t.toLowerCase();
  if (lower === 'yes' || lower === 'on' || lower === 'true') return true;
  if (lower === 'no' || lower === 'off' || lower === 'false') return false;
  return t;
}

/** After a top-level error: skip to the next identifier that starts a line outside any block. */
function skipTopLevel(ts: TokenStream): void {
  let depth = 0;
  for (;;) {
    const t = ts.peek();
    if (t.kind === 'eof') return;
    if (depth === 0 && t.nl && t.kind === 'ident') return;
    if (t.kind === 'op' && t.value === '{') depth++;
    else if (t.kind === 'op' && t.value === '}') depth = Math.max(0, depth - 1);
    ts.next();
  }
}
