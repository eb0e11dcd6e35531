import dgram from 'node:dgram';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { sipRequest } from '@tsips/core';
import { encodeHep2, encodeHep3, type HepMessage } from '../src/index.js';
import { Cleanup, recorder, stat, waitFor } from './helpers.js';

const c = new Cleanup();
afterEach(() => c.run());

const ROUTE = `
route {
    rec("$rm v=$hep(version) si=$si sp=$sp ri=$Ri rp=$Rp proto=$proto hsrc=$hep(src_ip):$hep(src_port) hdst=$hep(dst_ip):$hep(dst_port) pt=$hep(proto_type) cid=$hep(capture_id) c=$hep(0x000c) node=$hep(0x0013) t=$hep(time)");
    sl_send_reply(200, "OK");
}`;

async function server(sockets: string) {
  const rec = recorder();
  const s = await c.server(`${sockets}\nloadmodule "proto_hep"\nloadmodule "sl"\nloadmodule "rec"\n${ROUTE}`, [rec.module]);
  return { s, seen: rec.seen };
}

/** a UDP socket standing for the captured SIP client: replies to the injected request come here */
async function sipClient(): Promise<{ sock: dgram.Socket; port: number; got: string[] }> {
  const sock = c.add(dgram.createSocket('udp4'));
  const got: string[] = [];
  sock.on('message', (m) => got.push(m.toString('latin1')));
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  return { sock, port: sock.address().port, got };
}

const hepMsg = (payload: string, srcPort: number, o: Partial<HepMessage> = {}): HepMessage => ({
  family: 2, ipProto: 17, srcIp: '127.0.0.1', dstIp: '127.0.0.3', srcPort, dstPort: 5088, timeSec: 1700000000, timeUsec: 5,
  protoType: 1, captureId: 77, payload, ...o,
});

const send = (sock: dgram.Socket, buf: Buffer, port: number) => new Promise<void>((r) => sock.send(buf, port, '127.0.0.1', () => r()));

describe('hep_udp listener', () => {
  it('injects the SIP payload of a HEPv3 packet with the captured addresses; $hep reads the header; the reply goes to the captured source', async () => {
    const { s, seen } = await server('socket=hep_udp:127.0.0.1:0');
    const cl = await sipClient();
    const req = sipRequest({ via: `SIP/2.0/UDP 127.0.0.1:${cl.port};branch=z9hG4bK-h1;rport` });
    await send(cl.sock, encodeHep3(hepMsg(req, cl.port), false), s.listener('hep_udp').port);
    await waitFor(() => cl.got.length === 1, 'reply');
    expect(cl.got[0]).toMatch(/^SIP\/2\.0 200 OK\r\n/);
    expect(seen).toEqual([`OPTIONS v=3 si=127.0.0.1 sp=${cl.port} ri=127.0.0.3 rp=5088 proto=hep_udp hsrc=127.0.0.1:${cl.port} hdst=127.0.0.3:5088 pt=1 cid=77 c=77 node=<null> t=1700000000`]);
    expect(stat(s, 'proto_hep:hep_received')).toBe(1);
  });

  it('reads extra generic chunks with $hep(0x....), and HEPv1 / HEPv2 packets too', async () => {
    const { s, seen } = await server('socket=hep_udp:127.0.0.1:0');
    const cl = await sipClient();
    const port = s.listener('hep_udp').port;
    await send(cl.sock, encodeHep3({ ...hepMsg(sipRequest({ callId: 'a' }), 1111), chunks: [{ vendor: 0, type: 0x13, value: 'node7' }] }), port);
    await send(cl.sock, encodeHep2(hepMsg(sipRequest({ callId: 'b' }), 2222), 2), port);
    await send(cl.sock, encodeHep2(hepMsg(sipRequest({ callId: 'c' }), 3333), 1), port);
    await waitFor(() => seen.length === 3, 'three requests');
    expect(seen[0]).toContain('v=3 si=127.0.0.1 sp=1111');
    expect(seen[0]).toContain('node=node7');
    expect(seen[1]).toContain('v=2 si=127.0.0.1 sp=2222');
    expect(seen[1]).toContain('cid=77 c=77 node=<null> t=1700000000');
    expect(seen[2]).toContain('v=1 si=127.0.0.1 sp=3333');
  });

  it('counts bad packets, ignores non-SIP payloads, and keeps serving', async () => {
    const { s, seen } = await server('socket=hep_udp:127.0.0.1:0');
    const cl = await sipClient();
    const port = s.listener('hep_udp').port;
    await send(cl.sock, Buffer.from('HEP3\x00\x03garbage', 'latin1'), port);
    await send(cl.sock, Buffer.from('not hep at all'), port);
    await send(cl.sock, encodeHep3(hepMsg('{"Event":"x"}', 1, { protoType: 0x59 })), port);
    await send(cl.sock, encodeHep3(hepMsg(sipRequest(), 4444)), port);
    await waitFor(() => seen.length === 1, 'the good one');
    expect(seen[0]).toContain('sp=4444');
    expect(stat(s, 'proto_hep:hep_bad_packets')).toBe(2);
    expect(stat(s, 'proto_hep:hep_received')).toBe(2);
  });

  it('$hep is null for a message that did not come over HEP', async () => {
    const { s, seen } = await server('socket=udp:127.0.0.1:0\nloadmodule "proto_udp"');
    s.inject(sipRequest());
    expect(seen).toHaveLength(1);
    expect(seen[0]).toContain('v=<null>');
    expect(seen[0]).toContain('proto=udp hsrc=<null>:<null>');
  });
});

describe('hep_tcp listener', () => {
  async function connect(port: number): Promise<net.Socket> {
    const sock = c.add(net.connect({ port, host: '127.0.0.1' }));
    sock.on('error', () => undefined);
    await new Promise<void>((r) => sock.once('connect', () => r()));
    return sock;
  }

  it('frames packets by the HEP3 length: several in one write, one split over writes', async () => {
    const { s, seen } = await server('socket=hep_tcp:127.0.0.1:0');
    const sock = await connect(s.listener('hep_tcp').port);
    const pk = (n: number) => encodeHep3(hepMsg(sipRequest({ callId: `t${n}` }), 6000 + n, { ipProto: 6 }));
    sock.write(Buffer.concat([pk(1), pk(2)]));
    const third = pk(3);
    sock.write(third.subarray(0, 3));
    await waitFor(() => seen.length === 2, 'two packets');
    sock.write(third.subarray(3, 40));
    sock.write(third.subarray(40));
    await waitFor(() => seen.length === 3, 'third packet');
    expect(seen.map((t) => /sp=(\d+) .*proto=(\w+)/.exec(t)!.slice(1).join(' '))).toEqual(['6001 hep_tcp', '6002 hep_tcp', '6003 hep_tcp']);
  });

  it('closes the connection on bad framing or on too many chunks (hep_max_msg_chunks)', async () => {
    const rec = recorder();
    const s = await c.server(`socket=hep_tcp:127.0.0.1:0\nloadmodule "proto_hep"\nloadmodule "rec"\nmodparam("proto_hep", "hep_max_msg_chunks", 2)\nroute { rec("$si"); }`, [rec.module]);
    const closed = (sock: net.Socket) => new Promise<void>((r) => sock.once('close', () => r()));
    const a = await connect(s.listener('hep_tcp').port);
    const aClosed = closed(a);
    a.write('SIP/2.0 200 OK\r\n');
    await aClosed;
    const b = await connect(s.listener('hep_tcp').port);
    const bClosed = closed(b);
    const pkt = encodeHep3(hepMsg(sipRequest(), 1));
    b.write(pkt.subarray(0, 10));
    await new Promise((r) => setTimeout(r, 30));
    b.write(pkt.subarray(10, 20));
    await bClosed;
    expect(rec.seen).toEqual([]);
  });
});
