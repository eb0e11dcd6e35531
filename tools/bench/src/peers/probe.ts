import { createSocket } from 'node:dgram';

/**
 * An OPTIONS with Max-Forwards: 0. Both proxy configs check Max-Forwards first, so a
 * running proxy answers it itself (483) without relaying anything to the uas.
 */
export function probeRequest(target: { ip: string; port: number }, localPort: number, n: number): string {
  const branch = `z9hG4bK-bench-probe-${process.pid}-${n}`;
  return [
    `OPTIONS sip:probe@${target.ip}:${target.port} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${localPort};branch=${branch};rport`,
    'Max-Forwards: 0',
    `From: <sip:bench@127.0.0.1>;tag=probe${n}`,
    `To: <sip:probe@${target.ip}>`,
    `Call-ID: bench-probe-${process.pid}-${n}@127.0.0.1`,
    'CSeq: 1 OPTIONS',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

/** Resolves true once the proxy answers anything SIP over UDP, false after `timeoutMs`. */
export function waitForSipAnswer(target: { ip: string; port: number }, timeoutMs: number, everyMs = 200): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createSocket('udp4');
    let n = 0;
    let timer: NodeJS.Timeout | undefined;
    const finish = (ok: boolean): void => {
      if (timer) clearInterval(timer);
      clearTimeout(deadline);
      sock.close();
      resolve(ok);
    };
    const deadline = setTimeout(() => finish(false), timeoutMs);
    sock.on('message', (msg) => { if (msg.subarray(0, 8).toString() === 'SIP/2.0 ') finish(true); });
    sock.on('error', () => undefined); // ICMP port unreachable while the proxy is not up yet
    sock.bind(0, '127.0.0.1', () => {
      const send = (): void => {
        const port = sock.address().port;
        sock.send(probeRequest(target, port, ++n), target.port, target.ip);
      };
      send();
      timer = setInterval(send, everyMs);
    });
  });
}
