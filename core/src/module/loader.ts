import { TsipsError, type SourceLocation } from '../errors.js';
import { coerceParam, type ParamSpec, type ParamValue } from './params.js';
import { isModuleDefinition, type ModuleDep, type ModuleDefinition } from './define.js';
import { resolveModule } from './resolve.js';
import type { LoadedModule } from './loaded.js';

/**
 * Loading modules: import each `loadmodule` target, validate its definition, apply `modparam`
 * lines (module name = anchored, case-insensitive regex, as in OpenSIPS), fill defaults, and
 * order modules so that dependencies initialise first. Errors are collected, not thrown one by
 * one, so `tsips -C` shows every problem of a config at once.
 */
export async function loadModule(
  spec: string,
  loc: SourceLocation,
  opts: { configDir: string; mpath: readonly string[] },
): Promise<LoadedModule> {
  const found = resolveModule(spec, opts);
  if ('tried' in found)
    throw new TsipsError('TSIPS_ERR_MODULE_NOT_FOUND', `module "${spec}" not found`, {
      loc,
      hint: `looked in: ${found.tried.join(', ')}; check the name, mpath, or install the package`,
    });
  let imported: { default?: unknown };
  try {
    imported = (await import(found.url)) as { default?: unknown };
  } catch (cause) {
    throw new TsipsError('TSIPS_ERR_MODULE_LOAD', `module "${spec}" failed to load: ${(cause as Error).message}`, {
      loc,
      cause,
      hint: 'is the module built (npm run build) and its dependencies installed?',
    });
  }
  const def = imported.default;
  if (!isModuleDefinition(def))
    throw new TsipsError('TSIPS_ERR_MODULE_INVALID', `"${spec}" is not a tsips module`, {
      loc,
      hint: 'a module\'s default export must be defineModule({ name, ... })',
    });
  return { ...preloaded(def, loc), url: found.url };
}

/** A definition handed over in-process (ServerOptions.modules) instead of imported. */
export function preloaded(def: ModuleDefinition, loc: SourceLocation): LoadedModule {
  return { def, loc, url: `inline:${def.name}`, raw: new Map(), params: {}, state: { value: undefined }, initialised: false };
}

/** Apply one modparam line to every module whose name matches the regex. */
export function applyModparam(
  modules: readonly LoadedModule[],
  line: { module: string; param: string; value: ParamValue; loc: SourceLocation },
): TsipsError[] {
  const what = `modparam("${line.module}", "${line.param}")`;
  let re: RegExp;
  try {
    re = new RegExp(`^(${line.module})$`, 'i');
  } catch {
    return [new TsipsError('TSIPS_ERR_MODPARAM', `${what}: bad module name pattern`, { loc: line.loc })];
  }
  const targets = modules.filter((m) => re.test(m.def.name));
  if (targets.length === 0)
    return [
      new TsipsError('TSIPS_ERR_MODPARAM', `${what}: no loaded module matches "${line.module}"`, {
        loc: line.loc,
        hint: `loadmodule it before the modparam line (loaded: ${modules.map((m) => m.def.name).join(', ') || 'none'})`,
      }),
    ];
  const errors: TsipsError[] = [];
  for (const m of targets) {
    const spec: ParamSpec | undefined = m.def.params?.[line.param];
    if (!spec) {
      // a regex hitting several modules only needs the parameter in one of them
      if (targets.length > 1) continue;
      const known = Object.keys(m.def.params ?? {});
      errors.push(
        new TsipsError('TSIPS_ERR_MODPARAM', `${what}: module ${m.def.name} has no parameter "${line.param}"`, {
          loc: line.loc,
          hint: known.length ? `its parameters: ${known.join(', ')}` : `${m.def.name} takes no parameters`,
        }),
      );
      continue;
    }
    const r = coerceParam(spec, line.value);
    if ('error' in r) {
      errors.push(new TsipsError('TSIPS_ERR_MODPARAM', `${what}: ${r.error}`, { loc: line.loc, hint: paramHint(spec) }));
      continue;
    }
    if (spec.repeat) {
      const list = (m.raw.get(line.param) as ParamValue[] | undefined) ?? [];
      list.push(r.value);
      m.raw.set(line.param, list);
    } else m.raw.set(line.param, r.value);
  }
  if (targets.length > 1 && !targets.some((m) => m.def.params?.[line.param]))
    errors.push(
      new TsipsError('TSIPS_ERR_MODPARAM', `${what}: no module matching "${line.module}" has that parameter`, { loc: line.loc }),
    );
  return errors;
}

function paramHint(spec: ParamSpec): string {
  const parts = [`type ${spec.kind}`];
  if (spec.kind === 'int') {
    if (spec.min !== undefined) parts.push(`min ${spec.min}`);
    if (spec.max !== undefined) parts.push(`max ${spec.max}`);
  }
  if (spec.kind === 'enum') parts.push(`one of ${spec.values.join('|')}`);
  if (spec.unit) parts.push(`unit ${spec.unit}`);
  if (spec.default !== undefined) parts.push(`default ${JSON.stringify(spec.default)}`);
  return parts.join(', ');
}

/** Fill typed params from modparam values and defaults (lifecycle stage `configured`). */
export function finalizeParams(m: LoadedModule): void {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(m.def.params ?? {})) {
    const v = m.raw.get(name);
    if (v !== undefined) out[name] = v;
    else if (spec.repeat) out[name] = spec.default !== undefined ? [spec.default] : [];
    else out[name] = spec.default;
  }
  m.params = Object.freeze(out);
}

function depsOf(m: LoadedModule): ModuleDep[] {
  return (m.def.deps ?? []).map((d) => (typeof d === 'string' ? { name: d } : d));
}

/**
 * Initialisation order: load order, each module preceded by its dependencies (OpenSIPS walks
 * deps first). A missing mandatory dependency or a cycle is an error naming the modules.
 */
export function initOrder(modules: readonly LoadedModule[]): { order: LoadedModule[]; errors: TsipsError[] } {
  const byName = new Map(modules.map((m) => [m.def.name, m]));
  const errors: TsipsError[] = [];
  const order: LoadedModule[] = [];
  const state = new Map<string, 'visiting' | 'done'>();

  const visit = (m: LoadedModule, chain: string[]): void => {
    const s = state.get(m.def.name);
    if (s === 'done') return;
    if (s === 'visiting') {
      const cycle = [...chain.slice(chain.indexOf(m.def.name)), m.def.name].join(' -> ');
      errors.push(
        new TsipsError('TSIPS_ERR_MODULE_DEPS', `module dependency cycle: ${cycle}`, {
          loc: m.loc,
          hint: 'break the cycle: one of these modules must not depend on the other',
        }),
      );
      return;
    }
    state.set(m.def.name, 'visiting');
    for (const dep of depsOf(m)) {
      const target = byName.get(dep.name);
      if (target) visit(target, [...chain, m.def.name]);
      else if (!dep.optional)
        errors.push(
          new TsipsError('TSIPS_ERR_MODULE_DEPS', `module "${m.def.name}" depends on "${dep.name}", which is not loaded`, {
            loc: m.loc,
            hint: `add loadmodule "${dep.name}" to the config`,
          }),
        );
    }
    state.set(m.def.name, 'done');
    order.push(m);
  };
  for (const m of modules) visit(m, []);
  return { order, errors };
}
