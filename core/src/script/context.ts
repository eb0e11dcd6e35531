import type { SipMessage } from '../sip/message.js';
import type { Listener, ReceiveInfo } from '../net/types.js';
import type { ScriptValue } from './values.js';

/** Control-flow state of a running route (set by return/exit/drop/break). */
export const Flow = { NEXT: 0, RETURN: 1, EXIT: 2, BREAK: 3 } as const;

/** A branch added by append_branch()/t_load_contacts() beside the R-URI branch. */
export interface Branch {
  uri: string;
  dstUri: string | null;
  q: number;          // -1 when unset, else 0..1000 (q * 1000)
  flags: number;
  path?: string;
  socket?: Listener | null;
}

/** An AVP store: named, multi-valued, newest first (OpenSIPS $avp semantics). */
export type AvpStore = Map<string, ScriptValue[]>;

/**
 * Everything one route execution works on. It is created per message (or per event) and is the
 * only argument script functions and pseudo-variables get, so it holds plain fields, not
 * look-ups. Modules keep their own per-message state in the typed slots below (tm: `tran`).
 */
export class ScriptContext {
  msg: SipMessage;
  rcv: ReceiveInfo;
  routeType: number;

  /** control flow: Flow.* and the value of the last return(n) */
  flow: number = Flow.NEXT;
  ret = 0;
  /** $rc / $retcode: the last function's or route's return code */
  retcode = 1;
  /** `drop` was executed */
  dropped = false;

  /** the R-URI after $ru/rewrite changes (OpenSIPS new_uri); null = unchanged */
  newRuri: string | null = null;
  /** $du: destination URI overriding the R-URI for sending */
  dstUri: string | null = null;
  /** $fs: the socket to send from */
  forcedSocket: Listener | null = null;
  /** the branch set beyond the R-URI (append_branch); null until a branch is added */
  branches: Branch[] | null = null;
  /** message flags (setflag/isflagset) and branch flags of the R-URI branch */
  flags = 0;
  bflags = 0;
  /** the R-URI's q value (q * 1000, -1 unset) */
  ruriQ = -1;
  /** $avp store; lazily created; tm keeps one per transaction and installs it here */
  avps: AvpStore | null = null;
  /** $param(...) of an event route */
  eventParams: ReadonlyArray<readonly [string, ScriptValue]> | null = null;
  /** $err.* set before error_route runs */
  error: { class: number; level: number; info: string; rcode: number; rreason: string } | null = null;

  /** tm's transaction bound to this message (t_newtran, t_relay, reply/failure routes) */
  tran: unknown = null;
  /** $T_branch_idx in branch/reply/failure routes; -1 elsewhere */
  branchIdx = -1;
  /** send replies/requests over this connection (tcp_set_otcpid) */
  outConId = 0;
  /** third-party modules' per-message state, keyed by module name */
  ext: Map<string, unknown> | null = null;

  constructor(msg: SipMessage, rcv: ReceiveInfo, routeType: number) {
    this.msg = msg;
    this.rcv = rcv;
    this.routeType = routeType;
  }

  /** the current R-URI: the rewritten one, else the one received */
  ruri(): string {
    return this.newRuri ?? this.msg.ruri;
  }

  avpStore(): AvpStore {
    return (this.avps ??= new Map());
  }
}
