import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTsips, writeConfig, type TsipsProcess } from './lib/tsips.js';
import { runSipp } from './lib/sipp.js';
import { replyTo, scenario, sleep, UdpPeer, waitNoTransactions } from './lib/tm.js';

// tm timers on the wire: a UAS that never answers gets the INVITE retransmitted on the T1
// schedule over UDP and only once over TCP; the caller gets 408 after fr_timeout and the
// failure_route runs. UDP retransmissions of the caller are absorbed.
const PROXY = 15660;
const SILENT = 15680;
const ANSWERING = 15681;
const UAC = 15690;
const MI = 15669;

const config = `
log_level = 3
socket = udp:127.0.0.1:${PROXY}
socket = tcp:127.0.0.1:${PROXY}
loadmodule "proto_udp"
loadmodule "proto_tcp"
loadmodule "tm"
loadmodule "sipmsgops"
loadmodule "httpd"
loadmodule "mi_http"
modparam("httpd", "port", ${MI})
modparam("tm", "T1_timer", 100)
modparam("tm", "T2_timer", 400)
modparam("tm", "fr_timer", 1500)
modparam("tm", "wt_timer", 1)
modparam("tm", "T4_timer", 1000)
route {
    if (is_method("CANCEL|ACK")) { t_relay(); exit; }
    t_on_failure("timeout");
    if ($proto == "tcp") { t_relay_to_tcp(); exit; }
    t_relay();
}
failure_route[timeout] {
    if (t_branch_timeout() && !t_branch_replied()) xlog("L_INFO", "failure_route timeout for $ci\\n");
}
`;

function invite(callId: string, branch: string): string {
  return (
    `INVITE sip:bob@127.0.0.1:${ANSWERING} SIP/2.0\r\n` +
    `Via: SIP/2.0/UDP 127.0.0.1:${UAC};branch=${branch};rport\r\n` +
    `From: <sip:alice@127.0.0.1>;tag=a1\r\nTo: <sip:bob@127.0.0.1>\r\nCall-ID: ${callId}\r\nCSeq: 1 INVITE\r\n` +
    `Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n`
  );
}

async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(10);
  }
}

describe('tm timers with real endpoints', () => {
  let tsips: TsipsProcess;
  beforeAll(async () => {
    tsips = await startTsips(writeConfig(config));
  });
  afterAll(async () => {
    await tsips?.stop();
  });

  it('UDP: a silent UAS gets the INVITE on the T1 schedule (100, 200, 400, 400 ms); the caller gets 408 after fr_timeout; failure_route runs', async () => {
    const uas = await UdpPeer.open(SILENT);
    try {
      const uac = runSipp({ scenario: scenario('tm-uac-408.xml'), port: UAC, remote: `127.0.0.1:${SILENT}`, rsa: `127.0.0.1:${PROXY}`, calls: 1, timeoutS: 10 });
      const r = await uac.done;
      expect({ code: r.code, failed: r.failed, successful: r.successful }, r.stderr).toEqual({ code: 0, failed: 0, successful: 1 });
      const at = uas.starting('INVITE').map((g) => g.at);
      expect(at.length).toBeGreaterThanOrEqual(5);
      const gaps = at.slice(1, 5).map((t, i) => t - at[i]!);
      [100, 200, 400, 400].forEach((want, i) => expect(Math.abs(gaps[i]! - want), `gaps ${gaps}`).toBeLessThan(80));
      const total = at[at.length - 1]! - at[0]!;
      expect(total).toBeLessThan(1600); // nothing after fr_timeout (1.5 s)
      expect(uas.starting('CANCEL')).toHaveLength(0); // no provisional: no CANCEL (RFC 3261 9.1)
      expect(tsips.output()).toMatch(/failure_route timeout for \S+/);
    } finally {
      await uas.close();
    }
    expect(await waitNoTransactions(MI)).toBe(0);
  });

  it('TCP: the silent UAS gets the INVITE once; the caller still gets 408 after fr_timeout', async () => {
    const invites: string[] = [];
    const socks: Socket[] = [];
    const srv: Server = createServer((s) => {
      socks.push(s);
      s.on('data', (d) => {
        for (const m of d.toString('latin1').matchAll(/^INVITE /gm)) invites.push(m[0]);
      });
    });
    await new Promise<void>((r) => srv.listen(SILENT, '127.0.0.1', () => r()));
    try {
      const uac = runSipp({ scenario: scenario('tm-uac-408.xml'), port: UAC, transport: 't1', remote: `127.0.0.1:${SILENT}`, rsa: `127.0.0.1:${PROXY}`, calls: 1, timeoutS: 10 });
      const r = await uac.done;
      expect({ code: r.code, failed: r.failed, successful: r.successful }, r.stderr).toEqual({ code: 0, failed: 0, successful: 1 });
      expect(invites).toHaveLength(1);
    } finally {
      for (const s of socks) s.destroy();
      await new Promise<void>((r) => srv.close(() => r()));
    }
    expect(await waitNoTransactions(MI)).toBe(0);
  });

  it('UDP retransmissions from the caller are absorbed: the last reply is resent, the UAS sees one INVITE', async () => {
    const uas = await UdpPeer.open(ANSWERING);
    const uac = await UdpPeer.open(UAC);
    try {
      uas.onMessage = (text) => {
        if (text.startsWith('INVITE ')) uas.send(replyTo(text, 180, 'Ringing'), PROXY);
      };
      const req = invite('retr-1@e2e', 'z9hG4bKretr1');
      uac.send(req, PROXY);
      await until(() => uac.starting('SIP/2.0 180').length === 1);
      uac.send(req, PROXY); // the UAC retransmits
      await until(() => uac.starting('SIP/2.0 180').length === 2);
      expect(uas.starting('INVITE')).toHaveLength(1);
      const inv = uas.starting('INVITE')[0]!.text;
      uas.send(replyTo(inv, 486, 'Busy Here'), PROXY);
      await until(() => uac.starting('SIP/2.0 486').length === 1);
      await until(() => uas.starting('ACK').length === 1); // tm's hop-by-hop ACK
      uac.send(req, PROXY); // a late retransmission gets the final again
      await until(() => uac.starting('SIP/2.0 486').length === 2);
      const toTag = /To: [^\r]*;tag=([^;\r]+)/.exec(uac.starting('SIP/2.0 486')[0]!.text)![1];
      uac.send(req.replace('INVITE sip', 'ACK sip').replace('CSeq: 1 INVITE', 'CSeq: 1 ACK').replace('To: <sip:bob@127.0.0.1>', `To: <sip:bob@127.0.0.1>;tag=${toTag}`), PROXY);
      await sleep(50);
      const finals = uac.starting('SIP/2.0 486').length;
      await sleep(400);
      expect(uas.starting('INVITE')).toHaveLength(1);
      expect(uas.starting('ACK')).toHaveLength(1); // the caller's ACK was absorbed
      expect(uac.starting('SIP/2.0 486')).toHaveLength(finals); // Timer G stopped by the ACK
    } finally {
      await uas.close();
      await uac.close();
    }
    expect(await waitNoTransactions(MI)).toBe(0);
  });
});
