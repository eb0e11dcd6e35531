import { describe, expect, it } from 'vitest';
import { handleRequest } from '../src/requests.js';
import { handleReply } from '../src/replies.js';
import { CLIENT_A, CLIENT_B, harness, msg, RELAY, tx, type Harness } from './fake-api.js';

/** An open relay with A authenticated on connection 7; returns A's session URI. */
function withSession(): Harness & { sessUri: string; id: string } {
  const h = harness({ lookup: null });
  handleRequest(h.st, msg({ method: 'AUTH', toPath: [RELAY], fromPath: [CLIENT_A], conId: 7 }));
  const usePath = h.api.of('reply')[0]!.headers[0]!.replace('Use-Path: ', '');
  h.api.calls = [];
  return { ...h, sessUri: usePath, id: /\/([^;]+);/.exec(usePath)![1]! };
}

const send = (toPath: string[], fromPath: string[], o: { fr?: string; conId?: number; method?: string } = {}) =>
  msg({
    method: o.method ?? 'SEND',
    toPath,
    fromPath,
    conId: o.conId ?? 9,
    headers: { 'Message-ID': 'm1', 'Byte-Range': '1-5/5', 'Content-Type': 'text/plain', ...(o.fr ? { 'Failure-Report': o.fr } : {}) },
    body: 'hello',
  });

describe('RFC 4976 §6 SEND/REPORT through a session', () => {
  it('peer -> client: 200 at once, then forwarded on the connection the client authenticated on', () => {
    const h = withSession();
    handleRequest(h.st, send([h.sessUri, CLIENT_A], [CLIENT_B]));
    expect(h.api.calls.map((c) => c.fn)).toEqual(['reply', 'forward']);
    expect(h.api.of('reply')[0]!.code).toBe(200);
    expect(h.api.of('forward')[0]!.opts).toEqual({ conId: 7 });
    expect(h.st.stats.forwarded.value).toBe(1);
  });

  it("client -> peer: connects per To-Path, unless the peer's SEND came first on its own connection", () => {
    const h = withSession();
    handleRequest(h.st, send([h.sessUri, CLIENT_B], [CLIENT_A], { conId: 7 }));
    expect(h.api.of('forward')[0]!.opts).toBeUndefined();

    const h2 = withSession();
    handleRequest(h2.st, send([h2.sessUri, CLIENT_A], [CLIENT_B], { conId: 21 }));
    handleRequest(h2.st, send([h2.sessUri, CLIENT_B], [CLIENT_A], { conId: 7 }));
    expect(h2.api.of('forward').map((f) => f.opts)).toEqual([{ conId: 7 }, { conId: 21 }]);
  });

  it('the client reconnecting: later traffic to it follows its newest connection', () => {
    const h = withSession();
    handleRequest(h.st, send([h.sessUri, CLIENT_B], [CLIENT_A], { conId: 30 }));
    handleRequest(h.st, send([h.sessUri, CLIENT_A], [CLIENT_B], { conId: 9 }));
    expect(h.api.of('forward')[1]!.opts).toEqual({ conId: 30 });
  });

  it('a dead session connection falls back to connecting to the next URI', () => {
    const h = withSession();
    h.api.forwardResult = (o) => (o?.conId ? -2 : 0);
    handleRequest(h.st, send([h.sessUri, CLIENT_A], [CLIENT_B]));
    expect(h.api.of('forward').map((f) => f.opts)).toEqual([{ conId: 7 }, undefined]);
    expect(h.api.of('report')).toHaveLength(0);
  });

  it('unknown session: 200 then REPORT 000 481 (SEND); nothing for Failure-Report: no; a REPORT is silently dropped', () => {
    const h = withSession();
    const bad = RELAY.replace(';tcp', '/nosuch;tcp');
    handleRequest(h.st, send([bad, CLIENT_A], [CLIENT_B]));
    expect(h.api.calls.map((c) => c.fn)).toEqual(['reply', 'report']);
    expect(h.api.of('report')[0]!.status).toBe('000 481');
    h.api.calls = [];
    handleRequest(h.st, send([bad, CLIENT_A], [CLIENT_B], { fr: 'no' }));
    handleRequest(h.st, send([bad, CLIENT_A], [CLIENT_B], { method: 'REPORT' }));
    expect(h.api.calls).toEqual([]);
  });

  it('Failure-Report: partial still gets 200 and failure REPORTs', () => {
    const h = withSession();
    h.api.forwardResult = () => -2;
    handleRequest(h.st, send([h.sessUri, CLIENT_B], [CLIENT_A], { fr: 'partial' }));
    expect(h.api.of('reply')[0]!.code).toBe(200);
    expect(h.api.of('report').map((r) => r.status)).toEqual(['000 403']);
  });

  it('forwarding fails: REPORT 000 403, except with Failure-Report: no', () => {
    const h = withSession();
    h.api.forwardResult = () => -3;
    handleRequest(h.st, send([h.sessUri, CLIENT_B], [CLIENT_A]));
    handleRequest(h.st, send([h.sessUri, CLIENT_B], [CLIENT_A], { fr: 'no' }));
    expect(h.api.of('report').map((r) => r.status)).toEqual(['000 403']);
    expect(h.api.of('reply')).toHaveLength(1);
    expect(h.st.stats.reportsSent.value).toBe(1);
  });

  it('REPORT is forwarded without a 200', () => {
    const h = withSession();
    handleRequest(h.st, send([h.sessUri, CLIENT_A], [CLIENT_B], { method: 'REPORT' }));
    expect(h.api.calls.map((c) => c.fn)).toEqual(['forward']);
  });

  it('an unknown method gets 501', () => {
    const h = withSession();
    handleRequest(h.st, send([h.sessUri, CLIENT_A], [CLIENT_B], { method: 'NICKNAME' }));
    expect(h.api.of('reply').map((r) => [r.code, r.reason])).toEqual([[501, 'Unknown method']]);
  });

  it('requests not addressed to one of my URIs are dropped without an answer', () => {
    const h = withSession();
    handleRequest(h.st, send(['msrp://127.0.0.1:2856/x;tcp', CLIENT_A], [CLIENT_B]));
    handleRequest(h.st, send(['msrps://127.0.0.1:2855/x;tcp', CLIENT_A], [CLIENT_B]));
    handleRequest(h.st, send(['msrp://127.0.0.1/x;tcp', CLIENT_A], [CLIENT_B]));
    handleRequest(h.st, send(['not a uri', CLIENT_A], [CLIENT_B]));
    expect(h.api.calls).toEqual([]);
  });

  it('sessions expire: 481 after Expires, and the cleanup sweep frees them', () => {
    const h = withSession();
    h.advance(1799_000);
    handleRequest(h.st, send([h.sessUri, CLIENT_A], [CLIENT_B]));
    expect(h.api.of('forward')).toHaveLength(1);
    h.advance(2_000);
    expect(h.st.sessions.size).toBe(1);
    expect(h.st.sessions.sweep()).toBe(1);
    handleRequest(h.st, send([h.sessUri, CLIENT_A], [CLIENT_B]));
    expect(h.api.of('report').map((r) => r.status)).toEqual(['000 481']);
  });
});

describe('responses and timeouts of forwarded requests', () => {
  const reply = (status: number, toPath: string[]) => msg({ status, toPath, fromPath: [CLIENT_B] });

  it('200 to a SEND is absorbed (already answered upstream)', () => {
    const h = harness();
    handleReply(h.st, reply(200, [RELAY]), tx({ method: 'SEND' }));
    expect(h.api.calls).toEqual([]);
  });

  it('a failure with more To-Path hops goes back; without: REPORT 000 <code> when Failure-Report allows', () => {
    const h = harness();
    handleReply(h.st, reply(481, [RELAY, CLIENT_A]), tx({ method: 'SEND' }));
    expect(h.api.calls.map((c) => c.fn)).toEqual(['forwardReply']);
    h.api.calls = [];
    handleReply(h.st, reply(413, [RELAY]), tx({ method: 'SEND' }));
    handleReply(h.st, reply(415, [RELAY]), tx({ method: 'SEND', failureReport: 'partial' }));
    handleReply(h.st, reply(481, [RELAY]), tx({ method: 'SEND', failureReport: 'no' }));
    expect(h.api.of('report').map((r) => r.status)).toEqual(['000 413', '000 415']);
    expect(h.api.of('report')[0]!.tx!.method).toBe('SEND');
  });

  it("AUTH's responses (200 included) go back to the client", () => {
    const h = harness();
    handleReply(h.st, reply(200, [RELAY, CLIENT_A]), tx({ method: 'AUTH' }));
    handleReply(h.st, reply(401, [RELAY, CLIENT_A]), tx({ method: 'AUTH' }));
    expect(h.api.calls.map((c) => c.fn)).toEqual(['forwardReply', 'forwardReply']);
  });

  it('a response not addressed to us is dropped', () => {
    const h = harness();
    handleReply(h.st, reply(403, ['msrp://10.9.9.9:2855;tcp']), tx({ method: 'SEND' }));
    expect(h.api.calls).toEqual([]);
  });

  it('timeout: REPORT 000 408 only with an explicit Failure-Report: yes; AUTH gets a 408 response', () => {
    const h = harness();
    handleReply(h.st, null, tx({ method: 'SEND' }));
    handleReply(h.st, null, tx({ method: 'SEND', failureReport: 'partial' }));
    handleReply(h.st, null, tx({ method: 'SEND', failureReport: 'yes' }));
    handleReply(h.st, null, tx({ method: 'AUTH' }));
    expect(h.api.calls.map((c) => (c.fn === 'report' ? c.status : c.fn === 'replyOnTx' ? c.code : c.fn))).toEqual(['000 408', 408]);
  });
});
