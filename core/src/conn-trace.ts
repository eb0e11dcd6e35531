import type { DependencyContainer } from 'tsyringe';
import type { Logger } from 'pino';
import { TRACER } from './container.js';
import { TsipsError } from './errors.js';
import { MI_INVALID_PARAMS, MiError, type MiCommandSpec } from './mi/types.js';
import { bool, str } from './module/params.js';
import type { TcpConnInfo, CloseReason } from './net/tcp/types.js';
import type { HookBus } from './hooks.js';
import { connReceiveInfo, dummyContext } from './lifecycle/dummy.js';
import type { ScriptEngine } from './script/engine.js';
import { RouteType } from './script/route-type.js';
import type { ConnTraceEvent, TraceDestination, Tracer } from './trace.js';

/**
 * Connection-event tracing shared by the stream protos (proto_tcp, proto_msrp; hep.md §4):
 * ACCEPTED for inbound connections, CONNECTED for outbound ones, CLOSED with the close reason,
 * sent through proto_hep's TRACER to `trace_destination` while tracing is on. Each proto
 * module spreads `connTraceParams` into its params, calls `setupConnTrace` in init (taps go
 * in before the hooks seal) and `bind` in childInit (proto_hep may initialise after it), and
 * offers `connTraceMi(label)` as its `<proto>_trace` MI command.
 */

const nonEmpty = (v: string): string | undefined => (v.trim() === '' ? 'must name a trace destination (a proto_hep hep_id)' : undefined);

/** The three OpenSIPS params every tracing proto has. */
export const connTraceParams = {
  trace_destination: str({ optional: true, validate: nonEmpty, doc: 'proto_hep hep_id that receives connection events' }),
  trace_on: bool({ default: false, doc: 'initial connection-event tracing state (the MI <proto>_trace command switches it)' }),
  trace_filter_route: str({ optional: true, doc: 'route run per new connection; drop in it untraces the connection' }),
};

/** The switch (trace_on, MI) and the names from the params. */
export class ConnTraceControl {
  constructor(
    public on: boolean,
    /** hep_id name; undefined = tracing has nowhere to go */
    readonly destination: string | undefined,
    /** route run once per new connection; `drop` in it untraces that connection */
    readonly filterRoute: string | undefined,
  ) {}

  /** events are produced only with a destination and the switch on */
  get active(): boolean {
    return this.on && this.destination !== undefined;
  }
}

/** Which connections an emitter traces and how it names itself. */
export interface ConnTraceOwner {
  /** the module (for start-up errors): 'proto_tcp' */
  module: string;
  /** TcpConnInfo.proto of the connections to trace: 'tcp' */
  proto: string;
  /** the HEP payload's Protocol value: 'TCP' */
  label: string;
}

/**
 * Emits one proto's connection events. `trace_filter_route` runs once per connection, on its
 * first traced event, as a request route over a faked message whose receive info is the
 * connection's ($si/$sp the remote end, $Ri/$Rp ours, $conid); `drop` untraces the
 * connection for its lifetime, anything else keeps it traced.
 */
export class ConnTraceEmitter {
  private tracer: Tracer | null = null;
  private dst: TraceDestination | null = null;
  /** per connection: traced (true) or dropped by the filter route (false); set on first event */
  private readonly decided = new Map<number, boolean>();

  constructor(
    private readonly owner: ConnTraceOwner,
    private readonly control: ConnTraceControl,
    private readonly engine: ScriptEngine,
    private readonly log: Logger,
  ) {}

  /** Resolve the tracer and the destination; a missing one or an unknown route stops start-up. */
  bind(container: DependencyContainer): void {
    const { module } = this.owner;
    const name = this.control.destination!;
    const fail = (msg: string, hint: string) => new TsipsError('TSIPS_ERR_TRACE', `${module}: ${msg}`, { hint });
    if (!container.isRegistered(TRACER, true))
      throw fail(`trace_destination "${name}" needs the proto_hep module`, `loadmodule "proto_hep" and define modparam("proto_hep", "hep_id", "[${name}] host:port")`);
    const tracer = container.resolve(TRACER);
    const dst = tracer.destination(name);
    if (!dst) throw fail(`trace_destination "${name}" is not a proto_hep hep_id`, `modparam("proto_hep", "hep_id", "[${name}] host:port")`);
    const route = this.control.filterRoute;
    if (route !== undefined && !this.engine.namedRoute(route)) throw fail(`trace_filter_route "${route}" is not defined`, `define route[${route}] { ... }`);
    this.tracer = tracer;
    this.dst = dst;
  }

  readonly onConnected = (conn: TcpConnInfo): void => {
    if (conn.proto !== this.owner.proto || !this.control.on) return;
    if (conn.outbound) this.emit(conn, 'CONNECTED', 'Successfully connected...');
    else this.emit(conn, 'ACCEPTED', 'Connection accepted...');
  };

  readonly onClosed = (conn: TcpConnInfo, reason: CloseReason): void => {
    if (conn.proto !== this.owner.proto) return;
    if (this.control.on) this.emit(conn, 'CLOSED', reason.text);
    this.decided.delete(conn.id);
  };

  private emit(conn: TcpConnInfo, event: ConnTraceEvent, message: string): void {
    const tracer = this.tracer;
    if (!tracer || !this.traced(conn)) return;
    tracer.connEvent(this.dst!, this.owner.label, conn, event, message, 'SUCCESS');
  }

  private traced(conn: TcpConnInfo): boolean {
    let t = this.decided.get(conn.id);
    if (t === undefined) {
      t = this.runFilter(conn);
      this.decided.set(conn.id, t);
    }
    return t;
  }

  private runFilter(conn: TcpConnInfo): boolean {
    const name = this.control.filterRoute;
    const route = name === undefined ? undefined : this.engine.namedRoute(name);
    if (!route) return true;
    const ctx = dummyContext(RouteType.REQUEST, connReceiveInfo(conn));
    try {
      this.engine.run(route, ctx);
    } catch (err) {
      this.log.error({ err, conId: conn.id }, `trace_filter_route "${name}" failed; connection traced`);
    }
    return !ctx.dropped;
  }
}

/** What a module keeps: the switch, and the emitter when a destination is configured. */
export interface ConnTrace {
  control: ConnTraceControl;
  emitter: ConnTraceEmitter | undefined;
}

/**
 * In a module's init: build the switch from the params and, with a destination, tap the TCP
 * manager's connection hooks. Call `emitter?.bind(container)` in childInit.
 */
export function setupConnTrace(
  owner: ConnTraceOwner,
  params: { trace_on: boolean; trace_destination?: string; trace_filter_route?: string },
  deps: { hooks: HookBus; engine: ScriptEngine; log: Logger },
): ConnTrace {
  const control = new ConnTraceControl(params.trace_on, params.trace_destination, params.trace_filter_route);
  if (!control.destination) {
    if (control.on) deps.log.warn('trace_on is set but trace_destination is not: no connection events will be traced');
    return { control, emitter: undefined };
  }
  const emitter = new ConnTraceEmitter(owner, control, deps.engine, deps.log);
  deps.hooks.tcpConnected.tap(`${owner.module} trace`, emitter.onConnected);
  deps.hooks.tcpClosed.tap(`${owner.module} trace`, emitter.onClosed);
  return { control, emitter };
}

/** `<proto>_trace [trace_mode]`: show ({"TCP tracing": "on"}) or switch the tracing. */
export function connTraceMi<S extends { trace: ConnTrace }>(label: string, aliases: string[]): MiCommandSpec<S> {
  return {
    help: `show or switch ${label} connection-event tracing: trace_mode on|off`,
    aliases,
    recipes: [
      { params: [], run: (_p, st) => ({ [`${label} tracing`]: st.trace.control.on ? 'on' : 'off' }) },
      {
        params: ['trace_mode'],
        run: (p, st) => {
          const mode = String(p.trace_mode).toLowerCase();
          if (mode !== 'on' && mode !== 'off') throw new MiError(MI_INVALID_PARAMS, 'Invalid params', "trace_mode should be 'on' or 'off'");
          st.trace.control.on = mode === 'on';
          return 'OK';
        },
      },
    ],
  };
}
