import { afterEach, describe, expect, it } from 'vitest';
import { createTestServer, sipRequest, firstLine, type TestServer } from '@tsips/core';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

/**
 * Relay the request with the function's return code in X-RC: changes to a header are applied
 * when the message is sent ($hdr() keeps reading the received value, as in OpenSIPS).
 */
const server = (fn: string, extra = '') =>
  createTestServer(`socket=udp:127.0.0.1:0\nloadmodule "proto_udp"\nloadmodule "sl"\nloadmodule "maxfwd"\nloadmodule "sipmsgops"\n${extra}
route { ${fn}; $var(rc) = $rc; append_hf("X-RC: $var(rc)\\r\\n"); forward("sip:127.0.0.1:5998"); }`);

/** "rc=<code> mf=<Max-Forwards relayed>", or the status line of a local reply */
async function run(t: TestServer, maxf?: string): Promise<string> {
  const before = t.sent.length;
  t.inject(sipRequest({ callId: `mf-${before}`, extra: maxf === undefined ? '' : `Max-Forwards: ${maxf}\r\n` }));
  const m = await t.waitForSent(() => true, { since: before });
  if (m.text.startsWith('SIP/2.0')) return firstLine(m);
  const rc = /\r\nX-RC: (.*)\r\n/.exec(m.text)?.[1];
  const mf = /\r\nMax-Forwards: (.*)\r\n/.exec(m.text)?.[1];
  return `rc=${rc} mf=${mf}`;
}

describe('maxfwd (RFC 3261 §16.6 step 3, OpenSIPS return codes)', () => {
  it('mf_process_maxfwd_header: 2 adds the header, 1 decrements; at zero nothing is forwarded', async () => {
    t = await server('mf_process_maxfwd_header(10)');
    expect(await run(t)).toBe('rc=2 mf=10');
    expect(await run(t, '5')).toBe('rc=1 mf=4');
    // forward() itself refuses Max-Forwards 0 with 483 (RFC 3261 §16.3 step 3)
    expect(await run(t, '0')).toBe('SIP/2.0 483 Too Many Hops');
    expect(await run(t, 'abc')).toMatch(/^SIP\/2.0 400 /); // malformed: the core rejects it before the script
  });

  it('max_limit caps the forwarded value', async () => {
    t = await server('mf_process_maxfwd_header(10)', 'modparam("maxfwd", "max_limit", 16)');
    expect(await run(t, '70')).toBe('rc=1 mf=16');
  });

  it('is_maxfwd_lt: 1 below the limit, -1 at or above, -2 without the header', async () => {
    t = await server('is_maxfwd_lt(5)');
    expect(await run(t, '3')).toBe('rc=1 mf=3');
    expect(await run(t, '5')).toBe('rc=-1 mf=5');
    expect(await run(t)).toBe('rc=-2 mf=undefined');
  });

  it('rejects a max value outside 1..255 at compile time', async () => {
    await expect(server('mf_process_maxfwd_header(300)')).rejects.toThrow(/1 to 255/);
  });
});
