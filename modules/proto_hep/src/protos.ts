import { bindUdpSocket, type ProtoHandler } from '@tsips/core';
import { createHepFramer } from './framing.js';

/** HEP_PORT: the default port of hep_* listeners until hep_port says otherwise */
export const HEP_PORT = 9060;

/** `socket=hep_udp:IP[:port]`: receives HEPv1, v2 and v3 datagrams. */
export const hepUdpProto: ProtoHandler = Object.freeze<ProtoHandler>({
  name: 'hep_udp',
  defaultPort: HEP_PORT,
  stream: false,
  bindDatagram: (listener, sink, opts) => bindUdpSocket('hep_udp', listener, sink, opts),
});

/** `socket=hep_tcp:IP[:port]`: HEPv3 over TCP; the core TCP manager owns the sockets. */
export const hepTcpProto: ProtoHandler = Object.freeze({
  name: 'hep_tcp',
  defaultPort: HEP_PORT,
  stream: true,
  createFramer: createHepFramer,
});
