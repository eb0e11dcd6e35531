import { describe, expect, it } from 'vitest';
import type { FramerHost, ReceiveInfo, StreamProtoOptions, TcpProfile } from '@tsips/core';
import { FRAMING_ERRORS, SipStreamFramer } from '../src/framing.js';

const OPTS: StreamProtoOptions = { defaultPort: 5060, maxMsgChunks: 4, crlfPingPong: true, crlfDrop: false, maxPendingWrites: 32, sendTimeout: 100 };
const PROFILE = { id: 0, attrs: {} } as TcpProfile;

class Host implements FramerHost {
  readonly id = 1;
  readonly rcv = {} as ReceiveInfo;
  readonly msgs: string[] = [];
  readonly writes: string[] = [];
  failed: string | undefined;
  constructor(
    readonly options: StreamProtoOptions = OPTS,
    readonly profile: TcpProfile = PROFILE,
  ) {}
  deliver(msg: Buffer): void {
    this.msgs.push(msg.toString('latin1'));
  }
  write(buf: Buffer): void {
    this.writes.push(buf.toString());
  }
  fail(reason: string): void {
    this.failed = reason;
  }
}

function framer(opts: Partial<StreamProtoOptions> = {}, profile: TcpProfile = PROFILE): { f: SipStreamFramer; h: Host } {
  const h = new Host({ ...OPTS, ...opts }, profile);
  return { f: new SipStreamFramer(h), h };
}

const push = (f: SipStreamFramer, ...parts: string[]): void => {
  for (const p of parts) f.push(Buffer.from(p, 'latin1'));
};

const INVITE =
  'INVITE sip:bob@example.com SIP/2.0\r\n' +
  'Via: SIP/2.0/TCP 10.0.0.1:5060;branch=z9hG4bK1\r\n' +
  'Content-Type: application/sdp\r\n' +
  'Content-Length: 13\r\n' +
  '\r\n' +
  'v=0\r\no=x\r\ns=\r\n'.slice(0, 13);
const OPTIONS = 'OPTIONS sip:a SIP/2.0\r\nl: 0\r\n\r\n';

describe('SIP stream framing (tcp-core.md §5)', () => {
  it('delivers a message split at every byte boundary, in three chunks, whole and alone', () => {
    for (let i = 1; i < INVITE.length; i++) {
      for (const j of [i + 1, INVITE.length - 1]) {
        if (j <= i || j >= INVITE.length) continue;
        const { f, h } = framer();
        push(f, INVITE.slice(0, i), INVITE.slice(i, j), INVITE.slice(j));
        expect(h.msgs, `split at ${i}/${j}`).toEqual([INVITE]);
        expect(f.pending).toBe(false);
        expect(h.failed).toBeUndefined();
      }
      const { f, h } = framer();
      push(f, INVITE.slice(0, i));
      expect(f.pending).toBe(true);
      expect(h.msgs).toEqual([]);
      push(f, INVITE.slice(i));
      expect(h.msgs, `split at ${i}`).toEqual([INVITE]);
    }
  });

  it('delivers pipelined messages from one chunk in order, as slices of the input', () => {
    const { f, h } = framer();
    const chunk = Buffer.from(INVITE + OPTIONS + INVITE + OPTIONS.slice(0, 10), 'latin1');
    const seen: Buffer[] = [];
    h.deliver = (m) => void seen.push(m);
    f.push(chunk);
    expect(seen.map((m) => m.toString('latin1'))).toEqual([INVITE, OPTIONS, INVITE]);
    expect(seen[1]!.buffer).toBe(chunk.buffer); // no copy
    expect(f.pending).toBe(true);
  });

  it('keeps body bytes that look like headers or CRLFs as body', () => {
    const body = '\r\n\r\nl: 99\r\n';
    const msg = `MESSAGE sip:a SIP/2.0\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    const { f, h } = framer();
    push(f, msg + OPTIONS);
    expect(h.msgs).toEqual([msg, OPTIONS]);
    expect(h.writes).toEqual([]);
  });

  it('skips empty lines and whitespace before a message', () => {
    const { f, h } = framer();
    push(f, '\r\n \t\n', OPTIONS);
    expect(h.msgs).toEqual([OPTIONS]);
  });

  it('accepts the header name in any case, compact, with _ and space before the colon; first one counts', () => {
    for (const hdr of ['content-length: 2', 'CONTENT-LENGTH:2', 'Content_Length : 2', 'L:2', 'l \t: 2 ', 'Content-Length: 002']) {
      const msg = `MESSAGE sip:a SIP/2.0\r\nX-A: 1\r\n${hdr}\r\nContent-Length: 5\r\n\r\nhi`;
      const { f, h } = framer();
      push(f, msg);
      expect(h.msgs, hdr).toEqual([msg]);
    }
  });

  it('does not mistake other headers for Content-Length', () => {
    const msg = 'MESSAGE sip:a SIP/2.0\r\nLocation: 9\r\nContent-Length-X: 9\r\nl: 1\r\n\r\nz';
    const { f, h } = framer();
    push(f, msg);
    expect(h.msgs).toEqual([msg]);
  });

  it('ends headers at LF LF as well as CRLF CRLF', () => {
    const msg = 'MESSAGE sip:a SIP/2.0\nl: 2\n\nok';
    const { f, h } = framer();
    push(f, msg);
    expect(h.msgs).toEqual([msg]);
  });

  it('fails without Content-Length', () => {
    const { f, h } = framer();
    push(f, 'OPTIONS sip:a SIP/2.0\r\nVia: x\r\n\r\n');
    expect(h.failed).toBe(FRAMING_ERRORS.noContentLength);
    expect(h.msgs).toEqual([]);
    push(f, OPTIONS); // a failed framer delivers nothing more
    expect(h.msgs).toEqual([]);
  });

  it('fails on a Content-Length that is not all digits', () => {
    for (const v of ['', 'abc', '12x', '-1', '1 2']) {
      const { f, h } = framer();
      push(f, `OPTIONS sip:a SIP/2.0\r\nContent-Length: ${v}\r\n\r\n`);
      expect(h.failed, JSON.stringify(v)).toBe(FRAMING_ERRORS.badContentLength);
    }
  });

  it('fails on Content-Length >= 65535 as soon as the header is seen', () => {
    const { f, h } = framer();
    push(f, 'MESSAGE sip:a SIP/2.0\r\nContent-Length: 65535\r\n');
    expect(h.failed).toBe(FRAMING_ERRORS.tooBig);
    const ok = framer();
    push(ok.f, 'MESSAGE sip:a SIP/2.0\r\nContent-Length: 65534\r\n\r\n');
    expect(ok.h.failed).toBeUndefined();
  });

  it('fails when headers never end within the 65535-byte buffer', () => {
    const { f, h } = framer({ maxMsgChunks: 100 });
    push(f, 'MESSAGE sip:a SIP/2.0\r\n');
    for (let i = 0; i < 70 && !h.failed; i++) push(f, `X-Pad: ${'p'.repeat(1000)}\r\n`);
    expect(h.failed).toBe(FRAMING_ERRORS.tooBig);
  });

  it('answers a CRLFCRLF ping with a CRLF pong, also between messages and when split', () => {
    const { f, h } = framer();
    push(f, '\r\n\r\n', OPTIONS + '\r\n\r\n' + OPTIONS, '\r\n', '\r\n');
    expect(h.writes).toEqual(['\r\n', '\r\n', '\r\n']);
    expect(h.msgs).toEqual([OPTIONS, OPTIONS]);
    expect(f.pending).toBe(false);
    const quiet = framer({ crlfPingPong: false });
    push(quiet.f, '\r\n\r\n');
    expect(quiet.h.writes).toEqual([]);
    expect(quiet.f.pending).toBe(false);
  });

  it('treats a lone CRLF as partial with crlf_drop 0 and drops it with crlf_drop 1', () => {
    const keep = framer({ crlfDrop: false });
    push(keep.f, '\r\n');
    expect(keep.f.pending).toBe(true); // the read deadline applies
    push(keep.f, OPTIONS);
    expect(keep.h.msgs).toEqual([OPTIONS]);
    expect(keep.h.writes).toEqual([]);

    const drop = framer({ crlfDrop: true });
    push(drop.f, '\r\n');
    expect(drop.f.pending).toBe(false);
    push(drop.f, OPTIONS);
    expect(drop.h.msgs).toEqual([OPTIONS]);
  });

  it('fails a message that takes more read chunks than allowed (profile attr overrides the param)', () => {
    const parts = [INVITE.slice(0, 10), INVITE.slice(10, 20), INVITE.slice(20, 30), INVITE.slice(30, 40), INVITE.slice(40)];
    const four = framer({ maxMsgChunks: 4 });
    push(four.f, ...parts);
    expect(four.h.failed).toBe(FRAMING_ERRORS.tooManyChunks);
    expect(four.h.msgs).toEqual([]);

    const exact = framer({ maxMsgChunks: 4 });
    push(exact.f, ...parts.slice(0, 3), parts.slice(3).join(''));
    expect(exact.h.msgs).toEqual([INVITE]);

    const viaProfile = framer({ maxMsgChunks: 4 }, { ...PROFILE, attrs: { maxMsgChunks: 10 } });
    push(viaProfile.f, ...parts);
    expect(viaProfile.h.msgs).toEqual([INVITE]);

    // the count restarts with each message
    const many = framer({ maxMsgChunks: 2 });
    push(many.f, OPTIONS.slice(0, 5), OPTIONS.slice(5) + OPTIONS.slice(0, 5), OPTIONS.slice(5));
    expect(many.h.msgs).toEqual([OPTIONS, OPTIONS]);
    expect(many.h.failed).toBeUndefined();
  });

  it('keeps the body bytes exact (no string round trip)', () => {
    const body = Buffer.from([0xff, 0x00, 0xc3, 0x28, 0x0d, 0x0a]);
    const head = Buffer.from(`MESSAGE sip:a SIP/2.0\r\nContent-Length: ${body.length}\r\n\r\n`);
    const { f, h } = framer();
    const got: Buffer[] = [];
    h.deliver = (m) => void got.push(m);
    f.push(Buffer.concat([head, body.subarray(0, 3)]));
    f.push(body.subarray(3));
    expect(Buffer.compare(got[0]!, Buffer.concat([head, body]))).toBe(0);
  });
});
