import { execFileSync } from 'node:child_process';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSipp } from './lib/sipp.js';
import { startTsips, writeConfig, type TsipsProcess } from './lib/tsips.js';
import { mi, request, SipTcpClient, sleep, statusOf } from './tcp-helpers.js';

// 1000 idle TCP connections must not stop new calls: with them open, a SIPp caller over TCP
// completes its calls and hand-written OPTIONS/INVITE on new connections are answered at once.
const PORT = 15730;
const SIPP_PORT = 15739;
const MI_PORT = 18730;

/**
 * Both processes hold one descriptor per connection plus their own: with the usual 1024 soft
 * limit 1000 would not fit, so the count shrinks to what the limit allows (and says so).
 */
const FD_LIMIT = Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim()) || 1024;
const IDLE = FD_LIMIT >= 1200 ? 1000 : 900;

const config = `
log_level = 2
log_stderror = yes
socket = tcp:127.0.0.1:${PORT}
tcp_max_connections = 4096
# OpenSIPS' default backlog of 10 overflows when 100 clients connect at once
tcp_socket_backlog = 1024
loadmodule "proto_tcp"
loadmodule "sl"
loadmodule "sipmsgops"
loadmodule "httpd"
loadmodule "mi_http"
modparam("httpd", "ip", "127.0.0.1")
modparam("httpd", "port", ${MI_PORT})
route {
    if (is_method("ACK")) exit;
    if ($hdr(X-Busy) == "yes") {
        sl_send_reply(486, "Busy Here");
        exit;
    }
    sl_send_reply(200, "OK");
}
`;

async function connCount(): Promise<number> {
  return ((await mi(MI_PORT, 'list_tcp_conns')).result as { Connections: unknown[] }).Connections.length;
}

async function until(cond: () => Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

function connect(): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port: PORT });
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

describe(`${IDLE} idle TCP connections (soft fd limit ${FD_LIMIT})`, () => {
  let tsips: TsipsProcess;
  const idle: net.Socket[] = [];
  beforeAll(async () => {
    tsips = await startTsips(writeConfig(config));
    for (let i = 0; i < IDLE; i += 100) {
      idle.push(...(await Promise.all(Array.from({ length: Math.min(100, IDLE - i) }, connect))));
      await until(async () => (await connCount()) >= idle.length, `${idle.length} accepted`);
    }
  }, 60_000);
  afterAll(async () => {
    for (const s of idle) s.destroy();
    await tsips?.stop();
  });

  it('are all open on the server', async () => {
    expect(await connCount()).toBe(IDLE);
    expect(idle.every((s) => !s.destroyed)).toBe(true);
  });

  it('do not delay OPTIONS and INVITE on new connections', async () => {
    for (let i = 0; i < 20; i++) {
      const c = await SipTcpClient.connect('127.0.0.1', PORT);
      try {
        const t0 = Date.now();
        expect(statusOf(await c.ask(request()))).toBe('SIP/2.0 200 OK');
        expect(statusOf(await c.ask(request({ method: 'INVITE', extra: 'X-Busy: yes\r\nContact: <sip:e2e@127.0.0.1>\r\n' })))).toBe('SIP/2.0 486 Busy Here');
        expect(Date.now() - t0).toBeLessThan(250);
      } finally {
        c.destroy();
      }
    }
  });

  it('do not stop SIPp calls over TCP', async () => {
    const uac = runSipp({ scenario: { builtin: 'uac' }, port: SIPP_PORT, transport: 't1', remote: `127.0.0.1:${PORT}`, calls: 50, rate: 50, timeoutS: 30 });
    const r = await uac.done;
    expect({ code: r.code, failed: r.failed, successful: r.successful }, r.stderr).toEqual({ code: 0, failed: 0, successful: 50 });
    // the idle connections are still there afterwards
    expect(await connCount()).toBeGreaterThanOrEqual(IDLE);
  });
});
