import { afterEach, describe, expect, it } from 'vitest';
import { TRACER, type TraceEvent, type Tracer } from '@tsips/core';
import { CHUNK, type HepDestination } from '../src/index.js';
import { Cleanup, sleep, stat, tcpCollector, udpCollector, waitFor } from './helpers.js';

const c = new Cleanup();
afterEach(() => c.run());

const SIP = Buffer.from('OPTIONS sip:bob@127.0.0.1 SIP/2.0\r\nCall-ID: c1\r\n\r\n');
const ev = (o: Partial<TraceEvent> = {}): TraceEvent => ({ direction: 'in', buf: SIP, proto: 'udp', srcIp: '10.0.0.1', srcPort: 5070, dstIp: '10.0.0.2', dstPort: 5060, conId: 0, ...o });

async function tracerFor(hepIds: string[], extra = ''): Promise<{ tracer: Tracer; s: Awaited<ReturnType<Cleanup['server']>> }> {
  const lines = hepIds.map((h) => `modparam("proto_hep", "hep_id", "${h}")`).join('\n');
  const s = await c.server(`loadmodule "proto_hep"\n${lines}\n${extra}\nroute { exit; }`);
  return { tracer: s.server.container.resolve(TRACER), s };
}

describe('tracing SIP messages over UDP', () => {
  it('a HEPv3 packet with the event addresses, SIP type, capture id and HOMER5 correlation chunk', async () => {
    const col = c.add(await udpCollector());
    const { tracer, s } = await tracerFor([`[h] 127.0.0.1:${col.port}; transport=udp`], 'modparam("proto_hep", "hep_capture_id", 4242)');
    const dst = tracer.destination('h')!;
    expect(dst).toMatchObject({ name: 'h', version: 3, transport: 'udp', host: '127.0.0.1', port: col.port });
    expect(tracer.destination('nope')).toBeUndefined();
    const before = Math.floor(Date.now() / 1000);
    tracer.message(dst, ev({ proto: 'tcp' }), 'call-1');
    tracer.message(dst, ev({ srcIp: '::1', dstIp: '2001:db8::5' }));
    await waitFor(() => col.packets.length === 2, 'two packets');
    const [a, b] = col.packets;
    expect(a).toMatchObject({ version: 3, family: 2, ipProto: 6, srcIp: '10.0.0.1', srcPort: 5070, dstIp: '10.0.0.2', dstPort: 5060, protoType: 1, captureId: 4242, chunks: null });
    expect(a!.timeSec).toBeGreaterThanOrEqual(before);
    expect(a!.payload.equals(SIP)).toBe(true);
    expect(a!.correlation!.toString()).toBe('call-1');
    expect(b).toMatchObject({ family: 10, ipProto: 17, srcIp: '::1', dstIp: '2001:db8::5', correlation: null });
    expect(stat(s, 'proto_hep:hep_sent')).toBe(2);
  });

  it('JSON mode puts the correlation in a type-101 JSON chunk', async () => {
    const col = c.add(await udpCollector());
    const { tracer } = await tracerFor([`[h] 127.0.0.1:${col.port}; transport=udp`], 'modparam("proto_hep", "homer5_on", 0)');
    tracer.message(tracer.destination('h')!, ev(), 'call-9');
    await waitFor(() => col.packets.length === 1, 'packet');
    const p = col.packets[0]!;
    expect(p.correlation).toBeNull();
    expect(p.chunks!.map((x) => [x.vendor, x.type, JSON.parse(x.value.toString())])).toEqual([[0, CHUNK.JSON_CORRELATION, { sip: 'call-9' }]]);
  });

  it('compressed_payload sends the payload deflated in chunk 0x0010', async () => {
    const col = c.add(await udpCollector());
    const { tracer } = await tracerFor([`[h] 127.0.0.1:${col.port}; transport=udp`], 'modparam("proto_hep", "compressed_payload", 1)');
    tracer.message(tracer.destination('h')!, ev());
    await waitFor(() => col.packets.length === 1, 'packet');
    expect(col.packets[0]!.compressed).toBe(true);
    expect(col.packets[0]!.payload.equals(SIP)).toBe(true);
  });

  it('version 1/2 destinations get HEPv1/v2 (tcp falls back to udp); they carry no connection events', async () => {
    const col = c.add(await udpCollector());
    const { tracer, s } = await tracerFor([`[v1] 127.0.0.1:${col.port}; version=1`, `[v2] 127.0.0.1:${col.port}; version=2; transport=tcp`]);
    const v2 = tracer.destination('v2')!;
    expect(v2.transport).toBe('udp');
    tracer.message(tracer.destination('v1')!, ev());
    await waitFor(() => col.packets.length === 1, 'v1');
    tracer.message(v2, ev());
    await waitFor(() => col.packets.length === 2, 'v2');
    expect(col.packets.map((p) => [p.version, p.srcIp, p.srcPort])).toEqual([[1, '10.0.0.1', 5070], [2, '10.0.0.1', 5070]]);
    expect(col.packets[1]!.captureId).toBe(1);
    const conn = { id: 7, proto: 'tcp', remoteIp: '10.0.0.1', remotePort: 1, localIp: '10.0.0.2', localPort: 2 } as never;
    tracer.connEvent(v2, 'TCP', conn, 'ACCEPTED', 'Connection accepted...');
    expect(stat(s, 'proto_hep:hep_dropped')).toBe(1);
  });
});

describe('TCP destinations', () => {
  it('queues while connecting, keeps order, reconnects on the next send after the collector drops', async () => {
    const col = c.add(await tcpCollector());
    const { tracer, s } = await tracerFor([`[t] 127.0.0.1:${col.port}`]);
    const dst = tracer.destination('t')! as HepDestination;
    expect(dst.transport).toBe('tcp');
    for (let i = 1; i <= 3; i++) tracer.message(dst, ev({ srcPort: i }));
    expect(dst.link!.status).toMatchObject({ connected: false, queued: 3 });
    await waitFor(() => col.packets.length === 3, 'three packets');
    expect(col.packets.map((p) => p.srcPort)).toEqual([1, 2, 3]);
    expect(col.conns).toHaveLength(1);
    col.conns[0]!.destroy();
    await waitFor(() => !dst.link!.status.connected, 'link notices the close');
    tracer.message(dst, ev({ srcPort: 4 }));
    await waitFor(() => col.packets.length === 4, 'packet after reconnect');
    expect(col.conns).toHaveLength(2);
    expect(stat(s, 'proto_hep:hep_sent')).toBe(4);
  });

  it('drops beyond hep_async_max_postponed_chunks while connecting', async () => {
    const col = c.add(await tcpCollector());
    const { tracer, s } = await tracerFor([`[t] 127.0.0.1:${col.port}`], 'modparam("proto_hep", "hep_async_max_postponed_chunks", 2)');
    const dst = tracer.destination('t')!;
    for (let i = 1; i <= 5; i++) tracer.message(dst, ev({ srcPort: i }));
    await waitFor(() => col.packets.length === 2, 'queued packets');
    await sleep(50);
    expect(col.packets.map((p) => p.srcPort)).toEqual([1, 2]);
    expect(stat(s, 'proto_hep:hep_dropped')).toBe(3);
  });

  it('after hep_max_retries failed connects, sends are suppressed for hep_retry_cooldown', async () => {
    const dead = await tcpCollector();
    const port = dead.port;
    await dead.close(); // nothing listens there now: connects are refused
    const { tracer, s } = await tracerFor([`[t] 127.0.0.1:${port}`], 'modparam("proto_hep", "hep_max_retries", 2)\nmodparam("proto_hep", "hep_retry_cooldown", 3600)');
    const dst = tracer.destination('t')! as HepDestination;
    tracer.message(dst, ev());
    await waitFor(() => stat(s, 'proto_hep:hep_send_failures') === 1, 'first failure');
    tracer.message(dst, ev());
    await waitFor(() => stat(s, 'proto_hep:hep_send_failures') === 2, 'second failure');
    expect(dst.link!.status.suppressed).toBe(true);
    const dropped = stat(s, 'proto_hep:hep_dropped');
    // even with a collector back on that port, nothing is tried during the cooldown
    const back = c.add(await tcpCollector(port));
    tracer.message(dst, ev());
    await sleep(50);
    expect(back.conns).toHaveLength(0);
    expect(stat(s, 'proto_hep:hep_dropped')).toBe(dropped + 1);
    expect(stat(s, 'proto_hep:hep_send_failures')).toBe(2);
  });

  it('closes its sockets when the server stops', async () => {
    const col = c.add(await tcpCollector());
    const { tracer, s } = await tracerFor([`[t] 127.0.0.1:${col.port}`]);
    tracer.message(tracer.destination('t')!, ev());
    await waitFor(() => col.packets.length === 1, 'packet');
    const conn = col.conns[0]!;
    const closed = new Promise<void>((r) => conn.once('close', () => r()));
    await s.stop();
    await closed;
  });
});

describe('connection events', () => {
  it('HOMER5 payload, proto type 0x59, connection id as correlation; CLOSED uses the placeholders', async () => {
    const col = c.add(await udpCollector());
    const { tracer } = await tracerFor([`[h] 127.0.0.1:${col.port}; transport=udp`]);
    const dst = tracer.destination('h')!;
    const conn = { id: 12345, proto: 'tcp', remoteIp: '127.0.0.9', remotePort: 40000, localIp: '127.0.0.1', localPort: 5060 } as never;
    tracer.connEvent(dst, 'TCP', conn, 'ACCEPTED', 'Connection accepted...');
    tracer.connEvent(dst, 'TLS', conn, 'CLOSED', 'EOF received', 'FAILURE');
    await waitFor(() => col.packets.length === 2, 'events');
    const [a, b] = col.packets;
    expect(a).toMatchObject({ protoType: 0x59, ipProto: 6, srcIp: '127.0.0.9', srcPort: 40000, dstIp: '127.0.0.1', dstPort: 5060 });
    expect(a!.payload.toString()).toBe('TCP:ACCEPTED:SUCCESS:Connection accepted...');
    expect(a!.correlation!.toString()).toBe('12345');
    expect(b).toMatchObject({ ipProto: 22, srcIp: '127.0.0.1', srcPort: 0, dstIp: '127.0.0.2', dstPort: 0 });
    expect(b!.payload.toString()).toBe('TLS:CLOSED:FAILURE:EOF received');
  });

  it('JSON mode: a JSON object with Protocol, Event, Status, Message', async () => {
    const col = c.add(await udpCollector());
    const { tracer } = await tracerFor([`[h] 127.0.0.1:${col.port}; transport=udp`], 'modparam("proto_hep", "homer5_on", 0)');
    const conn = { id: 3, proto: 'tcp', remoteIp: '127.0.0.9', remotePort: 1, localIp: '127.0.0.1', localPort: 2 } as never;
    tracer.connEvent(tracer.destination('h')!, 'TCP', conn, 'CONNECTED', 'Successfully connected...');
    await waitFor(() => col.packets.length === 1, 'event');
    const text = col.packets[0]!.payload.toString();
    expect(text).toContain('\n'); // pretty-printed
    expect(Object.entries(JSON.parse(text))).toEqual([['Protocol', 'TCP'], ['Event', 'CONNECTED'], ['Status', 'SUCCESS'], ['Message', 'Successfully connected...']]);
    expect(col.packets[0]!.correlation!.toString()).toBe('3');
  });
});
