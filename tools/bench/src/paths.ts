import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** tools/bench (the package folder), found from this file whether it runs from src/ or dist/. */
export const BENCH_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The monorepo root (the folder holding core/ and tools/). */
export const REPO_ROOT = resolve(BENCH_DIR, '..', '..');

/** Proxy configuration templates kept in the repository. */
export const PEERS_DIR = join(BENCH_DIR, 'peers');

/** C source of the LD_PRELOAD shim, compiled at bench time. */
export const SHIM_SOURCE = join(BENCH_DIR, 'src', 'shim', 'bind_shim.c');

/** The tsips command line entry point (runs the built core). */
export const TSIPS_BIN = join(REPO_ROOT, 'core', 'bin', 'tsips.js');

export function tsipsBuilt(): boolean {
  return existsSync(TSIPS_BIN) && existsSync(join(REPO_ROOT, 'core', 'dist', 'cli.js'));
}

/** A sortable, file-name-safe local time stamp: 20261123-162026. */
export function stamp(d: Date = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}
