import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { once } from 'node:events';

/**
 * Every process the bench starts goes through here. Each child leads its own process
 * group (detached), so stopping it also stops what it forked (Kamailio's workers) and a
 * Ctrl-C in the terminal reaches only the bench, which then stops its children itself.
 * Nothing else is ever signalled: only the groups of PIDs recorded here.
 */
const live = new Map<number, ChildProcess>();

export function spawnTracked(cmd: string, args: readonly string[], opts: SpawnOptions = {}): ChildProcess {
  const child = spawn(cmd, [...args], { ...opts, detached: true });
  const pid = child.pid;
  if (pid === undefined) {
    // spawn failures (ENOENT...) surface as an 'error' event; keep the caller's handler in charge.
    return child;
  }
  live.set(pid, child);
  child.once('exit', () => live.delete(pid));
  return child;
}

function signalGroup(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig); // the group the child leads (detached spawn)
  } catch {
    /* group already empty */
  }
}

export function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Waits up to `ms` for the child to exit; true when it did. */
export async function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (exited(child)) return true;
  const timer = new Promise<false>((r) => { const t = setTimeout(() => r(false), ms); t.unref(); });
  return Promise.race([once(child, 'exit').then(() => true), timer]);
}

/** SIGTERM (or `first`) to the child's group, then SIGKILL after `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs = 3000, first: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  if (!exited(child)) {
    signalGroup(pid, first);
    if (await waitExit(child, graceMs)) {
      signalGroup(pid, 'SIGKILL'); // workers that outlived their parent
      return;
    }
  }
  signalGroup(pid, 'SIGKILL');
  await waitExit(child, 2000);
}

/** Stops every child still running (used on SIGINT/SIGTERM and at the end). */
export async function stopAll(graceMs = 2000): Promise<void> {
  await Promise.all([...live.values()].map((c) => stopChild(c, graceMs)));
}

let installed = false;
/** Makes sure no child outlives the bench: on signals, stop them and exit; on exit, SIGKILL. */
export function installCleanup(onSignal: (sig: NodeJS.Signals) => void = () => undefined): void {
  if (installed) return;
  installed = true;
  process.on('exit', () => { for (const pid of live.keys()) signalGroup(pid, 'SIGKILL'); });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      onSignal(sig);
      void stopAll().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
    });
  }
}
