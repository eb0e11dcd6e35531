/**
 * Typed module parameters (the `params` block of a module definition) and their validation.
 * A spec is plain data; `coerceParam` turns one `modparam()` value into the typed value or
 * returns a message that says what is wrong with it.
 */
export type ParamValue = number | string | boolean;

interface ParamBase<T> {
  /** value used when no modparam sets it */
  default?: T;
  /** the parameter may be absent (no default, read as undefined) */
  optional?: boolean;
  /** several modparam lines accumulate into an array (OpenSIPS USE_FUNC_PARAM style) */
  repeat?: boolean;
  /** unit shown in errors and docs: 's', 'ms', 'us', 'bytes' ... */
  unit?: string;
  /** one-line description for docs and `which` */
  doc?: string;
}

export interface IntParamSpec extends ParamBase<number> {
  kind: 'int';
  min?: number;
  max?: number;
}
export interface StrParamSpec extends ParamBase<string> {
  kind: 'str';
  /** optional syntactic check; returns an error message or undefined */
  validate?: (value: string) => string | undefined;
}
export interface BoolParamSpec extends ParamBase<boolean> {
  kind: 'bool';
}
export interface EnumParamSpec extends ParamBase<string | number> {
  kind: 'enum';
  values: readonly (string | number)[];
}

export type ParamSpec = IntParamSpec | StrParamSpec | BoolParamSpec | EnumParamSpec;

// generic over the options so a given `default` stays in the type: ParamValues then reads
// the param as `number`, not `number | undefined`
export const int = <O extends Omit<IntParamSpec, 'kind'> = {}>(o: O = {} as O): IntParamSpec & O => ({ kind: 'int', ...o });
export const str = <O extends Omit<StrParamSpec, 'kind'> = {}>(o: O = {} as O): StrParamSpec & O => ({ kind: 'str', ...o });
export const bool = <O extends Omit<BoolParamSpec, 'kind'> = {}>(o: O = {} as O): BoolParamSpec & O => ({ kind: 'bool', ...o });
export const oneOf = <O extends Omit<EnumParamSpec, 'kind' | 'values'> = {}>(values: readonly (string | number)[], o: O = {} as O): EnumParamSpec & O => ({
  kind: 'enum',
  values,
  ...o,
});

/** The typed values a spec map produces: what `init(ctx)` reads as `ctx.params`. */
export type ParamValues<P extends Record<string, ParamSpec>> = {
  [K in keyof P]: P[K] extends { repeat: true }
    ? ParamTypeOf<P[K]>[]
    : P[K] extends { default: unknown }
      ? ParamTypeOf<P[K]>
      : ParamTypeOf<P[K]> | undefined;
};
type ParamTypeOf<S> = S extends IntParamSpec
  ? number
  : S extends StrParamSpec
    ? string
    : S extends BoolParamSpec
      ? boolean
      : S extends EnumParamSpec
        ? string | number
        : never;

const INT_RE = /^[+-]?\d+$/;

/** Convert a config literal to the spec's type. Returns `{ value }` or `{ error }`. */
export function coerceParam(spec: ParamSpec, raw: ParamValue): { value: ParamValue } | { error: string } {
  const unit = spec.unit ? ` ${spec.unit}` : '';
  switch (spec.kind) {
    case 'int': {
      let n: number;
      if (typeof raw === 'number') n = raw;
      else if (typeof raw === 'boolean') n = raw ? 1 : 0;
      else if (INT_RE.test(raw.trim())) n = Number.parseInt(raw.trim(), 10);
      else return { error: `expects an integer${unit}, got "${raw}"` };
      if (!Number.isInteger(n)) return { error: `expects an integer${unit}, got ${n}` };
      if (spec.min !== undefined && n < spec.min) return { error: `must be >= ${spec.min}${unit}, got ${n}` };
      if (spec.max !== undefined && n > spec.max) return { error: `must be <= ${spec.max}${unit}, got ${n}` };
      return { value: n };
    }
    case 'bool': {
      if (typeof raw === 'boolean') return { value: raw };
      if (typeof raw === 'number') {
        if (raw === 0 || raw === 1) return { value: raw === 1 };
        return { error: `expects 0 or 1, got ${raw}` };
      }
      const s = raw.trim().toLowerCase();
      if (['1', 'yes', 'true', 'on'].includes(s)) return { value: true };
      if (['0', 'no', 'false', 'off'].includes(s)) return { value: false };
      return { error: `expects a boolean (0/1, yes/no, on/off), got "${raw}"` };
    }
    case 'str': {
      const s = typeof raw === 'string' ? raw : String(raw);
      const why = spec.validate?.(s);
      return why ? { error: why } : { value: s };
    }
    case 'enum': {
      const hit = spec.values.find((v) => String(v).toLowerCase() === String(raw).toLowerCase());
      if (hit === undefined) return { error: `must be one of ${spec.values.map((v) => JSON.stringify(v)).join(', ')}, got ${JSON.stringify(raw)}` };
      return { value: hit };
    }
  }
}
