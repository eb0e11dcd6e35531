import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ReceiveInfo } from '@tsips/core';
import { buildReport, buildRequest, buildResponse, MsrpFrame, parseMsrp, parseMsrpUri, PARSE_ERRORS, relayFrame, relayFrameParts, splitPath } from '../src/index.js';
import { RESPONSE, RESPONSE_NO_COMMENT, SEND, send } from './frames.js';

const RCV = { proto: 'msrp', srcIp: '127.0.0.1', srcPort: 40000, dstIp: '127.0.0.1', dstPort: 2855, conId: 7, listener: null, time: 0 } as ReceiveInfo;
const parse = (s: string | Buffer): MsrpFrame | string => parseMsrp(typeof s === 'string' ? Buffer.from(s, 'latin1') : s, RCV);
function ok(s: string | Buffer): MsrpFrame {
  const m = parse(s);
  if (typeof m === 'string') throw new Error(`unexpected parse error: ${m}`);
  return m;
}

describe('MSRP parser (RFC 4975 ABNF, msrp.md §6 validation)', () => {
  it('parses a SEND with a body: first line, paths, headers, body, flag', () => {
    const m = ok(SEND);
    expect(m.kind).toBe('request');
    expect(m.method).toBe('SEND');
    expect(m.transactionId).toBe('a786hjs2');
    expect(m.toPath).toEqual(['msrp://relay.example.com:2855/kjhd37s2s20w2a;tcp', 'msrp://bob.example.com:8888/9di4eae923wzd;tcp']);
    expect(m.fromPath).toEqual(['msrp://alicepc.example.com:7777/iau39soe2843z;tcp']);
    expect(m.messageId).toBe('87652491');
    expect(m.header('Byte-Range')).toBe('1-25/25');
    expect(m.header('content-type')).toBe('text/plain');
    expect(m.body?.toString()).toBe('Hey Bob, are you there?');
    expect(m.continuation).toBe('$');
    expect(m.rcv).toBe(RCV);
  });

  it('parses chunked (+) and aborted (#) end-lines and other methods', () => {
    expect(ok(send({ body: 'abc', flag: '+' })).continuation).toBe('+');
    expect(ok(send({ body: 'abc', flag: '#' })).continuation).toBe('#');
    const auth = ok('MSRP auth1 AUTH\r\nTo-Path: msrp://r:1/;tcp\r\nFrom-Path: msrp://c:2/x;tcp\r\n-------auth1$\r\n');
    expect(auth.method).toBe('AUTH'); // AUTH needs no Message-ID
    expect(ok(send({ method: 'NICKNAME' })).method).toBe('NICKNAME');
  });

  it('parses responses with and without a comment', () => {
    const r = ok(RESPONSE);
    expect([r.kind, r.status, r.comment, r.method]).toEqual(['response', 200, 'OK', '']);
    const n = ok(RESPONSE_NO_COMMENT);
    expect([n.kind, n.status, n.comment]).toEqual(['response', 200, '']);
    expect(ok(RESPONSE.replace('200 OK', '481 Session does not exist')).comment).toBe('Session does not exist');
  });

  it('reads extension headers case-insensitively and keeps a body holding dashes intact', () => {
    const body = 'a\r\n-------notme$\r\nb';
    const m = ok(send({ body, extra: 'X-Foo:  bar baz  \r\nuse-path: msrp://u:1/z;tcp\r\n' }));
    expect(m.header('x-foo')).toBe('bar baz');
    expect(m.header('X-FOO')).toBe('bar baz');
    expect(m.header('Use-Path')).toBe('msrp://u:1/z;tcp');
    expect(m.header('X-Bar')).toBeUndefined();
    expect(m.body?.toString()).toBe(body);
  });

  it.each([
    ['not MSRP', SEND.replace('MSRP a786', 'MSRQ a786'), PARSE_ERRORS.notMsrp],
    ['short id', send({ id: 'abc' }), PARSE_ERRORS.badId],
    ['id with a bad char', send({ id: 'ab/cd' }), PARSE_ERRORS.badId],
    ['4-digit status', RESPONSE.replace('200 OK', '2000 OK'), PARSE_ERRORS.badStatus],
    ['empty method', 'MSRP abcd \r\nTo-Path: a\r\nFrom-Path: b\r\n-------abcd$\r\n', PARSE_ERRORS.badMethod],
    ['method with a space', send({ method: 'SE ND' }), PARSE_ERRORS.badMethod],
    ['end-line id mismatch', SEND.replace('-------a786hjs2$', '-------a786hjs3$'), PARSE_ERRORS.badEndLine],
    ['end-line bad flag', SEND.replace('-------a786hjs2$', '-------a786hjs2?'), PARSE_ERRORS.badEndLine],
    ['header without colon', send({ extra: 'Bogus\r\n' }), PARSE_ERRORS.badHeader],
    ['duplicate To-Path', send({ extra: 'To-Path: msrp://x:1/y;tcp\r\n' }), PARSE_ERRORS.duplicate],
    ['duplicate Message-ID (other case)', send({ extra: 'message-id: m2\r\n' }), PARSE_ERRORS.duplicate],
    ['no To-Path', SEND.replace(/To-Path: [^\r]*\r\n/, ''), PARSE_ERRORS.noToPath],
    ['no From-Path', SEND.replace(/From-Path: [^\r]*\r\n/, ''), PARSE_ERRORS.noFromPath],
    ['body without Content-Type', SEND.replace('Content-Type: text/plain\r\n', ''), PARSE_ERRORS.noContentType],
    ['SEND without Message-ID', SEND.replace('Message-ID: 87652491\r\n', ''), PARSE_ERRORS.noMessageId],
    ['REPORT without Message-ID', send({ method: 'REPORT' }).replace('Message-ID: m1\r\n', ''), PARSE_ERRORS.noMessageId],
    ['response without From-Path', RESPONSE.replace(/From-Path: [^\r]*\r\n/, ''), PARSE_ERRORS.noFromPath],
  ])('drops an invalid frame: %s', (_n, text, why) => {
    expect(parse(text)).toBe(why);
  });

  it('allows repeated extension headers (first one wins)', () => {
    expect(ok(send({ extra: 'X-A: 1\r\nX-A: 2\r\n' })).header('x-a')).toBe('1');
  });

  it('never throws on random bytes, nor on mutated valid frames', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), (b) => void parse(Buffer.from(b))), { numRuns: 1000 });
    const base = Buffer.from(SEND, 'latin1');
    fc.assert(
      fc.property(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 }), (i, v) => {
        const b = Buffer.from(base);
        b[i] = v;
        const m = parse(b);
        if (typeof m !== 'string') void [m.toPath, m.fromPath, m.body, m.header('x'), m.comment, m.messageId];
      }),
      { numRuns: 2000 },
    );
  });
});

describe('MSRP builder (msrp.md §6 API)', () => {
  it('builds responses and REPORTs that parse back', () => {
    const r = ok(buildResponse('abcd1', 403, 'Action not allowed', 'msrp://a:1/x;tcp', 'msrp://r:2/y;tcp', ['X-H: 1']));
    expect([r.kind, r.transactionId, r.status, r.comment, r.toPath[0], r.fromPath[0], r.header('x-h'), r.continuation]).toEqual([
      'response',
      'abcd1',
      403,
      'Action not allowed',
      'msrp://a:1/x;tcp',
      'msrp://r:2/y;tcp',
      '1',
      '$',
    ]);
    expect(buildResponse('abcd1', 200, '', 'a', 'b').toString()).toMatch(/^MSRP abcd1 200\r\n/);
    const rep = ok(buildReport('rep01', 'msrp://a:1/x;tcp msrp://b:1/x;tcp', 'msrp://r:2/y;tcp', 'm9', '1-5/5', '000 200'));
    expect([rep.method, rep.toPath.length, rep.messageId, rep.header('byte-range'), rep.header('status')]).toEqual(['REPORT', 2, 'm9', '1-5/5', '000 200']);
  });

  it('builds new requests with and without body and with each flag', () => {
    const m = ok(buildRequest({ id: 'newreq1', method: 'SEND', toPath: ['msrp://a:1/x;tcp'], fromPath: ['msrp://b:2/y;tcp'], extraHeaders: ['Message-ID: q1', 'Byte-Range: 1-3/3\r\n'], contentType: 'text/plain', body: 'hé!', continuation: '+' }));
    expect([m.method, m.messageId, m.header('content-type'), m.body?.toString('utf8'), m.continuation]).toEqual(['SEND', 'q1', 'text/plain', 'hé!', '+']);
    const a = ok(buildRequest({ id: 'auth01', method: 'AUTH', toPath: ['msrp://a:1/x;tcp'], fromPath: ['msrp://b:2/y;tcp'] }));
    expect([a.method, a.body]).toEqual(['AUTH', undefined]);
  });

  it('forwards byte for byte: only the id (first line + end-line) and the two paths change', () => {
    const f = ok(SEND.replace('Content-Type', 'X-Odd:   spaced  \r\nContent-Type').replace('$\r\n', '+\r\n'));
    const out = relayFrame(f, 'newid0001', ['Foo: bar'])!.toString('latin1');
    expect(out).toBe(
      'MSRP newid0001 SEND\r\n' +
        'To-Path: msrp://bob.example.com:8888/9di4eae923wzd;tcp\r\n' +
        'From-Path: msrp://relay.example.com:2855/kjhd37s2s20w2a;tcp msrp://alicepc.example.com:7777/iau39soe2843z;tcp\r\n' +
        'Message-ID: 87652491\r\n' +
        'Byte-Range: 1-25/25\r\n' +
        'X-Odd:   spaced  \r\n' +
        'Content-Type: text/plain\r\n' +
        'Foo: bar\r\n' +
        '\r\n' +
        'Hey Bob, are you there?\r\n' +
        '-------newid0001+\r\n',
    );
    // a REPORT keeps its id; a bodiless frame gets extra headers before the end-line
    const rep = ok(send({ id: 'keep1', method: 'REPORT', to: 'msrp://r:1/a;tcp msrp://c:2/b;tcp' }));
    expect(relayFrame(rep, undefined, ['Z: 1'])!.toString('latin1')).toBe(
      'MSRP keep1 REPORT\r\nTo-Path: msrp://c:2/b;tcp\r\nFrom-Path: msrp://r:1/a;tcp msrp://127.0.0.1:9999/c1;tcp\r\nMessage-ID: m1\r\nByte-Range: 1-*/*\r\nZ: 1\r\n-------keep1$\r\n',
    );
    // no next hop
    expect(relayFrame(ok(send()), 'abcd')).toBeUndefined();
  });

  it('relays without copying the body: [new head, view of body + dashes, new id + flag]', () => {
    const f = ok(send({ id: 'orig12', body: 'x'.repeat(5000), flag: '+', to: 'msrp://r:1/a;tcp msrp://c:2/b;tcp' }));
    const parts = relayFrameParts(f, 'new1234', ['Foo: bar'])!;
    expect(parts).toHaveLength(3);
    expect(parts[1]!.buffer).toBe(f.buf.buffer);
    expect(parts[1]!.byteOffset).toBe(f.buf.byteOffset + f.bodyStart);
    expect(parts[2]!.toString('latin1')).toBe('new1234+\r\n');
    expect(Buffer.concat(parts).toString('latin1')).toBe(relayFrame(f, 'new1234', ['Foo: bar'])!.toString('latin1'));
    const g = ok(Buffer.concat(parts));
    expect([g.transactionId, g.toPath, g.fromPath[0], g.header('foo'), g.body?.length]).toEqual(['new1234', ['msrp://c:2/b;tcp'], 'msrp://r:1/a;tcp', 'bar', 5000]);
    // keeping the id (a REPORT): two parts, the second runs to the end of the frame
    const rep = relayFrameParts(ok(send({ id: 'keep1', method: 'REPORT', to: 'msrp://r:1/a;tcp\tmsrp://c:2/b;tcp' })), undefined)!;
    expect(rep).toHaveLength(2);
    expect(rep[1]!.toString('latin1')).toBe('-------keep1$\r\n');
    // a tab after the top URI becomes a space in From-Path
    expect(Buffer.concat(rep).toString('latin1')).toContain('From-Path: msrp://r:1/a;tcp msrp://127.0.0.1:9999/c1;tcp\r\n');
    // From-Path before To-Path (the grammar wants To-Path first; the parser takes both orders)
    const swapped = ok('MSRP sw1234 SEND\r\nFrom-Path: msrp://c:3/x;tcp\r\nTo-Path: msrp://r:1/a;tcp msrp://c:2/b;tcp\r\nMessage-ID: m1\r\n-------sw1234$\r\n');
    expect(relayFrame(swapped, 'nw1234')!.toString('latin1')).toBe(
      'MSRP nw1234 SEND\r\nFrom-Path: msrp://r:1/a;tcp msrp://c:3/x;tcp\r\nTo-Path: msrp://c:2/b;tcp\r\nMessage-ID: m1\r\n-------nw1234$\r\n',
    );
  });

  it('splits path values on runs of spaces and tabs', () => {
    expect(splitPath('a b')).toEqual(['a', 'b']);
    expect(splitPath('  a \t b\t')).toEqual(['a', 'b']);
    expect(splitPath('one')).toEqual(['one']);
    expect(splitPath('')).toEqual([]);
  });

  it('round-trips: a forwarded frame parses with the same headers and body', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 120 }),
        fc.constantFrom('$', '+', '#'),
        fc.stringMatching(/^[a-z0-9]{4,20}$/),
        fc.array(fc.stringMatching(/^msrp:\/\/h[0-9]{1,3}:[1-9][0-9]{0,3}\/[a-z]{1,6};tcp$/), { minLength: 2, maxLength: 4 }),
        (body, flag, newId, to) => {
          const clean = body.replace(/-------/g, '');
          const f = ok(send({ body: clean, flag, to: to.join(' ') }));
          const g = ok(relayFrame(f, newId)!);
          expect(g.transactionId).toBe(newId);
          expect(g.toPath).toEqual(to.slice(1));
          expect(g.fromPath).toEqual([to[0], ...f.fromPath]);
          expect(g.body?.toString('latin1')).toBe(Buffer.from(clean, 'latin1').toString('latin1'));
          expect([g.continuation, g.messageId, g.header('byte-range')]).toEqual([flag, f.messageId, f.header('byte-range')]);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('MSRP URI (msrp.md §2)', () => {
  it('parses host, port, session, transport, params and the secured flag', () => {
    expect(parseMsrpUri('msrp://relay.example.com:2855/abc123;tcp')).toEqual({ secured: false, user: undefined, host: 'relay.example.com', port: 2855, sessionId: 'abc123', transport: 'tcp', params: [] });
    expect(parseMsrpUri('MSRPS://bob@[2001:db8::1]:12/s/x=+;tcp;foo=bar')).toEqual({ secured: true, user: 'bob', host: '2001:db8::1', port: 12, sessionId: 's/x=+', transport: 'tcp', params: ['foo=bar'] });
    expect(parseMsrpUri('msrp://10.0.0.1;tcp')).toMatchObject({ host: '10.0.0.1', port: 0, sessionId: '' });
  });

  it.each(['sip://a:1/x;tcp', 'msrp://a:1/x', 'msrp://a:99999/x;tcp', 'msrp://a:0/x;tcp', 'msrp://[::1/x;tcp', 'msrp://a b:1/x;tcp', 'msrp://a:1/x y;tcp', 'msrp://:1/x;tcp', 'msrp://a:1/x;'])(
    'rejects %s',
    (u) => expect(parseMsrpUri(u)).toBeUndefined(),
  );
});
