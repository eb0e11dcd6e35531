import { connReceiveInfo, dummyContext, RouteType, type CloseKind, type CloseReason, type TcpConnInfo } from '@tsips/core';
import { CLOSED_EVENT, type TcpopsState } from './state.js';

export const TCP_EVENTS = ['tcp:closed', 'tcp:timeout', 'tcp:reset'] as const;
export type TcpEvent = (typeof TCP_EVENTS)[number];

/**
 * Which close reasons raise which event (Kamailio: EOF -> closed, ECONNRESET -> reset,
 * ETIMEDOUT / idle lifetime / message read timeout -> timeout). Local closes, write errors,
 * framing errors and failed connects raise nothing.
 */
const EVENT_OF: Partial<Record<CloseKind, TcpEvent>> = {
  eof: 'tcp:closed',
  reset: 'tcp:reset',
  timeout: 'tcp:timeout',
  keepalive: 'tcp:timeout',
  'read-timeout': 'tcp:timeout',
};

export function eventOf(reason: CloseReason): TcpEvent | undefined {
  return EVENT_OF[reason.kind];
}

/**
 * The hooks.tcpClosed tap: run event_route[tcp:*] (or the event_callback function instead)
 * for the connection, gated by closed_event. Runs synchronously, in the close path: event
 * routes should stay light. Returns undefined when there is nothing to run at all.
 */
export function closeEventTap(st: TcpopsState): ((conn: TcpConnInfo, reason: CloseReason) => void) | undefined {
  const routes = new Map(TCP_EVENTS.map((e) => [e, st.engine.eventRoute(e)] as const));
  if (!st.callback && ![...routes.values()].some((r) => r !== undefined)) return undefined;
  return (conn, reason) => {
    const ev = eventOf(reason);
    if (ev === undefined) return;
    if (st.mode === CLOSED_EVENT.FLAGGED && !conn.closedEvent) return;
    const route = routes.get(ev);
    if (!st.callback && !route) return;
    const ctx = dummyContext(RouteType.EVENT, connReceiveInfo(conn));
    const outer = st.closing; // an event route may close another connection: events nest
    st.closing = conn;
    try {
      if (st.callback) st.callback.api.callEvent(st.callback.fn, ev, ctx);
      else st.engine.run(route!, ctx);
    } catch (err) {
      st.log.error({ err, event: ev, conId: conn.id }, `tcpops: ${ev} handler failed`);
    } finally {
      st.closing = outer;
    }
  };
}
