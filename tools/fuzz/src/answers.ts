/**
 * Is what the server sent a well-formed SIP message stream? Whatever the input, an answer
 * must be: a status line with a code 100..699 and a reason without control characters,
 * header lines that start "name:" (the lines a reply copies from the request keep their
 * bytes, odd or not), the empty line, one Content-Length and exactly that many body bytes;
 * CRLF keepalive pongs between messages.
 * Returns the first problem, or undefined.
 */
export function answerProblem(buf: Buffer): string | undefined {
  let o = 0;
  for (;;) {
    // CRLF pongs to CRLFCRLF keepalive pings (RFC 5626 4.4.1) sit between messages
    while (buf[o] === 0x0d || buf[o] === 0x0a) o++;
    if (o >= buf.length) return undefined;
    const end = buf.indexOf('\r\n\r\n', o, 'latin1');
    if (end < 0) return `no end of headers after offset ${o}`;
    const head = buf.toString('latin1', o, end);
    // lines a reply copies from the request keep their line ends, which may be a bare LF
    const lines = head.split(/\r?\n/);
    const first = lines[0]!;
    if (!/^SIP\/2\.0 [1-6]\d\d [^\x00-\x08\x0a-\x1f\x7f]*$/.test(first) && !/^[A-Z]+ \S+ SIP\/2\.0$/.test(first)) return `bad first line: ${JSON.stringify(first.slice(0, 80))}`;
    let cl: number | undefined;
    for (let i = 1; i < lines.length; i++) {
      const l = lines[i]!;
      if (/^[ \t]/.test(l)) continue; // a folded line copied from the request
      const m = /^([!-9;-~]+)[ \t]*:/.exec(l);
      if (!m) return `not a header line: ${JSON.stringify(l.slice(0, 80))}`;
      if (/^(content-length|l)$/i.test(m[1]!)) {
        if (cl !== undefined) return 'two Content-Length headers';
        const v = l.slice(m[0].length).trim();
        if (!/^\d+$/.test(v)) return `bad Content-Length ${JSON.stringify(v)}`;
        cl = Number(v);
      }
    }
    if (cl === undefined) return 'no Content-Length';
    o = end + 4 + cl;
    if (o > buf.length) return `body shorter than Content-Length ${cl}`;
  }
}
