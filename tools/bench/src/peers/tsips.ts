import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PEERS_DIR, REPO_ROOT, TSIPS_BIN, tsipsBuilt } from '../paths.js';
import { launchPeer } from './launch.js';
import { renderTemplateFile } from './template.js';
import { configName, uasUri, type PeerDriver, type PeerSpec, type RunningPeer } from './types.js';

export function tsipsVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'core', 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export const tsips: PeerDriver = {
  name: 'tsips',
  check() {
    if (!tsipsBuilt()) return { ok: false, reason: 'tsips is not built (run `npx tsc -b` at the repo root)' };
    return { ok: true, version: tsipsVersion() };
  },
  async start(spec: PeerSpec): Promise<RunningPeer> {
    const names = configName(spec, 'tsips');
    const configPath = renderTemplateFile(
      join(PEERS_DIR, names.template),
      join(spec.dir, `${names.base}.cfg`),
      { IP: spec.ip, PORT: String(spec.port), UAS_URI: uasUri(spec), ...spec.vars },
    );
    return launchPeer({
      name: 'tsips',
      cmd: process.execPath,
      args: [TSIPS_BIN, '-f', configPath],
      env: process.env,
      cwd: REPO_ROOT,
      spec,
      configPath,
      logPath: join(spec.dir, `${names.base}.log`),
      bufferNote: 'udp_rcvbuf=4194304, udp_sndbuf=4194304 (config globals)',
    });
  },
};
