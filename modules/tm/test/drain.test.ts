import { afterEach, describe, expect, it } from 'vitest';
import { tmServer, request, answer, isRequestTo, UAS1 } from './helpers.js';
import type { TestServer } from '@tsips/core';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

describe('shutdown (DESIGN lifecycle: closing lets tm drain)', () => {
  it('stop() waits for a pending transaction to get its final reply, then closes', async () => {
    t = await tmServer(`route { $du = "sip:127.0.0.1:${UAS1}"; t_relay(); }`);
    t.inject(request({ method: 'INVITE' }));
    const out = await t.waitForSent(isRequestTo(UAS1, 'INVITE'));
    const started = Date.now();
    const stopping = t.stop();
    setTimeout(() => t!.inject(answer(out, 486, 'Busy Here'), { srcPort: UAS1 }), 150);
    await stopping;
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(140);
    expect(took).toBeLessThan(3000);
    expect(t.sent.some((m) => m.text.startsWith('SIP/2.0 486'))).toBe(true);
    t = undefined;
  });
});
