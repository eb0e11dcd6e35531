import { afterAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { routingFile, removeRoutingFiles } from './helpers.js';

afterAll(removeRoutingFiles);

const REPO = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

/** Type errors in `files` (only theirs: the sources they import are checked by their own builds). */
function typeErrors(files: string[]): string[] {
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    skipLibCheck: true,
    types: ['node'],
    typeRoots: [join(REPO, 'node_modules/@types')],
    baseUrl: REPO,
    paths: { '@tsips/app_ts': ['modules/app_ts/src/index.ts'], '@tsips/core': ['core/src/index.ts'] },
  });
  // diagnostics of these files only: checking them does not check all of core
  return files
    .flatMap((f) => {
      const sf = program.getSourceFile(f)!;
      return [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)];
    })
    .map((d) => {
      const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
      return `${d.file!.fileName}:${line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
}

describe('the Ksr type', () => {
  it('types the example routing file and module namespaces, and rejects misuse', () => {
    const ok = routingFile(`
import type { Ksr, AppTsApi } from '@tsips/app_ts';
export function request(ksr: Ksr): void {
  const rc: number = ksr.sl.sl_send_reply(200, 'OK') + ksr.tm.t_relay() + ksr.probe.matches(/x/);
  const v: string | number | null = ksr.pv.get('$ru');
  const m: string = ksr.msg.method;
  const yes: boolean = ksr.is_method('INVITE') && ksr.hdr.is_present('Via');
  ksr.log('info', String(rc) + v + m + yes);
}
export const api: AppTsApi | undefined = undefined;
`);
    const bad = routingFile(`
import type { Ksr } from '@tsips/app_ts';
export function request(ksr: Ksr): void {
  ksr.sl.sl_send_reply({ code: 200 });
  const s: string = ksr.pv.get('$ru');
  ksr.x.exit(1);
}
`);
    const example = join(REPO, 'config/examples/app_ts-routes.ts');
    const errs = typeErrors([ok, example, bad]);
    expect(errs).toHaveLength(3);
    expect(errs[0]).toMatch(/routes.ts:4: .*'code' does not exist in type 'RegExp'/);
    expect(errs[1]).toMatch(/:5: Type 'ScriptValue' is not assignable to type 'string'/);
    expect(errs[2]).toMatch(/:6: Expected 0 arguments, but got 1/);
  });
});
