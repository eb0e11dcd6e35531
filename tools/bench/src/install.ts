import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export function onPath(bin: string, path = process.env['PATH'] ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const full = join(dir, bin);
    try {
      accessSync(full, constants.X_OK);
      return full;
    } catch { /* not here */ }
  }
  return undefined;
}

function aptGet(args: string[], log: (line: string) => void): boolean {
  log(`running: apt-get ${args.join(' ')}`);
  const r = spawnSync('apt-get', args, {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    timeout: 600_000,
  });
  return r.status === 0;
}

/**
 * Makes sure `bin` is on PATH, installing Debian package `pkg` with apt-get when it is
 * not (and `allowInstall`). Throws with what to do when that is not possible.
 */
export function ensureCommand(bin: string, pkg: string, allowInstall: boolean, log: (line: string) => void): void {
  if (onPath(bin)) return;
  const hint = `install it with: apt-get install -y ${pkg}`;
  if (!allowInstall) throw new Error(`${bin} is not on PATH (--no-install given); ${hint}`);
  if (process.getuid?.() !== 0) throw new Error(`${bin} is not on PATH and the bench is not root; ${hint}`);
  if (!onPath('apt-get')) throw new Error(`${bin} is not on PATH and apt-get is missing; install Debian package ${pkg}`);
  const args = ['install', '-y', '--no-install-recommends', pkg];
  if (!aptGet(args, log)) {
    // A fresh image has no package lists yet.
    if (!aptGet(['update'], log) || !aptGet(args, log)) throw new Error(`apt-get could not install ${pkg}`);
  }
  if (!onPath(bin)) throw new Error(`${pkg} installed but ${bin} is still not on PATH`);
}
