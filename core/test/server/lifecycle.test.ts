import { afterEach, describe, expect, it } from 'vitest';
import { defineModule } from '../../src/module/define.js';
import { apiToken, HOOKS } from '../../src/container.js';
import { createTestServer, type TestServer } from '../../src/testing.js';
import { protoUdp, reply } from '../fixtures/server.js';
import { request, statusLine } from '../fixtures/server.js';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

const GREETER = apiToken<{ greet(n: string): string }>('greeter');

describe('server lifecycle (DESIGN §4)', () => {
  it('initialises dependencies first, destroys in reverse order, and passes APIs through DI', async () => {
    const events: string[] = [];
    const provider = defineModule({
      name: 'provider',
      init: (ctx) => {
        events.push('init provider');
        ctx.provide(GREETER, { greet: (n: string) => `hi ${n}` });
      },
      destroy: () => void events.push('destroy provider'),
    });
    const consumer = defineModule({
      name: 'consumer',
      deps: ['provider'],
      cmds: {
        greet: { args: [{ kind: 'str' }], run: (ctx, api: { greet(n: string): string }, n: string) => ((ctx.avpStore().set('g', [api.greet(n)])), 1) },
      },
      init: (ctx) => {
        events.push('init consumer');
        return ctx.resolve(GREETER);
      },
      destroy: () => void events.push('destroy consumer'),
    });
    t = await createTestServer(
      'socket=udp:127.0.0.1:0\nloadmodule "proto_udp"\nloadmodule "reply"\nloadmodule "consumer"\nloadmodule "provider"\nroute { greet("bob"); reply(200, "$avp(g)"); }',
      { modules: [protoUdp, reply, provider, consumer] },
    );
    expect(events).toEqual(['init provider', 'init consumer']);
    t.inject(request());
    expect(statusLine((await t.waitForSent(() => true)).text)).toBe('SIP/2.0 200 hi bob');
    await t.stop();
    expect(events.slice(2)).toEqual(['destroy consumer', 'destroy provider']);
    t = undefined;
  });

  it('seals the hook bus at ready: a tap after start throws, naming the hook', async () => {
    let late: (() => void) | undefined;
    const sneaky = defineModule({
      name: 'sneaky',
      init: (ctx) => {
        const hooks = ctx.resolve(HOOKS);
        late = () => hooks.tcpClosed.tap('late', () => undefined);
      },
    });
    t = await createTestServer('socket=udp:127.0.0.1:0\nloadmodule "proto_udp"\nloadmodule "sneaky"\nroute { exit; }', { modules: [protoUdp, sneaky] });
    expect(() => late!()).toThrow(/hook "tcpClosed" is sealed/);
  });

  it('runs startup_route once before serving and timer_route on its interval', async () => {
    t = await createTestServer(
      'socket=udp:127.0.0.1:0\nloadmodule "proto_udp"\nloadmodule "reply"\nstartup_route { $shv(boot) = "yes"; $shv(ticks) = 0; }\ntimer_route[tick, 1] { $shv(ticks) = $shv(ticks) + 1; }\nroute { reply(200, "boot=$shv(boot) ticks=$shv(ticks)"); }',
      { modules: [protoUdp, reply] },
    );
    await new Promise((r) => setTimeout(r, 1150));
    t.inject(request());
    expect(statusLine((await t.waitForSent(() => true)).text)).toBe('SIP/2.0 200 boot=yes ticks=1');
  });

  it('an init that fails stops start-up with an error naming the module', async () => {
    const broken = defineModule({ name: 'broken', init: () => { throw new Error('no database'); } });
    await expect(createTestServer('loadmodule "broken"\nroute { exit; }', { modules: [broken] })).rejects.toThrow('module broken init failed: no database');
  });

  it('raise_event reaches event_route[E_...] with named params ($param)', async () => {
    t = await createTestServer(
      'socket=udp:127.0.0.1:0\nloadmodule "proto_udp"\nloadmodule "reply"\nroute { $avp(n) = "who"; $avp(v) = $fU; raise_event("E_SEEN", $avp(n), $avp(v)); reply(200, "raised"); }\nevent_route[E_SEEN] { $shv(seen) = $param(who); }',
      { modules: [protoUdp, reply] },
    );
    t.inject(request());
    await t.waitForSent(() => true);
    await new Promise((r) => setImmediate(r));
    expect(t.server.engine.routes.env.shv.get('seen')).toBe('alice');
  });
});
