import { connTraceParams, defineModule, int, SCRIPT, setupConnTrace, TCP_MANAGER, TIMERS, TRANSPORTS, type ConnTrace } from '@tsips/core';
import { MSRP_API } from './api.js';
import { MsrpEngine } from './engine.js';
import { msrpTrace } from './mi.js';
import { Outbound } from './outbound.js';
import { msrpProto } from './proto.js';
import { MSRP_STATS, MsrpStats } from './stats.js';

export * from './api.js';
export * from './codec/index.js';
export { TextMemo } from './memo.js';
export { msrpProto } from './proto.js';
export { MsrpEngine } from './engine.js';
export { TransactionTable, TX_SLOTS, TX_ID_LEN, type RandomSource } from './transactions.js';
export { globToRegExp } from './dispatch.js';

export interface ProtoMsrpState {
  engine: MsrpEngine;
  /** connection-event tracing (ACCEPTED/CONNECTED/CLOSED labelled MSRP; OpenSIPS 3.6 loses the first and last: fixed on purpose) */
  trace: ConnTrace;
  stopTimer: () => void;
}

/**
 * proto_msrp: MSRP (RFC 4975) transport (OpenSIPS proto_msrp). The core TCP manager owns the
 * sockets of `socket=msrp:IP:PORT`; this module frames and parses MSRP, keeps the hop-by-hop
 * transactions and offers MSRP_API (load_msrp) to msrp_relay and other MSRP users.
 */
export default defineModule({
  name: 'proto_msrp',
  doc: 'MSRP transport: framing, parser, transactions and the API MSRP modules build on',
  params: {
    send_timeout: int({ default: 100, min: 1, unit: 'ms', doc: 'queued writes may go this long without progress before the connection is dropped' }),
    max_msg_chunks: int({ default: 4, min: 1, doc: 'read chunks one frame may take (tcp_mgm attr max_msg_chunks overrides)' }),
    ...connTraceParams,
  },
  protos: [msrpProto],
  mi: { msrp_trace: msrpTrace },
  stats: MSRP_STATS,
  init(ctx): ProtoMsrpState {
    const p = ctx.params;
    const transports = ctx.resolve(TRANSPORTS);
    const tcp = ctx.resolve(TCP_MANAGER);
    tcp.setProtoOptions('msrp', { maxMsgChunks: p.max_msg_chunks, sendTimeout: p.send_timeout });
    const trace = setupConnTrace({ module: 'proto_msrp', proto: 'msrp', label: 'MSRP' }, p, { hooks: ctx.hooks, engine: ctx.resolve(SCRIPT), log: ctx.log });
    const stats: MsrpStats = new MsrpStats(ctx, (): number => engine.txs.size);
    const engine: MsrpEngine = new MsrpEngine(new Outbound(transports, tcp, ctx.log), stats, ctx.log);
    transports.setReceiver('msrp', engine);
    const stopTimer = ctx.resolve(TIMERS).every(1000, engine.txs.tick);
    ctx.provide(MSRP_API, engine);
    return { engine, trace, stopTimer };
  },
  childInit(ctx, st) {
    // every module is initialised: proto_hep's TRACER is there if it is loaded at all
    st.trace.emitter?.bind(ctx.container);
  },
  destroy(state: ProtoMsrpState) {
    state.stopTimer();
    state.engine.txs.clear();
  },
});
