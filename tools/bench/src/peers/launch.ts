import { closeSync, openSync, readFileSync } from 'node:fs';
import type { PeerName } from '../args.js';
import { exited, spawnTracked, stopChild } from '../children.js';
import { isListening } from '../proc.js';
import { waitForSipAnswer } from './probe.js';
import type { PeerSpec, RunningPeer } from './types.js';

export interface LaunchOptions {
  name: PeerName;
  cmd: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  spec: PeerSpec;
  configPath: string;
  logPath: string;
  bufferNote: string;
  startTimeoutMs?: number;
}

function tail(path: string, lines = 15): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Starts a proxy in the foreground and waits until it answers SIP over UDP and, for the
 * TCP steps, listens on TCP. Throws with the end of its log when it exits or times out.
 */
export async function launchPeer(o: LaunchOptions): Promise<RunningPeer> {
  const fd = openSync(o.logPath, 'w');
  const child = spawnTracked(o.cmd, o.args, { cwd: o.cwd, env: o.env, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  let spawnError: Error | undefined;
  child.once('error', (e) => { spawnError = e; });
  const deadline = Date.now() + (o.startTimeoutMs ?? 15_000);
  const target = { ip: o.spec.ip, port: o.spec.port };
  let ready = false;
  while (!ready && !spawnError && Date.now() < deadline && !exited(child)) {
    const answered = await waitForSipAnswer(target, 1000);
    ready = answered && (o.spec.transport === 'u1' || isListening(o.spec.port, 'tcp'));
  }
  if (!ready || child.pid === undefined) {
    await stopChild(child, 1000);
    const why = spawnError ? `could not start (${spawnError.message})`
      : exited(child) ? `exited (code ${child.exitCode ?? child.signalCode})` : 'did not answer in time';
    throw new Error(`${o.name} ${why}; last log lines (${o.logPath}):\n${tail(o.logPath)}`);
  }
  return {
    name: o.name,
    pid: child.pid,
    child,
    port: o.spec.port,
    configPath: o.configPath,
    logPath: o.logPath,
    bufferNote: o.bufferNote,
  };
}
