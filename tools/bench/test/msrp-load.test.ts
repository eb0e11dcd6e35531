import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MsrpLoad } from '../src/msrp-load.js';
import { headerValue, MsrpReader, response } from '../src/msrp-wire.js';

/**
 * A minimal RFC 4976 relay for the test: AUTH -> 200 with Use-Path, SEND to a session ->
 * 200 to the sender and the frame forwarded (To-Path/From-Path rewritten) on the session's
 * connection, responses absorbed. `corrupt` flips a body byte of that forwarded SEND.
 */
function fakeRelay(corrupt?: number): Promise<{ server: Server; port: number }> {
  const sessions = new Map<string, Socket>();
  let forwarded = 0;
  let me = '';
  const server = createServer((sock) => {
    const reader = new MsrpReader();
    sock.on('error', () => undefined);
    sock.on('data', (chunk) => reader.push(chunk, (f) => {
      const to = headerValue(f.headers, 'To-Path')!.split(' ');
      const from = headerValue(f.headers, 'From-Path')!;
      if (f.method === 'AUTH') {
        const id = `sess${sessions.size}`;
        sessions.set(id, sock);
        sock.write(`MSRP ${f.tid} 200 OK\r\nTo-Path: ${from}\r\nFrom-Path: ${to[0]}\r\nUse-Path: ${me}/${id};tcp\r\nExpires: 600\r\n-------${f.tid}$\r\n`);
      } else if (f.method === 'SEND') {
        sock.write(response(f.tid, 200, 'OK', from.split(' ')[0]!, to[0]!));
        const target = sessions.get(/\/([^/;]+);tcp$/.exec(to[0]!)![1]!)!;
        const others = f.headers.split('\r\n').filter((l) => !/^(To|From)-Path:/.test(l));
        const body = Buffer.from(f.body!);
        if (++forwarded === corrupt) body[0] ^= 1;
        target.write(`MSRP ${f.tid}x SEND\r\nTo-Path: ${to.slice(1).join(' ')}\r\nFrom-Path: ${to[0]} ${from}\r\n${others.join('\r\n')}\r\n\r\n`);
        target.write(body);
        target.write(`\r\n-------${f.tid}x${f.flag}\r\n`);
      }
    }));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const port = (server.address() as { port: number }).port;
    me = `msrp://127.0.0.1:${port}`;
    resolve({ server, port });
  }));
}

let cleanup: (() => void)[] = [];
afterEach(() => { for (const c of cleanup) c(); cleanup = []; });

describe('MSRP load client', () => {
  it('AUTHs, relays through the session and delivers every byte intact', async () => {
    const { server, port } = await fakeRelay();
    const load = new MsrpLoad({ host: '127.0.0.1', port, pairs: 2, window: 4, chunkBytes: 2000 });
    cleanup.push(() => { load.close(); server.close(); });
    const usePaths = await load.setup();
    expect(usePaths).toEqual([`msrp://127.0.0.1:${port}/sess0;tcp`, `msrp://127.0.0.1:${port}/sess1;tcp`]);
    const r = await load.run(150);
    for (const p of r.pairs) {
      expect(p.sent).toBeGreaterThan(8);
      expect(p.acked).toBe(p.sent);
      expect(p.delivered).toBe(p.sent);
      expect(p.deliveredBytes).toBe(p.sent * 2000);
      expect(p.corrupt).toBe(0);
    }
    expect(r.undelivered).toBe(0);
    expect(r.elapsedMs).toBeGreaterThan(0);
    const again = await load.run(50); // a second run counts afresh on the same connections
    expect(again.pairs[0]!.sent).toBeGreaterThan(0);
    expect(again.pairs[0]!.delivered).toBe(again.pairs[0]!.sent);
  });

  it('counts a body changed on the way as corrupt', async () => {
    const { server, port } = await fakeRelay(3);
    const load = new MsrpLoad({ host: '127.0.0.1', port, pairs: 1, window: 2, chunkBytes: 500 });
    cleanup.push(() => { load.close(); server.close(); });
    await load.setup();
    const r = await load.run(50);
    expect(r.pairs[0]!.corrupt).toBe(1);
    expect(r.pairs[0]!.delivered).toBe(r.pairs[0]!.sent);
  });

  it('fails setup when the relay answers AUTH without Use-Path', async () => {
    const server = createServer((sock) => {
      const reader = new MsrpReader();
      sock.on('data', (c) => reader.push(c, (f) => sock.write(`MSRP ${f.tid} 403 No\r\nTo-Path: x\r\nFrom-Path: y\r\n-------${f.tid}$\r\n`)));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const load = new MsrpLoad({ host: '127.0.0.1', port: (server.address() as { port: number }).port, pairs: 1, window: 1, chunkBytes: 100 });
    cleanup.push(() => { load.close(); server.close(); });
    await expect(load.setup()).rejects.toThrow('AUTH answered 403 without Use-Path');
  });
});
