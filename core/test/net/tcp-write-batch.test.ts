import type net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageSink } from '../../src/net/proto.js';
import type { TcpConnection } from '../../src/net/tcp/connection.js';
import { WriteBatch } from '../../src/net/tcp/write-batch.js';
import type { Destination, ReceiveInfo } from '../../src/net/types.js';
import { Cleanup, connect, lineProto, listener, makeStack, rawServer, waitFor, type Stack } from './helpers.js';

const c = new Cleanup();
afterEach(() => c.run());

/** A stack whose sink runs `onLine` for every line received (the test's "module"). */
async function relayStack(onLine: (s: Stack, line: string, rcv: ReceiveInfo) => void): Promise<{ s: Stack; port: number }> {
  const s = c.add(makeStack(), (x) => x.transports.close());
  s.transports.registerProto(lineProto);
  const sink: MessageSink = { receive: (buf, rcv) => onLine(s, buf.toString(), rcv) };
  const l = listener('tcp', '127.0.0.1');
  await s.transports.bind([l], sink);
  return { s, port: l.port };
}

/** Counts what reaches a connection's socket: write calls, and how many socket writes (uncorked batches) they made. */
function spySocket(sock: net.Socket): { writes: number; batches: number; log: string[] } {
  const spy = { writes: 0, batches: 0, log: [] as string[] };
  const write = sock.write.bind(sock) as (b: Buffer, cb?: () => void) => boolean;
  const uncork = sock.uncork.bind(sock);
  let corked = false;
  sock.cork = ((orig) => () => {
    corked = true;
    orig();
  })(sock.cork.bind(sock));
  sock.uncork = () => {
    corked = false;
    spy.batches++;
    uncork();
  };
  (sock as { write: unknown }).write = (b: Buffer, cb?: () => void): boolean => {
    spy.writes++;
    if (!corked) spy.batches++;
    spy.log.push(b.toString());
    return write(b, cb);
  };
  return spy;
}

describe('TCP write coalescing per read (WriteBatch)', () => {
  it('holds what the messages of one read send and writes it per connection in one go, in order', async () => {
    const peer = await rawServer(c);
    const dst: Destination = { proto: 'tcp', ip: '127.0.0.1', port: peer.port };
    const { s, port } = await relayStack((st, line, rcv) => {
      // each line: a reply on the same connection, and the line in two parts to the peer
      st.transports.send({ proto: 'tcp', ip: rcv.srcIp, port: rcv.srcPort, conId: rcv.conId }, Buffer.from(`ok ${line}`));
      st.transports.send(dst, [Buffer.from('fwd '), Buffer.from(line)]);
    });
    // open the outbound connection first, outside any read (a plain write)
    expect(s.transports.send(dst, Buffer.from('hello\n')).ok).toBe(true);
    await waitFor(() => peer.data.join('') === 'hello\n', 'first write');
    const out = s.tcp.list().find((x) => x.outbound) as TcpConnection;
    const outSpy = spySocket(out.socket);

    const client = await connect(c, port);
    const replies: string[] = [];
    client.on('data', (d: Buffer) => replies.push(d.toString()));
    await waitFor(() => s.tcp.count() === 2, 'accepted');
    const inbound = s.tcp.list().find((x) => !x.outbound) as TcpConnection;
    const inSpy = spySocket(inbound.socket);

    client.write('a\nb\nc\n'); // one read with three messages (loopback delivers it whole)
    await waitFor(() => peer.data.join('') === 'hello\nfwd a\nfwd b\nfwd c\n', 'forwarded lines');
    await waitFor(() => replies.join('') === 'ok a\nok b\nok c\n', 'replies');
    expect(outSpy).toEqual({ writes: 6, batches: 1, log: ['fwd ', 'a\n', 'fwd ', 'b\n', 'fwd ', 'c\n'] });
    expect(inSpy).toEqual({ writes: 3, batches: 1, log: ['ok a\n', 'ok b\n', 'ok c\n'] });

    // outside a read dispatch a send is written at once; a one-buffer send is a plain write
    s.transports.send(dst, Buffer.from('direct\n'));
    expect(outSpy.batches).toBe(2);
    expect(outSpy.log.at(-1)).toBe('direct\n');
  });

  it('tells the senders of held writes when their connection closes before the flush', async () => {
    const peer = await rawServer(c);
    const fails: string[] = [];
    const results: boolean[] = [];
    const { s, port } = await relayStack((st, line) => {
      const dst: Destination = { proto: 'tcp', ip: '127.0.0.1', port: peer.port };
      if (line === 'send\n') results.push(st.transports.send(dst, Buffer.from('x\n'), (e) => fails.push(e)).ok);
      if (line === 'close\n') {
        st.tcp.close(st.tcp.findByAddress('tcp', '127.0.0.1', peer.port)!.id);
        results.push(st.transports.send(dst, Buffer.from('y\n'), (e) => fails.push(e)).ok); // a new connection
      }
    });
    // a live outbound connection to the peer
    s.transports.send({ proto: 'tcp', ip: '127.0.0.1', port: peer.port }, Buffer.from('hi\n'));
    await waitFor(() => peer.data.length === 1, 'connected');
    const client = await connect(c, port);
    client.write('send\nclose\n');
    await waitFor(() => fails.length === 1, 'held write failed');
    expect(fails[0]).toBe('Closed by Proto layer');
    expect(results).toEqual([true, true]);
    await waitFor(() => peer.data.join('').endsWith('y\n'), 'the new connection delivered');
    expect(peer.data.join('')).toBe('hi\ny\n');
  });

  it('joins parts for the trace and sent taps only', async () => {
    const peer = await rawServer(c);
    const s = c.add(makeStack(), (x) => x.transports.close());
    s.transports.registerProto(lineProto);
    await s.transports.bind([listener('tcp', '127.0.0.1')], { receive: () => undefined });
    const traced: string[] = [];
    const sent: string[] = [];
    s.hooks.trace.tap('t', (ev) => void traced.push(ev.buf.toString()));
    s.hooks.sent.tap('t', (buf) => void sent.push(buf.toString()));
    const res = s.transports.send({ proto: 'tcp', ip: '127.0.0.1', port: peer.port }, [Buffer.from('one '), Buffer.from('two\n')]);
    expect(res.ok).toBe(true);
    await waitFor(() => peer.data.join('') === 'one two\n', 'parts delivered');
    expect([traced, sent]).toEqual([['one two\n'], ['one two\n']]);
  });

  it('flushes only when the outermost dispatch ends', () => {
    const b = new WriteBatch();
    const flushed: string[] = [];
    expect(b.open).toBe(false);
    b.begin();
    b.hold({ flushHeld: () => void flushed.push('x') });
    b.begin();
    b.hold({ flushHeld: () => void flushed.push('y') });
    b.end();
    expect(flushed).toEqual([]);
    expect(b.open).toBe(true);
    b.end();
    expect(flushed).toEqual(['x', 'y']);
    expect(b.open).toBe(false);
    b.begin();
    b.end();
    expect(flushed).toEqual(['x', 'y']); // the list was emptied
  });
});
