import { defineModule, int, TRANSPORTS, udpProto } from '@tsips/core';

/**
 * proto_udp: SIP over UDP. The transport itself is core (`udpProto`: one socket per
 * `socket=udp:...`, IPv4 and IPv6); the module makes it loadable as in OpenSIPS and sets
 * the default port.
 */
export default defineModule({
  name: 'proto_udp',
  doc: 'SIP over UDP',
  params: {
    udp_port: int({ default: 5060, min: 1, max: 65535, doc: 'default port for UDP sockets and destinations without one' }),
  },
  protos: [udpProto],
  init(ctx): void {
    ctx.resolve(TRANSPORTS).setDefaultPort('udp', ctx.params.udp_port);
  },
});
