import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PEERS_DIR } from '../paths.js';
import { shimEnv } from '../shim.js';
import { launchPeer } from './launch.js';
import { renderTemplateFile } from './template.js';
import { configName, uasUri, type PeerDriver, type PeerSpec, type RunningPeer } from './types.js';

const MODULE_DIRS = [
  '/usr/lib/x86_64-linux-gnu/kamailio/modules',
  '/usr/lib/aarch64-linux-gnu/kamailio/modules',
  '/usr/lib/kamailio/modules',
  '/usr/lib64/kamailio/modules',
  '/usr/local/lib64/kamailio/modules',
];

function moduleDir(): string | undefined {
  return MODULE_DIRS.find((d) => existsSync(join(d, 'tm.so')));
}

export function kamailioVersion(): string | undefined {
  const r = spawnSync('kamailio', ['-v'], { encoding: 'utf8', timeout: 5000 });
  return /kamailio (\d+\.\d+\.\d+)/.exec(`${r.stdout}${r.stderr}`)?.[1];
}

export const kamailio: PeerDriver = {
  name: 'kamailio',
  check() {
    const version = kamailioVersion();
    if (!version) return { ok: false, reason: 'kamailio is not installed' };
    if (!moduleDir()) return { ok: false, reason: 'kamailio modules (tm.so) not found' };
    return { ok: true, version };
  },
  async start(spec: PeerSpec): Promise<RunningPeer> {
    const names = configName(spec, 'kamailio');
    const configPath = renderTemplateFile(
      join(PEERS_DIR, names.template),
      join(spec.dir, `${names.base}.cfg`),
      { IP: spec.ip, PORT: String(spec.port), UAS_URI: uasUri(spec), MPATH: moduleDir() ?? '', ...spec.vars },
    );
    const args = [
      '-DD', '-E', // foreground, log to stderr (the log file)
      '-f', configPath,
      // MB of shared / per-process memory. Transactions stay ~5 s after completion (tm's
      // wait timer): at 2000 calls/s, 256 MB ran out ("could not allocate shared memory").
      '-m', '1024', '-M', '16',
      '-Y', spec.dir, // runtime folder of this run, not /run/kamailio
      '-w', spec.dir,
    ];
    return launchPeer({
      name: 'kamailio',
      cmd: 'kamailio',
      args,
      env: spec.shim ? shimEnv(spec.shim, { udpSndbuf: 4 * 1024 * 1024 }) : process.env,
      cwd: spec.dir,
      spec,
      configPath,
      logPath: join(spec.dir, `${names.base}.log`),
      bufferNote: 'maxbuffer=4194304 (SO_RCVBUF); SO_SNDBUF 4 MB set by the bench LD_PRELOAD shim (Kamailio 5.6 has no option for it)',
    });
  },
};
