import { randomBytes } from 'node:crypto';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TsipsError } from '@tsips/core';

/** What a routing file exports. */
export type RoutingExports = Readonly<Record<string, unknown>>;

export const ROUTING_FILE = /\.(m?ts|m?js)$/i;

/**
 * Load the routing file: .js/.mjs are imported as they are; .ts/.mts are transpiled (syntax
 * only, no type check: ESNext modules, ES2022) into a temporary .mjs beside the source, so
 * its relative imports resolve as written, imported, and the temporary file removed again.
 * Every failure is a TsipsError naming the file (and line:col for a syntax error).
 */
export async function loadRoutingFile(file: string): Promise<RoutingExports> {
  try {
    if (!(await stat(file)).isFile()) throw new Error('not a file');
  } catch (cause) {
    throw new TsipsError('APP_TS_ERR_LOAD', `cannot read routing file ${file}: ${(cause as Error).message}`, {
      cause,
      hint: 'modparam("app_ts", "load", ...) takes a path relative to the config file',
    });
  }
  const ext = extname(file).toLowerCase();
  if (ext === '.js' || ext === '.mjs') return importFile(pathToFileURL(file).href, file);
  const js = await transpile(await readFile(file, 'utf8'), file);
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}-${randomBytes(4).toString('hex')}.mjs`);
  try {
    await writeFile(tmp, js);
  } catch (cause) {
    throw new TsipsError('APP_TS_ERR_LOAD', `cannot write the transpiled ${file} beside it (${tmp}): ${(cause as Error).message}`, {
      cause,
      hint: 'the directory of the routing file must be writable, or give a .js/.mjs file',
    });
  }
  try {
    return await importFile(pathToFileURL(tmp).href, file);
  } finally {
    await rm(tmp, { force: true });
  }
}

async function transpile(source: string, file: string): Promise<string> {
  const mod = await import('typescript');
  const ts = mod.default;
  const out = ts.transpileModule(source, {
    fileName: file,
    reportDiagnostics: true,
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      // stack traces point into the .ts file under node --enable-source-maps
      inlineSourceMap: true,
      inlineSources: true,
    },
  });
  const errors = (out.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  const first = errors[0];
  if (first) {
    const pos = first.file && first.start !== undefined ? first.file.getLineAndCharacterOfPosition(first.start) : { line: 0, character: 0 };
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more error(s))` : '';
    throw new TsipsError('APP_TS_ERR_SYNTAX', `syntax error in routing file: ${ts.flattenDiagnosticMessageText(first.messageText, '\n')}${more}`, {
      loc: { file, line: pos.line + 1, col: pos.character + 1 },
    });
  }
  return out.outputText;
}

async function importFile(url: string, file: string): Promise<RoutingExports> {
  try {
    return (await import(url)) as RoutingExports;
  } catch (cause) {
    throw new TsipsError('APP_TS_ERR_LOAD', `routing file ${file} failed to load: ${(cause as Error).message}`, {
      cause,
      hint: 'relative imports of other .ts files are not transpiled: import .js/.mjs files from a routing file',
    });
  }
}
