import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScenarioKind } from './args.js';
import type { ScenarioRef } from './sipp.js';

/**
 * SIPp's built-in uac/uas fail a call on two reorders a multi-worker proxy produces
 * without doing anything wrong: a 180 relayed after the 200 (seen by the UAC) and an ACK
 * relayed after the BYE (seen by the UAS). The tolerant copies are the built-ins as the
 * installed SIPp dumps them (`sipp -sd`), with only these attributes added:
 *
 *  - UAC: the INVITE opens a SIPp transaction (start_txn), its responses belong to it
 *    (response_txn) and the ACK closes it (ack_txn). SIPp then drops a provisional
 *    response of that transaction arriving after the 200 ("Ignoring provisional ...")
 *    and re-ACKs a retransmitted 200.
 *  - UAS: the ACK reception becomes optional="global", so a late ACK is accepted at any
 *    point of the call instead of aborting it.
 */

const TAG = /<(send|recv)\b[^>]*>/g;

/** The SIP method a <send> element starts with (its CDATA's first word). */
function sentMethod(xml: string, after: number): string {
  return /^\s*<!\[CDATA\[\s*([A-Z]+)/.exec(xml.slice(after, after + 200))?.[1] ?? '';
}

function addAttr(tag: string, attr: string): string {
  return tag.replace(/\s*>$/, ` ${attr}>`);
}

export function tolerantUac(xml: string): string {
  let invites = 0;
  let responses = 0;
  let acks = 0;
  let acked = false;
  const out = xml.replace(TAG, (tag: string, kind: string, offset: number) => {
    if (kind === 'send') {
      const method = sentMethod(xml, offset + tag.length);
      if (method === 'INVITE') { invites++; return addAttr(tag, 'start_txn="invite"'); }
      if (method === 'ACK') { acks++; acked = true; return addAttr(tag, 'ack_txn="invite"'); }
      return tag;
    }
    if (!acked && /response="\d{3}"/.test(tag)) { responses++; return addAttr(tag, 'response_txn="invite"'); }
    return tag;
  });
  if (invites !== 1 || acks !== 1 || responses < 2) {
    throw new Error(`tolerant uac scenario: unexpected shape (INVITE ${invites}, ACK ${acks}, INVITE responses ${responses}); SIPp's built-in changed?`);
  }
  return out;
}

export function tolerantUas(xml: string): string {
  let changed = 0;
  const out = xml.replace(TAG, (tag: string, kind: string) => {
    if (kind !== 'recv' || !/request="ACK"/.test(tag) || !/optional="true"/.test(tag)) return tag;
    changed++;
    return tag.replace('optional="true"', 'optional="global"');
  });
  if (changed !== 1) throw new Error(`tolerant uas scenario: expected one optional ACK reception, found ${changed}; SIPp's built-in changed?`);
  return out;
}

export interface Scenarios {
  uac: ScenarioRef;
  uas: ScenarioRef;
  /** How a table names them. */
  label: string;
}

function dumpBuiltin(name: 'uac' | 'uas'): string {
  const r = spawnSync('sipp', ['-sd', name], { encoding: 'utf8', timeout: 10_000 });
  // sipp -sd exits with 99 after dumping; the dump itself is the check.
  if (!r.stdout?.includes('</scenario>')) throw new Error(`sipp -sd ${name} failed: ${r.error?.message ?? r.stderr}`);
  return r.stdout;
}

/** The scenarios for a run; tolerant copies are written into `dir`. */
export function prepareScenarios(kind: ScenarioKind, dir: string): Scenarios {
  if (kind === 'strict') {
    return { uac: { builtin: 'uac' }, uas: { builtin: 'uas' }, label: 'SIPp built-in uac/uas (strict)' };
  }
  const uac = join(dir, 'uac-tolerant.xml');
  const uas = join(dir, 'uas-tolerant.xml');
  writeFileSync(uac, tolerantUac(dumpBuiltin('uac')));
  writeFileSync(uas, tolerantUas(dumpBuiltin('uas')));
  return {
    uac: { file: uac },
    uas: { file: uas },
    label: 'tolerant copies of SIPp uac/uas (a 1xx after the 200 and an ACK after the BYE are accepted)',
  };
}
