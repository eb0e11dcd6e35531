import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TestServer } from '@tsips/core';
import { Cleanup, deadPort, msrpApp, msrpStats, waitFor, type App } from './helpers.js';
import { send } from './frames.js';
import protoMsrp from '../src/index.js';

const c = new Cleanup();
afterEach(async () => {
  vi.useRealTimers();
  await c.run();
});

const CLIENT = 'msrp://127.0.0.1:9999/cli1;tcp';
const uriOf = (port: number, session = 's1'): string => `msrp://127.0.0.1:${port}/${session};tcp`;

async function setup(app: App = msrpApp(), extraConfig = ''): Promise<{ s: TestServer; port: number; app: App }> {
  const s = await c.server(extraConfig, [app.module]);
  return { s, port: s.listener('msrp').port, app };
}

describe('proto_msrp over real TCP (msrp.md §6)', () => {
  it('dispatches a SEND to the handler and sends its reply back on the connection', async () => {
    const { s, port, app } = await setup();
    app.onRequest = (m, a) => void a.api.sendReply(a.hdl, m, 200, 'OK', ['X-Test: yes']);
    const cl = await c.connect(port);
    const relay = uriOf(port);
    cl.write(send({ id: 'first1', to: relay, from: `${CLIENT} msrp://127.0.0.1:9998/c0;tcp`, body: 'hello' }));
    expect(await cl.next('the 200')).toBe(`MSRP first1 200 OK\r\nTo-Path: ${CLIENT}\r\nFrom-Path: ${relay}\r\nX-Test: yes\r\n-------first1$\r\n`);
    const m = app.requests[0]!;
    expect([m.method, m.transactionId, m.body?.toString(), m.rcv.proto, m.rcv.srcIp]).toEqual(['SEND', 'first1', 'hello', 'msrp', '127.0.0.1']);
    expect(msrpStats(s)).toMatchObject({ received_requests: 1, sent_replies: 1, dropped_invalid: 0 });
  });

  it('answers a non-SEND request with the whole From-Path, never a REPORT; REPORT gets send_report without a transaction', async () => {
    const { s, port, app } = await setup();
    const results: unknown[] = [];
    app.onRequest = (m, a) => {
      if (m.method === 'REPORT') results.push(a.api.sendReply(a.hdl, m, 200, 'OK'));
      else if (m.method === 'AUTH') results.push(a.api.sendReply(a.hdl, m, 401, 'Unauthorized'));
      else results.push(a.api.sendReport(a.hdl, '000 200', m, null));
    };
    const cl = await c.connect(port);
    const relay = uriOf(port);
    const from = `${CLIENT} msrp://127.0.0.1:9998/c0;tcp`;
    cl.write(`MSRP auth01 AUTH\r\nTo-Path: ${relay}\r\nFrom-Path: ${from}\r\n-------auth01$\r\n`);
    expect(await cl.next()).toBe(`MSRP auth01 401 Unauthorized\r\nTo-Path: ${from}\r\nFrom-Path: ${relay}\r\n-------auth01$\r\n`);
    cl.write(send({ id: 'rep001', method: 'REPORT', to: relay, from }));
    await waitFor(() => results.length === 2, 'the REPORT');
    expect(results[1]).toBe(false);
    cl.write(send({ id: 'snd001', to: relay, from, body: 'x' }));
    const rep = await cl.next('the REPORT');
    expect(rep).toMatch(new RegExp(`^MSRP (\\S+) REPORT\\r\\nTo-Path: ${from}\\r\\nFrom-Path: ${relay}\\r\\nMessage-ID: m1\\r\\nByte-Range: 1-\\*/\\*\\r\\nStatus: 000 200\\r\\n-------\\1\\$\\r\\n$`));
    expect(results[2]).toBe(true);
    expect(msrpStats(s)).toMatchObject({ sent_reports: 1, transactions_created: 0, active_transactions: 0 });
  });

  it('drops invalid frames silently and keeps serving the connection', async () => {
    const { s, port, app } = await setup();
    app.onRequest = (m, a) => void a.api.sendReply(a.hdl, m, 200, 'OK');
    const cl = await c.connect(port);
    const to = uriOf(port);
    cl.write(send({ id: 'bad001', to }).replace('Message-ID: m1\r\n', '')); // no Message-ID
    cl.write(send({ id: 'bad002', to, extra: 'Message-ID: again\r\n' })); // duplicate
    cl.write(send({ id: 'bad003', to: 'not-a-uri' })); // top To-Path does not parse
    cl.write(send({ id: 'bad004', to: 'msrps://127.0.0.1:1/x;tcp' })); // no handler for msrps
    cl.write(send({ id: 'good01', to }));
    expect(await cl.next()).toMatch(/^MSRP good01 200 OK\r\n/);
    expect(app.requests.map((m) => m.transactionId)).toEqual(['good01']);
    expect(cl.closed).toBe(false);
    expect(msrpStats(s)).toMatchObject({ dropped_invalid: 3, dropped_no_handler: 1, received_requests: 2 });
    // a framing error, unlike an invalid frame, closes the connection
    cl.write('MSRP abcd SEND\r\nTo-Path: x\r\n--------abcd$\r\n');
    await waitFor(() => cl.closed, 'the close');
  });

  it('dispatches on the top To-Path URI: host glob (any case), port or 0, secured flag; first match wins', async () => {
    const app = msrpApp([
      { host: 'relay-?.EXAMPLE.com', port: 0, secured: false },
      { host: '*', port: 7000, secured: false },
      { host: '*', port: 0, secured: true },
    ]);
    const { s, port } = await setup(app);
    const cl = await c.connect(port);
    cl.write(send({ id: 'disp01', to: 'msrp://Relay-1.example.COM:1234/a;tcp' }));
    cl.write(send({ id: 'disp02', to: 'msrp://other.example.com:7000/a;tcp' }));
    cl.write(send({ id: 'disp03', to: 'msrp://other.example.com:7001/a;tcp' }));
    cl.write(send({ id: 'disp04', to: 'msrps://relay-1.example.com:7000/a;tcp' }));
    cl.write(send({ id: 'disp05', to: 'msrp://relay-10.example.com:1/a;tcp' }));
    await waitFor(() => msrpStats(s).received_requests === 5, 'five requests');
    expect(app.requests.map((m) => m.transactionId)).toEqual(['disp01', 'disp02', 'disp04']);
    expect(msrpStats(s).dropped_no_handler).toBe(2);
  });

  it('forwards a request to the next hop and the next hop’s reply back (forwardRequest / forwardReply)', async () => {
    const { s, port, app } = await setup();
    const hop = await c.listen();
    const codes: number[] = [];
    app.onRequest = (m, a) => void codes.push(a.api.forwardRequest(a.hdl, m, { extraHeaders: ['X-Relayed: 1'], param: 'p1' }));
    app.onReply = (m, tx, a) => void (m && a.api.forwardReply(a.hdl, m, tx));
    const cl = await c.connect(port);
    const relay = uriOf(port, 'r1');
    const next = uriOf(hop.port, 'bob');
    cl.write(`MSRP orig01 AUTH\r\nTo-Path: ${relay} ${next}\r\nFrom-Path: ${CLIENT}\r\nX-Keep:  as is \r\n-------orig01$\r\n`);
    await waitFor(() => hop.peers.length === 1, 'the connection to the next hop');
    const fwd = await hop.peers[0]!.next('the forwarded AUTH');
    const id = /^MSRP (\S+) AUTH\r\n/.exec(fwd)![1]!;
    expect(id).not.toBe('orig01');
    expect(id.length).toBeLessThanOrEqual(20);
    expect(fwd).toBe(`MSRP ${id} AUTH\r\nTo-Path: ${next}\r\nFrom-Path: ${relay} ${CLIENT}\r\nX-Keep:  as is \r\nX-Relayed: 1\r\n-------${id}$\r\n`);
    expect(codes).toEqual([0]);
    expect(msrpStats(s)).toMatchObject({ transactions_created: 1, active_transactions: 1, sent_requests: 1 });

    // the next hop answers with the whole From-Path (AUTH): the reply goes back with the old id
    hop.peers[0]!.write(`MSRP ${id} 200 OK\r\nTo-Path: ${relay} ${CLIENT}\r\nFrom-Path: ${next}\r\n-------${id}$\r\n`);
    expect(await cl.next('the forwarded reply')).toBe(`MSRP orig01 200 OK\r\nTo-Path: ${CLIENT}\r\nFrom-Path: ${relay} ${next}\r\n-------orig01$\r\n`);
    const [reply, tx] = app.replies[0]!;
    expect([reply?.status, tx.param, tx.prevId, tx.method, tx.toTop, tx.fromPath]).toEqual([200, 'p1', 'orig01', 'AUTH', relay, [CLIENT]]);
    // a second reply for the same id matches nothing any more
    hop.peers[0]!.write(`MSRP ${id} 200 OK\r\nTo-Path: ${relay}\r\nFrom-Path: ${next}\r\n-------${id}$\r\n`);
    await waitFor(() => msrpStats(s).dropped_unmatched_replies === 1, 'the unmatched reply');
    expect(msrpStats(s)).toMatchObject({ active_transactions: 0, received_replies: 2 });
  });

  it('forwards a REPORT with its own id and no transaction; refuses bad next hops', async () => {
    const { s, port, app } = await setup();
    const hop = await c.listen();
    const codes: number[] = [];
    app.onRequest = (m, a) => void codes.push(a.api.forwardRequest(a.hdl, m));
    const cl = await c.connect(port);
    const relay = uriOf(port);
    cl.write(send({ id: 'repfw1', method: 'REPORT', to: `${relay} ${uriOf(hop.port, 'x')}` }));
    await waitFor(() => hop.peers.length === 1, 'the next hop');
    expect(await hop.peers[0]!.next()).toMatch(/^MSRP repfw1 REPORT\r\n[\s\S]*-------repfw1\$\r\n$/);
    cl.write(send({ id: 'nohop1', to: relay })); // no second URI
    cl.write(send({ id: 'noport', to: `${relay} msrp://127.0.0.1/x;tcp` }));
    cl.write(send({ id: 'secure', to: `${relay} msrps://127.0.0.1:5/x;tcp` })); // no msrps sockets
    cl.write(send({ id: 'badur1', to: `${relay} http://x` }));
    await waitFor(() => codes.length === 5, 'five forwards');
    expect(codes).toEqual([0, -1, -1, -2, -1]);
    expect(msrpStats(s)).toMatchObject({ transactions_created: 0, active_transactions: 0 });
  });

  it('resolves a next-hop name (A/AAAA), keeping the order of frames to it; an unknown name ends the transaction', async () => {
    const { s, port, app } = await setup();
    const hop = await c.listen();
    app.onRequest = (m, a) => void a.api.forwardRequest(a.hdl, m, { param: m.transactionId });
    const cl = await c.connect(port);
    for (const id of ['name01', 'name02', 'name03']) cl.write(send({ id, to: `${uriOf(port)} msrp://localhost:${hop.port}/n;tcp`, body: id }));
    await waitFor(() => hop.peers.length === 1 && hop.peers[0]!.frames.length === 3, 'three forwarded frames');
    expect(hop.peers[0]!.frames.map((f) => /\r\n\r\n(name\d+)\r\n/.exec(f)?.[1])).toEqual(['name01', 'name02', 'name03']);
    cl.write(send({ id: 'nxdom1', to: `${uriOf(port)} msrp://no-such-host.invalid:5/n;tcp` }));
    await waitFor(() => app.replies.length === 1, 'the early end', 8000);
    expect(app.replies[0]![0]).toBeNull();
    expect(app.replies[0]![1].param).toBe('nxdom1');
    expect(msrpStats(s)).toMatchObject({ transactions_failed: 1, active_transactions: 3 });
  });

  it('ends a transaction at once when its connect fails, and sends on a given conId (a relay session)', async () => {
    const dead = await deadPort();
    const { s, port, app } = await setup();
    app.onRequest = (m, a) => {
      const sess = a.requests[0]!; // bob's first request opened his session connection
      if (m !== sess) a.api.forwardRequest(a.hdl, m, { conId: sess.rcv.conId, param: 'via-conid' });
    };
    const bob = await c.connect(port);
    bob.write(send({ id: 'sess01', to: uriOf(port) }));
    await waitFor(() => app.requests.length === 1, 'the session request');
    const alice = await c.connect(port);
    alice.write(send({ id: 'tobob1', to: `${uriOf(port)} msrp://bob.invalid:1/b;tcp`, body: 'hi bob' }));
    const got = await bob.next('the SEND on the session connection');
    expect(got).toMatch(/^MSRP \S+ SEND\r\nTo-Path: msrp:\/\/bob.invalid:1\/b;tcp\r\n[\s\S]*hi bob\r\n-------\S+\$\r\n$/);

    app.onRequest = (m, a) => void a.api.forwardRequest(a.hdl, m, { param: 'refused' });
    alice.write(send({ id: 'refus1', to: `${uriOf(port)} ${uriOf(dead)}` }));
    await waitFor(() => app.replies.length === 1, 'the early end');
    expect(app.replies[0]![0]).toBeNull();
    expect(app.replies[0]![1].param).toBe('refused');
    // the SEND to bob still waits for its reply
    expect(msrpStats(s)).toMatchObject({ transactions_created: 2, transactions_failed: 1, transactions_timed_out: 0, active_transactions: 1 });
  });

  it('sends new requests (sendRequest) and matches their replies', async () => {
    const { s, app } = await setup();
    const hop = await c.listen();
    const me = 'msrp://127.0.0.1:1/me;tcp';
    const code = app.api.sendRequest(app.hdl, {
      method: 'SEND',
      fromPath: [me],
      toPath: [uriOf(hop.port, 'peer')],
      contentType: 'text/plain',
      body: 'new body',
      extraHeaders: ['Message-ID: nm1', 'Byte-Range: 1-8/8'],
      continuation: '+',
      param: 42,
    });
    expect(code).toBe(0);
    expect(app.api.sendRequest(app.hdl, { method: 'SEND', fromPath: [me], toPath: [uriOf(hop.port)], body: 'x' })).toBe(-1); // body without type
    await waitFor(() => hop.peers.length === 1, 'the connection');
    const f = await hop.peers[0]!.next();
    const id = /^MSRP (\S+) SEND\r\n/.exec(f)![1]!;
    expect(f).toBe(`MSRP ${id} SEND\r\nTo-Path: ${uriOf(hop.port, 'peer')}\r\nFrom-Path: ${me}\r\nMessage-ID: nm1\r\nByte-Range: 1-8/8\r\nContent-Type: text/plain\r\n\r\nnew body\r\n-------${id}+\r\n`);
    hop.peers[0]!.write(`MSRP ${id} 200 OK\r\nTo-Path: ${me}\r\nFrom-Path: ${uriOf(hop.port, 'peer')}\r\n-------${id}$\r\n`);
    await waitFor(() => app.replies.length === 1, 'the reply');
    const [r, tx] = app.replies[0]!;
    expect([r?.status, tx.param, tx.messageId, tx.byteRange, tx.prevId]).toEqual([200, 42, 'nm1', '1-8/8', '']);
    // a transaction of a new request has no previous hop to answer
    expect(app.api.sendReplyOnTransaction(app.hdl, tx, 408, 'Timeout')).toBe(false);
    expect(msrpStats(s)).toMatchObject({ sent_requests: 1, transactions_created: 1 });
  });

  it('times out an unanswered transaction after 30 s: onReply(null) and a reply from the stored data', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { s, port, app } = await setup();
    const hop = await c.listen();
    app.onRequest = (m, a) => void a.api.forwardRequest(a.hdl, m, { param: 'slow' });
    app.onReply = (m, tx, a) => {
      if (m === null) {
        a.api.sendReplyOnTransaction(a.hdl, tx, 408, 'Request Timeout');
        a.api.sendReport(a.hdl, '000 408', null, tx);
      }
    };
    const cl = await c.connect(port);
    const relay = uriOf(port);
    const from = `${CLIENT} msrp://127.0.0.1:9998/c0;tcp`;
    cl.write(send({ id: 'slow01', to: `${relay} ${uriOf(hop.port)}`, from, body: 'anyone?' }));
    await waitFor(() => hop.peers.length === 1 && hop.peers[0]!.frames.length === 1, 'the forwarded SEND');
    vi.advanceTimersByTime(28_000);
    expect(app.replies).toEqual([]);
    vi.advanceTimersByTime(3_000);
    expect(app.replies.map(([m, tx]) => [m, tx.param])).toEqual([[null, 'slow']]);
    expect(await cl.next('the 408')).toBe(`MSRP slow01 408 Request Timeout\r\nTo-Path: ${from}\r\nFrom-Path: ${relay}\r\n-------slow01$\r\n`);
    expect(await cl.next('the REPORT')).toMatch(/\r\nStatus: 000 408\r\n/);
    expect(msrpStats(s)).toMatchObject({ transactions_timed_out: 1, active_transactions: 0 });
  });

  it('declares the OpenSIPS params; max_msg_chunks and the core read timeout bound a partial frame', async () => {
    expect(Object.fromEntries(Object.entries(protoMsrp.params!).map(([k, v]) => [k, v.default]))).toEqual({
      send_timeout: 100,
      max_msg_chunks: 4,
      trace_destination: undefined,
      trace_on: false,
      trace_filter_route: undefined,
    });
    expect(protoMsrp.protos!.map((h) => [h.name, h.stream, h.defaultPort])).toEqual([['msrp', true, 2855]]);
    const { s, port } = await setup(msrpApp(), 'modparam("proto_msrp", "max_msg_chunks", 2)\nmodparam("proto_msrp", "send_timeout", 250)\ntcp_max_msg_time = 1');
    expect(s.server.tcp.protoOptions('msrp')).toMatchObject({ maxMsgChunks: 2, sendTimeout: 250 });
    const frame = send({ id: 'part01', to: uriOf(port) });
    const chunky = await c.connect(port);
    chunky.write(frame.slice(0, 10));
    await new Promise((r) => setTimeout(r, 30));
    chunky.write(frame.slice(10, 20));
    await waitFor(() => chunky.closed, 'the close after 2 chunks');
    const slow = await c.connect(port);
    const t0 = Date.now();
    slow.write(frame.slice(0, 10));
    await waitFor(() => slow.closed, 'the read timeout', 4000);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
  });

  it('msrp_trace shows and switches tracing; other modes are invalid params', async () => {
    const { s } = await setup(msrpApp(), 'modparam("proto_msrp", "trace_on", 1)');
    expect(await s.mi('msrp_trace')).toEqual({ 'MSRP tracing': 'on' });
    expect(await s.mi('msrp:trace', { trace_mode: 'off' })).toBe('OK');
    expect(await s.mi('msrp_trace', [])).toEqual({ 'MSRP tracing': 'off' });
    await expect(s.mi('msrp_trace', { trace_mode: 'maybe' })).rejects.toThrow("-32602: Invalid params (trace_mode should be 'on' or 'off')");
  });
});
