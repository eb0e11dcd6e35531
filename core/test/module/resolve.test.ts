import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveModule } from '../../src/module/resolve.js';

describe('loadmodule resolution (module-interface.md §2)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsips-resolve-'));
  writeFileSync(join(dir, 'mine.js'), 'export default {}');
  mkdirSync(join(dir, 'mods', 'pkgmod'), { recursive: true });
  writeFileSync(join(dir, 'mods', 'pkgmod', 'package.json'), JSON.stringify({ name: 'pkgmod', main: 'main.js' }));
  writeFileSync(join(dir, 'mods', 'pkgmod', 'main.js'), 'export default {}');

  it('finds built-in modules by name, with .so and with a directory prefix', () => {
    for (const spec of ['sl', 'sl.so', '/usr/lib/opensips/modules/sl.so']) {
      const r = resolveModule(spec, { configDir: dir, mpath: [] });
      expect(r).toEqual({ url: '@tsips/sl' });
    }
  });

  it('finds a file by path relative to the config', () => {
    const r = resolveModule('./mine.js', { configDir: dir, mpath: [] });
    expect('url' in r && r.url.endsWith('/mine.js')).toBe(true);
  });

  it('finds a package directory under an mpath root, with or without .so', () => {
    for (const spec of ['pkgmod', 'pkgmod.so']) {
      const r = resolveModule(spec, { configDir: dir, mpath: ['mods'] });
      expect('url' in r && r.url.endsWith('/mods/pkgmod/main.js')).toBe(true);
    }
  });

  it('lists the places it tried when nothing matches', () => {
    const r = resolveModule('nosuchmod', { configDir: dir, mpath: ['mods'] });
    expect('tried' in r && r.tried.join(' ')).toContain('built-in @tsips/nosuchmod');
  });
});
