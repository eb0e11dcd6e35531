import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/parser.js';
import { compileScript } from '../../src/script/compile.js';
import { ConfigErrors } from '../../src/errors.js';
import { compileErrors, fakeSymbols } from './helpers.js';

describe('compileScript: semantic errors', () => {
  it('reports an unknown function with a did-you-mean hint', () => {
    expect(compileErrors('route {\n  t_rely();\n  zzz_qqq();\n}')).toEqual([
      "test.cfg:2:3: unknown function 't_rely' (hint: is its module loaded? did you mean 't_relay'?)",
      "test.cfg:3:3: unknown function 'zzz_qqq' (hint: is its module loaded?)",
    ]);
  });

  it('reports a wrong argument count against every overload', () => {
    expect(compileErrors('route {\n  t_relay("a", "b");\n  ret();\n  opt();\n}')).toEqual([
      "test.cfg:2:3: function 't_relay' takes 0 or 1 arguments, got 2",
      "test.cfg:3:3: function 'ret' takes 1 argument, got 0",
      "test.cfg:4:3: function 'opt' takes 1 or 2 arguments, got 0",
    ]);
  });

  it('reports literals that the ArgSpec rejects: int, static, var, regex, null', () => {
    expect(
      compileErrors(
        ['route {', '  num("abc");', '  lit($ru);', '  set_to("x", 1);', '  rx("(", "a");', '  trace(null);', '  num("12");', '}'].join('\n'),
      ),
    ).toEqual([
      "test.cfg:2:7: argument 1 of 'num' must be an integer",
      "test.cfg:3:7: argument 1 of 'lit' must be a literal (no variables)",
      "test.cfg:4:10: argument 1 of 'set_to' must be a variable (hint: write a pseudo-variable such as $var(x))",
      expect.stringMatching(/^test\.cfg:5:6: argument 1 of 'rx' is not a valid regular expression: /),
      "test.cfg:6:9: argument 1 of 'trace' cannot be null",
    ]);
  });

  it("reports the message thrown by an argument's fixup", () => {
    expect(compileErrors('route {\n  shout("ok");\n  shout("bad");\n}')).toEqual([
      "test.cfg:3:9: bad argument 1 of 'shout': 'bad' is not a word",
    ]);
  });

  it('reports unknown pseudo-variables, in code and inside formatted strings, and bad pv names', () => {
    expect(compileErrors('route {\n  $var(a) = $foo;\n  trace("x $bar y");\n  if (method == "A") exit;\n  $var(b) = $hdr(a b);\n  $var(c) = $ru(x);\n}')).toEqual([
      'test.cfg:2:13: unknown pseudo-variable $foo (hint: is the module that provides it loaded?)',
      'test.cfg:3:9: unknown pseudo-variable $bar (hint: is the module that provides it loaded?)',
      "test.cfg:5:13: bad name in $hdr(a b): header names have no spaces",
      'test.cfg:6:13: $ru takes no name (hint: write $ru)',
    ]);
  });

  it('reports keywords whose pseudo-variable is not provided', () => {
    expect(compileErrors('route {\n  if (src_port == 5060) exit;\n}')).toEqual([
      "test.cfg:2:7: unknown pseudo-variable $sp (keyword 'src_port') (hint: is the module that provides it loaded?)",
    ]);
  });

  it('reports assignment to a read-only pseudo-variable', () => {
    expect(compileErrors('route {\n  $si = "1.2.3.4";\n  $rc = 1;\n  $ru = "sip:b@c";\n}')).toEqual([
      'test.cfg:2:3: pseudo-variable $si is read-only (hint: it cannot be assigned)',
      'test.cfg:3:3: pseudo-variable $rc is read-only (hint: it cannot be assigned)',
    ]);
  });

  it('reports unknown routes in route() and in route arguments (looked up in the right table)', () => {
    expect(compileErrors('route {\n  route(nope);\n  t_on_failure("fail");\n  t_on_failure("f1");\n}\nroute[nop] { exit; }\nfailure_route[f1] { exit; }\nroute[fail] { exit; }')).toEqual([
      "test.cfg:2:3: unknown route 'nope' (hint: define it with route[nope] { ... }. did you mean 'nop'?)",
      "test.cfg:3:16: unknown failure_route 'fail' (argument 1 of 't_on_failure') (hint: define failure_route[fail] { ... })",
    ]);
  });

  it('reports duplicate routes and break outside switch/while', () => {
    expect(compileErrors('route { exit; }\nrequest_route { break; }\nroute[a] { exit; }\nroute[a] { exit; }\nroute[b] { while (1) { break; } switch (1) { default: break; } break; }')).toEqual([
      'test.cfg:2:1: request_route is defined twice (hint: first defined at test.cfg:1)',
      'test.cfg:4:1: route[a] is defined twice (hint: first defined at test.cfg:3)',
      "test.cfg:2:17: 'break' outside of a switch or while (hint: break only ends a switch case or a while loop)",
      "test.cfg:5:64: 'break' outside of a switch or while (hint: break only ends a switch case or a while loop)",
    ]);
  });

  it('reports event_route for an undeclared event, but allows declared and custom E_ events', () => {
    expect(compileErrors('event_route[tcp:closed] { exit; }\nevent_route[E_MINE] { exit; }\nevent_route[tcp:opened] { exit; }')).toEqual([
      "test.cfg:3:1: unknown event 'tcp:opened' in event_route (hint: no loaded module declares it; custom events must be named E_...)",
    ]);
  });

  it("reports 'myself' anywhere but on the right of == / !=", () => {
    expect(compileErrors('route {\n  if (myself == uri) exit;\n  $var(x) = myself;\n}')).toEqual([
      "test.cfg:2:7: 'myself' can only be compared with == or != (hint: write uri == myself)",
      "test.cfg:3:13: 'myself' can only be compared with == or != (hint: write uri == myself)",
    ]);
  });

  it('reports a function used in a route kind its mask excludes', () => {
    expect(compileErrors('onreply_route {\n  t_relay();\n}\nbranch_route[b] {\n  if (t_relay("x")) exit;\n}\nfailure_route[f] { t_relay(); }')).toEqual([
      "test.cfg:2:3: function 't_relay' cannot be used in onreply_route (allowed in: request_route, failure_route) (hint: call it only from request_route, failure_route)",
      "test.cfg:5:7: function 't_relay' cannot be used in branch_route (allowed in: request_route, failure_route) (hint: call it only from request_route, failure_route)",
    ]);
  });

  it('reports a route-kind violation reached through a route() chain, naming the kind and the chain', () => {
    const errors = compileErrors(
      [
        'route { route(a); }',
        'onreply_route[r] {',
        '  route(a);',
        '}',
        'route[a] {',
        '  route(b);',
        '}',
        'route[b] {',
        '  t_on_failure("f");',
        '}',
        'failure_route[f] { exit; }',
        'event_route[E_X] { route(b); }',
      ].join('\n'),
    );
    expect(errors).toEqual([
      "test.cfg:9:3: function 't_on_failure' cannot be used in onreply_route (allowed in: request_route) (hint: reached from onreply_route[r] at test.cfg:2 via route(a) at test.cfg:3 -> route(b) at test.cfg:6)",
      "test.cfg:9:3: function 't_on_failure' cannot be used in event_route (allowed in: request_route) (hint: reached from event_route[E_X] at test.cfg:12 via route(b) at test.cfg:12)",
    ]);
  });

  it('handles recursive route() calls in the route-kind check', () => {
    expect(compileErrors('onreply_route { route(a); }\nroute[a] { route(a); t_relay(); }')).toEqual([
      "test.cfg:2:22: function 't_relay' cannot be used in onreply_route (allowed in: request_route, failure_route) (hint: reached from onreply_route at test.cfg:1 via route(a) at test.cfg:1)",
    ]);
  });

  it('reports several errors of different kinds at once, each with a code', () => {
    const fake = fakeSymbols();
    const ast = parseConfig('route {\n  nope();\n  $x = 1;\n  route(zz);\n  num("q");\n}\nonreply_route { t_relay(); }', 'multi.cfg');
    try {
      compileScript(ast, fake.symbols, { maxWhileLoops: 10 });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigErrors);
      expect((e as ConfigErrors).errors.map((x) => [x.code, x.loc?.line])).toEqual([
        ['TSIPS_ERR_UNKNOWN_FUNCTION', 2],
        ['TSIPS_ERR_UNKNOWN_PV', 3],
        ['TSIPS_ERR_UNKNOWN_ROUTE', 4],
        ['TSIPS_ERR_ARGS', 5],
        ['TSIPS_ERR_ROUTE_KIND', 7],
      ]);
    }
  });
});
