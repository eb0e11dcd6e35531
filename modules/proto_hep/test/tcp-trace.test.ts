import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestServer, sipRequest } from '@tsips/core';
import protoHep from '../src/index.js';
import { Cleanup, recorder, sleep, udpCollector, waitFor, type Collector } from './helpers.js';

/* proto_tcp's connection-event tracing through proto_hep's TRACER (hep.md §4). */

const c = new Cleanup();
afterEach(() => c.run());

async function traced(col: Collector, o: { homer5?: boolean; traceOn?: boolean; filter?: string } = {}) {
  const rec = recorder();
  const s = await c.server(
    [
      'socket=tcp:127.0.0.1:0',
      'loadmodule "proto_tcp"',
      'loadmodule "proto_hep"',
      `modparam("proto_hep", "hep_id", "[coll] 127.0.0.1:${col.port}; transport=udp")`,
      `modparam("proto_hep", "homer5_on", ${o.homer5 === false ? 0 : 1})`,
      'modparam("proto_tcp", "trace_destination", "coll")',
      `modparam("proto_tcp", "trace_on", ${o.traceOn === false ? 0 : 1})`,
      o.filter ? `modparam("proto_tcp", "trace_filter_route", "tf")\nroute[tf] { ${o.filter} }` : '',
      'loadmodule "rec"',
      'route { exit; }',
    ].join('\n'),
    [rec.module],
  );
  return { s, port: s.listener('tcp').port, seen: rec.seen };
}

async function connectAndClose(port: number): Promise<number> {
  const sock = c.add(net.connect({ port, host: '127.0.0.1' }));
  sock.on('error', () => undefined);
  await new Promise<void>((r) => sock.once('connect', () => r()));
  const local = sock.localPort!;
  await sleep(20);
  sock.end();
  return local;
}

describe('proto_tcp connection events', () => {
  it('ACCEPTED then CLOSED ("EOF received") in HOMER5 form, correlated by the connection id', async () => {
    const col = c.add(await udpCollector());
    const { s, port } = await traced(col);
    const cport = await connectAndClose(port);
    await waitFor(() => col.packets.length === 2, 'two events');
    const [a, b] = col.packets;
    expect(a!.payload.toString()).toBe('TCP:ACCEPTED:SUCCESS:Connection accepted...');
    expect(a).toMatchObject({ protoType: 0x59, ipProto: 6, srcIp: '127.0.0.1', srcPort: cport, dstIp: '127.0.0.1', dstPort: port });
    expect(b!.payload.toString()).toBe('TCP:CLOSED:SUCCESS:EOF received');
    const id = a!.correlation!.toString();
    expect(id).toMatch(/^\d+$/);
    expect(b!.correlation!.toString()).toBe(id);
    expect(s.server.tcp.count()).toBe(0);
  });

  it('CONNECTED for an outbound connection, JSON payloads with homer5_on=0', async () => {
    const col = c.add(await udpCollector());
    const peer = c.add(net.createServer((x) => x.on('error', () => undefined)));
    await new Promise<void>((r) => peer.listen(0, '127.0.0.1', r));
    const peerPort = (peer.address() as net.AddressInfo).port;
    const { s } = await traced(col, { homer5: false });
    s.server.sip.send({ proto: 'tcp', ip: '127.0.0.1', port: peerPort }, Buffer.from(sipRequest()));
    await waitFor(() => col.packets.length === 1, 'CONNECTED');
    expect(JSON.parse(col.packets[0]!.payload.toString())).toEqual({ Protocol: 'TCP', Event: 'CONNECTED', Status: 'SUCCESS', Message: 'Successfully connected...' });
    expect(col.packets[0]).toMatchObject({ srcIp: '127.0.0.1', srcPort: peerPort });
  });

  it('MI tcp_trace switches tracing live', async () => {
    const col = c.add(await udpCollector());
    const { s, port } = await traced(col, { traceOn: false });
    await connectAndClose(port);
    await sleep(80);
    expect(col.packets).toHaveLength(0);
    expect(await s.mi('tcp_trace', ['on'])).toBe('OK');
    await connectAndClose(port);
    await waitFor(() => col.packets.length === 2, 'events after tcp_trace on');
    expect(col.packets.map((p) => p.payload.toString().split(':')[1])).toEqual(['ACCEPTED', 'CLOSED']);
  });

  it('trace_filter_route runs once per connection: drop untraces it ($si is the remote end)', async () => {
    const col = c.add(await udpCollector());
    const { port, seen } = await traced(col, { filter: 'rec("$si $sp $conid"); if ($si == "127.0.0.1" && $proto == "tcp") { drop; }' });
    const p1 = await connectAndClose(port);
    const p2 = await connectAndClose(port);
    await sleep(80);
    expect(col.packets).toHaveLength(0);
    expect(seen.map((t) => t.split(' ').slice(0, 2).join(' '))).toEqual([`127.0.0.1 ${p1}`, `127.0.0.1 ${p2}`]);
  });

  it('a filter route that does not drop keeps the connection traced', async () => {
    const col = c.add(await udpCollector());
    const { port } = await traced(col, { filter: 'if ($si == "10.9.9.9") { drop; }' });
    await connectAndClose(port);
    await waitFor(() => col.packets.length === 2, 'events');
  });

  it.each([
    ['proto_hep is not loaded', '', /trace_destination "coll" needs the proto_hep module/],
    ['no such hep_id', 'loadmodule "proto_hep"\nmodparam("proto_hep", "hep_id", "[other] 127.0.0.1:9; transport=udp")', /trace_destination "coll" is not a proto_hep hep_id/],
    ['the filter route is missing', 'loadmodule "proto_hep"\nmodparam("proto_hep", "hep_id", "[coll] 127.0.0.1:9; transport=udp")\nmodparam("proto_tcp", "trace_filter_route", "nope")', /trace_filter_route "nope" is not defined/],
  ])('start-up fails when %s', async (_what, lines, why) => {
    const cfg = `socket=tcp:127.0.0.1:0\nloadmodule "proto_tcp"\n${lines}\nmodparam("proto_tcp", "trace_destination", "coll")\nroute { exit; }`;
    await expect(createTestServer(cfg, { modules: [protoHep] })).rejects.toThrow(why);
  });
});
