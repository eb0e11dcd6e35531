import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Writes `data` as pretty JSON to `<dir>/<name>.json` and returns the path. */
export function writeJson(dir: string, name: string, data: unknown): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.json`);
  writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
  return path;
}
