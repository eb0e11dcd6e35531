import type { PvSpec, ScriptValue } from '@tsips/core';
import { msgConn, type TcpopsState } from './state.js';

const KEYS = ['conid', 'c_si', 'c_sp', 'ac_si', 'ac_sp', 'aconid'] as const;

/**
 * `$tcp(key)` about the current message's connection: conid, c_si, c_sp fall back to the
 * message's own receive info when the connection is gone; ac_si, ac_sp, aconid are null then.
 */
export const tcpPv: PvSpec<TcpopsState, number> = {
  name: 'required',
  doc: '$tcp(conid|c_si|c_sp|ac_si|ac_sp|aconid): the connection of the current message',
  parseName(inner) {
    const k = KEYS.indexOf(inner.trim() as (typeof KEYS)[number]);
    if (k < 0) throw new Error(`unknown key "${inner}" (one of ${KEYS.join(', ')})`);
    return k;
  },
  get(ctx, st, key): ScriptValue {
    const c = msgConn(st, ctx);
    switch (key) {
      case 0:
        return c ? c.id : ctx.rcv.conId || null;
      case 1:
        return c ? c.remoteIp : ctx.rcv.srcIp;
      case 2:
        return c ? c.remotePort : ctx.rcv.srcPort;
      case 3:
        return c ? c.remoteIp : null;
      case 4:
        return c ? c.remotePort : null;
      default:
        return c ? c.id : null;
    }
  },
};
