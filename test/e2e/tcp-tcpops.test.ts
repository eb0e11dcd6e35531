import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTsips, writeConfig, type TsipsProcess } from './lib/tsips.js';
import { keepaliveTimer, localTimeMs, miConn, request, SipTcpClient, statusOf, until } from './tcp-helpers.js';

// tcpops with the real CLI: a REGISTER sets its connection's lifetime and keepalive (seen in MI
// list_tcp_conns and on the socket with ss), the peer's FIN and RST run tcp:closed / tcp:reset,
// and with event_callback an app_ts function runs instead of the event routes.
const PORT = 15740;
const CB_PORT = 15741;
const MI_PORT = 18740;

const scriptConfig = `
log_level = 3
log_stderror = yes
socket = tcp:127.0.0.1:${PORT}
loadmodule "proto_tcp"
loadmodule "sl"
loadmodule "sipmsgops"
loadmodule "tcpops"
loadmodule "httpd"
loadmodule "mi_http"
modparam("httpd", "ip", "127.0.0.1")
modparam("httpd", "port", ${MI_PORT})
route {
    if (is_method("REGISTER")) {
        tcp_set_connection_lifetime(3000);
        tcp_keepalive_enable(60, 3, 10);
    }
    sl_send_reply(200, "OK");
}
event_route[tcp:closed] { tcp_conid_state($conid); xlog("L_INFO", "EV closed $conid $si:$sp state=$rc\\n"); }
event_route[tcp:reset] { xlog("L_INFO", "EV reset $conid $si:$sp\\n"); }
`;

const ROUTES = `
import type { Ksr } from '@tsips/app_ts';
export function tcp_event(ksr: Ksr, event: string): number {
  ksr.info('CB ' + event + ' ' + ksr.pv.get('$conid') + ' ' + ksr.pv.get('$si') + ':' + ksr.pv.get('$sp'));
  return 1;
}
`;

const callbackConfig = `
log_level = 3
log_stderror = yes
socket = tcp:127.0.0.1:${CB_PORT}
loadmodule "proto_tcp"
loadmodule "sl"
loadmodule "app_ts"
loadmodule "tcpops"
modparam("app_ts", "load", "./routes.ts")
modparam("tcpops", "event_callback", "tcp_event")
route { sl_send_reply(200, "OK"); }
event_route[tcp:closed] { xlog("L_INFO", "EV route ran\\n"); }
`;

/** the server-side connection id of a client: $conid, read from MI by the client's address */
async function conidOf(c: SipTcpClient): Promise<number> {
  const conn = await miConn(MI_PORT, `127.0.0.1:${c.sock.localPort}`);
  if (!conn) throw new Error('connection not listed');
  return conn.ID;
}

describe('tcpops with the real CLI', () => {
  let tsips: TsipsProcess;
  beforeAll(async () => {
    tsips = await startTsips(writeConfig(scriptConfig));
  });
  afterAll(async () => {
    await tsips?.stop();
  });

  it('tcp_set_connection_lifetime and tcp_keepalive_enable shape the REGISTER connection', async () => {
    const c = await SipTcpClient.connect('127.0.0.1', PORT);
    try {
      expect(statusOf(await c.ask(request({ method: 'REGISTER' })))).toBe('SIP/2.0 200 OK');
      const conn = await miConn(MI_PORT, `127.0.0.1:${c.sock.localPort}`);
      const lifetime = (localTimeMs(conn!.Lifetime) - Date.now()) / 1000;
      expect(lifetime).toBeGreaterThan(2997);
      expect(lifetime).toBeLessThanOrEqual(3001);
      const ka = keepaliveTimer(`127.0.0.1:${PORT}`, `127.0.0.1:${c.sock.localPort}`);
      expect(ka).toBeGreaterThan(55);
      expect(ka).toBeLessThanOrEqual(60);
    } finally {
      c.destroy();
    }
  });

  it('a FIN runs event_route[tcp:closed], an RST event_route[tcp:reset], with the connection as source', async () => {
    const a = await SipTcpClient.connect('127.0.0.1', PORT);
    const b = await SipTcpClient.connect('127.0.0.1', PORT);
    expect(statusOf(await a.ask(request()))).toBe('SIP/2.0 200 OK');
    expect(statusOf(await b.ask(request()))).toBe('SIP/2.0 200 OK');
    const [idA, idB] = [await conidOf(a), await conidOf(b)];
    const [portA, portB] = [a.sock.localPort, b.sock.localPort];
    a.sock.end();
    b.sock.resetAndDestroy();
    await until(() => tsips.output().includes(`EV closed ${idA} `) && tsips.output().includes(`EV reset ${idB} `), 'both events');
    expect(tsips.output()).toContain(`EV closed ${idA} 127.0.0.1:${portA} state=-2`);
    expect(tsips.output()).toContain(`EV reset ${idB} 127.0.0.1:${portB}`);
  });
});

describe('tcpops event_callback with app_ts (real CLI)', () => {
  let tsips: TsipsProcess;
  beforeAll(async () => {
    const cfg = writeConfig(callbackConfig);
    writeFileSync(join(dirname(cfg), 'routes.ts'), ROUTES);
    tsips = await startTsips(cfg);
  });
  afterAll(async () => {
    await tsips?.stop();
  });

  it('calls the routing file function with the event name instead of the event route', async () => {
    const c = await SipTcpClient.connect('127.0.0.1', CB_PORT);
    expect(statusOf(await c.ask(request()))).toBe('SIP/2.0 200 OK');
    const port = c.sock.localPort;
    c.sock.end();
    await until(() => /CB tcp:closed \d+ 127\.0\.0\.1:\d+/.test(tsips.output()), 'callback');
    expect(tsips.output()).toMatch(new RegExp(`CB tcp:closed \\d+ 127\\.0\\.0\\.1:${port}`));
    expect(tsips.output()).not.toContain('EV route ran');
  });
});
