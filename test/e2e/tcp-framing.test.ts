import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTsips, writeConfig, type TsipsProcess } from './lib/tsips.js';
import { headerOf, request, SipTcpClient, sleep, statusOf, until } from './tcp-helpers.js';

// SIP over TCP framing with the real CLI (tcp-core.md §5): a message split at every byte
// boundary, pipelined messages, CRLF keepalive pings, an oversized message, one sent in more
// reads than tcp_max_msg_chunks allows, one without Content-Length. Each is handled as
// specified and the server keeps answering a well-behaved connection meanwhile.
const PORT = 15720;

const config = `
log_level = 2
log_stderror = yes
socket = tcp:127.0.0.1:${PORT}
tcp_max_msg_time = 2
loadmodule "proto_tcp"
loadmodule "sl"
modparam("proto_tcp", "tcp_max_msg_chunks", 4)
route {
    sl_send_reply(200, "OK");
}
`;

const cseqOf = (msg: string): string | undefined => headerOf(msg, 'CSeq');

describe('SIP over TCP framing (real CLI)', () => {
  let tsips: TsipsProcess;
  const clients: SipTcpClient[] = [];
  beforeAll(async () => {
    tsips = await startTsips(writeConfig(config));
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.destroy();
  });
  afterAll(async () => {
    await tsips?.stop();
  });

  async function client(): Promise<SipTcpClient> {
    const c = await SipTcpClient.connect('127.0.0.1', PORT);
    clients.push(c);
    return c;
  }

  /** the well-behaved connection still gets an answer, quickly */
  async function stillServes(good: SipTcpClient): Promise<void> {
    const t0 = Date.now();
    expect(statusOf(await good.ask(request(), 1000))).toBe('SIP/2.0 200 OK');
    expect(Date.now() - t0).toBeLessThan(500);
  }

  it('answers a message split in two at every byte boundary', async () => {
    const c = await client();
    const len = request({ cseq: 1000 }).length;
    for (let k = 1; k < len; k++) {
      const msg = request({ cseq: 1000 + k });
      const n = c.messages.length + 1;
      c.write(msg.slice(0, k));
      await sleep(2); // let the first part arrive as its own read
      c.write(msg.slice(k));
      expect(cseqOf(await c.message(n))).toBe(`${1000 + k} OPTIONS`);
    }
    expect(c.messages).toHaveLength(len - 1);
  });

  it('answers pipelined messages in order, with CRLF pings between them', async () => {
    const c = await client();
    let batch = '';
    for (let i = 1; i <= 100; i++) batch += (i % 10 === 0 ? '\r\n\r\n' : '') + request({ cseq: i });
    c.write(batch);
    await c.message(100);
    expect(c.messages.map(cseqOf)).toEqual(Array.from({ length: 100 }, (_, i) => `${i + 1} OPTIONS`));
    expect(c.pongs).toBe(10);
  });

  it('answers a CRLFCRLF ping with a CRLF pong, also when the ping is split', async () => {
    const c = await client();
    c.write('\r\n\r\n');
    await until(() => c.pongs === 1, 'pong');
    c.write('\r\n');
    await sleep(20);
    expect(c.pongs).toBe(1);
    c.write('\r\n');
    await until(() => c.pongs === 2, 'second pong');
    expect(statusOf(await c.ask(request()))).toBe('SIP/2.0 200 OK');
  });

  it('closes a connection whose Content-Length is too large (>= 65535), and only that one', async () => {
    const good = await client();
    const bad = await client();
    bad.write(request({ contentLength: '70000' }));
    await bad.whenClosed();
    expect(bad.messages).toEqual([]);
    await stillServes(good);
  });

  it('closes a connection whose headers never end within 65535 bytes', async () => {
    const good = await client();
    const bad = await client();
    bad.write(`OPTIONS sip:x SIP/2.0\r\nX-Filler: ${'a'.repeat(70_000)}`);
    await bad.whenClosed();
    await stillServes(good);
  });

  it('closes a connection that sends a message in more reads than tcp_max_msg_chunks, while serving another', async () => {
    const good = await client();
    const slow = await client();
    const msg = request();
    const piece = Math.ceil(msg.length / 8);
    let sent = 0;
    for (let i = 0; i < 8 && !slow.closed; i++) {
      slow.write(msg.slice(i * piece, (i + 1) * piece));
      sent++;
      await stillServes(good);
      await sleep(20);
    }
    await slow.whenClosed();
    expect(sent).toBeLessThanOrEqual(5);
    expect(slow.messages).toEqual([]);
  });

  it('closes a connection that sends a message without Content-Length (RFC 3261 18.3)', async () => {
    const good = await client();
    const bad = await client();
    bad.write(request({ contentLength: null }));
    await bad.whenClosed();
    expect(bad.messages).toEqual([]);
    await stillServes(good);
  });

  it('closes a connection whose message is still incomplete after tcp_max_msg_time', async () => {
    const good = await client();
    const slow = await client();
    const t0 = Date.now();
    slow.write(request().slice(0, 40));
    await slow.whenClosed(5000);
    const after = Date.now() - t0;
    expect(after).toBeGreaterThanOrEqual(1900);
    expect(after).toBeLessThan(4000);
    await stillServes(good);
  });
});
