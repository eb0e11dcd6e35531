import { describe, expect, it } from 'vitest';
import { compile, newCtx } from './helpers.js';

/** Each test names the OpenSIPS semantic it checks. */
describe('script semantics (OpenSIPS)', () => {
  it('route(x) returns its return(n) to the caller as the value and as $rc; nested routes unwind one level each', () => {
    const c = compile(`
      route {
        route(outer);
        trace("after outer rc=$rc");
        if (route(neg)) trace("neg is true"); else trace("neg is false rc=$retcode");
        $var(v) = route(three) + 10;
        trace("value $var(v)");
      }
      route[outer] {
        route(inner);
        trace("inner gave $rc");
        return(5);
      }
      route[inner] { return(2); trace("never"); }
      route[neg] { return(-2); }
      route[three] { return 3; }
    `);
    c.run();
    expect(c.state.trace).toEqual(['inner gave 2', 'after outer rc=5', 'neg is false rc=-2', 'value 13']);
  });

  it('a route that falls off its end returns 1; `return;` is return(1); the engine reports return(n) of the main route', () => {
    const c = compile('route { route(a); trace("a=$rc"); route(b); trace("b=$rc"); return(-7); }\nroute[a] { noop(); }\nroute[b] { ret(-3); return; }');
    const { rc } = c.run();
    expect(c.state.trace).toEqual(['a=1', 'b=1']);
    expect(rc).toBe(-7);
    expect(compile('route { noop(); }').run().rc).toBe(1);
  });

  it('return(0) stops the whole script, even from a sub-route', () => {
    const c = compile('route { route(a); trace("not reached"); }\nroute[a] { trace("in a"); return(0); }');
    const { rc } = c.run();
    expect(c.state.trace).toEqual(['in a']);
    expect(rc).toBe(0);
  });

  it('exit inside a sub-route stops the caller too', () => {
    const c = compile('route { route(a); trace("not reached"); }\nroute[a] { route(b); trace("not reached either"); }\nroute[b] { trace("b"); exit; }');
    const { rc } = c.run();
    expect(c.state.trace).toEqual(['b']);
    expect(rc).toBe(0);
  });

  it('drop stops the script and marks the context dropped', () => {
    const c = compile('route { trace("x"); if (1) { drop; } trace("no"); }');
    const { rc, ctx } = c.run();
    expect(c.state.trace).toEqual(['x']);
    expect(ctx.dropped).toBe(true);
    expect(rc).toBe(0);
    expect(compile('route { exit; }').run().ctx.dropped).toBe(false);
  });

  it('a function returning 0 stops the script like exit, also inside a condition', () => {
    const c = compile('route { trace("a"); ret(0); trace("no"); }');
    expect(c.run().rc).toBe(0);
    expect(c.state.trace).toEqual(['a']);
    const d = compile('route { if (ret(0)) trace("then"); else trace("else"); trace("after"); }');
    d.run();
    expect(d.state.trace).toEqual([]);
    const e = compile('route { if (ret(0) || side("right", 1)) trace("then"); }');
    e.run();
    expect(e.state.trace).toEqual([]);
  });

  it('a negative return code is false in if, a positive one true; $rc keeps the last code', () => {
    const c = compile(`route {
      if (ret(-1)) trace("t1"); else trace("f1 $rc");
      if (ret(2)) trace("t2 $rc"); else trace("f2");
      if (!ret(-5)) trace("not $rc");
      ret(7); trace("rc $rc");
    }`);
    c.run();
    expect(c.state.trace).toEqual(['f1 -1', 't2 2', 'not -5', 'rc 7']);
  });

  it('switch: int and string cases, fallthrough without break, break, default', () => {
    const c = compile(`route {
      switch ($var(k)) {
        case 1: trace("one");
        case 2: trace("two"); break;
        case "abc": trace("abc");
        default: trace("default");
        case 9: trace("nine"); break;
      }
      trace("end");
    }`);
    const runWith = (k: string | number | null) => {
      c.state.trace.length = 0;
      c.engine.routes.env.vars[c.engine.routes.env.varSlot('k')] = k;
      c.run();
      return [...c.state.trace];
    };
    expect(runWith(1)).toEqual(['one', 'two', 'end']);
    expect(runWith(2)).toEqual(['two', 'end']);
    expect(runWith('2')).toEqual(['two', 'end']);
    expect(runWith('abc')).toEqual(['abc', 'default', 'nine', 'end']);
    expect(runWith(9)).toEqual(['nine', 'end']);
    expect(runWith(null)).toEqual(['default', 'nine', 'end']);
    const noDefault = compile('route { switch ($rm) { case "BYE": trace("bye"); } trace("end"); }');
    noDefault.run();
    expect(noDefault.state.trace).toEqual(['end']);
  });

  it('exit inside a switch or while stops the script, break only leaves the loop', () => {
    const c = compile('route { while (1) { switch (1) { case 1: break; } trace("loop"); break; } trace("out"); switch (2) { case 2: exit; } trace("no"); }');
    expect(c.run().rc).toBe(0);
    expect(c.state.trace).toEqual(['loop', 'out']);
  });

  it('while is bounded by max_while_loops: the loop is left with an error logged once and counted', () => {
    const c = compile('route { $var(i) = 0; while (1) { $var(i) += 1; } trace("after $var(i)"); }', { maxWhileLoops: 5 });
    c.run();
    c.run();
    expect(c.state.trace).toEqual(['after 5', 'after 5']);
    expect(c.engine.routes.env.counters.whileLimit).toBe(2);
    const logged = c.lines.filter((l) => String(l.msg).includes('max_while_loops'));
    expect(logged).toHaveLength(1);
    expect(logged[0]!.msg).toContain('test.cfg:1:22');
  });

  it('while with a condition runs until it is false', () => {
    const c = compile('route { $var(i) = 0; $var(s) = ""; while ($var(i) < 4) { $var(s) = $var(s) + $var(i); $var(i) = $var(i) + 1; } trace($var(s)); }');
    c.run();
    expect(c.state.trace).toEqual(['0123']);
  });

  it('$var values persist across runs (script variables)', () => {
    const c = compile('route { $var(n) = $var(n) + 1; trace("n=$var(n)"); }');
    c.run();
    c.run();
    c.run(newCtx());
    expect(c.state.trace).toEqual(['n=1', 'n=2', 'n=3']);
    expect(c.engine.routes.env.getVar('n')).toBe(3);
  });

  it('+ concatenates when either side is a string, else adds integers', () => {
    const c = compile(`route {
      $var(a) = 1 + 2; trace("$var(a)");
      $var(b) = "1" + 2; trace("$var(b)");
      $var(c) = 3 + "x"; trace("$var(c)");
      $var(d) = "sip:" + "bob" + "@" + 5; trace("$var(d)");
      $var(e) = 7 - 2 * 3; trace("$var(e)");
      $var(f) = 7 / 2 + 7 % 3 + (6 & 3) + (4 | 1) + (6 ^ 3) + ~0; trace("$var(f)");
      $var(g) = "10" - 3; trace("$var(g)");
      $var(h) = 5; $var(h) += 2; $var(h) -= 10; trace("$var(h)");
      $var(s) = "a"; $var(s) += "b"; trace("$var(s)");
    }`);
    c.run();
    expect(c.state.trace).toEqual(['3', '12', '3x', 'sip:bob@5', '1', String(3 + 1 + 2 + 5 + 5 - 1), '7', '-3', 'ab']);
    expect(c.engine.routes.env.getVar('a')).toBe(3);
    expect(c.engine.routes.env.getVar('b')).toBe('12');
  });

  it('comparisons: int vs int, string vs string, int vs numeric string numerically, null only equals null', () => {
    const c = compile(`route {
      if ("10" == 10) trace("a");
      if (9 < "10") trace("b");
      if ("9" < "10") trace("c-string-order");
      if ("abc" == 0) trace("no-d");
      if ("abc" != 0) trace("e");
      if ($var(unset) == null) trace("f");
      if ($var(unset) != "") trace("g");
      if ($var(unset) < 1) trace("no-h");
      if ("b" > "a" && 3 >= 3 && 2 <= 1 + 1) trace("i");
      if ("INVITE" == "invite") trace("no-j");
    }`);
    c.run();
    expect(c.state.trace).toEqual(['a', 'b', 'e', 'f', 'g', 'i']);
  });

  it('=~ is a case-insensitive extended regex match, !~ its negation; dynamic patterns work', () => {
    const c = compile(`route {
      if ($ru =~ "^SIP:ALICE@") trace("match");
      if ($ru !~ "bob") trace("not bob");
      if (method =~ "^(invite|ack)$") trace("method");
      if ("a5" =~ "^a[[:digit:]]$") trace("posix class");
      $var(p) = "EXAMPLE\\.COM$";
      if ($ru =~ $var(p)) trace("dynamic");
      if ($var(nothing) =~ ".*") trace("no-null-match");
      if ($var(nothing) !~ ".*") trace("null no match");
    }`);
    c.run();
    expect(c.state.trace).toEqual(['match', 'not bob', 'method', 'posix class', 'dynamic', 'null no match']);
  });

  it('! && || short-circuit: the right side is not called when the left decides', () => {
    const c = compile(`route {
      if (side("l1", -1) && side("r1", 1)) trace("no");
      if (side("l2", 1) || side("r2", 1)) trace("or");
      if (!side("l3", 1) || side("r3", -1)) trace("no");
      if (side("l4", 1) && side("r4", 2)) trace("and");
    }`);
    c.run();
    expect(c.state.trace).toEqual(['l1', 'l2', 'or', 'l3', 'r3', 'l4', 'r4', 'and']);
  });

  it('core keywords read their pseudo-variables and `X == myself` asks the core', () => {
    const c = compile(`route {
      if (method == "INVITE") trace("invite");
      if (uri == myself) trace("mine");
      if ("sip:x@other.org" != myself) trace("not mine");
      if ($var(none) == myself) trace("no");
    }`);
    c.run();
    expect(c.state.trace).toEqual(['invite', 'mine', 'not mine']);
  });

  it('an exception in a function is taken as -1, logged once per call site with the module name, counted, and the script continues', () => {
    const c = compile('route {\n  if (!boom()) trace("false rc=$rc");\n  boom();\n  trace("continued");\n}');
    c.run();
    c.run();
    expect(c.state.trace).toEqual(['false rc=-1', 'continued', 'false rc=-1', 'continued']);
    expect(c.engine.routes.env.counters.cmdExceptions).toBe(4);
    const logged = c.lines.filter((l) => l.function === 'boom');
    expect(logged).toHaveLength(2);
    expect(logged.map((l) => [l.module, l.loc])).toEqual([['fake', 'test.cfg:2:8'], ['fake', 'test.cfg:3:3']]);
    expect(String(logged[0]!.msg)).toContain('kaput');
  });

  it('an exception escaping a route (a failing pseudo-variable) stops it with -1 at the engine boundary', () => {
    const c = compile('route { trace("a"); $var(x) = $hdr(X); trace("b"); }');
    c.symbols.pv('hdr')!.spec.get = () => {
      throw new Error('broken message');
    };
    const { rc } = c.run();
    expect(rc).toBe(-1);
    expect(c.state.trace).toEqual(['a']);
    expect(c.engine.routes.env.counters.routeExceptions).toBe(1);
  });

  it('route() recursion is bounded: the call beyond the limit returns -1', () => {
    const c = compile('route { $var(d) = 0; route(r); trace("depth $var(d)"); }\nroute[r] { $var(d) += 1; route(r); }');
    c.run();
    expect(c.state.trace).toEqual(['depth 100']);
    expect(c.engine.routes.env.counters.routeDepthLimit).toBe(1);
    expect(c.engine.routes.env.routeDepth).toBe(0);
  });
});
