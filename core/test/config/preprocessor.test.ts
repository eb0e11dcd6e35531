import { describe, expect, it } from 'vitest';
import type { ConfigAst, Stmt } from '../../src/config/ast.js';
import { parseDefineArg } from '../../src/config/defines.js';
import { parseConfig, type ParseOptions } from '../../src/config/parser.js';
import { errorsOf } from '../script/helpers.js';

const parse = (text: string, opts?: ParseOptions): ConfigAst => parseConfig(text, 'pp.cfg', opts);
const errs = (text: string, opts?: ParseOptions) => errorsOf(() => parseConfig(text, 'pp.cfg', opts));
const globals = (ast: ConfigAst) => Object.fromEntries(ast.directives.flatMap((d) => (d.type === 'global' ? [[d.name, d.value]] : [])));
/** the trace("...") arguments of the main route, in order */
const traces = (ast: ConfigAst): unknown[] =>
  ast.routes[0]!.body.flatMap((s: Stmt) => (s.type === 'expr' && s.expr.type === 'call' ? s.expr.args.map((a) => ('value' in a ? a.value : a.type)) : []));

describe('preprocessor: #!ifdef / #!ifndef / #!else / #!endif', () => {
  it('keeps the branch taken and skips the other, nested, with line numbers kept after skipped lines', () => {
    const ast = parse(
      [
        '#!define WITH_NAT',
        '#!ifdef WITH_NAT',
        '  a = 1',
        '  #!ifdef WITH_TLS',
        '    b = 2',
        '    #!ifdef X',
        '    #!else',
        '    #!endif',
        '  #!else',
        '    c = 3',
        '  #!endif',
        '#!else',
        '  d = 4',
        '#!endif',
        '#!ifndef WITH_TLS',
        'e = 5',
        '#!endif',
        'f = 6',
      ].join('\n'),
    );
    expect(globals(ast)).toEqual({ a: 1, c: 3, e: 5, f: 6 });
    expect(ast.directives.find((d) => d.type === 'global' && d.name === 'f')!.loc).toEqual({ file: 'pp.cfg', line: 18, col: 1 });
  });

  it('skips whatever is in a branch not taken, even text that would not lex', () => {
    const ast = parse('#!ifdef NOPE\nroute { xlog("unterminated ; @@@\n#!endif\ng = 1\n');
    expect(globals(ast)).toEqual({ g: 1 });
  });

  it('reports an unterminated #!ifdef at its line, and #!else / #!endif without #!ifdef', () => {
    expect(errs('a = 1\n  #!ifdef FOO\nb = 2\n')).toEqual(['pp.cfg:2:3: unterminated #!ifdef FOO (hint: close it with #!endif in the same file)']);
    expect(errs('#!ifndef FOO\n#!ifdef BAR\n')).toEqual([
      'pp.cfg:1:1: unterminated #!ifndef FOO (hint: close it with #!endif in the same file)',
      'pp.cfg:2:1: unterminated #!ifdef BAR (hint: close it with #!endif in the same file)',
    ]);
    expect(errs('a = 1\n#!else\n#!endif\n')).toEqual([
      'pp.cfg:2:1: #!else without #!ifdef (hint: open the branch with #!ifdef NAME or #!ifndef NAME)',
      'pp.cfg:3:1: #!endif without #!ifdef (hint: open the branch with #!ifdef NAME or #!ifndef NAME)',
    ]);
  });

  it('reports a second #!else, a missing or bad name and trailing text', () => {
    expect(errs('#!ifdef A\n#!else\n#!else\n#!endif\n')).toEqual(['pp.cfg:3:1: second #!else for #!ifdef A (at pp.cfg:1)']);
    expect(errs('#!define A\n#!ifdef A\n#!else\nx=1\n#!else\n#!endif\n')).toEqual(['pp.cfg:5:1: second #!else for #!ifdef A (at pp.cfg:2)']);
    expect(errs('#!ifdef\n#!endif\n#!ifdef 9x\n#!endif\n#!ifndef Q\n#!endif junk\n')).toEqual([
      "pp.cfg:1:8: #!ifdef needs a name (hint: write #!ifdef NAME (letters, digits and '_'))",
      "pp.cfg:3:8: bad name '9x' after #!ifdef (hint: write #!ifdef NAME (letters, digits and '_'))",
      'pp.cfg:6:8: unexpected text after #!endif (hint: write it alone on its line)',
    ]);
  });

  it('an #!ifdef must close in its own file; the define table is shared with included files, in order', () => {
    const files: Record<string, string> = {
      '/cfg/defs.cfg': '#!define FROM_INCLUDE 7\n#!ifdef MAIN\nfrom_main_seen = 1\n#!endif\n',
      '/cfg/open.cfg': '#!ifdef MAIN\n',
    };
    const readFile = (p: string) => files[p];
    const ast = parseConfig('#!define MAIN\ninclude_file "defs.cfg"\n#!ifdef FROM_INCLUDE\nafter = FROM_INCLUDE\n#!endif\n', '/cfg/main.cfg', { readFile });
    expect(globals(ast)).toEqual({ from_main_seen: 1, after: 7 });
    const e = errorsOf(() => parseConfig('#!define MAIN\ninclude_file "open.cfg"\n#!endif\n', '/cfg/main.cfg', { readFile }));
    expect(e).toEqual([
      '/cfg/open.cfg:1:1: unterminated #!ifdef MAIN (hint: close it with #!endif in the same file)',
      '/cfg/main.cfg:3:1: #!endif without #!ifdef (hint: open the branch with #!ifdef NAME or #!ifndef NAME)',
    ]);
  });

  it('#!include_file is include_file', () => {
    const ast = parseConfig('#!include_file "x.cfg"\ny = 2\n', '/c/main.cfg', { readFile: (p) => (p === '/c/x.cfg' ? 'x = 1\n' : undefined) });
    expect(globals(ast)).toEqual({ x: 1, y: 2 });
  });
});

describe('preprocessor: #!define, #!trydef, #!redefine, #!undef', () => {
  it('replaces a defined name used as a token by its value (number, string, pv, several tokens), never inside strings', () => {
    const ast = parse(
      [
        '#!define FLT_NAT 5',
        '#!define DOMAIN "example.com"',
        '#!define TARGET $var(dst)',
        '#!define PAIR "a", 2',
        '#!define EMPTY',
        'route {',
        '  trace(FLT_NAT); trace(DOMAIN); trace(TARGET); trace(PAIR); trace("FLT_NAT DOMAIN");',
        '  EMPTY trace(EMPTY 1);',
        '}',
      ].join('\n'),
    );
    expect(traces(ast)).toEqual([5, 'example.com', 'pv', 'a', 2, 'FLT_NAT DOMAIN', 1]);
    const pv = (ast.routes[0]!.body[2] as Extract<Stmt, { type: 'expr' }>).expr as { args: { loc: unknown; text?: string }[] };
    // tokens of an expansion are located at the name they replace
    expect(pv.args[0]).toMatchObject({ text: '$var(dst)', loc: { file: 'pp.cfg', line: 7, col: 40 } });
  });

  it('expands defines in modparam, route names and raw global values; a value may use other defines', () => {
    const ast = parse(
      [
        '#!define DBURL "sqlite:///tmp/x.db"',
        '#!define IP 127.0.0.1',
        '#!define SOCK udp:IP:5080',
        '#!define LEVEL 4',
        '#!define R_NAME relay',
        'socket = SOCK',
        'log_level = LEVEL',
        'server_header = "Server: LEVEL"',
        'modparam("db", "db_url", DBURL)',
        'route[R_NAME] { exit; }',
      ].join('\n'),
    );
    expect(ast.directives).toContainEqual(expect.objectContaining({ type: 'socket', proto: 'udp', host: '127.0.0.1', port: 5080 }));
    expect(globals(ast)).toEqual({ log_level: 4, server_header: 'Server: LEVEL' });
    expect(ast.directives).toContainEqual(expect.objectContaining({ type: 'modparam', value: 'sqlite:///tmp/x.db' }));
    expect(ast.routes[0]!.name).toBe('relay');
  });

  it('defines with values continued on the next line with a backslash', () => {
    const ast = parse('#!define MSG "one" \\\n  + "two"\nroute {\n  $var(x) = MSG;\n}\nlater = 1\n');
    const assign = ast.routes[0]!.body[0] as Extract<Stmt, { type: 'assign' }>;
    expect(assign.value).toMatchObject({ type: 'binary', op: '+', left: { value: 'one' }, right: { value: 'two' } });
    expect(ast.directives[0]!.loc.line).toBe(6);
  });

  it('redefinition needs #!redefine; #!trydef only sets a default; #!undef removes', () => {
    expect(errs('#!define A 1\n\n#!define A 2\n')).toEqual([
      "pp.cfg:3:1: 'A' is already defined (at pp.cfg:1) (hint: use #!redefine to change it, or #!trydef to set a default)",
    ]);
    const ast = parse('#!define A 1\n#!trydef A 2\n#!trydef B 3\n#!redefine A 4\n#!define C 5\n#!undef C\na = A\nb = B\n#!ifndef C\nc = 0\n#!endif\n');
    expect(globals(ast)).toEqual({ a: 4, b: 3, c: 0 });
  });

  it('command-line defines come first: #!trydef keeps them, #!define of the same name is an error', () => {
    const ast = parse('#!trydef PORT 5060\nport = PORT\n#!ifdef DEBUG\ndebug = 1\n#!endif\n', { defines: { PORT: '5070', DEBUG: '' } });
    expect(globals(ast)).toEqual({ port: 5070, debug: 1 });
    expect(errs('#!define PORT 1\n', { defines: { PORT: '2' } })).toEqual([
      "pp.cfg:1:1: 'PORT' is already defined (at <command line>) (hint: use #!redefine to change it, or #!trydef to set a default)",
    ]);
    expect(errs('x = 1\n', { defines: { 'BAD-NAME': '1' } })).toEqual(["<command line>:0: bad define name 'BAD-NAME': use letters, digits and '_'"]);
  });

  it('reports a define that expands into itself, at its use', () => {
    expect(errs('#!define A B\n#!define B A\nroute {\n  trace(A);\n}\n')[0]).toBe(
      "pp.cfg:4:9: define 'A' expands into itself (hint: a define cannot use itself, directly or through others)",
    );
  });

  it('unknown directives are errors with a suggestion; #!KAMAILIO and #! comments are not', () => {
    expect(errs('#!KAMAILIO\n#!/usr/bin/env tsips\n#!!! note\n#!defin X 1\n#!ifdefx Y\n')).toEqual([
      "pp.cfg:4:1: unknown preprocessor directive '#!defin' (hint: did you mean '#!define'?)",
      "pp.cfg:5:1: unknown preprocessor directive '#!ifdefx' (hint: did you mean '#!ifdef'?)",
    ]);
    // a '#!' that does not start its line is a comment
    expect(globals(parse('a = 1 #!define Z 2\n#!ifdef Z\nb = 1\n#!endif\n'))).toEqual({ a: 1 });
  });
});

describe('preprocessor: #!subst, #!substdef, #!substdefs', () => {
  it('rewrites string literals; substdef also defines the name, substdefs quoted', () => {
    const ast = parse(
      [
        '#!subst "/HOST/sip.example.com/g"',
        '#!substdef "!PORT!5070!"',
        '#!substdefs "/REALM/example.org/"',
        '#!subst "/(\\d+)-(\\d+)/$\\2-\\1/"',
        'route {',
        '  trace("sip:HOST:PORT HOST"); trace(PORT); trace(REALM); trace("1-2");',
        '}',
      ].join('\n'),
    );
    expect(traces(ast)).toEqual(['sip:sip.example.com:5070 sip.example.com', 5070, 'example.org', '$2-1']);
  });

  it('reports a malformed rule', () => {
    expect(errs('#!subst "/a/b"\n#!subst "/a/b/x"\n#!subst "/(/b/"\n#!substdef "/a b/c/"\n')).toEqual([
      'pp.cfg:1:8: bad #!subst: expected 3 parts separated by \'/\', found 2 (hint: write #!subst "/pattern/replacement/flags" (flags: g, i))',
      'pp.cfg:2:8: bad #!subst: unknown flags \'x\' (g and i are known) (hint: write #!subst "/pattern/replacement/flags" (flags: g, i))',
      expect.stringMatching(/^pp\.cfg:3:8: bad #!subst pattern: /),
      "pp.cfg:4:11: #!substdef needs a name as its pattern, found 'a b'",
    ]);
  });
});

describe('parseDefineArg (tsips -D)', () => {
  it('reads NAME and NAME=value, and refuses bad names', () => {
    expect(parseDefineArg('WITH_NAT')).toEqual(['WITH_NAT', '']);
    expect(parseDefineArg('DBURL=sqlite:///a=b')).toEqual(['DBURL', 'sqlite:///a=b']);
    expect(() => parseDefineArg('1X=2')).toThrow(/bad define '1X=2'/);
  });
});
