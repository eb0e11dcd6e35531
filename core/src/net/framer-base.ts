import type { FramerHost, StreamFramer } from './proto.js';

/** A zero-length buffer the framers share for "nothing buffered". */
export const EMPTY_BUFFER = Buffer.alloc(0);

/**
 * What every stream framer (SIP over TCP, MSRP, HEP over TCP) keeps the same way: the bytes not
 * yet delivered, the count of reads the current partial message has taken against the
 * per-connection limit (tcp_mgm `max_msg_chunks` over the proto's own), and the one-way
 * failure that hands a reason to the connection and ignores everything after it.
 */
export abstract class StreamFramerBase implements StreamFramer {
  pending = false;
  /** bytes received and not yet delivered */
  protected buf: Buffer = EMPTY_BUFFER;
  /** reads the current partial message has taken so far */
  protected attempts = 0;
  /** failed: the connection is being closed, later bytes are ignored */
  protected dead = false;
  protected readonly maxChunks: number;

  constructor(protected readonly host: FramerHost) {
    this.maxChunks = host.profile.attrs.maxMsgChunks ?? host.options.maxMsgChunks;
  }

  abstract push(chunk: Buffer): void;

  /** Give up on the connection with `reason` (its close reason); false for `return this.die(..)`. */
  protected die(reason: string): false {
    this.dead = true;
    this.pending = false;
    this.buf = EMPTY_BUFFER;
    this.host.fail(reason);
    return false;
  }
}
