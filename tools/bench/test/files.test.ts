import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { capFile, capFiles } from '../src/files.js';

describe('log capping', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-files-'));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('cuts a long file and says so, leaves short ones alone', () => {
    writeFileSync(join(dir, 'uac_1_errors.log'), 'x'.repeat(1000));
    writeFileSync(join(dir, 'short.log'), 'ok');
    writeFileSync(join(dir, 'keep.csv'), 'y'.repeat(1000));
    capFiles(dir, /\.log$/, 100);
    const cut = readFileSync(join(dir, 'uac_1_errors.log'), 'utf8');
    expect(cut.startsWith('x'.repeat(100) + '\n[tools/bench: cut at 100 of 1000 bytes]')).toBe(true);
    expect(readFileSync(join(dir, 'short.log'), 'utf8')).toBe('ok');
    expect(readFileSync(join(dir, 'keep.csv'), 'utf8')).toHaveLength(1000);
    expect(capFile(join(dir, 'missing.log'), 10)).toBe(false);
  });
});
