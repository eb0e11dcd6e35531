import type { CmdSpec, PvSpec } from '../module/define.js';

/**
 * A module's state, filled in when the module's init() returns. The compiler captures the
 * cell (compile happens before init, so `tsips -C` never opens sockets) and compiled closures
 * read `cell.value`: one property load per call, no look-up.
 */
export interface StateCell {
  value: unknown;
}

export interface ResolvedCmd {
  module: string;
  name: string;
  /** overloads, distinguished by argument count */
  overloads: readonly CmdSpec[];
  state: StateCell;
  /** the module's typed params, handed to argument fixups */
  params?: Readonly<Record<string, unknown>>;
}

export interface ResolvedPv {
  module: string;
  name: string;
  spec: PvSpec;
  state: StateCell;
}

/** What the compiler may ask about the loaded modules and the core. */
export interface ScriptSymbols {
  cmd(name: string): ResolvedCmd | undefined;
  pv(name: string): ResolvedPv | undefined;
  /** every known function name, for "did you mean" hints */
  cmdNames(): string[];
  /** an event a module or the core declared (`tcp:closed`, `E_CORE_TCP_DISCONNECT`); custom E_* names are always allowed */
  event(name: string): boolean;
  /** `X == myself`: is this URI / host[:port] / IP one of ours (listeners + alias=) */
  myself(value: string): boolean;
}
