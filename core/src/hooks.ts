import { AsyncSeriesHook, SyncBailHook, SyncHook } from 'tapable';
import type { SipMessage } from './sip/message.js';
import type { Destination, ReceiveInfo } from './net/types.js';
import type { CloseReason, ProfileQuery, TcpConnInfo, TcpProfile } from './net/tcp/types.js';
import type { ScriptContext } from './script/context.js';

/** What a trace tap sees for every SIP message in or out (proto_hep, siptrace). */
export interface TraceEvent {
  direction: 'in' | 'out';
  buf: Buffer;
  proto: string;
  srcIp: string;
  srcPort: number;
  dstIp: string;
  dstPort: number;
  conId: number;
}

/**
 * The process-wide extension points, one typed object. Hot-path callers test
 * `hook.isUsed()` first so an untapped hook costs one call. After `seal()` (the `ready`
 * lifecycle stage) any new tap throws: extension points are wired at start-up only.
 */
export class HookBus {
  /** every SIP message received, before parsing of headers (tracing) and every one sent */
  readonly trace = new SyncHook<[TraceEvent]>(['event']);
  /** a request is about to enter the request route; a tap returning false drops it */
  readonly requestIn = new SyncBailHook<[ScriptContext], boolean | undefined>(['ctx']);
  /** a reply passed the global onreply_route; a tap returning true consumed it (tm) */
  readonly replyIn = new SyncBailHook<[ScriptContext], boolean | undefined>(['ctx']);
  /** a message was handed to a transport */
  readonly sent = new SyncHook<[Buffer, Destination]>(['buf', 'dst']);
  /** TCP manager: a connection became usable (accepted or connected) */
  readonly tcpConnected = new SyncHook<[TcpConnInfo]>(['conn']);
  /** TCP manager: a connection was removed, with why */
  readonly tcpClosed = new SyncHook<[TcpConnInfo, CloseReason]>(['conn', 'reason']);
  /** TCP manager: the profile for a new connection (tcp_mgm taps it; no answer = defaults) */
  readonly tcpProfileFor = new SyncBailHook<[ProfileQuery], TcpProfile | undefined>(['query']);
  /** a message that failed to parse (error_route, counters) */
  readonly badMessage = new SyncHook<[Buffer, ReceiveInfo, string]>(['buf', 'rcv', 'reason']);
  /** start-up finished: listeners are open */
  readonly listening = new AsyncSeriesHook<[]>([]);
  /** shutdown started: drain before listeners close */
  readonly closing = new AsyncSeriesHook<[]>([]);

  private sealed = false;

  /** Freeze the set of taps (lifecycle stage `ready`). */
  seal(): void {
    if (this.sealed) return;
    this.sealed = true;
    for (const [name, hook] of Object.entries(this)) {
      if (!hook || typeof hook !== 'object' || !('taps' in hook)) continue;
      const refuse = () => {
        throw new Error(`hook "${name}" is sealed: taps must be added before the server is ready (in a module's init)`);
      };
      const h = hook as unknown as Record<string, unknown>;
      for (const m of ['tap', 'tapAsync', 'tapPromise', 'intercept']) if (typeof h[m] === 'function') h[m] = refuse;
    }
  }

  get isSealed(): boolean {
    return this.sealed;
  }
}
