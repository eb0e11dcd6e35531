import { afterEach, describe, expect, it } from 'vitest';
import { SipMessage, type TestServer } from '@tsips/core';
import { TM_API, TMCB, type TmCallbackParams } from '../src/index.js';
import { answer, header, isReplyTo, isRequestTo, request, sleep, stats, status, tmServer, UAS1 } from './helpers.js';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

const relay = `route { t_relay("udp:127.0.0.1:${UAS1}"); }`;

describe('statistics (tm.md §3)', () => {
  it('counts transactions, replies and classes; inuse_transactions returns to 0 after the wait state', async () => {
    t = await tmServer(relay, { wt_timer: 1000 });
    t.inject(request());
    const inv = await t.waitForSent(isRequestTo(UAS1, 'INVITE'));
    t.inject(answer(inv, 180, 'Ringing'), { srcPort: UAS1 });
    t.inject(answer(inv, 200, 'OK'), { srcPort: UAS1 });
    await t.waitForSent(isReplyTo(5999, 200));
    t.inject(request({ method: 'OPTIONS', branch: 'z9hG4bKopt', callId: 'opt@test' }));
    const opt = await t.waitForSent(isRequestTo(UAS1, 'OPTIONS'));
    t.inject(answer(opt, 404, 'Not Found'), { srcPort: UAS1 });
    await t.waitForSent(isReplyTo(5999, 404));
    let s = await stats(t);
    expect(s).toMatchObject({
      'tm:UAS_transactions': 2,
      'tm:UAC_transactions': 0,
      'tm:received_replies': 3,
      'tm:relayed_replies': 2,
      'tm:local_replies': 0,
      'tm:2xx_transactions': 1,
      'tm:4xx_transactions': 1,
      'tm:inuse_transactions': 2,
    });
    const listed = (await t.mi('list_statistics', [['tm:inuse_transactions']])) as Record<string, string>;
    expect(listed['tm:inuse_transactions']).toBe('non-incremental');
    await sleep(1100);
    s = await stats(t);
    expect(s['tm:inuse_transactions']).toBe(0);
  });

  it('enable_stats=0 registers no tm statistics', async () => {
    t = await tmServer(relay, { enable_stats: 0 });
    await expect(stats(t)).rejects.toThrow(/404/);
  });
});

describe('MI', () => {
  it('tm.stats and tm.list (Kamailio fields); t_hash has 65536 buckets', async () => {
    t = await tmServer(relay);
    t.inject(request());
    await t.waitForSent(isRequestTo(UAS1, 'INVITE'));
    const list = (await t.mi('tm.list')) as Record<string, unknown>[];
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ method: 'INVITE', callid: 'call-1@test', cseq: '1', uas_request: 'yes', outgoings: 1 });
    expect(Object.keys(list[0]!).sort()).toEqual(['callid', 'cseq', 'from', 'lifetime', 'method', 'outgoings', 'ref_count', 'tflags', 'tindex', 'tlabel', 'to', 'uas_request']);
    const st = (await t.mi('tm.stats')) as Record<string, number>;
    expect(st).toMatchObject({ current: 1, waiting: 0, total: 1, total_local: 0 });
    const hash = (await t.mi('t_hash')) as { index: number; Current: number; Total: number }[];
    expect(hash).toHaveLength(65536);
    expect(hash[list[0]!.tindex as number]).toMatchObject({ Current: 1, Total: 1 });
    expect(hash.reduce((n, h) => n + h.Current, 0)).toBe(1);
    expect(await t.mi('tm:hash')).toHaveLength(65536);
  });

  it('t_reply answers a transaction by trans_id (hash:label) with the given To tag and headers', async () => {
    t = await tmServer(`route { t_newtran(); }`);
    t.inject(request({ method: 'MESSAGE' }));
    await sleep(20);
    const [tx] = (await t.mi('tm.list')) as { tindex: number; tlabel: number }[];
    await expect(t.mi('t_reply', ['200', 'OK', `${tx!.tindex}:${tx!.tlabel}`, 'x'])).rejects.toThrow(/named/);
    await t.mi('tm:reply', { code: 202, reason: 'Later', trans_id: `${tx!.tindex}:${tx!.tlabel}`, to_tag: 'mytag', new_headers: 'X-A: 1\r\nX-B: 2' });
    const r = await t.waitForSent(isReplyTo(5999, 202));
    expect(header(r, 'to')).toBe('<sip:bob@127.0.0.1>;tag=mytag');
    expect(header(r, 'x-b')).toBe('2');
    await expect(t.mi('t_reply', { code: 200, reason: 'OK', trans_id: '1:999999', to_tag: 'x' })).rejects.toThrow(/404/);
  });

  it('t_uac_dlg sends a request through local_route and answers with the final reply', async () => {
    t = await tmServer(`route { exit; } local_route { append_hf("X-Local: yes\\r\\n"); }`);
    const res = t.mi('t_uac_dlg', { method: 'OPTIONS', ruri: `sip:bob@127.0.0.1:${UAS1}`, headers: 'From: <sip:tsips@127.0.0.1>\r\nTo: <sip:bob@127.0.0.1>' });
    const req = await t.waitForSent(isRequestTo(UAS1, 'OPTIONS'));
    const m = SipMessage.parse(req.buf);
    expect(m.header('x-local')).toBe('yes');
    expect(m.fromTag).toBeTruthy();
    expect(m.cseq).toEqual({ num: 1, method: 'OPTIONS' });
    expect(m.vias()).toHaveLength(1);
    t.inject(answer(req, 200, 'OK'), { srcPort: UAS1 });
    expect(await res).toMatchObject({ Status: '200 OK' });
    expect((await stats(t))['tm:UAC_transactions']).toBe(1);
  });

  it('t_uac_dlg: a local INVITE answered 2xx is ACKed by tm; t_uac_cancel cancels a ringing one', async () => {
    t = await tmServer(`route { exit; }`);
    const headers = 'From: <sip:tsips@127.0.0.1>\r\nTo: <sip:bob@127.0.0.1>\r\nCall-ID: uac-1@tsips\r\nCSeq: 7 INVITE\r\nContact: <sip:tsips@127.0.0.1>';
    const res = t.mi('t_uac_dlg', { method: 'INVITE', ruri: `sip:bob@127.0.0.1:${UAS1}`, headers });
    const inv = await t.waitForSent(isRequestTo(UAS1, 'INVITE'));
    t.inject(answer(inv, 180, 'Ringing'), { srcPort: UAS1 });
    await sleep(10);
    expect(await t.mi('t_uac_cancel', ['uac-1@tsips', '7'])).toBe('OK');
    const cancel = await t.waitForSent(isRequestTo(UAS1, 'CANCEL'));
    expect(header(cancel, 'cseq')).toBe('7 CANCEL');
    t.inject(answer(inv, 487, 'Request Terminated'), { srcPort: UAS1 });
    expect(await res).toMatchObject({ Status: '487 Request Terminated' });
    await t.waitForSent(isRequestTo(UAS1, 'ACK'));
    await expect(t.mi('t_uac_cancel', ['nope', '1'])).rejects.toThrow(/481/);

    const res2 = t.mi('tm:uac_dlg', { method: 'INVITE', ruri: `sip:bob@127.0.0.1:${UAS1}`, headers: headers.replace('uac-1', 'uac-2') });
    const inv2 = await t.waitForSent((s) => isRequestTo(UAS1, 'INVITE')(s) && s.text.includes('uac-2'));
    t.inject(answer(inv2, 200, 'OK', { headers: [`Contact: <sip:bob@127.0.0.1:${UAS1}>`] }), { srcPort: UAS1 });
    expect(await res2).toMatchObject({ Status: '200 OK' });
    const ack = await t.waitForSent((s) => isRequestTo(UAS1, 'ACK')(s) && s.text.includes('uac-2'));
    expect(SipMessage.parse(ack.buf).ruri).toBe(`sip:bob@127.0.0.1:${UAS1}`);
    expect(SipMessage.parse(ack.buf).via1.branch).not.toBe(SipMessage.parse(inv2.buf).via1.branch);
  });

  it('t_uac_dlg refuses a request without From', async () => {
    t = await tmServer(`route { exit; }`);
    await expect(t.mi('t_uac_dlg', { method: 'OPTIONS', ruri: 'sip:x@127.0.0.1', headers: 'To: <sip:x@127.0.0.1>' })).rejects.toThrow(/From missing/);
  });
});

describe('TM_API (load_tm_api)', () => {
  it('global REQUEST_IN and per-transaction callbacks run as a bitmask list', async () => {
    t = await tmServer(relay, { wt_timer: 1000 });
    const api = t.server.container.resolve(TM_API);
    const seen: string[] = [];
    api.registerCallback(null, TMCB.REQUEST_IN, (p: TmCallbackParams) => {
      seen.push(`in:${p.req?.method}`);
      api.registerCallback(p.tx, TMCB.RESPONSE_IN | TMCB.RESPONSE_OUT | TMCB.ON_FAILURE | TMCB.TRANS_DELETED, (q) => seen.push(`${q.type}:${q.code}`));
    });
    expect(() => api.registerCallback(null, TMCB.RESPONSE_IN, () => {})).toThrow(/REQUEST_IN/);
    t.inject(request());
    const inv = await t.waitForSent(isRequestTo(UAS1, 'INVITE'));
    t.inject(answer(inv, 486, 'Busy Here'), { srcPort: UAS1 });
    await t.waitForSent(isReplyTo(5999, 486));
    expect(seen).toEqual(['in:INVITE', `${TMCB.RESPONSE_OUT}:100`, `${TMCB.RESPONSE_IN}:486`, `${TMCB.ON_FAILURE}:486`, `${TMCB.RESPONSE_OUT}:486`]);
    t.inject(request({ method: 'ACK', toTag: 'b1' }));
    await sleep(1100);
    expect(seen.at(-1)).toBe(`${TMCB.TRANS_DELETED}:486`);
  });

  it('MSG_SENT_OUT: every message sent for the transaction, retransmissions and the local ACK included', async () => {
    t = await tmServer(relay, { T1_timer: 50, T2_timer: 200 });
    const api = t.server.container.resolve(TM_API);
    const seen: string[] = [];
    api.registerCallback(null, TMCB.REQUEST_IN, (p: TmCallbackParams) =>
      api.registerCallback(p.tx, TMCB.MSG_SENT_OUT, (q) => seen.push(`${q.branch} ${q.dst!.port} ${q.buf!.toString('latin1').split('\r\n', 1)[0]}`)),
    );
    t.inject(request());
    const inv = await t.waitForSent(isRequestTo(UAS1, 'INVITE'));
    await sleep(80); // Timer A: one retransmission at T1
    t.inject(answer(inv, 486, 'Busy Here'), { srcPort: UAS1 });
    await t.waitForSent(isReplyTo(5999, 486));
    const sentForTx = t.sent.map((s) => `${s.dst.port} ${s.text.split('\r\n', 1)[0]}`);
    expect(seen.map((s) => s.slice(s.indexOf(' ') + 1))).toEqual(sentForTx);
    expect(seen.filter((s) => s.includes('INVITE sip:')).length).toBeGreaterThanOrEqual(2);
    expect(seen.map((s) => s.split(' ', 1)[0])).toEqual(sentForTx.map((s) => (s.startsWith(`${UAS1} `) ? '0' : '-1')));
    expect(seen.some((s) => s.startsWith(`0 ${UAS1} ACK `))).toBe(true);
    t.inject(request({ method: 'ACK', toTag: 'b1' }));
  });

  it('relay / reply / transaction / lookupInvite from another module', async () => {
    t = await tmServer(`route { t_newtran(); }`);
    const api = t.server.container.resolve(TM_API);
    t.inject(request());
    await t.waitForSent(isReplyTo(5999, 100));
    const tx = api.lookupInvite('call-1@test', 1);
    expect(tx?.method).toBe('INVITE');
    expect(api.replyTo(tx!, 480, 'Gone Fishing')).toBe(1);
    const r = await t.waitForSent(isReplyTo(5999, 480));
    expect(status(r)).toBe('SIP/2.0 480 Gone Fishing');
    expect(api.replyTo(tx!, 200, 'OK')).toBe(-1); // already final
  });
});
