import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/parser.js';
import { ConfigErrors } from '../../src/errors.js';
import { errorsOf } from '../script/helpers.js';

const errs = (text: string) => errorsOf(() => parseConfig(text, 'bad.cfg'));

describe('parseConfig: syntax errors', () => {
  it('reports an unclosed block at end of file with the opening line', () => {
    const e = errs('route {\n  if ($var(x) == 1) {\n    exit;\n}\n');
    expect(e).toEqual(["bad.cfg:5:1: unexpected end of file (hint: missing '}' for the block opened at bad.cfg:1)"]);
  });

  it('reports a missing } before the next route and goes on parsing that route', () => {
    const e = errs('route {\n  if (1) {\n    exit;\n}\nfailure_route[f] {\n  t_relay(\n}\n');
    expect(e).toEqual([
      "bad.cfg:5:1: unexpected 'failure_route' inside a block (hint: missing '}' for the block opened at bad.cfg:1)",
      "bad.cfg:7:1: bad argument '}' to 't_relay' (hint: arguments are quoted strings, names, integers or pseudo-variables)",
    ]);
  });

  it('reports a stray } at top level', () => {
    expect(errs('route { exit; }\n}\n')).toEqual(["bad.cfg:2:1: unexpected '}' (hint: no block is open here: remove it or check the braces above)"]);
  });

  it('reports a bad character and an unterminated string with their positions', () => {
    const e = errs('route {\n  $var(a) = 1 @ 2;\n  xlog("unterminated);\n  exit;\n}\n');
    expect(e).toEqual([
      "bad.cfg:2:15: unexpected character '@'",
      "bad.cfg:2:14: missing ';' after the assignment (hint: found number 2 instead)",
      'bad.cfg:3:8: unterminated string (hint: close it with " on the same line)',
      "bad.cfg:4:3: expected ')' to close the arguments of 'xlog', found 'exit'",
    ]);
  });

  it('reports modparam with the wrong number of arguments at the modparam keyword', () => {
    const e = errs('loadmodule "tm.so"\n  modparam("tm", "fr_timeout")\nmodparam("tm", "a", 1, 2)\nmodparam(tm, "a", 1)\n');
    expect(e).toEqual([
      'bad.cfg:2:3: modparam takes 3 arguments (module, param, value), got 2 (hint: write modparam("module", "param", value))',
      'bad.cfg:3:1: modparam takes 3 arguments (module, param, value), got 4 (hint: write modparam("module", "param", value))',
      "bad.cfg:4:10: bad modparam argument 'tm' (hint: arguments are quoted strings or integers)",
    ]);
  });

  it('collects every error of the file, recovering at statements and routes', () => {
    const e = errs(
      [
        'children = ',
        'route {',
        '  foo;',
        '  $var(x) 3;',
        '  if ($var(x) == ) { exit; }',
        '  ok();',
        '}',
        'failure_route { exit; }',
        'timer_route[t] { exit; }',
        'event_route[] { exit; }',
        'socket = udp:1.2.3.4:99999',
        'junk here',
        'route[r] { "str"; }',
      ].join('\n'),
    );
    expect(e).toEqual([
      "bad.cfg:1:12: missing value for 'children'",
      "bad.cfg:3:6: expected '(' after 'foo' (hint: function calls need parentheses: foo();)",
      "bad.cfg:4:11: expected an assignment (=, :=, +=, -=) after $var(x), found number 3",
      "bad.cfg:5:18: expected an expression, found ')'",
      'bad.cfg:8:1: failure_route needs a name (hint: write failure_route[name] { ... })',
      "bad.cfg:9:14: expected ',' between the timer_route name and its interval, found ']'",
      'bad.cfg:10:13: missing event_route name (hint: write event_route[name])',
      'bad.cfg:11:10: bad socket: port 99999 is out of range (0-65535) (hint: write socket=proto:host:port [as host:port] [tag name])',
      "bad.cfg:12:1: unexpected 'junk' (hint: expected a global parameter (name = value), loadmodule, modparam or a route block)",
      'bad.cfg:13:12: unexpected string "str" (hint: expected a statement)',
    ]);
  });

  it('gives every error the TSIPS_ERR_SYNTAX code and a structured location', () => {
    try {
      parseConfig('route {\n  x(;\n}', 'f.cfg');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigErrors);
      const [first] = (err as ConfigErrors).errors;
      expect(first!.code).toBe('TSIPS_ERR_SYNTAX');
      expect(first!.loc).toEqual({ file: 'f.cfg', line: 2, col: 5 });
    }
  });

  it("rejects 'else' without 'if' and 'case' outside a switch", () => {
    expect(errs('route {\n  exit;\n  else exit;\n  case 1: exit;\n}')).toEqual([
      "bad.cfg:3:3: 'else' without 'if'",
      "bad.cfg:4:3: 'case' without 'switch'",
    ]);
  });

  it('rejects a bare function name and an unclosed comment', () => {
    expect(errs('route {\n  t_relay;\n}')).toEqual(["bad.cfg:2:10: expected '(' after 't_relay' (hint: function calls need parentheses: t_relay();)"]);
    expect(errs('children=1\n/* open')).toEqual(["bad.cfg:2:1: unterminated comment (hint: close it with '*/')"]);
  });
});
