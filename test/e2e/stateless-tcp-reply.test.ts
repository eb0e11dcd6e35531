import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSocket } from 'node:dgram';
import net from 'node:net';
import { startTsips, writeConfig, type TsipsProcess } from './lib/tsips.js';

const PROXY = 15860;
const UAS = 15880;

/**
 * RFC 3261 §18.2.2: a response goes back on the connection the request came on. A stateless
 * proxy keeps no state, so it tags its own Via with that connection (`;i=`, as SER/Kamailio):
 * here the caller's Via names a port where nothing listens, so only the connection can work.
 */
describe('stateless relay: a reply returns on the caller\'s TCP connection', () => {
  let tsips: TsipsProcess;
  beforeAll(async () => {
    tsips = await startTsips(
      writeConfig(`
log_level = 1
socket = udp:127.0.0.1:${PROXY}
socket = tcp:127.0.0.1:${PROXY}
loadmodule "proto_udp"
loadmodule "proto_tcp"
route { forward("sip:127.0.0.1:${UAS}"); }
`),
    );
  });
  afterAll(async () => {
    await tsips?.stop();
  });

  it('the UAS answers over UDP; the caller gets the 200 on its connection', async () => {
    const uas = createSocket('udp4');
    await new Promise<void>((r) => uas.bind(UAS, '127.0.0.1', r));
    uas.on('message', (m, from) => {
      const req = m.toString('latin1');
      const head = req.slice(0, req.indexOf('\r\n\r\n')).split('\r\n');
      const keep = head.filter((l) => /^(Via|From|To|Call-ID|CSeq):/i.test(l)).map((l) => (l.startsWith('To:') ? `${l};tag=uas` : l));
      uas.send(Buffer.from(`SIP/2.0 200 OK\r\n${keep.join('\r\n')}\r\nContent-Length: 0\r\n\r\n`), from.port, from.address);
    });
    const client = net.connect(PROXY, '127.0.0.1');
    try {
      await new Promise<void>((r) => client.once('connect', () => r()));
      const got = new Promise<string>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('no reply on the connection')), 3000);
        let acc = '';
        client.on('data', (d) => {
          acc += d.toString('latin1');
          if (acc.includes('\r\n\r\n')) {
            clearTimeout(t);
            resolve(acc);
          }
        });
      });
      client.write(
        'OPTIONS sip:uas@127.0.0.1 SIP/2.0\r\n' +
          'Via: SIP/2.0/TCP 127.0.0.1:9;branch=z9hG4bK-conn-reuse\r\n' + // port 9: nobody listens there
          'From: <sip:a@127.0.0.1>;tag=c1\r\nTo: <sip:uas@127.0.0.1>\r\nCall-ID: conn-reuse-1\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n',
      );
      const reply = await got;
      expect(reply.startsWith('SIP/2.0 200 OK\r\n')).toBe(true);
      expect(reply).toContain('Via: SIP/2.0/TCP 127.0.0.1:9;branch=z9hG4bK-conn-reuse');
      expect(reply).not.toMatch(/;i=/); // our Via (with the hint) was removed
    } finally {
      client.destroy();
      uas.close();
    }
  });
});
