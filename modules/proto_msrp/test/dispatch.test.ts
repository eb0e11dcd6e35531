import { describe, expect, it } from 'vitest';
import { HandlerRegistry, globToRegExp } from '../src/dispatch.js';
import { parseMsrpUri } from '../src/codec/uri.js';

const noop = { onRequest: () => undefined, onReply: () => undefined };

describe('handler filters (msrp.md §6 dispatch)', () => {
  it('host globs: * ? [..] [!..], case-insensitive, regex characters literal', () => {
    expect(globToRegExp('*')).toBeNull();
    const re = globToRegExp('r[ae]lay?.EX*.com')!;
    expect(['relay1.example.com', 'RALAYX.ex.COM'].map((h) => re.test(h))).toEqual([true, true]);
    expect(['rilay1.example.com', 'relay.example.com', 'relay1.exampleXcom.net'].map((h) => re.test(h))).toEqual([false, false, false]);
    expect(globToRegExp('a[!0-9]b')!.test('a1b')).toBe(false);
    expect(globToRegExp('a[!0-9]b')!.test('axb')).toBe(true);
    expect(globToRegExp('1.2.3.4')!.test('1x2x3x4')).toBe(false);
    expect(globToRegExp('a(b)+c')!.test('a(b)+c')).toBe(true);
  });

  it('first match wins; handles are checked; both callbacks are required', () => {
    const r = new HandlerRegistry();
    const a = r.register({ host: '*.example.com', port: 2855, secured: false }, noop);
    const b = r.register({ host: '*', port: 0, secured: false }, noop);
    expect(r.match(parseMsrpUri('msrp://x.example.com:2855/s;tcp')!)).toBe(a);
    expect(r.match(parseMsrpUri('msrp://x.example.com:2856/s;tcp')!)).toBe(b);
    expect(r.match(parseMsrpUri('msrps://x.example.com:2855/s;tcp')!)).toBeUndefined();
    expect(r.get(a)).toBe(a);
    expect(r.get({ id: a.id })).toBeUndefined();
    expect(() => r.register({ host: '*', port: 0, secured: false }, { onRequest: () => undefined } as never)).toThrow(/both onRequest and onReply/);
  });
});
