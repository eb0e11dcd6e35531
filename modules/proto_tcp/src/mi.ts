import { connTraceMi, MiError, type ConnTrace, type MiCommandSpec, type TcpConnInfo, type TcpManager } from '@tsips/core';

export interface ProtoTcpState {
  tcp: TcpManager;
  /** connection-event tracing: the switch, and the emitter when trace_destination is set */
  trace: ConnTrace;
}

/** `tcp_trace [trace_mode]` (master name `tcp:trace`), tcp-core.md §5 MI. */
export const tcpTrace = connTraceMi<ProtoTcpState>('TCP', ['tcp:trace']);

/**
 * `list_tcp_conns` (master `tcp:list [proto]`). JSON objects cannot repeat a key, so the
 * OpenSIPS repeated "Alias port" entries become one array (first = the real remote port).
 */
export const listTcpConns: MiCommandSpec<ProtoTcpState> = {
  help: 'list the TCP-based connections (optionally of one proto)',
  aliases: ['tcp:list'],
  recipes: [
    { params: [], run: (_p, st) => listConns(st.tcp, undefined) },
    {
      params: ['proto'],
      run: (p, st) => {
        const proto = String(p.proto).toLowerCase();
        if (!st.tcp.hasProto(proto)) throw new MiError(400, 'Bad protocol');
        return listConns(st.tcp, proto);
      },
    },
  ],
};

function listConns(tcp: TcpManager, proto: string | undefined): { Connections: Record<string, unknown>[] } | null {
  if (!tcp.enabled) return null;
  const out: Record<string, unknown>[] = [];
  for (const c of tcp.list()) if (proto === undefined || c.proto === proto) out.push(dumpConn(c));
  return { Connections: out };
}

function dumpConn(c: TcpConnInfo): Record<string, unknown> {
  return {
    ID: c.id,
    Type: c.proto,
    State: c.state,
    Remote: `${c.remoteIp}:${c.remotePort}`,
    Local: `${c.localIp}:${c.localPort}`,
    Lifetime: localTime(c.lifetimeDeadline),
    'Alias port': [...c.aliases],
  };
}

/** "YYYY-MM-DD HH:MM:SS" in local time, as OpenSIPS prints the expiry */
export function localTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
