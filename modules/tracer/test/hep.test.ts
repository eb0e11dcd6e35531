import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestServer, silentLogger, TsipsServer, type ModuleDefinition, type TestServer } from '@tsips/core';
import protoHep, { decodeHep, type HepPacket } from '@tsips/proto_hep';
import tmModule from '@tsips/tm';
import tracerModule from '../src/index.js';
import { answer, isReplyTo, isRequestTo, request, UAS1, uniqueCallId, waitUntil } from './helpers.js';

/** A UDP HEP collector on 127.0.0.1:0 decoding with proto_hep's codec. */
async function collector(): Promise<{ port: number; packets: HepPacket[]; close(): Promise<void> }> {
  const s = dgram.createSocket('udp4');
  const packets: HepPacket[] = [];
  s.on('message', (m) => {
    const r = decodeHep(m);
    if (r.ok) packets.push(r.packet);
  });
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  return { port: s.address().port, packets, close: () => new Promise((r) => s.close(() => r())) };
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

async function server(hepPort: number, route: string, extra = ''): Promise<TestServer> {
  const cfg = `socket=udp:127.0.0.1:0
loadmodule "proto_udp"
loadmodule "proto_hep"
loadmodule "tm"
loadmodule "tracer"
modparam("proto_hep", "hep_id", "[coll] 127.0.0.1:${hepPort}; transport=udp; version=3")
modparam("proto_hep", "hep_capture_id", 77)
modparam("tracer", "trace_id", "[tid]uri=hep:coll")
${extra}
route { ${route} }`;
  const t = await createTestServer(cfg, { modules: [protoHep, tmModule, tracerModule] as ModuleDefinition[] });
  closers.push(() => t.stop());
  return t;
}

const firstLine = (p: HepPacket): string => p.payload.toString('latin1').split('\r\n', 1)[0]!;

describe('with the real proto_hep: HEPv3 packets at a UDP collector', () => {
  it('a traced transaction arrives as HEPv3 SIP packets with addresses, capture id and the Call-ID', async () => {
    const coll = await collector();
    closers.push(coll.close);
    const t = await server(coll.port, `trace("tid"); t_relay("udp:127.0.0.1:${UAS1}");`);
    const port = t.listener('udp').port;
    const callId = uniqueCallId();
    t.inject(request({ callId }));
    const inv = await t.waitForSent(isRequestTo(UAS1, 'INVITE'));
    t.inject(answer(inv, 200, 'OK'), { srcPort: UAS1 });
    await t.waitForSent(isReplyTo(5999, 200));
    await waitUntil(() => coll.packets.length >= 5);
    const ps = coll.packets;
    expect(ps.map(firstLine)).toEqual([
      'INVITE sip:bob@127.0.0.1 SIP/2.0', 'SIP/2.0 100 Trying', inv.text.split('\r\n', 1)[0], 'SIP/2.0 200 OK', 'SIP/2.0 200 OK',
    ]);
    for (const p of ps) {
      expect(p).toMatchObject({ version: 3, protoType: 1, ipProto: 17, family: 2, captureId: 77, srcIp: '127.0.0.1', dstIp: '127.0.0.1' });
      expect(p.correlation?.toString()).toBe(callId);
    }
    expect([ps[0]!.srcPort, ps[0]!.dstPort]).toEqual([5999, port]);
    expect([ps[2]!.srcPort, ps[2]!.dstPort]).toEqual([port, UAS1]);
    expect([ps[3]!.srcPort, ps[3]!.dstPort]).toEqual([UAS1, port]);
    // payloads are the bytes on the wire: the relayed INVITE as sent, the received one as received
    expect(ps[2]!.payload.equals(inv.buf)).toBe(true);
    expect(ps[0]!.payload.toString('latin1')).toBe(request({ callId }));
    expect(await t.mi('get_statistics', [['proto_hep:hep_sent', 'tracer:']])).toMatchObject({
      'proto_hep:hep_sent': 5, 'tracer:traced_requests': 2, 'tracer:traced_replies': 3,
    });
  });

  it('a trace_id naming a hep_id proto_hep lacks stops start-up', async () => {
    const configText = `socket=udp:127.0.0.1:0\nloadmodule "proto_udp"\nloadmodule "proto_hep"\nloadmodule "tracer"
modparam("proto_hep", "hep_id", "[coll] 127.0.0.1:9; transport=udp")\nmodparam("tracer", "trace_id", "[other]hep:missing")\nroute { exit; }`;
    const srv = await TsipsServer.load({ configText, configName: 'hep.cfg', logger: silentLogger(), modules: [protoHep, tracerModule] as ModuleDefinition[] });
    closers.push(() => srv.stop()); // proto_hep's socket is closed although start-up failed
    await expect(srv.start()).rejects.toThrow(/trace_id "\[other\]" sends to hep_id "missing", which proto_hep does not define/);
    expect(srv.state).toBe('initialised');
  });
});
