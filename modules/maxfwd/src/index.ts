import { defineModule, int, RouteType, type ScriptContext } from '@tsips/core';

const { REQUEST, FAILURE, BRANCH } = RouteType;

interface MfState {
  maxLimit: number;
}

/** The Max-Forwards value, or undefined when absent; -1 when malformed. */
function current(ctx: ScriptContext): number | undefined {
  try {
    return ctx.msg.maxForwards;
  } catch {
    return -1;
  }
}

function setValue(ctx: ScriptContext, v: number): void {
  ctx.msg.removeHeader('max-forwards');
  ctx.msg.addHeader(`Max-Forwards: ${v}`);
}

/**
 * maxfwd: Max-Forwards handling (RFC 3261 §16.3 step 3, §16.6 step 3), OpenSIPS semantics and
 * return codes.
 */
export default defineModule({
  name: 'maxfwd',
  doc: 'Max-Forwards checks and decrement',
  params: {
    max_limit: int({ default: 70, min: 1, max: 255, doc: 'upper bound of the forwarded value' }),
  },
  cmds: {
    mf_process_maxfwd_header: {
      args: [{ kind: 'int', static: true, fixup: (v) => checkMax(v) }],
      routes: REQUEST | FAILURE | BRANCH,
      doc: '2: header added with max; 1: decremented; -1: value is 0 (answer 483); -2: malformed',
      run: (ctx, st: MfState, max: number) => {
        const v = current(ctx);
        if (v === undefined) {
          setValue(ctx, Math.min(max, st.maxLimit));
          return 2;
        }
        if (v < 0) return -2;
        if (v === 0) return -1;
        setValue(ctx, Math.min(v - 1, st.maxLimit));
        return 1;
      },
    },
    is_maxfwd_lt: {
      args: [{ kind: 'int', static: true, fixup: (v) => checkMax(v) }],
      routes: REQUEST | FAILURE | BRANCH,
      doc: '1 if Max-Forwards is present and lower than the value; -1 if not; -2 malformed or absent',
      run: (ctx, _st: MfState, limit: number) => {
        const v = current(ctx);
        if (v === undefined || v < 0) return -2;
        return v < limit ? 1 : -1;
      },
    },
  },
  init: (ctx): MfState => ({ maxLimit: ctx.params.max_limit }),
});

function checkMax(v: string | number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 255) throw new Error(`max value must be an integer from 1 to 255, got ${v}`);
  return n;
}
