import { describe, expect, it } from 'vitest';
import { createTestServer, sipRequest, type ModuleDefinition, type TestServer } from '@tsips/core';
import tracerModule from '../src/index.js';
import { parseTraceId } from '../src/trace-id.js';
import { FakeTracer, fakeHep } from './helpers.js';

/** Start with `body` after the modules; resolve with the error message or the server. */
async function start(body: string, withHep = true): Promise<string> {
  const cfg = `socket=udp:127.0.0.1:0\nloadmodule "proto_udp"\nloadmodule "sl"\n${withHep ? 'loadmodule "proto_hep"\n' : ''}loadmodule "tracer"\n${body}`;
  let t: TestServer | undefined;
  try {
    t = await createTestServer(cfg, { modules: withHep ? [fakeHep(new FakeTracer()), tracerModule as ModuleDefinition] : [tracerModule as ModuleDefinition] });
  } catch (e) {
    return (e as Error).message;
  }
  await t.stop();
  return 'started';
}

const tid = 'modparam("tracer", "trace_id", "[tid]uri=hep:hep1")\n';

describe('trace_id', () => {
  it('accepts "[name]uri=hep:<hep_id>" and "[name]hep:<hep_id>", with blanks', () => {
    expect(parseTraceId('[tid]uri=hep:hep1')).toEqual({ name: 'tid', hepId: 'hep1' });
    expect(parseTraceId(' [t2] hep:collector ')).toEqual({ name: 't2', hepId: 'collector' });
    expect(parseTraceId('[t3]URI = hep:h;')).toEqual({ name: 't3', hepId: 'h' });
  });

  it('bad syntax and other backends are start-up errors naming the modparam', async () => {
    expect(await start('modparam("tracer", "trace_id", "tid hep:hep1")\nroute{}')).toMatch(/modparam\("tracer", ?"trace_id"\).*bad trace_id "tid hep:hep1": expected "\[name\]uri=hep:<hep_id>"/s);
    expect(await start('modparam("tracer", "trace_id", "[db]uri=mysql://u:p@h/db")\nroute{}')).toMatch(/only hep: destinations are supported, got "mysql:"/);
  });

  it('a name defined twice stops start-up', async () => {
    expect(await start(`${tid}modparam("tracer", "trace_id", "[tid]hep:hep2")\nroute{}`)).toMatch(/trace_id "\[tid\]" is defined twice/);
  });

  it('a hep_id proto_hep does not define stops start-up', async () => {
    expect(await start('modparam("tracer", "trace_id", "[tid]uri=hep:nowhere")\nroute{}')).toMatch(
      /trace_id "\[tid\]" sends to hep_id "nowhere", which proto_hep does not define/,
    );
    expect(await start(`${tid}route{}`)).toBe('started');
  });

  it('proto_hep is a dependency', async () => {
    expect(await start(`${tid}route{}`, false)).toMatch(/proto_hep/);
  });
});

describe('trace() arguments (compile time)', () => {
  const compile = (call: string, route = 'route') => start(`${tid}${route} { ${call}; }`);

  it('scope "d" (dialog) is refused: there is no dialog module', async () => {
    expect(await compile('trace("tid", "d")')).toMatch(/scope "d" \(dialog\) is not available/);
  });

  it('an unknown scope or type is refused', async () => {
    expect(await compile('trace("tid", "x")')).toMatch(/scope must be "m" \(message\) or "t" \(transaction\), got "x"/);
    expect(await compile('trace("tid", "m", "xlog")')).toMatch(/type "xlog" is not supported: only "sip"/);
    expect(await compile('trace("tid", $var(s))')).toMatch(/must be a literal/);
  });

  it('"sip" type and "m"/"t" scopes compile; a variable trace id is allowed', async () => {
    expect(await compile('trace("tid", "m", "sip"); trace("tid", "T", "SIP"); $var(id) = "tid"; trace($var(id))')).toBe('started');
  });

  it('only request, branch, onreply and failure routes may call it', async () => {
    const allowed = /function 'trace' cannot be used in (timer|event|local)_route \(allowed in: request_route, failure_route, onreply_route, branch_route\)/;
    expect(await start(`${tid}route{} timer_route[tr, 60] { trace("tid"); }`)).toMatch(allowed);
    expect(await start(`${tid}route{} event_route[E_CORE_THRESHOLD] { trace("tid"); }`)).toMatch(allowed);
    expect(await start(`${tid}route{} local_route { trace("tid"); }`)).toMatch(allowed);
  });
});

describe('without trace_id', () => {
  it('starts, and trace() returns -1', async () => {
    const cfg = 'socket=udp:127.0.0.1:0\nloadmodule "proto_udp"\nloadmodule "sl"\nloadmodule "proto_hep"\nloadmodule "tracer"\n' +
      'route { if (trace("tid")) sl_send_reply(200, "traced"); else sl_send_reply(404, "not traced"); }';
    const fake = new FakeTracer();
    const t = await createTestServer(cfg, { modules: [fakeHep(fake), tracerModule as ModuleDefinition] });
    try {
      t.inject(sipRequest());
      expect(t.sent.map((m) => m.text.split('\r\n', 1)[0])).toEqual(['SIP/2.0 404 not traced']);
      expect(fake.traced).toHaveLength(0);
    } finally {
      await t.stop();
    }
  });
});
