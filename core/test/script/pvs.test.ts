import { describe, expect, it } from 'vitest';
import { compile, newCtx } from './helpers.js';

describe('script pseudo-variables', () => {
  it('$avp: = stacks a new value on top, [n] indexes newest first ([-1] the oldest), := replaces all, = null deletes all', () => {
    const c = compile(`route {
      $avp(x) = "a"; $avp(x) = "b"; $avp(x) = 3;
      trace("top=$avp(x) 0=$avp(x)[0] 1=$avp(x)[1] 2=$avp(x)[2] last=$avp(x)[-1] out=$avp(x)[5]");
      $avp(x) := "only";
      trace("after := $avp(x) next=$avp(x)[1]");
      $avp(x) = null;
      trace("after null $avp(x)");
    }`);
    const { ctx } = c.run();
    expect(c.state.trace).toEqual(['top=3 0=3 1=b 2=a last=a out=<null>', 'after := only next=<null>', 'after null <null>']);
    expect(ctx.avps!.has('x')).toBe(false);
  });

  it('$avp(x)[n] = v replaces one value, = null removes it; += updates the newest; a dynamic index is read per access', () => {
    const c = compile(`route {
      $avp(y) = 1; $avp(y) = 2; $avp(y) = 3;
      $avp(y)[1] = "two";
      $avp(y)[-1] = null;
      $avp(y) += 10;
      $var(i) = 1;
      trace("$avp(y) $avp(y)[$var(i)]");
    }`);
    const { ctx } = c.run();
    expect(ctx.avps!.get('y')).toEqual([13, 'two']);
    expect(c.state.trace).toEqual(['13 two']);
  });

  it('$avp values live in the context (per message), not across runs', () => {
    const c = compile('route { $avp(n) = $avp(n) + 1; trace("$avp(n)"); }');
    c.run();
    c.run();
    expect(c.state.trace).toEqual(['1', '1']);
    const ctx = newCtx();
    ctx.avpStore().set('n', [41]);
    c.run(ctx);
    expect(c.state.trace[2]).toBe('42');
  });

  it('$shv is shared by the whole script and readable through RouteTable.env.shv', () => {
    const c = compile('route { $shv(hits) = $shv(hits) + 1; }\nroute[r] { $shv(gone) = null; }');
    c.run();
    c.run();
    expect(c.engine.routes.env.shv.get('hits')).toBe(2);
  });

  it('$param(name) and $param(N) (1-based) read the event parameters in event_route', () => {
    const c = compile('event_route[E_MY] {\n  trace("$param(ip):$param(port) first=$param(1) second=$param(2) none=$param(nope) $param(9)");\n}');
    const ctx = newCtx();
    ctx.eventParams = [['ip', '10.1.2.3'], ['port', 5060]];
    const rc = c.engine.run(c.engine.eventRoute('E_MY')!, ctx);
    expect(rc).toBe(1);
    expect(c.state.trace).toEqual(['10.1.2.3:5060 first=10.1.2.3 second=5060 none=<null> <null>']);
    expect(ctx.routeType).toBe(256);
  });

  it('$err.* read ctx.error in error_route', () => {
    const c = compile('error_route { trace("$err.class $err.level $err.info $err.rcode $err.rreason"); }');
    const ctx = newCtx();
    ctx.error = { class: 1, level: 2, info: 'parse error', rcode: 400, rreason: 'Bad Request' };
    c.engine.run(c.engine.routes.error!, ctx);
    expect(c.state.trace).toEqual(['1 2 parse error 400 Bad Request']);
  });

  it('module pseudo-variables: parseName runs once at compile time, the index is passed, set goes to the module', () => {
    const c = compile('branch_route[b] {\n  trace("$hdr(Via)[1] $hdr(X-Foo) $T_branch_idx");\n  $ru = "sip:bob@" + "host";\n}');
    const ctx = newCtx();
    ctx.branchIdx = 2;
    c.engine.run(c.engine.branchRoute('b')!, ctx);
    expect(c.state.trace).toEqual(['via#1 x-foo#all 2']);
    expect(c.state.ru).toBe('sip:bob@host');
  });

  it('$var(x) = null unsets a script variable', () => {
    const c = compile('route { $var(x) = 5; $var(x) = null; if ($var(x) == null) trace("unset"); }');
    c.run();
    expect(c.state.trace).toEqual(['unset']);
  });
});
