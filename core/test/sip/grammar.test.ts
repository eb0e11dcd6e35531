/** URI, name-addr and Via grammar edge cases. */
import { describe, expect, it } from 'vitest';
import {
  SipParseError, formatUri, nameAddrUri, parseContact, parseNameAddr, parseUri, parseVia, setViaParam, splitList, uriHostPort,
} from '../../src/sip/index.js';

function bad(fn: () => unknown): SipParseError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SipParseError);
    return e as SipParseError;
  }
  throw new Error('did not throw');
}

describe('parseUri', () => {
  it('splits a full SIP URI', () => {
    const u = parseUri('SIPS:alice:secret@Atlanta.example.com:5061;transport=TCP;LR;maddr=239.255.255.1?subject=project%20x&priority=urgent');
    expect(u).toMatchObject({ scheme: 'sips', user: 'alice', password: 'secret', host: 'Atlanta.example.com', port: 5061 });
    expect([...u.params]).toEqual([['transport', 'TCP'], ['lr', null], ['maddr', '239.255.255.1']]);
    expect([...u.headers]).toEqual([['subject', 'project x'], ['priority', 'urgent']]);
  });

  it('takes IPv6 references and ports', () => {
    expect(parseUri('sip:[2001:db8::10]:5070')).toMatchObject({ host: '[2001:db8::10]', port: 5070 });
    expect(uriHostPort(parseUri('sip:u@[::1]:5060'))).toEqual({ host: '::1', port: 5060 });
    expect(uriHostPort(parseUri('sip:h.example.com'))).toEqual({ host: 'h.example.com' });
    expect(bad(() => parseUri('sip:[zz::1]')).reason).toBe('Bad URI');
    expect(bad(() => parseUri('sip:[1.2.3.4]')).reason).toBe('Bad URI');
    expect(bad(() => parseUri('sip:h:70000')).reason).toBe('Bad URI');
    expect(bad(() => parseUri('sip:h:')).reason).toBe('Bad URI');
  });

  it('decodes escapes once, as UTF-8 when they are', () => {
    expect(parseUri('sip:%61lice@h').user).toBe('alice');
    expect(parseUri('sip:%C3%A9t%C3%A9@h').user).toBe('été');
    expect(parseUri('sip:%FF@h').user).toBe('\xff');
    expect(parseUri('sip:h;n%61me=v%2541').params.get('name')).toBe('v%41');
    expect(bad(() => parseUri('sip:%4@h')).message).toMatch(/escape/);
    expect(bad(() => parseUri('sip:%zz@h')).message).toMatch(/escape/);
  });

  it('keeps ";" before "@" in the user part', () => {
    const u = parseUri('sip:user;par=u%40example.net@example.com;x=1');
    expect(u.user).toBe('user;par=u@example.net');
    expect(u.host).toBe('example.com');
    expect(u.params.get('x')).toBe('1');
  });

  it('parses tel: and keeps other schemes opaque', () => {
    const t = parseUri('tel:+1-201-555-0123;phone-context=example.com');
    expect(t).toMatchObject({ scheme: 'tel', user: '+1-201-555-0123', host: '' });
    expect(t.params.get('phone-context')).toBe('example.com');
    const o = parseUri('urn:service:sos');
    expect(o).toMatchObject({ scheme: 'urn', host: '', raw: 'urn:service:sos' });
    expect(formatUri(o)).toBe('urn:service:sos');
  });

  it('rejects what is not a URI', () => {
    for (const s of ['', 'sip', ':x', '1sip:h', 'sip:', 'sip:a b@h', 'sip:<h>', 'sip:h;;x', 'sip:h?=v', 'sip:@h', 'sip:h#x', 'sip:é@h']) {
      expect(bad(() => parseUri(s)).reason, s).toBe('Bad URI');
    }
  });

  it('formats back, escaping what needs it', () => {
    const u = parseUri('sip:I%20have%20spaces@h.example.com:5060;transport=udp?X=a%20b');
    expect(formatUri(u)).toBe('sip:I%20have%20spaces@h.example.com:5060;transport=udp?X=a%20b');
    u.user = 'a@b';
    u.params.set('lr', null);
    expect(formatUri(u)).toBe('sip:a%40b@h.example.com:5060;transport=udp;lr?X=a%20b');
    expect(parseUri(formatUri(u)).user).toBe('a@b');
    expect(formatUri(parseUri('tel:+1234;ext=5'))).toBe('tel:+1234;ext=5');
  });
});

describe('parseNameAddr / parseContact', () => {
  it('reads quoted display names with escapes', () => {
    const na = parseNameAddr('"J \\"Rosie\\" Rosenberg \\\\" <sip:jdrosen@example.com>;tag=98asjd8;x="a;b"');
    expect(na.display).toBe('J "Rosie" Rosenberg \\');
    expect(na.uri).toBe('sip:jdrosen@example.com');
    expect(na.tag).toBe('98asjd8');
    expect(na.params.get('x')).toBe('"a;b"');
  });

  it('reads token display names, also without a blank before "<"', () => {
    expect(parseNameAddr('Alice Smith <sip:a@b>')).toMatchObject({ display: 'Alice Smith', uri: 'sip:a@b' });
    expect(parseNameAddr('caller<sip:a@b>;tag=1')).toMatchObject({ display: 'caller', tag: '1' });
    expect(parseNameAddr('<sip:a@b>').display).toBeUndefined();
  });

  it('gives params after an addr-spec to the header, not the URI', () => {
    const na = parseNameAddr('sip:+1972@gw.example.net;unknownparam;tag=x');
    expect(na.uri).toBe('sip:+1972@gw.example.net');
    expect([...na.params.keys()]).toEqual(['unknownparam', 'tag']);
    expect(na.tag).toBe('x');
    expect(parseNameAddr('<sip:a@b;lr>').params.size).toBe(0);
  });

  it('rejects malformed name-addrs', () => {
    for (const s of ['"unterminated <sip:a@b>', 'Bell, Alexander <sip:a@b>', '< sip:a@b >', '<sip:a@b', 'sip:a@b?Route=x',
      '"x" sip:a@b', '<sip:a@b>;tag', '<sip:a@b>;;', '<sip:a@b> junk', '<>', 'Display <not a uri>']) {
      expect(bad(() => parseNameAddr(s)).reason, s).toBe('Bad name-addr');
    }
  });

  it('reads Contact q and expires', () => {
    expect(parseContact('<sip:a@b>;q=0.7;expires=3600')).toMatchObject({ q: 0.7, expires: 3600 });
    expect(parseContact('<sip:a@b>;q=1.000').q).toBe(1);
    expect(parseContact('<sip:a@b>;expires=280297596632815').expires).toBe(2 ** 32 - 1);
    for (const s of ['<sip:a@b>;q=1.5', '<sip:a@b>;q=0.1234', '<sip:a@b>;q', '<sip:a@b>;expires=-1', '<sip:a@b>;expires=x']) {
      expect(bad(() => parseContact(s)).reason, s).toBe('Bad name-addr');
    }
  });

  it('parses the URI of a name-addr, also after the URI was replaced', () => {
    const na = parseNameAddr('"A" <sip:a@h.example.com:5070;transport=tcp>;tag=1');
    expect(nameAddrUri(na)).toMatchObject({ user: 'a', host: 'h.example.com', port: 5070 });
    na.uri = 'sip:b@other.example.com';
    na.display = 'B';
    expect(nameAddrUri(na)).toMatchObject({ user: 'b', host: 'other.example.com' });
    expect(na.display).toBe('B');
    expect(nameAddrUri({ uri: 'tel:+123', params: new Map(), raw: 'tel:+123' }).user).toBe('+123');
    expect(bad(() => nameAddrUri(parseNameAddr('<sip:a@[::x]>'))).reason).toBe('Bad URI');
  });

  it('splits lists outside quotes and angle brackets', () => {
    expect(splitList('"a, b" <sip:x;p=1,2>, <sip:y>,z , ')).toEqual(['"a, b" <sip:x;p=1,2>', '<sip:y>', 'z', '']);
  });
});

describe('parseVia', () => {
  it('reads sent-protocol, sent-by and the known params', () => {
    const v = parseVia('SIP/2.0/udp host.example.com:5062;Branch=z9hG4bKx;received=192.0.2.1;rport=7000;maddr=224.2.0.1;ttl=16;alias;foo=bar');
    expect(v).toMatchObject({
      protocol: 'SIP/2.0', transport: 'UDP', host: 'host.example.com', port: 5062, branch: 'z9hG4bKx',
      received: '192.0.2.1', rport: 7000, maddr: '224.2.0.1', ttl: 16, alias: true,
    });
    expect(v.params.get('foo')).toBe('bar');
    expect(v.params.get('branch')).toBe('z9hG4bKx');
  });

  it('allows blanks around "/", ":" and ";" and IPv6 hosts', () => {
    const v = parseVia('SIP  /   2.0 / TCP     [2001:db8::1] : 5061   ; branch = z9hG4bK9 ; rport');
    expect(v).toMatchObject({ transport: 'TCP', host: '[2001:db8::1]', port: 5061, branch: 'z9hG4bK9', rport: null });
    expect(parseVia('SIP/2.0/UDP h;received=[2001:db8::9]').received).toBe('[2001:db8::9]');
    expect(parseVia('SIP/2.0/UDP h;received=2001:db8::9;rport=5').received).toBe('2001:db8::9');
  });

  it('lets parsed fields be replaced', () => {
    const v = parseVia('SIP/2.0/udp h;branch=z9hG4bK1');
    v.host = 'other';
    v.params = new Map([['x', null]]);
    expect([v.host, v.transport, [...v.params.keys()]]).toEqual(['other', 'UDP', ['x']]);
  });

  it('trims the raw text of a value given with blanks', () => {
    expect(parseVia('  SIP/2.0/UDP h;branch=z9hG4bK1 \t').raw).toBe('SIP/2.0/UDP h;branch=z9hG4bK1');
    expect(parseNameAddr(' <sip:a@b>;tag=1  ').raw).toBe('<sip:a@b>;tag=1');
  });

  it('keeps the first of repeated params', () => {
    expect(parseVia('SIP/2.0/UDP h;branch=z9hG4bK1;branch=z9hG4bK2').branch).toBe('z9hG4bK1');
  });

  it('rejects malformed values', () => {
    for (const s of ['', 'SIP/2.0', 'SIP/2.0/UDP', 'SIP/2.0/UDP ', 'SIP/2.0 UDP h', 'SIP/2.0/UDP h:99999', 'SIP/2.0/UDP h;',
      'SIP/2.0/UDP h;;', 'SIP/2.0/UDP h;branch', 'SIP/2.0/UDP h;rport=x', 'SIP/2.0/UDP h;ttl=256', 'SIP/2.0/UDP h junk',
      'SIP/2.0/UDP [::1;branch=x', 'SIP/2.0/UDP h;x="open']) {
      expect(bad(() => parseVia(s)).reason, s).toBe('Bad Via header');
    }
  });

  it('sets params in the text of a Via value', () => {
    expect(setViaParam('SIP/2.0/UDP h;branch=z9hG4bK1;rport', 'rport', '5060')).toBe('SIP/2.0/UDP h;branch=z9hG4bK1;rport=5060');
    expect(setViaParam('SIP/2.0/UDP h;RPORT=1;branch=z9hG4bK1', 'rport', '2')).toBe('SIP/2.0/UDP h;rport=2;branch=z9hG4bK1');
    expect(setViaParam('SIP/2.0/UDP h;branch=z9hG4bK1', 'received', '1.2.3.4')).toBe('SIP/2.0/UDP h;branch=z9hG4bK1;received=1.2.3.4');
    expect(setViaParam('SIP/2.0/UDP h', 'alias', undefined)).toBe('SIP/2.0/UDP h;alias');
  });
});
