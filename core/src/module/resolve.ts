import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, resolve as resolvePath } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Where `loadmodule "x"` finds a module (OpenSIPS order, module-interface.md §2):
 * 1. a built-in module: `tm`, `tm.so`, `/any/dir/tm.so` -> @tsips/tm
 * 2. an explicit path (absolute, or ./ ../ relative to the config file)
 * 3. each mpath root: <root>/<name> (a file, or a package directory), then <root>/<name-without-.so>/
 * 4. an npm package name resolved from the config file's directory, then from the core
 * Returns an importable URL or package specifier, or the list of places tried.
 */
export function resolveModule(
  spec: string,
  opts: { configDir: string; mpath: readonly string[] },
): { url: string } | { tried: string[] } {
  const tried: string[] = [];
  const bare = spec.replace(/\.so$/, '');
  const base = bare.includes('/') ? bare.slice(bare.lastIndexOf('/') + 1) : bare;

  if (/^[a-z][a-z0-9_]*$/i.test(base)) {
    // imported by its package name, so test runners can map it to sources
    if (packageDirFrom(`@tsips/${base}`, fileURLToPath(import.meta.url))) return { url: `@tsips/${base}` };
    tried.push(`built-in @tsips/${base}`);
  }

  const isPath = isAbsolute(spec) || spec.startsWith('./') || spec.startsWith('../');
  if (isPath) {
    const p = isAbsolute(spec) ? spec : resolvePath(opts.configDir, spec);
    const hit = tryPath(p);
    if (hit) return { url: hit };
    tried.push(p);
  }

  for (const root of opts.mpath) {
    const dir = isAbsolute(root) ? root : resolvePath(opts.configDir, root);
    for (const p of [join(dir, spec), join(dir, bare)]) {
      const hit = tryPath(p);
      if (hit) return { url: hit };
      tried.push(p);
    }
  }

  if (!isPath) {
    const pkg = tryPackage(spec, [join(opts.configDir, 'noop.js'), join(process.cwd(), 'noop.js'), import.meta.url]);
    if (pkg) return { url: pkg };
    tried.push(`npm package "${spec}"`);
  }
  return { tried };
}

/** The installed package's directory, looked up in node_modules folders from `from` upwards. */
function packageDirFrom(name: string, from: string): string | undefined {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    const p = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(p)) return dirname(p);
    if (dirname(dir) === dir) return undefined;
  }
}

function tryPackage(name: string, from: string[]): string | undefined {
  for (const f of from) {
    try {
      return pathToFileURL(createRequire(f).resolve(name)).href;
    } catch {
      // not resolvable from there
    }
  }
  return undefined;
}

/** A file, or a directory holding a package (its package.json main/exports) or index.js. */
function tryPath(p: string): string | undefined {
  if (!existsSync(p)) return undefined;
  if (statSync(p).isFile()) return pathToFileURL(p).href;
  try {
    return pathToFileURL(createRequire(join(p, 'noop.js')).resolve(p)).href;
  } catch {
    return undefined;
  }
}
