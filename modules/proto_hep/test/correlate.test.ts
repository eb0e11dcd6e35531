import { afterEach, describe, expect, it } from 'vitest';
import { createTestServer, sipRequest } from '@tsips/core';
import protoHep, { CHUNK } from '../src/index.js';
import { Cleanup, recorder, udpCollector, waitFor } from './helpers.js';

const c = new Cleanup();
afterEach(() => c.run());

const cfg = (hepIds: string, route: string) => `socket=udp:127.0.0.1:0\nloadmodule "proto_udp"\nloadmodule "proto_hep"\nloadmodule "rec"\n${hepIds}\nroute { ${route} }`;

describe('correlate()', () => {
  it('sends a HEPv3 control packet (0x60) carrying both correlations as JSON; returns 1', async () => {
    const col = c.add(await udpCollector());
    const rec = recorder();
    const s = await c.server(cfg(`modparam("proto_hep", "hep_id", "[h] 127.0.0.1:${col.port}; transport=udp")`, 'correlate("h", "request", "$ci", "BRANCH", "b-7"); rec("rc=$rc"); $var(t) = "LOCAL"; correlate("h", $var(t), "x", "LOCAL", "y"); rec("rc=$rc");'), [rec.module]);
    s.inject(sipRequest({ callId: 'call-42' }));
    await waitFor(() => col.packets.length === 1, 'control packet');
    expect(rec.seen).toEqual(['rc=1', 'rc=-1']); // equal types: refused at run time
    const p = col.packets[0]!;
    expect(p).toMatchObject({ version: 3, protoType: 0x60, srcIp: '127.0.0.1', dstIp: '127.0.0.2', srcPort: 0, dstPort: 0 });
    expect(JSON.parse(p.payload.toString())).toEqual({ request: 'call-42', branch: 'b-7' });
    const json = p.chunks!.find((x) => x.type === CHUNK.JSON_CORRELATION)!;
    expect(JSON.parse(json.value.toString())).toEqual({ request: 'call-42', branch: 'b-7' });
  });

  it.each([
    ['a v2 destination', 'correlate("v2", "REQUEST", "a", "BRANCH", "b");', /hep_id "v2" is HEPv2: correlate\(\) needs a version 3 destination/],
    ['an unknown destination', 'correlate("zz", "REQUEST", "a", "BRANCH", "b");', /no hep_id named "zz" \(defined: v2\)/],
    ['an unknown type', 'correlate("v2x", "REQUEST", "a", "SOMETIMES", "b");', /unknown correlation type "SOMETIMES"/],
  ])('refuses %s at compile time', async (_what, call, why) => {
    const ids = 'modparam("proto_hep", "hep_id", "[v2] 127.0.0.1:9; version=2")';
    await expect(createTestServer(cfg(ids, call), { modules: [protoHep, recorder().module] })).rejects.toThrow(why);
  });

  it('a destination named by a variable is checked at run time (-1 for v1/v2)', async () => {
    const rec = recorder();
    const s = await c.server(cfg('modparam("proto_hep", "hep_id", "[v1] 127.0.0.1:9; version=1")', '$var(d) = "v1"; correlate($var(d), "REQUEST", "a", "BRANCH", "b"); rec("rc=$rc");'), [rec.module]);
    s.inject(sipRequest());
    expect(rec.seen).toEqual(['rc=-1']);
  });
});
