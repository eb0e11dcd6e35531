import { MiError, type MiCommandSpec, type MiParams, type MiRecipe } from '@tsips/core';
import { cancelTransaction } from './cancel.js';
import { TF } from './transaction.js';
import type { Tm } from './tm.js';
import { uacRequest } from './uac.js';
import { sendReply } from './uas.js';

type Mi = MiCommandSpec<Tm>;

/** Recipes for `required` plus every combination of `optional` names. */
function recipes(required: string[], optional: string[], run: MiRecipe<Tm>['run']): MiRecipe<Tm>[] {
  const out: MiRecipe<Tm>[] = [];
  for (let mask = 0; mask < 1 << optional.length; mask++)
    out.push({ params: [...required, ...optional.filter((_, i) => mask & (1 << i))], run });
  return out;
}

const str = (p: MiParams, k: string): string | undefined => (p[k] === undefined || p[k] === null ? undefined : String(p[k]));

/** t_uac_dlg: send a request in a new local transaction; answers with its final reply. */
function uacDlg(p: MiParams, tm: Tm): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const r = uacRequest(tm, {
      method: String(p.method),
      ruri: String(p.ruri),
      headers: String(p.headers ?? ''),
      nextHop: str(p, 'next_hop'),
      socket: str(p, 'socket'),
      body: str(p, 'body'),
      onReply: (code, reply) => {
        if (code < 200) return;
        const out: Record<string, unknown> = { Status: `${code} ${reply ? reply.reason : 'Request Timeout'}` };
        if (reply) out.Message = reply.buf.toString('utf8');
        resolve(out);
      },
    });
    if (!r.ok) reject(new MiError(r.code, r.reason));
  });
}

function tReply(p: MiParams, tm: Tm): string {
  const code = Number(p.code);
  if (!Number.isInteger(code) || code < 100 || code > 699) throw new MiError(400, 'Invalid reply code');
  const m = /^(\d+):(\d+)$/.exec(String(p.trans_id));
  const tx = m ? tm.table.byId.get(Number(m[2])) : undefined;
  if (!tx || tx.hash !== Number(m![1]) || (tx.flags & TF.LOCAL) !== 0) throw new MiError(404, 'Transaction not found');
  const headers = str(p, 'new_headers')?.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (sendReply(tm, tx, code, String(p.reason ?? ''), { toTag: str(p, 'to_tag') || undefined, headers, body: str(p, 'body') }) < 0)
    throw new MiError(500, 'Reply failed');
  return 'OK';
}

/** OpenSIPS MI (3.x names, 4.x names as aliases) and Kamailio's tm.stats / tm.list. */
export const tmMi: Record<string, Mi> = {
  t_uac_dlg: {
    help: 'send a request statefully; params method, ruri, headers [, next_hop, socket, body]; returns the final reply',
    namedOnly: true,
    aliases: ['tm:uac_dlg'],
    recipes: recipes(['method', 'ruri', 'headers'], ['next_hop', 'socket', 'body'], (p, tm) => uacDlg(p, tm)),
  },
  t_uac_cancel: {
    help: 'cancel a local INVITE transaction by callid and cseq',
    aliases: ['tm:uac_cancel'],
    recipes: [
      {
        params: ['callid', 'cseq'],
        run: (p, tm) => {
          const tx = tm.table.inviteByCallId(String(p.callid), Number(p.cseq));
          if (!tx) throw new MiError(481, 'No such transaction');
          cancelTransaction(tm, tx, null);
          return 'OK';
        },
      },
    ],
  },
  t_hash: {
    help: 'transactions per hash bucket: current and total',
    aliases: ['tm:hash'],
    recipes: [
      {
        params: [],
        run: (_p, tm) => Array.from({ length: tm.table.current.length }, (_, i) => ({ index: i, Current: tm.table.current[i], Total: tm.table.total[i] })),
      },
    ],
  },
  t_reply: {
    help: 'reply to a transaction: code, reason, trans_id ("hash:label"), to_tag [, new_headers] [, body]',
    namedOnly: true,
    aliases: ['tm:reply'],
    recipes: recipes(['code', 'reason', 'trans_id', 'to_tag'], ['new_headers', 'body'], (p, tm) => tReply(p, tm)),
  },
  'tm.stats': {
    help: 'transaction statistics (Kamailio tm.stats)',
    recipes: [
      {
        params: [],
        run: (_p, tm) => {
          const s = tm.stats;
          const current = tm.table.size;
          let waiting = 0;
          for (const tx of tm.table.byId.values()) if (tx.flags & TF.WAITING) waiting++;
          return {
            current,
            waiting,
            total: s.uas.value + s.uac.value,
            total_local: s.uac.value,
            rpl_received: s.receivedReplies.value,
            rpl_generated: s.localReplies.value,
            rpl_sent: s.relayedReplies.value + s.localReplies.value,
            '6xx': s.byClass[6]!.value,
            '5xx': s.byClass[5]!.value,
            '4xx': s.byClass[4]!.value,
            '3xx': s.byClass[3]!.value,
            '2xx': s.byClass[2]!.value,
            created: s.uas.value + s.uac.value,
            freed: s.freed,
            delayed_free: 0,
          };
        },
      },
    ],
  },
  'tm.list': {
    help: 'every transaction in memory (Kamailio tm.list)',
    recipes: [
      {
        params: [],
        run: (_p, tm) => {
          const now = tm.now();
          return [...tm.table.byId.values()].map((tx) => ({
            tindex: tx.hash,
            tlabel: tx.id,
            method: tx.method,
            from: tx.req.header('from') ?? '',
            to: tx.req.header('to') ?? '',
            callid: tx.callId,
            cseq: String(tx.cseqNum),
            uas_request: (tx.flags & TF.LOCAL) === 0 ? 'yes' : 'no',
            tflags: tx.flags,
            outgoings: tx.branches.length,
            ref_count: 1,
            lifetime: Math.max(0, Math.round((tx.endOfLife - now) / 1000)),
          }));
        },
      },
    ],
  },
};
