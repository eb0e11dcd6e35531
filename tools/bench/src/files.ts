import { appendFileSync, readdirSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';

/** 256 KB of a log is enough to see why calls failed; an overloaded step writes megabytes. */
export const LOG_CAP = 256 * 1024;

/** Truncates a file to `max` bytes (noting that it did); true when it was cut. */
export function capFile(path: string, max = LOG_CAP): boolean {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return false;
  }
  if (size <= max) return false;
  truncateSync(path, max);
  appendFileSync(path, `\n[tools/bench: cut at ${max} of ${size} bytes]\n`);
  return true;
}

/** Caps every file in `dir` whose name matches `pattern`. */
export function capFiles(dir: string, pattern: RegExp, max = LOG_CAP): void {
  for (const name of readdirSync(dir)) if (pattern.test(name)) capFile(join(dir, name), max);
}
