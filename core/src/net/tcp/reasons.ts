import type { CloseReason } from './types.js';

/** Close reasons with the OpenSIPS texts (tcp-core.md §4); shared frozen objects, no allocation. */
export const REASON = Object.freeze({
  eof: Object.freeze<CloseReason>({ kind: 'eof', text: 'EOF received' }),
  reset: Object.freeze<CloseReason>({ kind: 'reset', text: 'Read error' }),
  keepalive: Object.freeze<CloseReason>({ kind: 'keepalive', text: 'Read error' }),
  readError: Object.freeze<CloseReason>({ kind: 'error', text: 'Read error' }),
  writeError: Object.freeze<CloseReason>({ kind: 'write-error', text: 'Write error' }),
  idle: Object.freeze<CloseReason>({ kind: 'timeout', text: 'Timeout on no traffic' }),
  // the two OpenSIPS literals concatenate without a space: kept as is (traces compare them)
  readTimeout: Object.freeze<CloseReason>({ kind: 'read-timeout', text: 'Read timeout withincomplete SIP message' }),
  local: Object.freeze<CloseReason>({ kind: 'local', text: 'Closed by Proto layer' }),
  connectFailed: Object.freeze<CloseReason>({ kind: 'error', text: 'Async connect failed' }),
  internal: Object.freeze<CloseReason>({ kind: 'error', text: 'Internal error' }),
  unknown: Object.freeze<CloseReason>({ kind: 'error', text: 'Unknown reason' }),
});

/** Map a socket error of an established connection to a close reason. */
export function reasonForSocketError(err: NodeJS.ErrnoException): CloseReason {
  switch (err.code) {
    case 'ECONNRESET':
      return REASON.reset;
    case 'ETIMEDOUT':
      // unanswered keepalive probes (or TCP user timeout)
      return REASON.keepalive;
    case 'EPIPE':
      return REASON.writeError;
    default:
      return REASON.readError;
  }
}
