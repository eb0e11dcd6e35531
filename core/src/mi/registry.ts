/**
 * The MI command table and the JSON-RPC 2.0 dispatcher every MI transport shares (OpenSIPS
 * mi/mi.c): request validation, recipe selection by the parameters given, error objects with
 * the exact codes, messages and `data` strings of shared/reference/mi.md §2–§4.
 */
import type { Logger } from 'pino';
import {
  MiError,
  MI_INVALID_PARAMS,
  MI_INVALID_REQUEST,
  MI_METHOD_NOT_FOUND,
  MI_PARSE_ERROR,
  MI_SERVER_ERROR,
  type MiCommandSpec,
  type MiParams,
  type MiRecipe,
} from './types.js';

export type JsonRpcId = string | number | null;

export interface MiErrorObject {
  code: number;
  message: string;
  data?: string;
}

export type MiResponse =
  | { jsonrpc: '2.0'; result: unknown; id: JsonRpcId }
  | { jsonrpc: '2.0'; error: MiErrorObject; id: JsonRpcId };

/** What an HTTP transport sends back: 200 + JSON, 202 without body (notification), 500. */
export interface MiHttpReply {
  status: number;
  body?: string;
}

interface Command {
  readonly name: string;
  readonly module: string;
  readonly spec: MiCommandSpec<unknown>;
  readonly state: unknown;
}

type Outcome = { result: unknown } | { error: MiErrorObject };

const NAME_RE = /^[A-Za-z0-9_.-]+$/;
/** 4.x `module:cmd` form, only accepted for aliases */
const ALIAS_RE = /^[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+)?$/;

const invalidParams = (data: string): { error: MiErrorObject } => ({ error: { code: MI_INVALID_PARAMS, message: 'Invalid params', data } });

export class MiRegistry {
  /** command names and aliases → command */
  private readonly byName = new Map<string, Command>();
  private readonly commands: Command[] = [];
  private readonly log?: Pick<Logger, 'warn'>;

  constructor(opts: { log?: Pick<Logger, 'warn'> } = {}) {
    this.log = opts.log;
  }

  /**
   * Add a command. A duplicate name or alias throws (OpenSIPS refuses it too); a ':' is only
   * allowed in aliases, which is how the 4.x `module:cmd` names (`tcp:trace`) are offered.
   */
  register<S>(name: string, spec: MiCommandSpec<S>, state: S, module = 'core'): void {
    if (!NAME_RE.test(name)) throw new Error(`MI command name "${name}" (module ${module}) must match ${NAME_RE}`);
    for (const alias of spec.aliases ?? [])
      if (!ALIAS_RE.test(alias)) throw new Error(`MI alias "${alias}" of ${name} (module ${module}) must match ${ALIAS_RE}`);
    if (spec.recipes.length === 0) throw new Error(`MI command ${name} (module ${module}) has no recipe`);
    for (const r of spec.recipes)
      if (new Set(r.params).size !== r.params.length) throw new Error(`MI command ${name}: a recipe repeats a parameter name (${r.params.join(', ')})`);
    const all = [name, ...(spec.aliases ?? [])];
    for (const n of all) {
      const taken = this.byName.get(n);
      if (taken) throw new Error(`MI command "${n}" of module ${module} is already registered by module ${taken.module} (${taken.name})`);
    }
    if (new Set(all).size !== all.length) throw new Error(`MI command ${name} lists the same alias twice`);
    const cmd: Command = { name, module, spec: spec as MiCommandSpec<unknown>, state };
    this.commands.push(cmd);
    for (const n of all) this.byName.set(n, cmd);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** Every callable name, in registration order: each command followed by its aliases. */
  names(): string[] {
    return this.commands.flatMap((c) => [c.name, ...(c.spec.aliases ?? [])]);
  }

  /** The recipes of a command (by name or alias) as lists of parameter names, for `which`. */
  recipes(name: string): string[][] | undefined {
    return this.byName.get(name)?.spec.recipes.map((r) => [...r.params]);
  }

  /** Help text and owning module of a command, for `help`. */
  describe(name: string): { name: string; module: string; help?: string } | undefined {
    const c = this.byName.get(name);
    return c && { name: c.name, module: c.module, help: c.spec.help };
  }

  /**
   * Run one already-parsed JSON-RPC request. Returns the response object, or undefined for a
   * notification (no `id`) unless the request itself was invalid (then `id` is null).
   */
  async dispatch(request: unknown): Promise<MiResponse | undefined> {
    if (typeof request !== 'object' || request === null || Array.isArray(request))
      return { jsonrpc: '2.0', error: { code: MI_INVALID_REQUEST, message: 'Invalid Request' }, id: null };
    const req = request as Record<string, unknown>;
    const hasId = Object.hasOwn(req, 'id');
    const id = req.id;
    const idOk = !hasId || id === null || typeof id === 'string' || typeof id === 'number';
    const replyId: JsonRpcId = hasId && idOk ? (id as JsonRpcId) : null;
    const params = Object.hasOwn(req, 'params') ? req.params : undefined;
    if (
      !idOk ||
      req.jsonrpc !== '2.0' ||
      typeof req.method !== 'string' ||
      (params !== undefined && (typeof params !== 'object' || params === null))
    )
      return { jsonrpc: '2.0', error: { code: MI_INVALID_REQUEST, message: 'Invalid Request' }, id: replyId };

    const outcome = await this.execute(req.method, params as unknown[] | MiParams | undefined);
    if (!hasId) return undefined;
    return 'error' in outcome
      ? { jsonrpc: '2.0', error: outcome.error, id: replyId }
      : { jsonrpc: '2.0', result: outcome.result, id: replyId };
  }

  /**
   * The HTTP-level wrapper (mi_http): one JSON-RPC request per body. Batch arrays are
   * answered with Invalid Request, as OpenSIPS does: its MI handles one request object.
   */
  async handleBody(body: string): Promise<MiHttpReply> {
    let request: unknown;
    try {
      request = JSON.parse(body);
    } catch {
      return this.serialize({ jsonrpc: '2.0', error: { code: MI_PARSE_ERROR, message: 'Parse error' }, id: null });
    }
    const response = await this.dispatch(request);
    return response ? this.serialize(response) : { status: 202 };
  }

  private serialize(response: MiResponse): MiHttpReply {
    try {
      return { status: 200, body: JSON.stringify(response) };
    } catch (err) {
      // a handler returned something JSON cannot carry (BigInt, a cycle): mi_http answers 500
      this.log?.warn({ err }, 'MI: cannot serialise the response');
      return { status: 500 };
    }
  }

  private async execute(method: string, params: unknown[] | MiParams | undefined): Promise<Outcome> {
    const cmd = this.byName.get(method);
    if (!cmd) return { error: { code: MI_METHOD_NOT_FOUND, message: 'Method not found' } };

    const positional = Array.isArray(params);
    // an empty array or object counts as "no params" (OpenSIPS drops a childless params)
    const given = params === undefined ? [] : positional ? params : Object.keys(params);
    if (positional && given.length > 0 && cmd.spec.namedOnly) return invalidParams('Command only supports named parameters');

    const picked = pickRecipe(cmd.spec.recipes, given.length === 0 ? undefined : positional ? 'positional' : 'named', given);
    if ('error' in picked) return picked;
    const recipe = picked.recipe;
    const args: MiParams = {};
    if (positional) recipe.params.forEach((p, i) => (args[p] = (params as unknown[])[i]));
    else if (params) for (const p of recipe.params) args[p] = (params as MiParams)[p];

    let result: unknown;
    try {
      result = await recipe.run(args, cmd.state);
    } catch (err) {
      if (err instanceof MiError) {
        const error: MiErrorObject = { code: err.code, message: err.message };
        if (err.data !== undefined) error.data = err.data;
        return { error };
      }
      this.log?.warn({ err, cmd: cmd.name, module: cmd.module }, 'MI command failed');
      return { error: { code: MI_SERVER_ERROR, message: 'Server error', data: err instanceof Error ? err.message : String(err) } };
    }
    if (result === undefined || result === null)
      return { error: { code: MI_SERVER_ERROR, message: 'Server error', data: 'Command handler returned null' } };
    return { result };
  }
}

/**
 * OpenSIPS get_cmd_recipe: no params → the recipe without params; positional → the only
 * recipe with that many params; named → the first recipe with that many params that
 * declares every given name.
 */
function pickRecipe(
  recipes: readonly MiRecipe<unknown>[],
  kind: 'positional' | 'named' | undefined,
  given: readonly unknown[],
): { recipe: MiRecipe<unknown> } | { error: MiErrorObject } {
  if (kind === undefined) {
    const none = recipes.find((r) => r.params.length === 0);
    return none ? { recipe: none } : invalidParams('Too few or too many parameters');
  }
  const sameCount = recipes.filter((r) => r.params.length === given.length);
  if (kind === 'positional') {
    if (sameCount.length > 1) return invalidParams('Ambiguous call, use named parameters instead');
    return sameCount[0] ? { recipe: sameCount[0] } : invalidParams('Too few or too many parameters');
  }
  if (sameCount.length === 0) return invalidParams('Too few or too many parameters');
  const names = new Set(given as string[]);
  const match = sameCount.find((r) => r.params.every((p) => names.has(p)));
  return match ? { recipe: match } : invalidParams('Named parameters do not match');
}
