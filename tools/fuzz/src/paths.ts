import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The monorepo root (tools/fuzz/{src,dist}/ -> ../../..). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const TSIPS_BIN = join(REPO_ROOT, 'core/bin/tsips.js');
export const RESULTS_DIR = join(REPO_ROOT, 'fuzz-results');

/** A sortable, file-name-safe time stamp: 20261123-190412 */
export function stamp(d = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}
