import { describe, expect, it } from 'vitest';
import { tolerantUac, tolerantUas } from '../src/scenarios.js';

// The shape of SIPp's built-in uac/uas (not their text): sends and receptions in order.
const UAC = `<scenario name="uac">
  <send retrans="500">
    <![CDATA[
      INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
    ]]>
  </send>
  <recv response="100" optional="true"></recv>
  <recv response="180" optional="true"></recv>
  <recv response="200" rtd="true"></recv>
  <send>
    <![CDATA[

      ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0
    ]]>
  </send>
  <pause/>
  <send retrans="500">
    <![CDATA[
      BYE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
    ]]>
  </send>
  <recv response="200" crlf="true"></recv>
</scenario>`;

const UAS = `<scenario name="uas">
  <recv request="INVITE" crlf="true"></recv>
  <send><![CDATA[ SIP/2.0 180 Ringing ]]></send>
  <send retrans="500"><![CDATA[ SIP/2.0 200 OK ]]></send>
  <recv request="ACK"
        optional="true"
        rtd="true">
  </recv>
  <recv request="BYE"></recv>
  <send><![CDATA[ SIP/2.0 200 OK ]]></send>
</scenario>`;

describe('tolerant SIPp scenarios', () => {
  it('uac: the INVITE transaction covers its responses and the ACK, nothing else changes', () => {
    const out = tolerantUac(UAC);
    expect(out).toContain('<send retrans="500" start_txn="invite">\n    <![CDATA[\n      INVITE');
    expect(out).toContain('<recv response="100" optional="true" response_txn="invite">');
    expect(out).toContain('<recv response="180" optional="true" response_txn="invite">');
    expect(out).toContain('<recv response="200" rtd="true" response_txn="invite">');
    expect(out).toContain('<send ack_txn="invite">');
    // the BYE and its 200 stay as they were
    expect(out).toContain('<send retrans="500">\n    <![CDATA[\n      BYE');
    expect(out).toContain('<recv response="200" crlf="true">');
    expect(out.replace(/ (start|response|ack)_txn="invite"/g, '')).toBe(UAC);
  });

  it('uas: only the ACK reception becomes optional="global"', () => {
    const out = tolerantUas(UAS);
    expect(out).toContain('optional="global"');
    expect(out.replace('optional="global"', 'optional="true"')).toBe(UAS);
  });

  it('refuses a scenario of another shape', () => {
    expect(() => tolerantUac(UAC.replace('ACK sip', 'PRACK sip'))).toThrow(/unexpected shape/);
    expect(() => tolerantUas(UAS.replace('optional="true"', ''))).toThrow(/one optional ACK/);
  });
});
