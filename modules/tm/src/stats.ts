import { Stat, type ModuleContext, type StatSpec } from '@tsips/core';

/** Statistics of group "tm" (shared/reference/tm.md §3). */
export const TM_STATS: readonly (string | StatSpec)[] = [
  'received_replies',
  'relayed_replies',
  'local_replies',
  'UAS_transactions',
  'UAC_transactions',
  '2xx_transactions',
  '3xx_transactions',
  '4xx_transactions',
  '5xx_transactions',
  '6xx_transactions',
  { name: 'inuse_transactions', noReset: true, doc: 'transactions in memory' },
  'retransmission_req_T1_1',
  'retransmission_req_T1_2',
  'retransmission_req_T1_3',
  'retransmission_req_T2',
  'retransmission_rpl_T2',
  'timeout_finalresponse',
  'timeout_finalresponse_inv',
];

/** The counters tm updates on its paths: plain objects, one property increment each. */
export class TmStats {
  readonly receivedReplies: Stat;
  readonly relayedReplies: Stat;
  readonly localReplies: Stat;
  readonly uas: Stat;
  readonly uac: Stat;
  /** index = status class 2..6 */
  readonly byClass: Stat[];
  /** request retransmissions: index 1..3 = T1_1..T1_3, 4 = T2 */
  readonly reqRetr: Stat[];
  readonly rplRetr: Stat;
  readonly timeoutFinal: Stat;
  readonly timeoutFinalInv: Stat;
  /** transactions freed (Kamailio tm.stats) */
  freed = 0;

  /**
   * With enable_stats on, the counters are registered (MI get_statistics, Prometheus);
   * with it off they are private objects nobody reads, so the paths stay branch-free.
   */
  constructor(ctx: ModuleContext | null, liveCount: () => number) {
    const stat = (name: string): Stat => (ctx ? ctx.stat(name) : new Stat('tm', name));
    this.receivedReplies = stat('received_replies');
    this.relayedReplies = stat('relayed_replies');
    this.localReplies = stat('local_replies');
    this.uas = stat('UAS_transactions');
    this.uac = stat('UAC_transactions');
    this.byClass = [];
    for (let c = 2; c <= 6; c++) this.byClass[c] = stat(`${c}xx_transactions`);
    this.reqRetr = [stat('retransmission_req_T1_1'), stat('retransmission_req_T1_1'), stat('retransmission_req_T1_2'), stat('retransmission_req_T1_3'), stat('retransmission_req_T2')];
    this.rplRetr = stat('retransmission_rpl_T2');
    this.timeoutFinal = stat('timeout_finalresponse');
    this.timeoutFinalInv = stat('timeout_finalresponse_inv');
    ctx?.statFn('inuse_transactions', liveCount);
  }

  /** a transaction's final reply went upstream (OpenSIPS stats_trans_rpl) */
  finalSent(code: number, local: boolean): void {
    const c = Math.floor(code / 100);
    if (c >= 2 && c <= 6) this.byClass[c]!.inc();
    (local ? this.localReplies : this.relayedReplies).inc();
  }

  /** the n-th retransmission of a request (1-based) */
  requestRetransmitted(n: number): void {
    this.reqRetr[n > 4 ? 4 : n]!.inc();
  }
}
