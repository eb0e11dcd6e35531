import { defineModule, int, SCRIPT, str, TCP_MANAGER, TsipsError } from '@tsips/core';
import { cmds } from './cmds.js';
import { closeEventTap, TCP_EVENTS } from './events.js';
import { tcpPv } from './pv.js';
import { APP_TS_API, CLOSED_EVENT, type TcpopsState } from './state.js';

export { APP_TS_API, CLOSED_EVENT, type EventCallbackApi, type TcpopsState } from './state.js';
export { TCP_EVENTS, eventOf, type TcpEvent } from './events.js';
export { parsePeer } from './address.js';

/**
 * tcpops (Kamailio): per-connection TCP keepalive and lifetime, connection state checks,
 * the outbound connection id of a message, closing connections, and the tcp:closed /
 * tcp:timeout / tcp:reset events with the closed connection as the message's source.
 */
export default defineModule({
  name: 'tcpops',
  doc: 'per-connection TCP options and state, tcp:closed/timeout/reset events',
  // the event_callback lives in app_ts's routing file: initialise after it when it is loaded
  deps: [{ name: 'app_ts', optional: true }],
  params: {
    closed_event: int({ default: 1, min: 0, max: 2, doc: '0 no close events, 1 for every connection, 2 only for connections flagged with tcp_enable_closed_event' }),
    event_callback: str({ default: '', doc: 'app_ts function called with the event name instead of the event_route blocks' }),
  },
  events: TCP_EVENTS,
  cmds,
  pvs: { tcp: tcpPv },
  init(ctx): TcpopsState {
    const st: TcpopsState = {
      tcp: ctx.resolve(TCP_MANAGER),
      engine: ctx.resolve(SCRIPT),
      log: ctx.log,
      mode: ctx.params.closed_event,
      callback: null,
      closing: null,
    };
    // closed_event 0: Kamailio does not even register the close callback
    if (st.mode === CLOSED_EVENT.OFF) return st;
    const fn = ctx.params.event_callback.trim();
    if (fn) {
      if (!ctx.container.isRegistered(APP_TS_API))
        throw new TsipsError('TCPOPS_ERR_EVENT_CALLBACK', `tcpops: event_callback "${fn}" needs the app_ts module`, {
          hint: 'loadmodule "app_ts" with a routing file that exports the function, or remove event_callback',
        });
      const api = ctx.resolve(APP_TS_API);
      if (!api.has(fn))
        throw new TsipsError('TCPOPS_ERR_EVENT_CALLBACK', `tcpops: event_callback "${fn}" is not a function of the app_ts routing file`, {
          hint: `export function ${fn}(event) { ... } from the routing file`,
        });
      st.callback = { api, fn };
    }
    const tap = closeEventTap(st);
    if (tap) ctx.hooks.tcpClosed.tap('tcpops', tap);
    return st;
  },
});
