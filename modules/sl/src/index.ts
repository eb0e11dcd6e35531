import { defineModule, RouteType, SIP_CORE, HOOKS, type SipCore, type Stat, type ScriptContext } from '@tsips/core';

const { REQUEST, FAILURE, BRANCH, ERROR } = RouteType;

interface SlState {
  sip: SipCore;
  byClass: Stat[]; // index = status class 1..6
  sent: Stat;
  sentErr: Stat;
  acks: Stat;
}

function reply(st: SlState, ctx: ScriptContext, code: number, reason: string): number {
  if (!ctx.msg.isRequest || ctx.msg.method === 'ACK') return -1;
  if (code < 100 || code > 699) return -1;
  if (!st.sip.sendReply(ctx.msg, ctx.rcv, code, reason)) return -1;
  st.sent.inc();
  st.byClass[Math.floor(code / 100)]?.inc();
  if (code >= 300) st.sentErr.inc();
  return 1;
}

/**
 * sl: stateless replies (OpenSIPS sl). A reply is built from the request (RFC 3261 §8.2.6)
 * with a to-tag that is the same for retransmissions; ACKs to these replies are absorbed
 * before the script sees them.
 */
export default defineModule({
  name: 'sl',
  doc: 'stateless replies',
  params: {},
  stats: ['1xx_replies', '2xx_replies', '3xx_replies', '4xx_replies', '5xx_replies', '6xx_replies', 'sent_replies', 'sent_err_replies', 'received_ACKs'],
  cmds: {
    sl_send_reply: {
      args: [{ kind: 'int' }, { kind: 'str' }],
      routes: REQUEST | FAILURE | BRANCH | ERROR,
      doc: 'send a stateless reply: sl_send_reply(code, reason)',
      run: (ctx, st: SlState, code: number, reason: string) => reply(st, ctx, code, reason),
    },
    sl_reply_error: {
      routes: REQUEST | FAILURE | BRANCH | ERROR,
      doc: 'reply with the status of the last error ($err.rcode / $err.rreason), else 500',
      run: (ctx, st: SlState) => reply(st, ctx, ctx.error?.rcode ?? 500, ctx.error?.rreason ?? 'Server Internal Error'),
    },
  },
  init(ctx): SlState {
    const sip = ctx.resolve(SIP_CORE);
    const st: SlState = {
      sip,
      byClass: [1, 2, 3, 4, 5, 6].reduce<Stat[]>((a, c) => ((a[c] = ctx.stat(`${c}xx_replies`)), a), []),
      sent: ctx.stat('sent_replies'),
      sentErr: ctx.stat('sent_err_replies'),
      acks: ctx.stat('received_ACKs'),
    };
    // an ACK for a negative reply we sent statelessly ends here (OpenSIPS sl_filter_ACK)
    ctx.resolve(HOOKS).requestIn.tap('sl', (sctx) => {
      if (sctx.msg.method !== 'ACK' || !sip.isLocalToTag(sctx.msg.toTag)) return undefined;
      st.acks.inc();
      return false;
    });
    return st;
  },
});
