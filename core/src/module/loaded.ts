import type { ModuleDefinition } from './define.js';
import type { ParamValue } from './params.js';
import type { SourceLocation } from '../errors.js';
import type { StateCell } from '../script/symbols.js';

/** One module as the server holds it: its definition, params as set, state once initialised. */
export interface LoadedModule {
  def: ModuleDefinition;
  /** where `loadmodule` named it */
  loc: SourceLocation;
  url: string;
  /** raw values from modparam lines (repeatable params collect arrays) */
  raw: Map<string, ParamValue | ParamValue[]>;
  /** typed values after validation and defaults (frozen at `configured`) */
  params: Record<string, unknown>;
  state: StateCell;
  initialised: boolean;
}
