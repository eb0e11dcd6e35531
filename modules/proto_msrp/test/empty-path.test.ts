import { afterEach, describe, expect, it } from 'vitest';
import type { ReceiveInfo } from '@tsips/core';
import { parseMsrp, PARSE_ERRORS } from '../src/index.js';
import { Cleanup, msrpApp, msrpStats, waitFor } from './helpers.js';

// found by tools/fuzz: a request whose To-Path header is present but empty reached dispatch
// with toPath = [] and parseMsrpUri(undefined) threw out of the connection's message sink
const RCV = { proto: 'msrp', srcIp: '127.0.0.1', srcPort: 40000, dstIp: '127.0.0.1', dstPort: 2855, conId: 7, listener: null, time: 0 } as ReceiveInfo;
const auth = (to: string, from: string): string => `MSRP abcd1 AUTH\r\nTo-Path:${to}\r\nFrom-Path:${from}\r\n-------abcd1$\r\n`;
const FROM = ' msrp://127.0.0.1:9/c;tcp';
const TO = ' msrp://127.0.0.1:2855;tcp';

const c = new Cleanup();
afterEach(() => c.run());

describe('empty To-Path / From-Path (RFC 4975: a path holds at least one URI)', () => {
  it('parses as missing', () => {
    for (const blank of ['', ' ', ' \t '])
      expect(parseMsrp(Buffer.from(auth(blank, FROM), 'latin1'), RCV)).toBe(PARSE_ERRORS.noToPath);
    expect(parseMsrp(Buffer.from(auth(TO, ' '), 'latin1'), RCV)).toBe(PARSE_ERRORS.noFromPath);
    expect(typeof parseMsrp(Buffer.from(auth(TO, FROM), 'latin1'), RCV)).toBe('object');
  });

  it('is dropped and counted, and the connection keeps serving', async () => {
    const app = msrpApp();
    const s = await c.server('', [app.module]);
    app.onRequest = (m, a) => void a.api.sendReply(a.hdl, m, 401, 'Unauthorized');
    const cl = await c.connect(s.listener('msrp').port);
    cl.write(auth(' ', FROM));
    cl.write(auth(TO, FROM));
    expect(await cl.next('the 401')).toMatch(/^MSRP abcd1 401 Unauthorized\r\n/);
    await waitFor(() => msrpStats(s).dropped_invalid === 1, 'the drop');
    expect(app.requests).toHaveLength(1);
    expect(cl.closed).toBe(false);
  });
});
