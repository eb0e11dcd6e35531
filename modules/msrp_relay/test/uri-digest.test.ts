import { describe, expect, it } from 'vitest';
import { digestResponse, ha1Of, NonceCodec, parseDigestParams } from '../src/digest.js';
import { resolveMyUris } from '../src/params.js';
import { parseMsrpUri, sameRelayUri, withSession } from '../src/uri.js';
import type { Listener } from '@tsips/core';

describe('MSRP URIs (RFC 4975 §6)', () => {
  it('parses scheme, host, port, session and transport', () => {
    expect(parseMsrpUri('msrps://Alice@Relay.Example.COM:2856/s1x;tcp;foo=1')).toMatchObject({
      secured: true,
      host: 'relay.example.com',
      port: 2856,
      session: 's1x',
      transport: 'tcp',
    });
    expect(parseMsrpUri('msrp://[::1]:2855/abc;tcp')).toMatchObject({ host: '::1', port: 2855 });
    expect(parseMsrpUri('msrp://host:2855/abc')).toBeUndefined(); // transport is mandatory
    expect(parseMsrpUri('sip:bob@host')).toBeUndefined();
    expect(parseMsrpUri('msrp://host:70000;tcp')).toBeUndefined();
  });

  it('compares relay URIs: host case and IPv6 spelling ignored, port/scheme/transport not', () => {
    const a = parseMsrpUri('msrp://[::1]:2855/x;tcp')!;
    expect(sameRelayUri(a, parseMsrpUri('msrp://[0:0::1]:2855;TCP')!)).toBe(true);
    expect(sameRelayUri(a, parseMsrpUri('msrps://[::1]:2855;tcp')!)).toBe(false);
    expect(sameRelayUri(a, parseMsrpUri('msrp://[::1]:2856;tcp')!)).toBe(false);
    expect(withSession(a, 'S')).toBe('msrp://[::1]:2855/S;tcp');
  });

  it('my_uri needs a matching msrp socket; the port defaults to 2855', () => {
    const l = (proto: string, ip: string, port: number): Listener => ({ proto, ip, port, family: 4, name: `${proto}:${ip}:${port}` });
    expect(resolveMyUris(['msrp://127.0.0.1;tcp'], [l('msrp', '127.0.0.1', 2855)])[0]!.port).toBe(2855);
    expect(resolveMyUris(['msrp://relay.example.org:3000;tcp'], [l('msrp', '0.0.0.0', 3000)])).toHaveLength(1);
    expect(() => resolveMyUris(['msrp://127.0.0.1:2855;tcp'], [l('tcp', '127.0.0.1', 2855)])).toThrow(/matches no msrp socket/);
    expect(() => resolveMyUris(['msrp://127.0.0.2:2855;tcp'], [l('msrp', '127.0.0.1', 2855)])).toThrow(/matches no msrp socket/);
    expect(() => resolveMyUris([], [l('msrp', '127.0.0.1', 2855)])).toThrow(/at least once/);
  });
});

describe('RFC 2617 digest pieces', () => {
  it('computes the RFC 2617 §3.5 example response (qop=auth)', () => {
    // the RFC's GET example, recomputed with method AUTH's formula shape
    const ha1 = ha1Of('Mufasa', 'testrealm@host.com', 'Circle Of Life');
    const r = digestResponse({ ha1, nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093', nc: '00000001', cnonce: '0a4f113b', qop: 'auth', method: 'GET', uri: '/dir/index.html' });
    expect(r).toBe('6629fae49393a05397450978507c4ef1');
  });

  it('parses quoted and token parameters; rejects non-Digest and garbage', () => {
    const p = parseDigestParams('Digest username="a\\"b", realm="r", nc=00000001, qop=auth')!;
    expect([p.get('username'), p.get('realm'), p.get('nc'), p.get('qop')]).toEqual(['a"b', 'r', '00000001', 'auth']);
    expect(parseDigestParams('Basic abc')).toBeUndefined();
    expect(parseDigestParams('Digest username=')).toBeUndefined();
  });

  it('nonces: own and fresh = ok, own and old = stale, tampered = bad', () => {
    let now = 1_000_000;
    const codec = new NonceCodec(30, () => now);
    const n = codec.make();
    expect(codec.check(n)).toBe('ok');
    now += 31_000;
    expect(codec.check(n)).toBe('stale');
    expect(codec.check(n.slice(0, -1) + (n.endsWith('0') ? '1' : '0'))).toBe('bad');
    expect(codec.check(new NonceCodec(30, () => now).make())).toBe('bad');
  });
});
