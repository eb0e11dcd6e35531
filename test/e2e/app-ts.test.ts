import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSocket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runTsips, startTsips, writeConfig, REPO, type TsipsProcess } from './lib/tsips.js';

// app_ts: a TypeScript routing file (KEMI style) answers over a real UDP socket; the script's
// request route is not used while the file exports request().
const SIP_PORT = 15460;

const ROUTES = `
import type { Ksr } from '@tsips/app_ts';

export function request(ksr: Ksr): void {
  if (ksr.is_method('OPTIONS')) {
    ksr.sl.sl_send_reply(200, 'TS ' + ksr.pv.get('$ci'));
    return;
  }
  ksr.sl.sl_send_reply(405, 'Only OPTIONS');
}
`;

function config(routes: string): string {
  return `
log_level = 3
log_stderror = yes
socket = udp:127.0.0.1:${SIP_PORT}
loadmodule "proto_udp"
loadmodule "sl"
loadmodule "app_ts"
modparam("app_ts", "load", "./${routes}")
route {
    sl_send_reply(500, "Script Route Ran");
}
`;
}

/** A config in a temp dir with the routing file beside it. */
function writeSetup(routesSource: string, routesName = 'routes.ts'): string {
  const cfg = writeConfig(config(routesName));
  writeFileSync(join(dirname(cfg), routesName), routesSource);
  return cfg;
}

function request(method: string, callId: string, port: number): Buffer {
  return Buffer.from(
    `${method} sip:127.0.0.1:${SIP_PORT} SIP/2.0\r\n` +
      `Via: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bK-${callId}\r\n` +
      `From: <sip:e2e@127.0.0.1>;tag=1\r\nTo: <sip:tsips@127.0.0.1>\r\nCall-ID: ${callId}\r\nCSeq: 1 ${method}\r\n` +
      `Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n`,
  );
}

/** Send one request from an OS-assigned port and return the reply's status line. */
async function ask(method: string, callId: string): Promise<string> {
  const s = createSocket('udp4');
  try {
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
    const reply = new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no reply to ${method}`)), 3000);
      s.once('message', (m) => {
        clearTimeout(t);
        resolve(m.toString('latin1').split('\r\n')[0]!);
      });
    });
    s.send(request(method, callId, s.address().port), SIP_PORT, '127.0.0.1');
    return await reply;
  } finally {
    s.close();
  }
}

describe('app_ts with the real CLI', () => {
  let tsips: TsipsProcess;
  beforeAll(async () => {
    tsips = await startTsips(writeSetup(ROUTES));
  });
  afterAll(async () => {
    await tsips?.stop();
  });

  it('a .ts routing file answers OPTIONS over UDP, instead of the script route', async () => {
    expect(await ask('OPTIONS', 'e2e-opt-1')).toBe('SIP/2.0 200 TS e2e-opt-1');
    expect(await ask('INFO', 'e2e-info-1')).toBe('SIP/2.0 405 Only OPTIONS');
    expect(tsips.output()).not.toContain('Script Route Ran');
  });
});

describe('app_ts start-up checks with the real CLI', () => {
  it('tsips -C accepts config/examples/app_ts.cfg', async () => {
    const r = await runTsips(['-C', '-f', join(REPO, 'config/examples/app_ts.cfg')]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout).toContain('configuration is valid');
  });

  it('a syntax error in the routing file stops start-up with file:line', async () => {
    const cfg = writeSetup('export function request(ksr) {\n  ksr.sl.sl_send_reply(200, "OK"\n}\n');
    const r = await runTsips(['-f', cfg]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`ERROR: ${join(dirname(cfg), 'routes.ts')}:3:1: syntax error in routing file: ',' expected.`);
  });
});
