import type { SipCore } from '../sip-core.js';
import type { ScriptContext } from '../script/context.js';
import { SipParseError } from '../sip/errors.js';
import { targetOfUri, resolveTarget, type Target } from './destination.js';
import { pickListener, viaValue } from './outbound.js';
import { fnv1a } from './hash.js';

/** t_relay-style negative codes shared by forward(): OpenSIPS meanings. */
export const FWD_ERR = { GENERIC: -1, BAD_MSG: -2, NO_DEST: -3, BAD_DEST: -4, SEND: -6 } as const;

/**
 * The branch id of a stateless relay (RFC 3261 §16.6 item 8, §16.11): a loop-detection part
 * hashed over the target and the request's identity (not its Vias, not its To tag, not its
 * method, so CANCEL and the ACK of a negative reply get the INVITE's branch), then a
 * transaction part from the received top Via branch, so retransmissions keep their branch.
 */
export function statelessBranch(ctx: ScriptContext, target: string): { branch: string; loopPrefix: string } {
  const m = ctx.msg;
  const loopPrefix = `z9hG4bK${fnv1a(target, m.callId, String(m.cseq.num), m.fromTag ?? '', m.header('route') ?? '', m.header('proxy-require') ?? '')}.`;
  return { branch: loopPrefix + fnv1a(m.via1.branch ?? m.via1.raw), loopPrefix };
}

/** forward([uri]): stateless relay of the current request to uri / $du / R-URI. */
export function forwardStateless(core: SipCore, ctx: ScriptContext, uri?: string): number {
  const msg = ctx.msg;
  if (!msg.isRequest) return FWD_ERR.BAD_MSG;
  const next = uri ?? ctx.dstUri ?? ctx.ruri();
  let target: Target;
  try {
    target = targetOfUri(next);
  } catch (err) {
    if (err instanceof SipParseError) return FWD_ERR.BAD_DEST;
    throw err;
  }
  if (msg.maxForwards === 0) {
    core.sendReply(msg, ctx.rcv, 483, 'Too Many Hops');
    return FWD_ERR.GENERIC;
  }
  // a Via of ours with the same loop part: the request came back unchanged (16.3 step 4)
  const { branch, loopPrefix } = statelessBranch(ctx, ctx.ruri());
  for (const v of msg.vias()) {
    if (v.branch?.startsWith(loopPrefix) && core.myself.host(v.host, v.port)) {
      core.countLoop();
      if (msg.method !== 'ACK') core.sendReply(msg, ctx.rcv, 482, 'Loop Detected');
      return FWD_ERR.GENERIC;
    }
  }
  const newRuri = ctx.newRuri ?? undefined;
  const forced = ctx.forcedSocket;
  const noNewConn = (ctx.bflags & core.noNewConnMask) !== 0 || undefined;
  // IP literals resolve synchronously, so `result` reflects the send; a DNS name answers
  // later and only its failure is logged (the script has moved on by then)
  let result: number = 1;
  resolveTarget(target, { conId: ctx.outConId || undefined, noNewConn }, (dst, error) => {
    const l = dst && pickListener(core.listeners(), dst.proto, dst.ip, forced ?? ctx.rcv.listener);
    if (!dst || !l) {
      core.log.warn({ target: next, error: error ?? `no socket for proto ${target.proto}` }, 'forward: bad destination');
      result = FWD_ERR.BAD_DEST;
      return;
    }
    dst.listener = l;
    // over a stream, our Via names the connection the request came on (SER/Kamailio `i=`):
    // the stateless reply finds it again although the client's Via port is not its port
    const via = ctx.rcv.conId !== 0 ? `${viaValue(l, branch)};i=${ctx.rcv.conId.toString(16)}` : viaValue(l, branch);
    const r = core.send(dst, msg.build({ ruri: newRuri, via }));
    if (r.ok) core.countForwarded();
    else result = FWD_ERR.SEND;
  });
  return result;
}
