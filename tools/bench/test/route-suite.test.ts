import { RouteType, ScriptContext, SipMessage, TsipsServer, silentLogger, type ReceiveInfo } from '@tsips/core';
import { describe, expect, it } from 'vitest';
import { SAMPLE_MESSAGES } from '../src/suites/parse-messages.js';
import { EMPTY_CONFIG, EMPTY_SCRIPT, ROUTE_CONFIG, ROUTE_EXPECT, ROUTE_SCRIPT, countStatements } from '../src/suites/route-script.js';
import { wrongVars } from '../src/suites/route.js';

const RCV: ReceiveInfo = { proto: 'udp', srcIp: '127.0.0.1', srcPort: 5999, dstIp: '127.0.0.1', dstPort: 5060, conId: 0, listener: null, time: 0 };

describe('countStatements', () => {
  it('counts ifs and ;-ended statements, not else or braces', () => {
    expect(countStatements('route { $var(a) = 1; if ($rm == "X") { exit; } else { drop; } }')).toBe(4);
    expect(countStatements('route { if (is_method("A")) $var(a) = 1; }')).toBe(2);
  });

  it('ignores ; and if inside strings and comments', () => {
    expect(countStatements('route { $var(a) = "x; if (y)"; # if (z); ;\n }')).toBe(1);
  });

  it('finds about 20 statements in the suite\'s route and none in the empty one', () => {
    expect(countStatements(ROUTE_SCRIPT)).toBe(23);
    expect(countStatements(EMPTY_SCRIPT)).toBe(0);
  });
});

describe('the route suite\'s script', () => {
  const invite = SAMPLE_MESSAGES.find((m) => m.name === 'INVITE')!;

  it('compiles and computes the expected $var values on the sample INVITE, sending nothing', async () => {
    const server = await TsipsServer.load({ configText: ROUTE_CONFIG, configName: 'route.cfg', logger: silentLogger() });
    const sent: Buffer[] = [];
    server.hooks.sent.tap('test', (buf) => { sent.push(buf); });
    const route = server.engine.routes.request!;
    const ctx = new ScriptContext(SipMessage.parse(invite.buf), RCV, RouteType.REQUEST);
    expect(server.engine.run(route, ctx)).toBe(0); // ends with exit
    expect(wrongVars((n) => server.engine.routes.env.getVar(n))).toBe('');
    expect(server.engine.routes.env.counters).toEqual({ cmdExceptions: 0, routeExceptions: 0, whileLimit: 0, routeDepthLimit: 0 });
    expect(sent).toEqual([]);
    // a second run on the same message gives the same results ($var persists, the route resets it)
    server.engine.run(route, new ScriptContext(SipMessage.parse(invite.buf), RCV, RouteType.REQUEST));
    expect(server.engine.routes.env.getVar('score')).toBe(ROUTE_EXPECT['score']);
  });

  it('takes the other branches for an in-dialog request from someone else', async () => {
    const server = await TsipsServer.load({ configText: ROUTE_CONFIG, configName: 'route.cfg', logger: silentLogger() });
    const bye = Buffer.from(invite.buf.toString('latin1')
      .replace('INVITE sip:+4930123456@', 'BYE sip:bob@')
      .replace('CSeq: 102 INVITE', 'CSeq: 103 BYE')
      .replace('user=phone>\r\nFrom: "Alice Example" <sip:alice@', 'user=phone>;tag=x1\r\nFrom: "Carol" <sip:carol@'), 'latin1');
    server.engine.run(server.engine.routes.request!, new ScriptContext(SipMessage.parse(bye), RCV, RouteType.REQUEST));
    const v = (n: string): unknown => server.engine.routes.env.getVar(n);
    expect([v('kind'), v('dialog'), v('caller'), v('class'), v('score')]).toEqual(['other', 1, 'unknown', 'other', 0]);
    expect(wrongVars(v)).toMatch(/\$var\(score\)=0 \(want 26\)/);
  });

  it('the empty baseline route compiles', async () => {
    const server = await TsipsServer.load({ configText: EMPTY_CONFIG, configName: 'empty.cfg', logger: silentLogger() });
    const ctx = new ScriptContext(SipMessage.parse(invite.buf), RCV, RouteType.REQUEST);
    expect(server.engine.run(server.engine.routes.request!, ctx)).toBe(1); // fell off the end
  });
});
