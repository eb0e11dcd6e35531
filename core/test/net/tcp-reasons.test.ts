import { describe, expect, it } from 'vitest';
import { REASON, reasonForSocketError } from '../../src/net/tcp/reasons.js';

const err = (code: string): NodeJS.ErrnoException => Object.assign(new Error(code), { code });

describe('close reasons of socket errors (tcp-core.md §4, tcpops events)', () => {
  it('maps reset, keepalive timeout, broken pipe and the rest', () => {
    expect(reasonForSocketError(err('ECONNRESET'))).toEqual({ kind: 'reset', text: 'Read error' });
    expect(reasonForSocketError(err('ETIMEDOUT'))).toEqual({ kind: 'keepalive', text: 'Read error' });
    expect(reasonForSocketError(err('EPIPE'))).toEqual({ kind: 'write-error', text: 'Write error' });
    expect(reasonForSocketError(err('EHOSTUNREACH'))).toEqual({ kind: 'error', text: 'Read error' });
  });

  it('keeps the OpenSIPS texts, including the missing space of the read timeout', () => {
    expect(REASON.readTimeout.text).toBe('Read timeout withincomplete SIP message');
    expect(REASON.idle.text).toBe('Timeout on no traffic');
    expect(REASON.eof.text).toBe('EOF received');
    expect(REASON.local.text).toBe('Closed by Proto layer');
    expect(Object.isFrozen(REASON.eof)).toBe(true);
  });
});
