import { afterEach, describe, expect, it } from 'vitest';
import { createTestServer, sipRequest, firstLine, type TestServer } from '@tsips/core';
import hello from '../src/index.js';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

const server = (params = '') =>
  createTestServer(
    `socket=udp:127.0.0.1:0
loadmodule "proto_udp"
loadmodule "sl"
loadmodule "hello"
${params}
route { if (hello($fU)) sl_send_reply(200, "n=$hello_count"); else sl_send_reply(403, "too long"); }
event_route[E_HELLO] { $shv(last) = $param(greeting); }`,
    { modules: [hello] },
  );

describe('example third-party module "hello"', () => {
  it('its function, pseudo-variable, statistic and MI command work together', async () => {
    t = await server('modparam("hello", "greeting", "Hi")');
    t.inject(sipRequest());
    expect(firstLine(await t.waitForSent(() => true))).toBe('SIP/2.0 200 n=1');
    expect(await t.mi('hello_stats')).toEqual({ greeting: 'Hi', count: 1 });
    expect(((await t.mi('get_statistics', [['hello:greetings']])) as Record<string, number>)['hello:greetings']).toBe(1);
    expect(await t.mi('hello_reset', ['5'])).toBe('OK');
    expect(await t.mi('hello_stats')).toEqual({ greeting: 'Hi', count: 5 });
    await expect(t.mi('hello_reset', ['-1'])).rejects.toThrow(/400: Bad value/);
  });

  it('max_name_len is enforced and validated', async () => {
    t = await server('modparam("hello", "max_name_len", 3)');
    t.inject(sipRequest());
    expect(firstLine(await t.waitForSent(() => true))).toBe('SIP/2.0 403 too long');
    await expect(server('modparam("hello", "max_name_len", 0)')).rejects.toThrow(/must be >= 1/);
  });
});
