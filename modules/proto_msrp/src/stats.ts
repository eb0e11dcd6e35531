import { Stat, type ModuleContext, type StatSpec } from '@tsips/core';

/** Statistics of group "proto_msrp". */
export const MSRP_STATS: readonly (string | StatSpec)[] = [
  { name: 'received_requests', doc: 'valid requests received' },
  { name: 'received_replies', doc: 'valid responses received' },
  { name: 'dropped_invalid', doc: 'frames dropped by the parse/validation rules (or a bad top To-Path URI)' },
  { name: 'dropped_no_handler', doc: 'requests whose top To-Path URI matched no handler' },
  { name: 'dropped_unmatched_replies', doc: 'responses matching no transaction' },
  { name: 'sent_requests', doc: 'requests forwarded or created' },
  { name: 'sent_replies', doc: 'responses sent or forwarded' },
  { name: 'sent_reports', doc: 'REPORTs built by send_report' },
  { name: 'send_failures', doc: 'frames that could not be sent (now or once the connect/DNS failed)' },
  { name: 'transactions_created', doc: 'client transactions started' },
  { name: 'transactions_timed_out', doc: 'transactions that got no response in 30 s' },
  { name: 'transactions_failed', doc: 'transactions ended early because their request could not be delivered' },
  { name: 'active_transactions', doc: 'transactions waiting for a response', noReset: true },
];

/** The counters the receive and send paths bump: one property increment each. */
export class MsrpStats {
  readonly receivedRequests: Stat;
  readonly receivedReplies: Stat;
  readonly droppedInvalid: Stat;
  readonly droppedNoHandler: Stat;
  readonly droppedUnmatched: Stat;
  readonly sentRequests: Stat;
  readonly sentReplies: Stat;
  readonly sentReports: Stat;
  readonly sendFailures: Stat;
  readonly txCreated: Stat;
  readonly txTimedOut: Stat;
  readonly txFailed: Stat;

  /** ctx null: private counters (unit tests without a server) */
  constructor(ctx: Pick<ModuleContext, 'stat' | 'statFn'> | null, activeTransactions: () => number) {
    const stat = (name: string): Stat => (ctx ? ctx.stat(name) : new Stat('proto_msrp', name));
    this.receivedRequests = stat('received_requests');
    this.receivedReplies = stat('received_replies');
    this.droppedInvalid = stat('dropped_invalid');
    this.droppedNoHandler = stat('dropped_no_handler');
    this.droppedUnmatched = stat('dropped_unmatched_replies');
    this.sentRequests = stat('sent_requests');
    this.sentReplies = stat('sent_replies');
    this.sentReports = stat('sent_reports');
    this.sendFailures = stat('send_failures');
    this.txCreated = stat('transactions_created');
    this.txTimedOut = stat('transactions_timed_out');
    this.txFailed = stat('transactions_failed');
    ctx?.statFn('active_transactions', activeTransactions);
  }
}
