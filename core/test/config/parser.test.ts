import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/parser.js';
import type { Expr, Stmt } from '../../src/config/ast.js';
import { errorsOf } from '../script/helpers.js';

const parse = (text: string) => parseConfig(text, 'main.cfg');
/** the body of the main route of `route { <body> }` */
const body = (code: string): Stmt[] => parse(`route {\n${code}\n}`).routes[0]!.body;
/** the expression of `if (<expr>) exit;` */
const expr = (code: string): Expr => (body(`if (${code}) exit;`)[0] as Extract<Stmt, { type: 'if' }>).cond;
/** compact rendering of an expression tree, for precedence checks */
function show(e: Expr): string {
  switch (e.type) {
    case 'binary':
      return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    case 'unary':
      return `${e.op}${show(e.arg)}`;
    case 'int':
      return String(e.value);
    case 'str':
      return JSON.stringify(e.value);
    case 'pv':
      return e.text;
    case 'call':
      return `${e.name}(${e.args.map(show).join(',')})`;
    case 'route':
      return `route(${e.name})`;
    case 'keyword':
      return e.name;
    default:
      return e.type;
  }
}

describe('parseConfig: directives', () => {
  it('reads globals as numbers, booleans and strings, keeping their order and locations', () => {
    const ast = parse(`log_level = 3\nchildren=4\ndebug_mode=yes\nserver_header="X: y"\nlog_level=-1\ntcp_threshold=0x10\ndns=off\nlog_name=tsips_a ; # trailing comment\n`);
    expect(ast.directives).toEqual([
      { type: 'global', name: 'log_level', value: 3, loc: { file: 'main.cfg', line: 1, col: 1 } },
      { type: 'global', name: 'children', value: 4, loc: { file: 'main.cfg', line: 2, col: 1 } },
      { type: 'global', name: 'debug_mode', value: true, loc: { file: 'main.cfg', line: 3, col: 1 } },
      { type: 'global', name: 'server_header', value: 'X: y', loc: { file: 'main.cfg', line: 4, col: 1 } },
      { type: 'global', name: 'log_level', value: -1, loc: { file: 'main.cfg', line: 5, col: 1 } },
      { type: 'global', name: 'tcp_threshold', value: 16, loc: { file: 'main.cfg', line: 6, col: 1 } },
      { type: 'global', name: 'dns', value: false, loc: { file: 'main.cfg', line: 7, col: 1 } },
      { type: 'global', name: 'log_name', value: 'tsips_a', loc: { file: 'main.cfg', line: 8, col: 1 } },
    ]);
  });

  it('reads socket= and listen= with proto, IPv6, port, as and tag', () => {
    const ast = parse(
      [
        'socket=udp:127.0.0.1:5060 as 1.2.3.4:5080 tag mytag',
        'listen = tcp:[::1]:5061',
        'socket=127.0.0.1',
        'listen=localhost:5070',
        'socket= tls:example.com as example.org',
        'port=5062',
      ].join('\n'),
    );
    const strip = ast.directives.map(({ loc: _loc, ...d }) => d);
    expect(strip).toEqual([
      { type: 'socket', keyword: 'socket', proto: 'udp', host: '127.0.0.1', port: 5060, asHost: '1.2.3.4', asPort: 5080, tag: 'mytag' },
      { type: 'socket', keyword: 'listen', proto: 'tcp', host: '::1', port: 5061 },
      { type: 'socket', keyword: 'socket', proto: 'udp', host: '127.0.0.1' },
      { type: 'socket', keyword: 'listen', proto: 'udp', host: 'localhost', port: 5070 },
      { type: 'socket', keyword: 'socket', proto: 'tls', host: 'example.com', asHost: 'example.org' },
      { type: 'global', name: 'port', value: 5062 },
    ]);
  });

  it('reads alias=, mpath=, loadmodule and modparam', () => {
    const ast = parse(
      [
        'alias="example.com:5060"',
        'alias=udp:example.net:5080',
        'alias=example.org',
        'mpath="/a/, /b/"',
        'loadmodule "tm.so"',
        'modparam("tm", "fr_timeout", 30)',
        'modparam("proto_.*", "trace_destination", "hep:1")',
        'modparam("tm", "x", -5);',
      ].join('\n'),
    );
    const strip = ast.directives.map(({ loc: _loc, ...d }) => d);
    expect(strip).toEqual([
      { type: 'alias', host: 'example.com', port: 5060 },
      { type: 'alias', proto: 'udp', host: 'example.net', port: 5080 },
      { type: 'alias', host: 'example.org' },
      { type: 'mpath', paths: ['/a/', '/b/'] },
      { type: 'loadmodule', name: 'tm.so' },
      { type: 'modparam', module: 'tm', param: 'fr_timeout', value: 30 },
      { type: 'modparam', module: 'proto_.*', param: 'trace_destination', value: 'hep:1' },
      { type: 'modparam', module: 'tm', param: 'x', value: -5 },
    ]);
  });

  it('skips #, // and /* */ comments, keeping line numbers', () => {
    const ast = parse('# one\n// two\n/* three\nfour */ children = 2 /* x */\n#!define X 1\nlog_level=1 // trailing\n');
    expect(ast.directives.map((d) => [d.type === 'global' && d.name, d.loc.line, d.loc.col])).toEqual([
      ['children', 4, 9],
      ['log_level', 6, 1],
    ]);
    expect(ast.directives.map((d) => d.type === 'global' && d.value)).toEqual([2, 1]);
  });
});

describe('parseConfig: routes', () => {
  it('reads every route kind with its name, and timer intervals', () => {
    const ast = parse(`
      route { exit; }
      request_route { exit; }
      route[auth] { exit; }
      route[2] { exit; }
      route["quoted name"] { exit; }
      failure_route[1] { exit; }
      onreply_route { exit; }
      onreply_route[rpl] { exit; }
      reply_route { exit; }
      branch_route[br] { exit; }
      error_route { exit; }
      local_route { exit; }
      startup_route { exit; }
      timer_route[tick, 10] { exit; }
      event_route[E_MY_EVENT] { exit; }
      event_route[tcp:closed] { exit; }
      event_route[core:worker-one.init] { exit; }
    `);
    expect(ast.routes.map((r) => [r.kind, r.name, r.interval])).toEqual([
      ['request', undefined, undefined],
      ['request', undefined, undefined],
      ['route', 'auth', undefined],
      ['route', '2', undefined],
      ['route', 'quoted name', undefined],
      ['failure', '1', undefined],
      ['onreply', undefined, undefined],
      ['onreply', 'rpl', undefined],
      ['onreply', undefined, undefined],
      ['branch', 'br', undefined],
      ['error', undefined, undefined],
      ['local', undefined, undefined],
      ['startup', undefined, undefined],
      ['timer', 'tick', 10],
      ['event', 'E_MY_EVENT', undefined],
      ['event', 'tcp:closed', undefined],
      ['event', 'core:worker-one.init', undefined],
    ]);
    expect(ast.routes[2]!.loc).toEqual({ file: 'main.cfg', line: 4, col: 7 });
  });

  it('reads statements: if/else if/else, while, switch, return forms, exit, drop, assignments, calls', () => {
    const stmts = body(`
      if (is_x()) { t_relay(); } else if ($var(a) == 1) drop; else { exit; }
      while ($var(i) < 3) { $var(i) += 1; break; }
      switch ($rm) { case "INVITE": noop(); break; case -1: default: exit; }
      return; return(2); return -3; return($var(r));
      $avp(x) := "a"; $var(y) -= 2; $var(z) = null;
      route(sub); f("s", 1, -2, $ru, null, DO_NAT);
      exit(); drop();
    `);
    expect(stmts.map((s) => s.type)).toEqual([
      'if', 'while', 'switch', 'return', 'return', 'return', 'return', 'assign', 'assign', 'assign', 'expr', 'expr', 'exit', 'drop',
    ]);
    const ifs = stmts[0] as Extract<Stmt, { type: 'if' }>;
    expect(ifs.else?.type).toBe('if');
    const sw = stmts[2] as Extract<Stmt, { type: 'switch' }>;
    expect(sw.cases.map((c) => [c.value, c.body.length])).toEqual([['INVITE', 2], [-1, 0], [null, 1]]);
    const rets = stmts.slice(3, 7).map((s) => (s as Extract<Stmt, { type: 'return' }>).value);
    expect(rets.map((v) => (v ? show(v) : undefined))).toEqual([undefined, '2', '-3', '$var(r)']);
    expect(stmts.slice(7, 10).map((s) => (s as Extract<Stmt, { type: 'assign' }>).op)).toEqual([':=', '-=', '=']);
    const call = (stmts[11] as Extract<Stmt, { type: 'expr' }>).expr;
    expect(show(call)).toBe('f("s",1,-2,$ru,null,"DO_NAT")');
  });

  it('applies C precedence: unary, * / %, + -, bitwise, relational, equality, &&, ||', () => {
    expect(show(expr('1 + 2 * 3 - 4 % 2'))).toBe('((1 + (2 * 3)) - (4 % 2))');
    expect(show(expr('$a == 1 || $b == 2 && !$c'))).toBe('(($a == 1) || (($b == 2) && !$c))');
    expect(show(expr('1 + 2 < 4 & 5'))).toBe('((1 + 2) < (4 & 5))');
    expect(show(expr('-$x + ~1'))).toBe('(-$x + ~1)');
    expect(show(expr('(1 + 2) * 3'))).toBe('((1 + 2) * 3)');
    expect(show(expr('$ru =~ "^sip:" && route(r) != 2'))).toBe('(($ru =~ "^sip:") && (route(r) != 2))');
    expect(show(expr('method == "INVITE" && uri == myself'))).toBe('((method == "INVITE") && (uri == myself))');
    expect(show(expr('src_ip == 10.0.0.1'))).toBe('(src_ip == "10.0.0.1")');
  });

  it('reads pseudo-variable forms', () => {
    const pvs = ['$ru', '$hdr(Via)[1]', '$(avp(x)[2])', '$avp(x)[-1]', '$T_branch_idx', '$socket_in(ip)', '$err.class', '$tcp(c_si)', '$tm.branch.uri[0]', '$avp(a)[$var(i)]'];
    for (const text of pvs) {
      const e = expr(text);
      expect(e.type === 'pv' && e.text).toBe(text);
    }
    const hdr = expr('$hdr(Via)[1]');
    expect(hdr).toMatchObject({ type: 'pv', name: 'hdr', inner: 'Via', index: { type: 'int', value: 1 } });
    expect(expr('$(avp(x)[2])')).toMatchObject({ name: 'avp', inner: 'x', index: { value: 2 } });
    expect(expr('$tm.branch.uri[0]')).toMatchObject({ name: 'tm.branch.uri', index: { value: 0 } });
    expect(expr('$avp(a)[$var(i)]')).toMatchObject({ name: 'avp', index: { type: 'pv', name: 'var', inner: 'i' } });
  });

  it('unescapes strings and keeps unknown escapes for regexes', () => {
    const e = expr(`"a\\n\\t\\"q\\" \\\\ x\\.y" == 'it\\'s'`);
    expect(e.type === 'binary' && e.left.type === 'str' && e.left.value).toBe('a\n\t"q" \\ x\\.y');
    expect(e.type === 'binary' && e.right.type === 'str' && e.right.value).toBe("it's");
  });
});

describe('parseConfig: include_file / import_file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsips-cfg-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('parses included files inline, relative to the including file, keeping their file names', () => {
    mkdirSync(join(dir, 'sub'), { recursive: true });
    writeFileSync(join(dir, 'sub', 'mods.cfg'), 'loadmodule "tm.so"\ninclude_file "routes.cfg"\n');
    writeFileSync(join(dir, 'sub', 'routes.cfg'), '\nroute[inc] { exit; }\n');
    const main = join(dir, 'main.cfg');
    const text = 'children=1\ninclude_file "sub/mods.cfg"\nimport_file "missing.cfg"\nmodparam("tm", "a", 1)\nroute { route(inc); }\n';
    writeFileSync(main, text);
    const ast = parseConfig(text, main);
    expect(ast.directives.map((d) => d.type)).toEqual(['global', 'loadmodule', 'modparam']);
    expect(ast.directives[1]!.loc).toEqual({ file: join(dir, 'sub', 'mods.cfg'), line: 1, col: 1 });
    expect(ast.routes.map((r) => [r.kind, r.name, r.loc.file, r.loc.line])).toEqual([
      ['route', 'inc', join(dir, 'sub', 'routes.cfg'), 2],
      ['request', undefined, main, 5],
    ]);
  });

  it('reports a missing include_file, and a self-include at the depth limit', () => {
    const files: Record<string, string> = { '/cfg/self.cfg': 'include_file "self.cfg"\n' };
    const readFile = (p: string) => files[p];
    const missing = errorsOf(() => parseConfig('\n  include_file "nope.cfg"\n', '/cfg/main.cfg', { readFile }));
    expect(missing).toHaveLength(1);
    expect(missing[0]).toMatch(/^\/cfg\/main\.cfg:2:3: cannot read included file '\/cfg\/nope\.cfg'/);
    const loop = errorsOf(() => parseConfig('include_file "self.cfg"\n', '/cfg/main.cfg', { readFile }));
    expect(loop).toHaveLength(1);
    expect(loop[0]).toMatch(/^\/cfg\/self\.cfg:1:1: include depth limit \(10\) exceeded/);
  });
});
