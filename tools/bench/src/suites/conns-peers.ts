import { join } from 'node:path';
import type { PeerName } from '../args.js';
import { PEERS_DIR, REPO_ROOT, TSIPS_BIN } from '../paths.js';
import { launchPeer } from '../peers/launch.js';
import { renderTemplateFile } from '../peers/template.js';
import type { PeerSpec, RunningPeer } from '../peers/types.js';

/**
 * `cmd args...` run through sh with the soft open-files limit raised to the hard one
 * (`exec` keeps the PID, so the bench still stops and measures the program itself).
 * Raising the hard limit needs CAP_SYS_RESOURCE, which a container may not have.
 */
export function withFullNoFile(cmd: string, args: readonly string[]): { cmd: string; args: string[] } {
  return { cmd: 'sh', args: ['-c', 'ulimit -n "$(ulimit -Hn)" && exec "$0" "$@"', cmd, ...args] };
}

export interface ConnsPeerOptions {
  ip: string;
  port: number;
  maxConnections: number;
  dir: string;
}

/** Starts `name` with the conns config (one UDP socket for the start-up probe, one TCP socket). */
export async function startConnsPeer(name: PeerName, o: ConnsPeerOptions): Promise<RunningPeer> {
  const configPath = renderTemplateFile(join(PEERS_DIR, `${name}-conns.cfg`), join(o.dir, `${name}-conns.cfg`), {
    IP: o.ip, PORT: String(o.port), MAX_CONNECTIONS: String(o.maxConnections),
  });
  // launchPeer reads only ip, port and transport ('t1': wait for the TCP listener too);
  // mode, uas and shim belong to the proxy suites and mean nothing here.
  const spec: PeerSpec = { mode: 'stateless', transport: 't1', ip: o.ip, port: o.port, uas: { ip: o.ip, port: o.port }, dir: o.dir, shim: '' };
  const logPath = join(o.dir, `${name}-conns.log`);
  const run = name === 'tsips'
    ? withFullNoFile(process.execPath, [TSIPS_BIN, '-f', configPath])
    // -m: MB of shared memory, where Kamailio keeps its connections; untouched pages cost nothing
    : withFullNoFile('kamailio', ['-DD', '-E', '-f', configPath, '-m', '256', '-M', '16', '-Y', o.dir, '-w', o.dir]);
  return launchPeer({
    name,
    cmd: run.cmd,
    args: run.args,
    env: process.env,
    cwd: name === 'tsips' ? REPO_ROOT : o.dir,
    spec,
    configPath,
    logPath,
    bufferNote: 'default socket buffers (idle connections)',
  });
}
