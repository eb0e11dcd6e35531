import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coreServer, statusLine } from '../fixtures/server.js';
import { TORTURE, tortureBytes } from '../fixtures/rfc4475.js';
import type { TestServer } from '../../src/testing.js';

/**
 * RFC 4475 at the server level: each message is one UDP datagram into a server whose route
 * answers 299. What the core must do on its own: route every valid request, reject invalid
 * ones with the RFC's code (liberal_ok: accepting is allowed too), drop what must be dropped,
 * and answer an unsupported R-URI scheme with 416. Application-level answers (420, 415, 401,
 * 483 ...) belong to modules and the script, so for those only "no crash, an answer or a drop"
 * is required here.
 */
const CORE_CODES = new Set([400, 416, 505, 513]);
// RFC 4475 §3.3.4: schemes other than sip/sips/tel in To/From are the application's choice
const APPLICATION_CHOICE = new Set(['unksm2.dat']);

describe('RFC 4475 torture messages through the receive path', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await coreServer('route { reply(299, "Routed"); }');
  });
  afterAll(() => t.stop());

  for (const e of TORTURE) {
    it(`${e.section} ${e.file} (${e.verdict}${e.liberal_ok ? ', liberal ok' : ''}${e.drop ? ', drop' : ''})`, async () => {
      const before = t.sent.length;
      t.inject(tortureBytes(e.file));
      await new Promise((r) => setTimeout(r, 5));
      const out = t.sent.slice(before).map((m) => Number(statusLine(m.text)!.split(' ')[1]));
      if (e.message === 'response' || e.drop) {
        expect(out).toEqual([]);
        return;
      }
      expect(out).toHaveLength(1);
      const code = out[0]!;
      const coreAnswer = e.responses.filter((c) => CORE_CODES.has(c));
      if (e.verdict === 'valid') expect(code).toBe(299);
      else if (e.verdict === 'invalid' || e.verdict === 'transaction') {
        const allowed = e.liberal_ok ? [...e.responses, 299] : e.responses;
        expect(allowed).toContain(code);
      } else if (coreAnswer.length > 0 && e.responses.every((c) => CORE_CODES.has(c)) && !APPLICATION_CHOICE.has(e.file))
        expect(e.responses).toContain(code);
      else expect([...e.responses, 299]).toContain(code);
    });
  }

  it('still serves after the whole corpus', async () => {
    const before = t.sent.length;
    t.inject(tortureBytes('wsinv.dat'));
    const r = await t.waitForSent(() => true, { since: before });
    expect(statusLine(r.text)).toBe('SIP/2.0 299 Routed');
  });
});
