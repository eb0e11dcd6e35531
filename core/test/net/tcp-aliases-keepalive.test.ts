import { afterEach, describe, expect, it } from 'vitest';
import type { GlobalParams } from '../../src/config/globals.js';
import { Cleanup, connect, rawServer, tcpServer, waitFor, type TcpServer } from './helpers.js';

const c = new Cleanup();
afterEach(() => c.run());
const server = (over: Partial<GlobalParams> = {}): Promise<TcpServer> => tcpServer(c, over);

async function accepted(s: TcpServer, n: number): Promise<number[]> {
  await waitFor(() => s.tcp.count() === n, `${n} connections`);
  return s.tcp.list().map((x) => x.id);
}

describe('RFC 5923 aliases (tcp-core.md §3)', () => {
  it('adds nothing with alias mode 0 (the default)', async () => {
    const s = await server();
    await connect(c, s.l.port);
    const [id] = await accepted(s, 1);
    expect(s.tcp.handleViaAlias(id!, 5070, true)).toBe('off');
    expect(s.tcp.get(id!)!.aliases).toHaveLength(1);
    expect(s.tcp.handleViaAlias(id! + 1000, 5070, true)).toBe('no-conn');
  });

  it('mode 1 needs ;alias on the Via; the alias then routes sends to that port over the connection', async () => {
    const s = await server({ tcp_accept_aliases: 1 });
    const client = await connect(c, s.l.port);
    const [id] = await accepted(s, 1);
    expect(s.tcp.handleViaAlias(id!, 5070, false)).toBe('off');
    expect(s.tcp.handleViaAlias(id!, 5070, true)).toBe('ok');
    expect(s.tcp.get(id!)!.aliases).toEqual([client.localPort, 5070]);
    expect(s.tcp.findByAddress('tcp', '127.0.0.1', 5070)?.id).toBe(id);
    const got = new Promise<string>((r) => client.once('data', (d) => r(d.toString())));
    expect(s.transports.send({ proto: 'tcp', ip: '127.0.0.1', port: 5070 }, Buffer.from('backwards\n'))).toEqual({ ok: true, conId: id });
    expect(await got).toBe('backwards\n');
  });

  it('mode 2 aliases always; port 0 means the proto default; at most 4 aliases', async () => {
    const s = await server({ tcp_accept_aliases: 2 });
    await connect(c, s.l.port);
    const [id] = await accepted(s, 1);
    expect(s.tcp.handleViaAlias(id!, 0, false)).toBe('ok');
    expect(s.tcp.get(id!)!.aliases[1]).toBe(5060);
    expect(s.tcp.handleViaAlias(id!, 5061, false)).toBe('ok');
    expect(s.tcp.handleViaAlias(id!, 5062, false)).toBe('ok');
    expect(s.tcp.handleViaAlias(id!, 5062, false)).toBe('ok'); // already there
    expect(s.tcp.handleViaAlias(id!, 5063, false)).toBe('too-many');
    expect(s.tcp.get(id!)!.aliases).toHaveLength(4);
  });

  it('refuses an alias another connection from the same address owns (port hijack)', async () => {
    const s = await server({ tcp_accept_aliases: 2 });
    const a = await connect(c, s.l.port);
    await connect(c, s.l.port);
    const [idA, idB] = await accepted(s, 2);
    expect(s.tcp.handleViaAlias(idB!, a.localPort!, false)).toBe('hijack');
    expect(s.tcp.addAlias(idB!, a.localPort!)).toBe('hijack');
    expect(s.tcp.findByAddress('tcp', '127.0.0.1', a.localPort!)?.id).toBe(idA);
    expect(s.tcp.addAlias(idB!, 6000)).toBe('ok'); // force_tcp_alias ignores the mode
    // a closed connection frees its aliases
    s.tcp.close(idB!);
    expect(s.tcp.findByAddress('tcp', '127.0.0.1', 6000)).toBeUndefined();
  });
});

describe('TCP keepalive socket options', () => {
  it('applies the global keepalive values to accepted and outbound connections (read back with getsockopt)', async () => {
    const s = await server({ tcp_keepidle: 20, tcp_keepinterval: 5, tcp_keepcount: 3 });
    await connect(c, s.l.port);
    const [inId] = await accepted(s, 1);
    expect(s.tcp.getKeepalive(inId!)).toEqual({ enable: true, idle: 20, count: 3, interval: 5 });
    const peer = await rawServer(c);
    const res = s.transports.send({ proto: 'tcp', ip: '127.0.0.1', port: peer.port }, Buffer.from('x\n'));
    await waitFor(() => peer.data.length === 1, 'outbound connected');
    expect(s.tcp.getKeepalive((res as { conId: number }).conId)).toEqual({ enable: true, idle: 20, count: 3, interval: 5 });
  });

  it('leaves the OS values when the globals say 0, and can be switched off', async () => {
    const s = await server({ tcp_keepalive: false });
    await connect(c, s.l.port);
    const [id] = await accepted(s, 1);
    const ka = s.tcp.getKeepalive(id!)!;
    expect(ka.enable).toBe(false);
    expect(s.tcp.setKeepalive(id!, { enable: true, idle: 11, count: 2, interval: 9 })).toBe(true);
    expect(s.tcp.getKeepalive(id!)).toEqual({ enable: true, idle: 11, count: 2, interval: 9 });
    expect(s.tcp.setKeepalive(id!, { enable: false, idle: 0, count: 0, interval: 0 })).toBe(true);
    expect(s.tcp.getKeepalive(id!)!.enable).toBe(false);
    expect(s.tcp.setKeepalive(id! + 99, { enable: true, idle: 1, count: 1, interval: 1 })).toBe(false);
    expect(s.tcp.getKeepalive(id! + 99)).toBeUndefined();
  });
});
