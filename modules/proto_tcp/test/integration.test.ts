import type net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FRAMING_ERRORS } from '../src/framing.js';
import { connect, OPTIONS, sleep, tcpStack, waitFor, type Stack } from './helpers.js';

const sockets: net.Socket[] = [];
const stacks: Stack[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(stacks.splice(0).map((s) => s.transports.close()));
});

async function stack(...a: Parameters<typeof tcpStack>): Promise<Stack> {
  const s = await tcpStack(...a);
  stacks.push(s);
  return s;
}

/** Write `text` one byte every `ms` until done or the socket closes. */
async function trickle(sock: net.Socket, text: string, ms: number): Promise<number> {
  let sent = 0;
  for (const ch of text) {
    if (sock.destroyed || sock.readableEnded) break;
    sock.write(ch);
    sent++;
    await sleep(ms);
  }
  return sent;
}

describe('proto_tcp over a real TCP manager', () => {
  it('frames messages written in pieces and pipelined, and answers pings', async () => {
    const s = await stack();
    const c = await connect(s.l.port, sockets);
    const pong = new Promise<string>((r) => c.once('data', (d) => r(d.toString())));
    c.write('\r\n\r\n');
    expect(await pong).toBe('\r\n');
    const two = OPTIONS(1) + OPTIONS(2);
    c.write(two.slice(0, 30));
    await sleep(30);
    c.write(two.slice(30));
    await waitFor(() => s.sink.got.length === 2, 'two messages');
    expect(s.sink.got.map((g) => g.text)).toEqual([OPTIONS(1), OPTIONS(2)]);
    expect(s.sink.got[0]!.rcv.conId).toBe(s.tcp.list()[0]!.id);
  });

  it('cuts a slow sender off after tcp_max_msg_time while another connection is served', async () => {
    const s = await stack({ tcp_max_msg_time: 1 });
    s.tcp.setProtoOptions('tcp', { maxMsgChunks: 1000 }); // only the clock may stop it
    const slow = await connect(s.l.port, sockets);
    const good = await connect(s.l.port, sockets);
    const t0 = Date.now();
    const trickling = trickle(slow, OPTIONS(0), 100);
    const sentAt: number[] = [];
    for (let i = 1; i <= 12; i++) {
      sentAt.push(Date.now());
      good.write(OPTIONS(i));
      await sleep(100);
    }
    await waitFor(() => s.closed.length === 1, 'read timeout');
    const sent = await trickling;
    expect(s.closed[0]!.reason).toEqual({ kind: 'read-timeout', text: 'Read timeout withincomplete SIP message' });
    const after = s.closed[0]!.at - t0;
    expect(after).toBeGreaterThanOrEqual(950);
    expect(after).toBeLessThan(2500);
    expect(sent).toBeLessThan(OPTIONS(0).length);
    // every message of the well-behaved connection arrived, each within a moment of being sent
    await waitFor(() => s.sink.got.length === 12, 'good messages');
    expect(s.sink.got.map((g) => g.text)).toEqual(Array.from({ length: 12 }, (_, i) => OPTIONS(i + 1)));
    for (let i = 0; i < 12; i++) expect(s.sink.got[i]!.at - sentAt[i]!).toBeLessThan(250);
    expect(s.tcp.count()).toBe(1);
  });

  it('cuts a slow sender off after tcp_max_msg_chunks reads', async () => {
    const s = await stack();
    const slow = await connect(s.l.port, sockets);
    const sent = await trickle(slow, OPTIONS(0), 50);
    await waitFor(() => s.closed.length === 1, 'chunk limit');
    expect(s.closed[0]!.reason).toEqual({ kind: 'protocol', text: FRAMING_ERRORS.tooManyChunks });
    expect(sent).toBeLessThan(10);
  });

  it('closes a connection that sends a message without Content-Length, and only that one', async () => {
    const s = await stack();
    const bad = await connect(s.l.port, sockets);
    const good = await connect(s.l.port, sockets);
    const badClosed = new Promise<void>((r) => bad.once('close', () => r()));
    bad.write('OPTIONS sip:x SIP/2.0\r\nCSeq: 1 OPTIONS\r\n\r\n');
    await badClosed;
    expect(s.closed[0]!.reason).toEqual({ kind: 'protocol', text: FRAMING_ERRORS.noContentLength });
    good.write(OPTIONS(7));
    await waitFor(() => s.sink.got.length === 1, 'good message');
    expect(s.sink.got[0]!.text).toBe(OPTIONS(7));
  });

  it('uses the tcp_mgm max_msg_chunks attribute of the connection profile', async () => {
    const s = await stack({}, (st) => st.hooks.tcpProfileFor.tap('mgm', () => ({ ...st.tcp.defaultProfile(), id: 9, attrs: { maxMsgChunks: 1000 } })));
    const slow = await connect(s.l.port, sockets);
    const msg = OPTIONS(3);
    await trickle(slow, msg.slice(0, 12), 20);
    slow.write(msg.slice(12));
    await waitFor(() => s.sink.got.length === 1, 'message after many chunks');
    expect(s.closed).toEqual([]);
  });
});
