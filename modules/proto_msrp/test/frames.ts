/** Sample MSRP frames (RFC 4975 shapes) shared by the tests. */
export const SEND =
  'MSRP a786hjs2 SEND\r\n' +
  'To-Path: msrp://relay.example.com:2855/kjhd37s2s20w2a;tcp msrp://bob.example.com:8888/9di4eae923wzd;tcp\r\n' +
  'From-Path: msrp://alicepc.example.com:7777/iau39soe2843z;tcp\r\n' +
  'Message-ID: 87652491\r\n' +
  'Byte-Range: 1-25/25\r\n' +
  'Content-Type: text/plain\r\n' +
  '\r\n' +
  'Hey Bob, are you there?\r\n' +
  '-------a786hjs2$\r\n';

export const RESPONSE = 'MSRP a786hjs2 200 OK\r\nTo-Path: msrp://alicepc.example.com:7777/iau39soe2843z;tcp\r\nFrom-Path: msrp://relay.example.com:2855/kjhd37s2s20w2a;tcp\r\n-------a786hjs2$\r\n';

export const RESPONSE_NO_COMMENT = 'MSRP d93kswow 200\r\nTo-Path: msrp://a.example.com:1/s;tcp\r\nFrom-Path: msrp://b.example.com:2/t;tcp\r\n-------d93kswow$\r\n';

export function send(o: { id?: string; to?: string; from?: string; body?: string; flag?: string; extra?: string; method?: string } = {}): string {
  const id = o.id ?? 'tx12345';
  const body = o.body === undefined ? '' : `Content-Type: text/plain\r\n\r\n${o.body}\r\n`;
  return (
    `MSRP ${id} ${o.method ?? 'SEND'}\r\n` +
    `To-Path: ${o.to ?? 'msrp://127.0.0.1:2855/s1;tcp'}\r\n` +
    `From-Path: ${o.from ?? 'msrp://127.0.0.1:9999/c1;tcp'}\r\n` +
    'Message-ID: m1\r\nByte-Range: 1-*/*\r\n' +
    (o.extra ?? '') +
    body +
    `-------${id}${o.flag ?? '$'}\r\n`
  );
}
