import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { TsipsServer } from '../../src/server.js';
import type { TestServer } from '../../src/testing.js';
import { coreServer, request, statusLine } from '../fixtures/server.js';

/** A route that decides its reply with #!define'd values and transformations of the message. */
const ROUTES = `
#!define BLOCKED_DOMAIN "blocked.example"
#!define CODE_BLOCKED 403
#!trydef GREETING "hello"
route {
#!ifdef WITH_STRICT
    reply(500, "strict mode must not be on");
    exit;
#!endif
    if ($(hdr(From){nameaddr.uri}{uri.host}) == BLOCKED_DOMAIN) {
        reply(CODE_BLOCKED, "Blocked $(hdr(From){nameaddr.name}{s.select,1,\\"})");
        exit;
    }
    $var(greeting) = GREETING;
    # a defined name inside a string stays as written
    reply(200, "$var(greeting) GREETING user=$(ru{uri.user}) len=$(ru{uri.user}{s.len}) port=$(ru{uri.port})");
}
`;

const withFrom = (from: string, ruri = 'sip:bob@127.0.0.1') => request({ ruri }).replace(/^From: .*$/m, `From: ${from}`);

describe('#!define and transformations in a running server', () => {
  let t: TestServer | undefined;
  afterEach(async () => {
    await t?.stop();
    t = undefined;
  });

  it('replies per the From host and the R-URI user', async () => {
    t = await coreServer(ROUTES);
    t.inject(withFrom('"Mallory" <sip:mallory@blocked.example>;tag=m1'));
    const blocked = await t.waitForSent(() => true);
    expect(statusLine(blocked.text)).toBe('SIP/2.0 403 Blocked Mallory');

    const since = t.sent.length;
    t.inject(withFrom('<sip:alice@good.example>;tag=a1', 'sip:carol@127.0.0.1:5070;transport=udp'));
    const ok = await t.waitForSent(() => true, { since });
    expect(statusLine(ok.text)).toBe('SIP/2.0 200 hello GREETING user=carol len=5 port=5070');
  });

  it('TsipsServer.load passes command-line defines (-D) to the preprocessor', async () => {
    const text = '#!trydef LEVEL 1\nlog_level = LEVEL\n#!ifdef WITH_STRICT\nchildren = 7\n#!endif\nroute { exit; }\n';
    const plain = await TsipsServer.load({ configText: text, logger: silentLogger() });
    expect(plain.config.globals.log_level).toBe(1);
    const given = await TsipsServer.load({ configText: text, logger: silentLogger(), defines: { LEVEL: '4', WITH_STRICT: '' } });
    expect(given.config.globals.log_level).toBe(4);
    expect(given.config.globals.children).toBe(7);
  });
});
