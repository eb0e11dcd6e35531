import { connect, type Socket } from 'node:net';
import type { StreamPlan } from './types.js';

/** What happened to one stream input's connection. */
export interface StreamOutcome {
  /** everything the server wrote back */
  received: Buffer;
  /** the server ended (FIN) or reset the connection before we were done */
  closedByServer: 'fin' | 'reset' | null;
  /** for `hold`: ms until the server gave up on the partial message (null: it did not) */
  heldMs: number | null;
  /** the connection could not be opened */
  connectError?: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface StreamTiming {
  /** answers are awaited until the connection has been quiet this long */
  quietMs: number;
  /** and at most this long after the last write */
  maxWaitMs: number;
  /** how long a `hold` waits for the server to close */
  holdMs: number;
}

export const DEFAULT_TIMING: StreamTiming = { quietMs: 80, maxWaitMs: 800, holdMs: 3500 };

/**
 * Open a connection, write `data` as `plan` says, collect what comes back, and end it the
 * planned way. Never throws; the socket is always destroyed before this resolves.
 */
export async function runStream(host: string, port: number, data: Buffer, plan: StreamPlan, t: StreamTiming = DEFAULT_TIMING): Promise<StreamOutcome> {
  const chunks: Buffer[] = [];
  const out: StreamOutcome = { received: Buffer.alloc(0), closedByServer: null, heldMs: null };
  let lastData = Date.now();
  let done = false;
  const sock: Socket = connect({ host, port });
  sock.setNoDelay(true);
  sock.on('data', (d) => {
    chunks.push(d);
    lastData = Date.now();
  });
  const closed = new Promise<void>((resolve) => {
    sock.on('end', () => {
      if (!done) out.closedByServer ??= 'fin';
    });
    sock.on('error', (e: NodeJS.ErrnoException) => {
      if (!done && e.code === 'ECONNRESET') out.closedByServer = 'reset';
      else if (!done && e.code !== 'EPIPE') out.connectError ??= e.code ?? e.message;
    });
    sock.on('close', () => resolve());
  });
  const ready = await new Promise<boolean>((resolve) => {
    sock.once('connect', () => resolve(true));
    sock.once('error', () => resolve(false));
    setTimeout(() => resolve(false), 2000).unref();
  });
  try {
    if (!ready) {
      out.connectError ??= 'connect timeout';
      return out;
    }
    const bounds = [0, ...plan.splits.filter((s) => s > 0 && s < data.length), data.length];
    for (let i = 0; i + 1 < bounds.length; i++) {
      if (sock.destroyed || out.closedByServer) break;
      let piece = data.subarray(bounds[i]!, bounds[i + 1]!);
      if (plan.end === 'reset' && plan.resetAt !== undefined && bounds[i + 1]! >= plan.resetAt) {
        piece = data.subarray(bounds[i]!, plan.resetAt);
        if (piece.length > 0) sock.write(piece);
        await sleep(5);
        done = true;
        sock.resetAndDestroy();
        return out;
      }
      sock.write(piece);
      if (plan.gapMs > 0 && i + 2 < bounds.length) await sleep(plan.gapMs);
    }
    if (plan.end === 'reset') {
      done = true;
      sock.resetAndDestroy();
      return out;
    }
    if (plan.end === 'half-close') sock.end();
    const wrote = Date.now();
    if (plan.end === 'hold') {
      while (!out.closedByServer && !sock.destroyed && Date.now() - wrote < t.holdMs) await sleep(50);
      if (out.closedByServer) out.heldMs = Date.now() - wrote;
      return out;
    }
    // quiet = nothing written or received for quietMs (twice that while nothing came back)
    const quiet = (): boolean => Date.now() - Math.max(lastData, wrote) >= t.quietMs * (chunks.length === 0 ? 2 : 1);
    while (!sock.destroyed && !out.closedByServer && Date.now() - wrote < t.maxWaitMs && !quiet()) await sleep(20);
    return out;
  } finally {
    done = true;
    if (!sock.destroyed) {
      sock.end();
      sock.destroy();
    }
    await Promise.race([closed, sleep(500)]);
    out.received = Buffer.concat(chunks);
  }
}
