import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FramerHost, ReceiveInfo, StreamProtoOptions, TcpProfile } from '@tsips/core';
import { FRAMING_ERRORS, MAX_MSG_SIZE, MsrpStreamFramer } from '../src/codec/framing.js';
import { RESPONSE, SEND, send } from './frames.js';

const OPTS: StreamProtoOptions = { defaultPort: 2855, maxMsgChunks: 4, crlfPingPong: true, crlfDrop: false, maxPendingWrites: 32, sendTimeout: 100 };
const PROFILE = { id: 0, attrs: {} } as TcpProfile;

class Host implements FramerHost {
  readonly id = 1;
  readonly rcv = {} as ReceiveInfo;
  readonly profile: TcpProfile;
  readonly msgs: string[] = [];
  /** the delivered buffers themselves (to see which are views of a read chunk) */
  readonly bufs: Buffer[] = [];
  failed: string | undefined;
  constructor(
    readonly options: StreamProtoOptions,
    profile: TcpProfile,
  ) {
    this.profile = profile;
  }
  deliver(msg: Buffer): void {
    this.bufs.push(msg);
    this.msgs.push(msg.toString('latin1'));
  }
  write(): void {
    throw new Error('the MSRP framer never writes');
  }
  fail(reason: string): void {
    this.failed = reason;
  }
}

function framer(maxMsgChunks = 1000, profile: TcpProfile = PROFILE): { f: MsrpStreamFramer; h: Host } {
  const h = new Host({ ...OPTS, maxMsgChunks }, profile);
  return { f: new MsrpStreamFramer(h), h };
}
const feed = (f: MsrpStreamFramer, ...parts: string[]): void => {
  for (const p of parts) f.push(Buffer.from(p, 'latin1'));
};

describe('MSRP stream framing (msrp.md §1, §6 read path)', () => {
  it('delivers a SEND with a body, a response and a bodiless request, pipelined in one chunk', () => {
    const { f, h } = framer();
    const bare = send({ id: 'bare1' });
    feed(f, SEND + RESPONSE + bare);
    expect(h.msgs).toEqual([SEND, RESPONSE, bare]);
    expect(f.pending).toBe(false);
    expect(h.failed).toBeUndefined();
  });

  it('delivers the same frames when split at every byte boundary, and 1 byte at a time', () => {
    const all = SEND + RESPONSE;
    for (let i = 1; i < all.length; i++) {
      const { f, h } = framer();
      feed(f, all.slice(0, i), all.slice(i));
      expect(h.msgs, `split at ${i}`).toEqual([SEND, RESPONSE]);
    }
    const { f, h } = framer();
    for (const c of all) feed(f, c);
    expect(h.msgs).toEqual([SEND, RESPONSE]);
    expect(f.pending).toBe(false);
  });

  it('keeps chunked (+) and aborted (#) flags and frame boundaries', () => {
    const { f, h } = framer();
    const a = send({ id: 'chunk1', body: 'part one', flag: '+' });
    const b = send({ id: 'chunk2', body: 'part', flag: '#' });
    feed(f, a + b);
    expect(h.msgs).toEqual([a, b]);
  });

  it('does not end a body at "-------" that is not CRLF + dashes + this id', () => {
    const body = 'line\r\n-------other$\r\nx-------tx1234$\r\n------tx1234$ and -------tx1234$';
    const m = send({ id: 'tx1234', body });
    for (const cut of [1, 7, 20, m.length - 5, m.length - 1]) {
      const { f, h } = framer();
      feed(f, m.slice(0, cut), m.slice(cut));
      expect(h.msgs).toEqual([m]);
      expect(h.failed).toBeUndefined();
    }
  });

  it('accepts an end-line straight after the blank line (empty body)', () => {
    const m = 'MSRP emp1 SEND\r\nTo-Path: msrp://a:1/s;tcp\r\nFrom-Path: msrp://b:2/t;tcp\r\nMessage-ID: x1\r\nContent-Type: text/plain\r\n\r\n-------emp1$\r\n';
    const { f, h } = framer();
    feed(f, m);
    expect(h.msgs).toEqual([m]);
  });

  it.each([
    ['not MSRP', 'SIP/2.0 200 OK\r\n', FRAMING_ERRORS.notMsrp],
    ['lower-case prefix', 'msrp abcd SEND\r\n', FRAMING_ERRORS.notMsrp],
    ['id not alphanumeric first', 'MSRP .abc SEND\r\n', FRAMING_ERRORS.badId],
    ['id too short', 'MSRP abc SEND\r\n', FRAMING_ERRORS.badId],
    ['id without SP', 'MSRP ' + 'a'.repeat(40), FRAMING_ERRORS.badId],
    ['6 dashes', 'MSRP abcd SEND\r\nTo-Path: x\r\n------abcd$\r\n', FRAMING_ERRORS.badDashes],
    ['8 dashes', 'MSRP abcd SEND\r\nTo-Path: x\r\n--------abcd$\r\n', FRAMING_ERRORS.badDashes],
    ['id mismatch', 'MSRP abcd SEND\r\nTo-Path: x\r\n-------abce$\r\n', FRAMING_ERRORS.idMismatch],
    ['bad flag after headers', 'MSRP abcd SEND\r\nTo-Path: x\r\n-------abcd!\r\n', FRAMING_ERRORS.badFlag],
    ['bad flag after body', 'MSRP abcd SEND\r\nContent-Type: a/b\r\n\r\nhi\r\n-------abcd*\r\n', FRAMING_ERRORS.badFlag],
    ['end-line without CRLF', 'MSRP abcd SEND\r\nTo-Path: x\r\n-------abcd$x\r\n', FRAMING_ERRORS.badEnd],
    ['body end-line without CRLF', 'MSRP abcd SEND\r\nContent-Type: a/b\r\n\r\nhi\r\n-------abcd$ \r\n', FRAMING_ERRORS.badEnd],
  ])('fails the connection: %s', (_n, text, reason) => {
    const { f, h } = framer();
    feed(f, text);
    expect(h.failed).toBe(reason);
    expect(h.msgs).toEqual([]);
    feed(f, SEND);
    expect(h.msgs).toEqual([]); // dead framers stay dead
  });

  it('enforces max_msg_chunks, and a profile attr overrides it', () => {
    const { f, h } = framer(3);
    feed(f, SEND.slice(0, 10), SEND.slice(10, 20));
    expect(h.failed).toBeUndefined();
    expect(f.pending).toBe(true);
    feed(f, SEND.slice(20, 30));
    expect(h.failed).toBe(FRAMING_ERRORS.tooManyChunks);

    const ok = framer(2, { ...PROFILE, attrs: { maxMsgChunks: 5 } });
    feed(ok.f, SEND.slice(0, 10), SEND.slice(10, 20), SEND.slice(20, 30), SEND.slice(30));
    expect(ok.h.msgs).toEqual([SEND]);
    // a complete frame resets the count
    feed(ok.f, SEND.slice(0, 10), SEND.slice(10, 20), SEND.slice(20, 30), SEND.slice(30));
    expect(ok.h.msgs).toEqual([SEND, SEND]);
  });

  it('refuses a frame that reaches the read buffer size', () => {
    const { f, h } = framer();
    feed(f, send({ id: 'big1', body: 'x'.repeat(MAX_MSG_SIZE) }));
    expect(h.failed).toBe(FRAMING_ERRORS.tooBig);
  });

  it('random bytes and random splits never throw; valid streams always frame the same', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(300), { maxLength: 6 }), (bytes, cuts) => {
        const { f } = framer();
        const b = Buffer.from(bytes);
        let at = 0;
        for (const c of [...cuts].sort((x, y) => x - y)) {
          f.push(b.subarray(at, Math.max(at, Math.min(c, b.length))));
          at = Math.max(at, Math.min(c, b.length));
        }
        f.push(b.subarray(at));
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.constantFrom('$', '+', '#'), fc.array(fc.nat(400), { maxLength: 5 }), (body, flag, cuts) => {
        const frames = [send({ id: 'prop1', body: body.replace(/-------prop1/g, ''), flag }), RESPONSE];
        const all = Buffer.from(frames.join(''), 'latin1');
        const { f, h } = framer();
        let at = 0;
        for (const c of [...cuts].sort((x, y) => x - y)) {
          const to = Math.min(Math.max(at, c), all.length);
          f.push(all.subarray(at, to));
          at = to;
        }
        f.push(all.subarray(at));
        expect(h.failed).toBeUndefined();
        expect(h.msgs).toEqual(frames.map((x) => Buffer.from(x, 'latin1').toString('latin1')));
      }),
      { numRuns: 300 },
    );
  });

  it('delivers frames inside a read chunk as views of it; a split frame is joined with only what it needs', () => {
    const frames = [send({ id: 'view1', body: 'a'.repeat(3000) }), RESPONSE, send({ id: 'view2', body: 'b'.repeat(3000) }), send({ id: 'view3', body: 'c'.repeat(500) }), RESPONSE];
    const all = Buffer.from(frames.join(''), 'latin1');
    const cut = frames[0]!.length + frames[1]!.length + 1000; // inside view2's body
    const first = all.subarray(0, cut);
    const second = Buffer.allocUnsafeSlow(all.length - cut); // a read buffer of its own (not the pool)
    all.copy(second, 0, cut);
    const { f, h } = framer();
    f.push(first);
    f.push(second);
    expect(h.msgs).toEqual(frames);
    // whole in the first chunk: views of it; the split frame: a copy; after it: views of the second chunk
    expect(h.bufs.map((b) => (b.buffer === first.buffer ? 'first' : b.buffer === second.buffer ? 'second' : 'copy'))).toEqual(['first', 'first', 'copy', 'second', 'second']);
    expect(f.pending).toBe(false);
  });

  it('frames right when a header value or a body looks like the end-line of a split frame', () => {
    // "-------tx77" inside a header value and inside the body (not after CRLF) must not end it
    const tricky = send({ id: 'tx77', extra: 'X-Note: -------tx77$ not the end\r\n', body: 'z-------tx77$\r\nmore' });
    const frames = [RESPONSE, tricky, send({ id: 'tx78', body: 'y'.repeat(2500) }), RESPONSE];
    const all = frames.join('');
    for (let cut = 1; cut < all.length; cut += 7) {
      const { f, h } = framer();
      feed(f, all.slice(0, cut), all.slice(cut));
      expect(h.msgs, `split at ${cut}`).toEqual(frames);
      expect(h.failed).toBeUndefined();
    }
  });

  it('frames a long pipelined stream the same for any read sizes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(9000), fc.boolean()), { minLength: 1, maxLength: 12 }),
        fc.array(fc.integer({ min: 64, max: 70_000 }), { minLength: 1, maxLength: 8 }),
        (specs, sizes) => {
          const frames = specs.map(([n, isResponse], i) => (isResponse ? RESPONSE : send({ id: `pipe${i}`, body: 'q'.repeat(n) + '\r\n-------pipeX$' })));
          const all = Buffer.from(frames.join(''), 'latin1');
          const { f, h } = framer();
          for (let at = 0, i = 0; at < all.length; i++) {
            const to = Math.min(all.length, at + sizes[i % sizes.length]!);
            f.push(Buffer.from(all.subarray(at, to)));
            at = to;
          }
          expect(h.failed).toBeUndefined();
          expect(h.msgs).toEqual(frames);
          expect(f.pending).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });
});
