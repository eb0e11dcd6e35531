import type { Loc, PvExpr, PvIndex, TransformExpr } from './ast.js';

/**
 * Pseudo-variable syntax, shared by the lexer (`$ru` in code) and the format-string compiler
 * (`"from $fu to $var(x)"`): `$name`, `$name(inner)`, `$name(inner)[index]` and the
 * parenthesised `$(name(inner)[index]{tr}...)` whose `{...}` are transformations (compiled by
 * script/transforms.ts). Names may hold '.' between parts (`$err.class`,
 * `$tm.branch.uri`) but never end with one, so `"at $ru."` reads `$ru`.
 */
export type PvScan = { ok: true; pv: PvExpr; end: number } | { ok: false; error: string; at: number };

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

function scanName(src: string, pos: number): number {
  let p = pos;
  if (!NAME_START.test(src[p] ?? '')) return p;
  for (;;) {
    while (p < src.length && NAME_CHAR.test(src[p]!)) p++;
    if (src[p] === '.' && NAME_START.test(src[p + 1] ?? '')) p++;
    else return p;
  }
}

/** The end of a balanced `( ... )` starting at `pos` (which holds '('), or -1. */
function scanBalanced(src: string, pos: number): number {
  let depth = 0;
  for (let p = pos; p < src.length; p++) {
    const c = src[p];
    if (c === '\n') return -1;
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return p + 1;
  }
  return -1;
}

/** The end of a balanced `{ ... }` starting at `pos` (which holds '{'), or -1: arguments may hold `$(pv{tr})`. */
function scanBraces(src: string, pos: number): number {
  let depth = 0;
  for (let p = pos; p < src.length; p++) {
    const c = src[p];
    if (c === '\n') return -1;
    if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return p + 1;
  }
  return -1;
}

/** True when `src[pos]` starts a pseudo-variable (`$` followed by a name or `(`). */
export function startsPv(src: string, pos: number): boolean {
  const c = src[pos + 1] ?? '';
  return src[pos] === '$' && (c === '(' || NAME_START.test(c));
}

/** Scan the pseudo-variable whose '$' is at `pos`; `loc` is attached to the result. */
export function scanPv(src: string, pos: number, loc: Loc): PvScan {
  const wrapped = src[pos + 1] === '(';
  const nameStart = wrapped ? pos + 2 : pos + 1;
  let p = scanName(src, nameStart);
  if (p === nameStart) return { ok: false, error: "expected a pseudo-variable name after '$'", at: nameStart };
  const name = src.slice(nameStart, p);
  let inner: string | undefined;
  let index: PvIndex | undefined;
  if (src[p] === '(') {
    const end = scanBalanced(src, p);
    if (end < 0) return { ok: false, error: `unterminated '(' in $${name}(`, at: p };
    inner = src.slice(p + 1, end - 1);
    p = end;
  }
  if (src[p] === '[') {
    const close = src.indexOf(']', p);
    const nl = src.indexOf('\n', p);
    if (close < 0 || (nl >= 0 && nl < close)) return { ok: false, error: `unterminated '[' in $${name}`, at: p };
    const raw = src.slice(p + 1, close).trim();
    if (/^-?\d+$/.test(raw)) index = { type: 'int', value: Number.parseInt(raw, 10) };
    else if (raw.startsWith('$')) {
      const nested = scanPv(raw, 0, loc);
      if (!nested.ok || nested.end !== raw.length)
        return { ok: false, error: `bad index '${raw}' in $${name}: expected an integer or a pseudo-variable`, at: p + 1 };
      index = nested.pv;
    } else return { ok: false, error: `bad index '${raw}' in $${name}: expected an integer or a pseudo-variable`, at: p + 1 };
    p = close + 1;
  }
  const transforms: TransformExpr[] = [];
  while (wrapped && src[p] === '{') {
    const end = scanBraces(src, p);
    if (end < 0) return { ok: false, error: `unterminated '{' in $(${name}`, at: p };
    const body = src.slice(p + 1, end - 1);
    const comma = body.indexOf(',');
    const text = src.slice(p, end);
    transforms.push(comma < 0 ? { name: body.trim(), text } : { name: body.slice(0, comma).trim(), params: body.slice(comma + 1), text });
    p = end;
  }
  if (wrapped) {
    if (src[p] !== ')') return { ok: false, error: `missing ')' closing $(${name}`, at: p };
    p++;
  }
  const pv: PvExpr = { type: 'pv', name, text: src.slice(pos, p), loc };
  if (inner !== undefined) pv.inner = inner;
  if (index !== undefined) pv.index = index;
  if (transforms.length > 0) pv.transforms = transforms;
  return { ok: true, pv, end: p };
}
