import type { Endpoints } from './types.js';

/** Ports of a fuzz server: SIP (UDP+TCP), MSRP, HEP (UDP+TCP), MI. */
export interface FuzzPorts {
  sip: number;
  msrp: number;
  hep: number;
  mi: number;
}

/** tcp_max_msg_time of the fuzz config: a partial message is dropped after this many s */
export const MAX_MSG_TIME = 2;

/**
 * The config the fuzzer starts tsips with: every target on 127.0.0.1, a route that answers
 * every request itself (OPTIONS to the proxy 200, everything else through tm with 486) and
 * relays nothing, so no input can make the server send anywhere but back to the fuzzer.
 * msrp_relay knows one user, which no fuzz input authenticates as: AUTH gets 401.
 */
export function fuzzConfig(p: FuzzPorts, host = '127.0.0.1'): string {
  return `# written by tools/fuzz
log_level = 3
log_stderror = yes
socket = udp:${host}:${p.sip}
socket = tcp:${host}:${p.sip}
socket = msrp:${host}:${p.msrp}
socket = hep_udp:${host}:${p.hep}
socket = hep_tcp:${host}:${p.hep}
tcp_max_msg_time = ${MAX_MSG_TIME}
tcp_socket_backlog = 1024

loadmodule "proto_udp"
loadmodule "proto_tcp"
loadmodule "sl"
loadmodule "tm"
loadmodule "rr"
loadmodule "maxfwd"
loadmodule "sipmsgops"
loadmodule "proto_msrp"
loadmodule "msrp_relay"
loadmodule "proto_hep"
loadmodule "httpd"
loadmodule "mi_http"

modparam("httpd", "ip", "${host}")
modparam("httpd", "port", ${p.mi})
modparam("msrp_relay", "my_uri", "msrp://${host}:${p.msrp};tcp")
modparam("msrp_relay", "calculate_ha1", 1)

route {
    if (!mf_process_maxfwd_header(70)) {
        sl_send_reply(483, "Too Many Hops");
        exit;
    }
    if (is_method("OPTIONS") && uri == myself) {
        sl_send_reply(200, "OK");
        exit;
    }
    if (is_method("ACK")) {
        t_check_trans();
        exit;
    }
    if (is_method("CANCEL")) {
        # the INVITE was answered here and never relayed: t_relay has no branch to cancel
        if (t_check_trans()) t_relay();
        else sl_send_reply(481, "Call/Transaction Does Not Exist");
        exit;
    }
    if (has_totag()) {
        loose_route();
        sl_send_reply(404, "Not Here");
        exit;
    }
    if (is_method("INVITE|SUBSCRIBE")) record_route();
    t_reply(486, "Fuzz Busy");
}

route[msrp_auth] {
    if ($var(username) == "fuzz-user") { $var(password) = "fuzz-secret"; }
}

onreply_route {
    drop;
}
`;
}

/**
 * The endpoints of a server started elsewhere, read from its config: the first udp/tcp,
 * msrp, hep_udp and hep_tcp sockets, httpd's port and msrp_relay's first my_uri.
 */
export function endpointsFromConfig(text: string): Endpoints {
  const e: Endpoints = { host: '127.0.0.1' };
  const sock = /^\s*(?:socket|listen)\s*=\s*([a-z_]+):\[?([0-9a-fA-F.:]+?)\]?:(\d+)/gm;
  for (let m = sock.exec(text); m; m = sock.exec(text)) {
    const [, proto, host, port] = m;
    const n = Number(port);
    if ((proto === 'udp' || proto === 'tcp') && e.sip === undefined) {
      e.sip = n;
      e.host = host!;
    } else if (proto === 'msrp') e.msrp ??= n;
    else if (proto === 'hep_udp') e.hep ??= n;
    else if (proto === 'hep_tcp') e.hepTcp ??= n;
  }
  const mi = /modparam\(\s*"httpd"\s*,\s*"port"\s*,\s*"?(\d+)"?\s*\)/.exec(text);
  if (mi) e.mi = Number(mi[1]);
  else if (/loadmodule\s+"mi_http/.test(text)) e.mi = 8888;
  const uri = /modparam\(\s*"msrp_relay"\s*,\s*"my_uri"\s*,\s*"([^"]+)"\s*\)/.exec(text);
  if (uri) e.msrpUri = uri[1];
  return e;
}

/** The endpoints of the fuzz config. */
export function fuzzEndpoints(p: FuzzPorts, host = '127.0.0.1'): Endpoints {
  return { host, sip: p.sip, msrp: p.msrp, hep: p.hep, hepTcp: p.hep, mi: p.mi, msrpUri: `msrp://${host}:${p.msrp};tcp` };
}
