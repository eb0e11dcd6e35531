import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/parser.js';
import { compileScript } from '../../src/script/compile.js';
import { compileFormat } from '../../src/script/format.js';
import { RouteType } from '../../src/script/route-type.js';
import { ConfigErrors } from '../../src/errors.js';
import { compile, fakeSymbols, newCtx } from './helpers.js';

describe('script function calls and arguments', () => {
  it("'str' arguments: constants, formatted strings with pvs, pvs read per call, noExpand/static keep '$'", () => {
    const c = compile('route { trace("plain"); trace("ru=$ru m=$(rm) $ 5"); trace($rm); trace(42); lit("$ru stays"); }');
    c.run();
    c.state.method = 'BYE';
    c.run();
    expect(c.state.trace).toEqual([
      'plain', 'ru=sip:alice@example.com m=INVITE $ 5', 'INVITE', '42', '$ru stays',
      'plain', 'ru=sip:alice@example.com m=BYE $ 5', 'BYE', '42', '$ru stays',
    ]);
  });

  it("'int' arguments: literal, quoted integer, pv read as int", () => {
    const c = compile('route { num(7); num("-3"); $var(n) = "12"; num($var(n)); num($var(unset)); }');
    c.run();
    expect(c.state.trace).toEqual(['n=7', 'n=-3', 'n=12', 'n=0']);
  });

  it("'var' arguments receive a PvRef that writes the variable", () => {
    const c = compile('route { set_to($var(out), "v1"); set_to($avp(a), 5); set_to($avp(a), 6); trace("$var(out) $avp(a) $avp(a)[1]"); }');
    c.run();
    expect(c.state.trace).toEqual(['v1 6 5']);
  });

  it("'regex' arguments: a literal is compiled once (case-insensitive), a pv per pattern change", () => {
    const c = compile('route { if (rx("^ALICE", "alice@x")) trace("lit"); $var(p) = "b+c"; if (rx($var(p), "aBBC")) trace("dyn"); if (!rx("^z", "a")) trace("neg"); }');
    c.run();
    expect(c.state.trace).toEqual(['lit', 'dyn', 'neg']);
  });

  it('fixups run once at compile time for literals and on every call for variables', () => {
    let calls = 0;
    const fake = fakeSymbols();
    const shout = fake.symbols.cmd('shout')!.overloads[0]!;
    const fixup = shout.args![0]!.fixup!;
    shout.args![0]!.fixup = (v) => (calls++, fixup(v));
    const table = compileScript(parseConfig('route { shout("hey"); shout($var(w)); }', 't.cfg'), fake.symbols, { maxWhileLoops: 10 });
    expect(calls).toBe(1);
    const slot = table.env.varSlot('w');
    table.env.vars[slot] = 'abc';
    table.request!.run(newCtx());
    table.env.vars[slot] = 'bad';
    table.request!.run(newCtx());
    expect(calls).toBe(3);
    expect(fake.state.trace).toEqual(['HEY', 'ABC', 'HEY']);
    expect(table.env.counters.cmdExceptions).toBe(1);
  });

  it('calls with more than three arguments mix constants and per-call reads', () => {
    const c = compile('route { $var(n) = 1; four("a$var(n)", $var(n), null, "$rm"); $var(n) = 2; four("a$var(n)", $var(n), 3, "x"); four("k", 1, 2, 3); }');
    c.run();
    expect(c.state.trace).toEqual(['["a1",1,null,"INVITE"]', '["a2",2,3,"x"]', '["k",1,2,3]']);
  });

  it('overloads are picked by argument count; omitted optional arguments are undefined; route args pass the name', () => {
    const c = compile('route { t_relay(); t_relay("udp:h"); opt("a"); opt("b", 2); t_on_failure("f1"); t_on_failure(7); }\nfailure_route[f1] { exit; }\nfailure_route[7] { exit; }');
    c.run();
    expect(c.state.trace).toEqual(['relay', 'relay udp:h', 'a:undefined', 'b:2', 'on_failure f1', 'on_failure 7']);
  });

  it('a function may be used in the route kinds its mask allows, directly and through route()', () => {
    const c = compile('failure_route[f] { route(r); }\nroute[r] { t_relay(); }\nroute { route(r); }');
    const ctx = newCtx();
    expect(c.engine.run(c.engine.failureRoute('f')!, ctx)).toBe(1);
    expect(ctx.routeType).toBe(RouteType.FAILURE);
    expect(c.state.trace).toEqual(['relay']);
  });
});

describe('route table and engine', () => {
  it('places every route kind in its table and finds them through the engine helpers', () => {
    const c = compile(`
      route { exit; }
      route[n] { exit; }
      failure_route[f] { exit; }
      onreply_route { exit; }
      onreply_route[o] { exit; }
      branch_route[b] { exit; }
      error_route { exit; }
      local_route { exit; }
      startup_route { exit; }
      timer_route[t1, 5] { exit; }
      timer_route[t2, 60] { exit; }
      event_route[tcp:closed] { exit; }
    `);
    const e = c.engine;
    expect(e.routes.request?.kind).toBe('request');
    expect(e.namedRoute('n')?.name).toBe('n');
    expect(e.failureRoute('f')?.kind).toBe('failure');
    expect(e.onreplyRoute()?.name).toBeUndefined();
    expect(e.onreplyRoute('o')?.kind).toBe('onreply');
    expect(e.branchRoute('b')?.kind).toBe('branch');
    expect(e.eventRoute('tcp:closed')?.kind).toBe('event');
    expect(e.routes.error?.kind).toBe('error');
    expect(e.routes.local?.kind).toBe('local');
    expect(e.routes.startup?.kind).toBe('startup');
    expect(e.routes.timers.map((t) => [t.name, t.interval, t.route.kind])).toEqual([['t1', 5, 'timer'], ['t2', 60, 'timer']]);
    expect(e.failureRoute('nope')).toBeUndefined();
    expect(e.routes.failure.get('f')!.loc).toEqual({ file: 'test.cfg', line: 4, col: 7 });
  });

  it('each run starts with a clean flow and sets routeType for top-level routes', () => {
    const c = compile('route { return(4); }\nonreply_route { trace("reply"); }');
    const ctx = newCtx();
    expect(c.engine.run(c.engine.routes.request!, ctx)).toBe(4);
    expect(c.engine.run(c.engine.onreplyRoute()!, ctx)).toBe(1);
    expect(ctx.routeType).toBe(RouteType.ONREPLY);
    expect(c.state.trace).toEqual(['reply']);
  });
});

describe('compileFormat', () => {
  it("compiles a format for modules, sharing the script's $var through RouteTable.env", () => {
    const c = compile('route { $var(who) = "carol"; }');
    c.run();
    const f = compileFormat('[$var(who)] $rm to $ru', c.engine.routes.env);
    expect(f(newCtx())).toBe('[carol] INVITE to sip:alice@example.com');
    const g = compileFormat('no vars', fakeSymbols().symbols);
    expect(g(newCtx())).toBe('no vars');
  });

  it('throws ConfigErrors for an unknown pseudo-variable', () => {
    expect(() => compileFormat('x $nope y', fakeSymbols().symbols)).toThrow(ConfigErrors);
    expect(() => compileFormat('x $nope y', fakeSymbols().symbols)).toThrow(/unknown pseudo-variable \$nope/);
  });
});
