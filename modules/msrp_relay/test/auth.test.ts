import { describe, expect, it } from 'vitest';
import { handleRequest } from '../src/requests.js';
import { ha1Of } from '../src/digest.js';
import { authorization, challengeParams, expectedRspauth } from './digest-client.js';
import { CLIENT_A, harness, msg, RELAY, type Harness } from './fake-api.js';

const auth = (headers: Record<string, string> = {}, toPath = [RELAY]) => msg({ method: 'AUTH', toPath, fromPath: [CLIENT_A], headers, conId: 7 });

/** AUTH without credentials; returns the WWW-Authenticate value of the 401. */
function challenge(h: Harness): string {
  handleRequest(h.st, auth());
  const r = h.api.of('reply').at(-1)!;
  expect(r.code).toBe(401);
  return r.headers[0]!.replace(/^WWW-Authenticate: /, '');
}

const header = (headers: readonly string[], name: string) => headers.find((x) => x.startsWith(`${name}: `))?.slice(name.length + 2);

describe('RFC 4976 §5 AUTH to the relay', () => {
  it('challenges with Digest realm (top To-Path host), nonce, qop=auth, algorithm=MD5', () => {
    const h = harness();
    const www = challenge(h);
    expect(www).toMatch(/^Digest /);
    const c = challengeParams(www);
    expect(c).toMatchObject({ realm: '127.0.0.1', qop: 'auth', algorithm: 'MD5' });
    expect(c.nonce).toMatch(/^[0-9a-f]{56}$/);
    expect(c.stale).toBeUndefined();
    expect(h.st.sessions.size).toBe(0);
  });

  it('auth_realm overrides the To-Path host', () => {
    const h = harness({ cfg: { realm: 'example.org' } });
    expect(challengeParams(challenge(h)).realm).toBe('example.org');
  });

  it('good credentials: 200 with Use-Path (new session), Expires, Authentication-Info; session bound to the connection', () => {
    const h = harness();
    const www = challenge(h);
    handleRequest(h.st, auth({ Authorization: authorization(www, 'alice', 'secret', RELAY) }));
    const ok = h.api.of('reply').at(-1)!;
    expect(ok.code).toBe(200);
    const usePath = header(ok.headers, 'Use-Path')!;
    const m = /^msrp:\/\/127\.0\.0\.1:2855\/([A-Za-z0-9_-]+);tcp$/.exec(usePath);
    expect(m).not.toBeNull();
    expect(header(ok.headers, 'Expires')).toBe('1800');
    expect(header(ok.headers, 'Authentication-Info')).toContain(`rspauth="${expectedRspauth(www, 'alice', 'secret', RELAY)}"`);
    const s = h.st.sessions.get(m![1]!)!;
    expect(s).toMatchObject({ user: 'alice', clientUri: CLIENT_A, clientConId: 7 });
    expect(h.st.stats.authOk.value).toBe(1);
  });

  it('calculate_ha1=0: the auth route gives a ready HA1', () => {
    const h = harness({ lookup: (u, r) => ha1Of(u, r, 'pw'), cfg: { calculateHa1: false } });
    const www = challenge(h);
    handleRequest(h.st, auth({ Authorization: authorization(www, 'bob', 'pw', RELAY) }));
    expect(h.api.of('reply').at(-1)!.code).toBe(200);
  });

  it('wrong password or unknown user: 403, no session', () => {
    const h = harness();
    const www = challenge(h);
    handleRequest(h.st, auth({ Authorization: authorization(www, 'alice', 'wrong', RELAY) }));
    handleRequest(h.st, auth({ Authorization: authorization(www, 'mallory', 'secret', RELAY) }));
    expect(h.api.of('reply').slice(1).map((r) => r.code)).toEqual([403, 403]);
    expect(h.st.sessions.size).toBe(0);
    expect(h.st.stats.authFailed.value).toBe(2);
  });

  it('digest over another To-Path URI does not verify (H(A2) uses the To-Path URI)', () => {
    const h = harness();
    const www = challenge(h);
    handleRequest(h.st, auth({ Authorization: authorization(www, 'alice', 'secret', 'msrp://elsewhere:1;tcp') }));
    expect(h.api.of('reply').at(-1)!.code).toBe(403);
  });

  it('expired nonce: 401 again with stale=true, then the fresh nonce works', () => {
    const h = harness();
    const www = challenge(h);
    h.advance(31_000);
    handleRequest(h.st, auth({ Authorization: authorization(www, 'alice', 'secret', RELAY) }));
    const again = h.api.of('reply').at(-1)!;
    expect(again.code).toBe(401);
    const www2 = again.headers[0]!.replace(/^WWW-Authenticate: /, '');
    expect(challengeParams(www2).stale).toBe('true');
    handleRequest(h.st, auth({ Authorization: authorization(www2, 'alice', 'secret', RELAY) }));
    expect(h.api.of('reply').at(-1)!.code).toBe(200);
  });

  it('a nonce the relay did not make: 400; malformed credentials: 400', () => {
    const h = harness();
    const www = challenge(h).replace(/nonce="[0-9a-f]+"/, `nonce="${'0'.repeat(56)}"`);
    handleRequest(h.st, auth({ Authorization: authorization(www, 'alice', 'secret', RELAY) }));
    handleRequest(h.st, auth({ Authorization: 'Basic YWxpY2U6c2VjcmV0' }));
    handleRequest(h.st, auth({ Authorization: 'Digest username="alice"' }));
    expect(h.api.of('reply').slice(1).map((r) => [r.code, r.reason])).toEqual([
      [400, 'Bad nonce'],
      [400, 'Invalid credentials'],
      [400, 'Invalid credentials'],
    ]);
  });

  it('qop other than auth or an algorithm other than MD5: 403', () => {
    const h = harness();
    const www = challenge(h);
    const good = authorization(www, 'alice', 'secret', RELAY);
    handleRequest(h.st, auth({ Authorization: good.replace('qop=auth', 'qop=auth-int') }));
    handleRequest(h.st, auth({ Authorization: good.replace('algorithm=MD5', 'algorithm=SHA-256') }));
    expect(h.api.of('reply').slice(1).map((r) => r.code)).toEqual([403, 403]);
  });

  it('Expires inside the bounds is granted; outside: 423 with Min-Expires / Max-Expires; non-numeric: 400', () => {
    const h = harness();
    const www = challenge(h);
    const cred = authorization(www, 'alice', 'secret', RELAY);
    handleRequest(h.st, auth({ Authorization: cred, Expires: '600' }));
    handleRequest(h.st, auth({ Authorization: cred, Expires: '59' }));
    handleRequest(h.st, auth({ Authorization: cred, Expires: '3601' }));
    handleRequest(h.st, auth({ Authorization: cred, Expires: 'soon' }));
    const [ok, low, high, bad] = h.api.of('reply').slice(1);
    expect(ok!.code).toBe(200);
    expect(header(ok!.headers, 'Expires')).toBe('600');
    expect([low!.code, low!.reason, low!.headers]).toEqual([423, 'Interval Out-of-Bounds', ['Min-Expires: 60']]);
    expect([high!.code, high!.headers]).toEqual([423, ['Max-Expires: 3600']]);
    expect(bad!.code).toBe(400);
    expect(h.st.sessions.size).toBe(1);
  });

  it('open relay (no auth route): AUTH gets a session at once, bounds still apply', () => {
    const h = harness({ lookup: null });
    handleRequest(h.st, auth());
    handleRequest(h.st, auth({ Expires: '10' }));
    const [ok, low] = h.api.of('reply');
    expect(ok!.code).toBe(200);
    expect(header(ok!.headers, 'Use-Path')).toMatch(/^msrp:\/\/127\.0\.0\.1:2855\/.+;tcp$/);
    expect(header(ok!.headers, 'Authentication-Info')).toBeUndefined();
    expect(low!.code).toBe(423);
  });

  it('an auth route that throws refuses the user (403), it does not crash the relay', () => {
    const h = harness({ lookup: () => { throw new Error('db down'); } });
    const www = challenge(h);
    handleRequest(h.st, auth({ Authorization: authorization(www, 'alice', 'secret', RELAY) }));
    expect(h.api.of('reply').at(-1)!.code).toBe(403);
  });

  it('AUTH with further To-Path hops is forwarded; 403 when forwarding fails', () => {
    const h = harness();
    const next = 'msrp://relay2.example:2855;tcp';
    handleRequest(h.st, auth({}, [RELAY, next]));
    expect(h.api.of('forward')).toHaveLength(1);
    expect(h.api.of('reply')).toHaveLength(0);
    h.api.forwardResult = () => -2;
    handleRequest(h.st, auth({}, [RELAY, next]));
    expect(h.api.of('reply').map((r) => r.code)).toEqual([403]);
  });

  it('AUTH to our host without a port matches by the port it arrived on', () => {
    const h = harness({ lookup: null });
    handleRequest(h.st, msg({ method: 'AUTH', toPath: ['msrp://127.0.0.1;tcp'], fromPath: [CLIENT_A], dstPort: 2855 }));
    handleRequest(h.st, msg({ method: 'AUTH', toPath: ['msrp://127.0.0.1;tcp'], fromPath: [CLIENT_A], dstPort: 9999 }));
    expect(h.api.of('reply').map((r) => r.code)).toEqual([200]);
  });
});
