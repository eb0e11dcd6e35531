import { describe, expect, it } from 'vitest';
import { emptyFields, loadParsers } from '../src/suites/parse-libs.js';
import { SAMPLE_MESSAGES } from '../src/suites/parse-messages.js';
import { median, mismatches } from '../src/suites/parse.js';
import { probeRequest } from '../src/peers/probe.js';

describe('parse suite adapters (correctness only, no timing)', () => {
  it('every compared parser reads the same fields from every sample message', async () => {
    const { libs, missing } = await loadParsers();
    expect(missing).toEqual([]);
    expect(libs.map((l) => l.name)).toEqual(['tsips', 'sip', 'sip.js', 'jssip']);
    for (const lib of libs) {
      for (const msg of SAMPLE_MESSAGES) {
        const out = emptyFields();
        lib.read(msg.buf, out);
        expect(mismatches(out, msg.expect), `${lib.name} ${msg.name}`).toBe('');
      }
    }
  });

  it('the sample messages carry a correct Content-Length', () => {
    for (const msg of SAMPLE_MESSAGES) {
      const text = msg.buf.toString();
      const [head, body] = text.split('\r\n\r\n') as [string, string];
      expect(Number(/Content-Length: (\d+)/.exec(head)?.[1])).toBe(Buffer.byteLength(body));
    }
  });

  it('names the differing fields', () => {
    const out = { ...emptyFields(), cseqNum: 7 };
    expect(mismatches(out, { ...emptyFields(), cseqNum: 8 })).toBe('cseqNum=7 (want 8)');
  });

  it('takes medians', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});

describe('readiness probe', () => {
  it('is an OPTIONS with Max-Forwards 0 (answered by the proxy, never relayed)', () => {
    const r = probeRequest({ ip: '127.0.0.1', port: 25060 }, 40000, 3);
    expect(r.startsWith('OPTIONS sip:probe@127.0.0.1:25060 SIP/2.0\r\n')).toBe(true);
    expect(r).toContain('\r\nMax-Forwards: 0\r\n');
    expect(r).toContain('Via: SIP/2.0/UDP 127.0.0.1:40000;branch=z9hG4bK');
    expect(r.endsWith('\r\n\r\n')).toBe(true);
  });
});
