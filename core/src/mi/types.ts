/**
 * MI command contract (OpenSIPS mi_export_t): a command has one or more recipes, each an
 * ordered list of parameter names; the dispatcher picks the recipe by the parameters given
 * (see shared/reference/mi.md §3) and calls it with a name → value object.
 */
export type MiParams = Record<string, unknown>;

export interface MiRecipe<S = unknown> {
  params: readonly string[];
  run(params: MiParams, state: S): unknown | Promise<unknown>;
}

export interface MiCommandSpec<S = unknown> {
  help?: string;
  /** positional parameters are rejected (-32602) */
  namedOnly?: boolean;
  /** other names that reach the command (e.g. 4.x `tcp:trace` for `tcp_trace`) */
  aliases?: readonly string[];
  recipes: readonly MiRecipe<S>[];
}

/** Thrown by a handler to answer with a JSON-RPC error object. */
export class MiError extends Error {
  readonly code: number;
  readonly data?: string;
  constructor(code: number, message: string, data?: string) {
    super(message);
    this.name = 'MiError';
    this.code = code;
    this.data = data;
  }
}

export const MI_PARSE_ERROR = -32700;
export const MI_INVALID_REQUEST = -32600;
export const MI_METHOD_NOT_FOUND = -32601;
export const MI_INVALID_PARAMS = -32602;
export const MI_SERVER_ERROR = -32000;
