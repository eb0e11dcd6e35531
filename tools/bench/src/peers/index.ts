import type { PeerName } from '../args.js';
import { stopChild } from '../children.js';
import { capFile } from '../files.js';
import { ensureCommand } from '../install.js';
import type { SuiteContext } from '../suites/types.js';
import { kamailio } from './kamailio.js';
import { tsips } from './tsips.js';
import type { PeerDriver, RunningPeer } from './types.js';

export const PEER_DRIVERS: Readonly<Record<PeerName, PeerDriver>> = { tsips, kamailio };

/** The requested peers that can run here (Kamailio installed on demand); a note for each skipped one. */
export function runnablePeers(requested: readonly PeerName[], ctx: SuiteContext, notes: string[]): PeerName[] {
  return requested.filter((name) => {
    if (name === 'kamailio') ensureCommand('kamailio', 'kamailio', ctx.opts.install, ctx.log);
    const c = PEER_DRIVERS[name].check();
    if (!c.ok) notes.push(`${name} skipped: ${c.reason}`);
    return c.ok;
  });
}

/**
 * Start a peer, run `body` on it and always stop it (by PID) and cap its log. A failure to
 * start or in `body` goes to `onError` (the suite records it and goes on with the next run).
 */
export async function withPeer(start: () => Promise<RunningPeer>, body: (peer: RunningPeer) => Promise<void>, onError: (message: string) => void): Promise<void> {
  let peer: RunningPeer | undefined;
  try {
    peer = await start();
    await body(peer);
  } catch (e) {
    onError((e as Error).message);
  } finally {
    if (peer) {
      await stopChild(peer.child, 5000);
      capFile(peer.logPath);
    }
  }
}
