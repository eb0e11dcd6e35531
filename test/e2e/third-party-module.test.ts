import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSocket } from 'node:dgram';
import { join } from 'node:path';
import { startTsips, writeConfig, REPO, type TsipsProcess } from './lib/tsips.js';

const SIP_PORT = 15360;

function options(port: number, user: string): Buffer {
  return Buffer.from(
    `OPTIONS sip:${user}@127.0.0.1:${port} SIP/2.0\r\n` +
      `Via: SIP/2.0/UDP 127.0.0.1:15399;branch=z9hG4bK-${user}\r\n` +
      `From: <sip:${user}@127.0.0.1>;tag=1\r\nTo: <sip:x@127.0.0.1>\r\nCall-ID: ${user}-1\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`,
  );
}

/** Send one request and return the first reply's status line. */
async function ask(port: number, user: string): Promise<string> {
  const s = createSocket('udp4');
  try {
    await new Promise<void>((r) => s.bind(15399, '127.0.0.1', r));
    const reply = new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no reply')), 3000);
      s.once('message', (m) => {
        clearTimeout(t);
        resolve(m.toString('latin1').split('\r\n')[0]!);
      });
    });
    s.send(options(port, user), port, '127.0.0.1');
    return await reply;
  } finally {
    s.close();
  }
}

// Issue 2 acceptance: the third-party module loads from a path and from a package name, its
// function runs in a route, its MI command answers, its event reaches an event_route.
for (const how of ['path', 'package'] as const) {
  describe(`third-party module loaded by ${how}`, () => {
    let tsips: TsipsProcess;
    const spec = how === 'path' ? join(REPO, 'tools/examples/hello') : 'tsips-example-hello';
    beforeAll(async () => {
      tsips = await startTsips(
        writeConfig(`
log_level = 3
socket = udp:127.0.0.1:${SIP_PORT}
loadmodule "proto_udp"
loadmodule "sl"
loadmodule "${spec}"
modparam("hello", "greeting", "Hi")
modparam("hello", "max_name_len", 8)
route {
    if (hello($fU)) {
        sl_send_reply(200, "Greeted $hello_count");
    } else {
        sl_send_reply(403, "Name too long");
    }
}
event_route[E_HELLO] {
    xlog("L_WARN", "EVENT E_HELLO: $param(greeting) / $param(1)\\n");
}
`),
      );
    });
    afterAll(async () => {
      await tsips?.stop();
    });

    it('its function runs in a route and its pseudo-variable reads its state', async () => {
      expect(await ask(SIP_PORT, 'alice')).toBe('SIP/2.0 200 Greeted 1');
      expect(await ask(SIP_PORT, 'bob')).toBe('SIP/2.0 200 Greeted 2');
      expect(await ask(SIP_PORT, 'waytoolongname')).toBe('SIP/2.0 403 Name too long');
    });

    it('its event reaches the event_route with its params', async () => {
      const deadline = Date.now() + 3000;
      while (!tsips.output().includes('EVENT E_HELLO: Hi, bob / bob')) {
        if (Date.now() > deadline) throw new Error(`event route did not run:\n${tsips.output()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(tsips.output()).toContain('EVENT E_HELLO: Hi, alice / alice');
    });
  });
}
