import { MiError, type MiCommandSpec } from '@tsips/core';
import type { RelaySession } from './sessions.js';
import type { RelayState } from './state.js';

export interface RelayModuleState extends RelayState {
  readonly nowMs: () => number;
  stopCleanup: () => void;
}

const row = (s: RelaySession, now: number) => ({
  id: s.id,
  user: s.user,
  client_uri: s.clientUri,
  expires: Math.max(0, Math.ceil((s.expiresAt - now) / 1000)),
  conn_id: s.clientConId,
  peer_conn_id: s.peerConId,
});

/** MI of msrp_relay (OpenSIPS has none; named after msrp_ua's msrp_ua_list_sessions/end_session). */
export const relayMi: Record<string, MiCommandSpec<RelayModuleState>> = {
  msrp_relay_sessions: {
    help: 'list the live relay sessions: id, user, client_uri, expires (s left), conn_id, peer_conn_id',
    aliases: ['msrp_relay:sessions'],
    recipes: [
      {
        params: [],
        run: (_p, st) => {
          const now = st.nowMs();
          const out: ReturnType<typeof row>[] = [];
          for (const s of st.sessions.values()) if (s.expiresAt > now) out.push(row(s, now));
          return { Sessions: out };
        },
      },
    ],
  },
  msrp_relay_end_session: {
    help: 'end a relay session now: param id; its Use-Path URI gets 481 from then on',
    aliases: ['msrp_relay:end_session'],
    recipes: [
      {
        params: ['id'],
        run: (p, st) => {
          if (!st.sessions.delete(String(p.id))) throw new MiError(404, 'Session not found');
          return 'OK';
        },
      },
    ],
  },
};
