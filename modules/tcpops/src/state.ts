import { apiToken, type Logger, type ScriptContext, type ScriptEngine, type TcpConnInfo, type TcpManager } from '@tsips/core';

/**
 * What tcpops needs of app_ts (Kamailio KEMI event callbacks): app_ts provides it under its
 * API token; tcpops only resolves it when `event_callback` is set.
 */
export interface EventCallbackApi {
  /** the TypeScript routing file exports a function of that name */
  has(fn: string): boolean;
  /** call `fn(eventName)` with ctx as the message; returns its code */
  callEvent(fn: string, eventName: string, ctx: ScriptContext): number;
}
export const APP_TS_API = apiToken<EventCallbackApi>('app_ts');

/** closed_event modes */
export const CLOSED_EVENT = { OFF: 0, ALWAYS: 1, FLAGGED: 2 } as const;

export interface TcpopsState {
  tcp: TcpManager;
  engine: ScriptEngine;
  log: Logger;
  /** closed_event param: 0 off, 1 always, 2 only connections flagged by tcp_enable_closed_event */
  mode: number;
  /** event_callback: app_ts function run instead of the event routes */
  callback: { api: EventCallbackApi; fn: string } | null;
  /**
   * The connection whose close event is running: it has left the manager's table already,
   * but inside tcp:closed/timeout/reset the script may still ask about it ($tcp, state -2/-3/-4).
   */
  closing: TcpConnInfo | null;
}

/** A connection by id, including the one whose close event is running. */
export function connById(st: TcpopsState, id: number): TcpConnInfo | undefined {
  return st.tcp.get(id) ?? (st.closing !== null && st.closing.id === id ? st.closing : undefined);
}

/**
 * The connection the current message came over, or undefined when it did not come over a
 * stream proto (Kamailio: "the current message does not come from a TCP connection").
 */
export function msgConn(st: TcpopsState, ctx: ScriptContext): TcpConnInfo | undefined {
  const id = ctx.rcv.conId;
  return id === 0 ? undefined : connById(st, id);
}
