import { defineModule, int, str, TRACER } from '@tsips/core';
import { TM_API } from '@tsips/tm';
import { Capture } from './capture.js';
import { traceCmd, type TracerState } from './cmd.js';
import { traceMi } from './mi.js';
import { bindTargets, buildTargets, validateTraceId } from './trace-id.js';
import { TxTracing } from './tx.js';

export { parseTraceId, TraceTarget } from './trace-id.js';
export type { TracerState, Scope } from './cmd.js';

/**
 * tracer: SIP message tracing to HEP collectors (OpenSIPS tracer, type "sip"; Kamailio
 * siptrace). `trace()` picks the messages; proto_hep's TRACER service encodes and sends them.
 * README.md lists the parameters, the function, the MI command and the statistics.
 */
export default defineModule({
  name: 'tracer',
  doc: 'SIP message tracing to HEP destinations (trace())',
  // tm first when loaded: scope "t" uses its callbacks
  deps: ['proto_hep', { name: 'tm', optional: true }],
  params: {
    trace_id: str({ repeat: true, validate: validateTraceId, doc: 'a trace destination: "[name]uri=hep:<proto_hep hep_id>"' }),
    trace_on: int({ default: 1, min: 0, max: 1, doc: 'global tracing switch (MI trace changes it)' }),
  },
  stats: [
    { name: 'traced_requests', doc: 'requests sent to a trace destination (one per destination)' },
    { name: 'traced_replies', doc: 'replies sent to a trace destination (one per destination)' },
  ],
  cmds: { trace: traceCmd },
  mi: { trace: traceMi },
  init(ctx): TracerState {
    const targets = buildTargets(ctx.params.trace_id);
    const stats = { requests: ctx.stat('traced_requests'), replies: ctx.stat('traced_replies') };
    return { capture: new Capture(ctx.params.trace_on === 1, targets, stats, ctx.log), tx: null };
  },
  // after every init: proto_hep's destinations and tm's API are in place, hooks still open
  childInit(ctx, st) {
    const cap = st.capture;
    if (cap.targets.size === 0) {
      ctx.log.warn('tracer: no trace_id is defined: trace() will return -1');
      return;
    }
    const tracer = ctx.container.isRegistered(TRACER, true) ? ctx.resolve(TRACER) : undefined;
    bindTargets(cap.targets, tracer);
    cap.tracer = tracer!;
    ctx.hooks.trace.tap('tracer', cap.onTrace);
    if (!ctx.container.isRegistered(TM_API, true)) return;
    const tm = ctx.resolve(TM_API);
    const txs = new TxTracing(tm, cap);
    tm.registerCallback(null, tm.TMCB.REQUEST_IN, txs.onRequestIn);
    // before tm's tap, which consumes the replies it matches
    ctx.hooks.replyIn.tap({ name: 'tracer', stage: -1 }, txs.onReplyIn);
    st.tx = txs;
  },
});
