import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MsrpHandler, MsrpMessage, MsrpTransaction } from '../src/api.js';
import { isIdent } from '../src/codec/chars.js';
import { Transaction, TransactionTable, TX_ID_LEN, TX_SLOTS, type TxFields } from '../src/transactions.js';

const FIELDS: TxFields = {
  method: 'SEND',
  prevId: 'prev1',
  prevConId: 3,
  fromPath: ['msrp://a:1/x;tcp'],
  toTop: 'msrp://r:2/y;tcp',
  messageId: 'm1',
  byteRange: '1-2/2',
  failureReport: 'yes',
  param: 'p',
};

function recorder(): MsrpHandler & { replies: [MsrpMessage | null, MsrpTransaction][] } {
  const replies: [MsrpMessage | null, MsrpTransaction][] = [];
  return { replies, onRequest: () => undefined, onReply: (m, tx) => void replies.push([m, tx]) };
}

afterEach(() => void vi.useRealTimers());

describe('MSRP transactions (msrp.md §6 transaction layer)', () => {
  it('ids are idents of 20 chars naming their slot; take() matches and removes', () => {
    const t = new TransactionTable(() => undefined);
    const h = recorder();
    const ids = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const tx = t.create(h, FIELDS)!;
      expect(tx.id).toHaveLength(TX_ID_LEN);
      expect(isIdent(Buffer.from(tx.id), 0, tx.id.length)).toBe(true);
      expect(tx.id).toMatch(/^[0-9a-f]{2}\.[0-9a-f]{16}$/);
      expect(parseInt(tx.id.slice(0, 2), 16)).toBe(tx.slot);
      ids.add(tx.id);
    }
    expect(ids.size).toBe(200);
    expect(t.size).toBe(200);
    const [first] = ids;
    const tx = t.take(first!)!;
    expect([tx.id, tx.prevId, tx.param]).toEqual([first, 'prev1', 'p']);
    expect(t.take(first!)).toBeUndefined();
    expect(t.take('nonsense')).toBeUndefined();
    expect(t.take('zz.zz.zz')).toBeUndefined();
    expect(t.take(`zz${first!.slice(2)}`)).toBeUndefined();
    expect(t.take(`ff${first!.slice(2)}`)).toBeUndefined(); // no slot 255
    expect(t.take(`${first!}0`)).toBeUndefined();
    expect(t.size).toBe(199);
  });

  it('retries the id on a collision, and gives up after a bounded number of tries', () => {
    // one draw per id: the second create draws the first id again, finds it taken and draws once more
    const A = '0123456789abcdef';
    const B = 'fedcba9876543210';
    const seq = [A, A, B, A];
    let i = 0;
    const t = new TransactionTable(() => undefined, () => seq[i++]!);
    const a = t.create(recorder(), FIELDS)!;
    expect(a.id).toBe('00.0123456789abcdef');
    expect(i).toBe(1);
    const b = t.create(recorder(), FIELDS)!;
    expect(i).toBe(3);
    expect(b.id).toBe('00.fedcba9876543210');
    t.tick();
    // the next slot's map does not hold A: its id may repeat the random part
    expect(t.create(recorder(), FIELDS)!.id).toBe('01.0123456789abcdef');
    const stuck = new TransactionTable(() => undefined, () => '7777777777777777');
    expect(stuck.create(recorder(), FIELDS)).toBeInstanceOf(Transaction);
    expect(stuck.create(recorder(), FIELDS)).toBeUndefined();
  });

  it('times out after 30 one-second ticks with onReply(null, tx), not before', () => {
    vi.useFakeTimers();
    const expired: string[] = [];
    const t = new TransactionTable((tx) => void expired.push(tx.id));
    const timer = setInterval(t.tick, 1000);
    vi.advanceTimersByTime(500);
    const h = recorder();
    const tx = t.create(h, FIELDS)!;
    const answered = t.create(h, FIELDS)!;
    vi.advanceTimersByTime(1000);
    const later = t.create(h, FIELDS)!; // one slot younger
    expect(t.take(answered.id)).toBe(answered);
    vi.advanceTimersByTime(28_000); // 29 s after the first create
    expect(h.replies).toEqual([]);
    vi.advanceTimersByTime(1000);
    expect(h.replies).toEqual([[null, tx]]);
    expect(expired).toEqual([tx.id]);
    expect(t.size).toBe(1);
    vi.advanceTimersByTime(1000);
    expect(h.replies.map((r) => r[1])).toEqual([tx, later]);
    expect(t.size).toBe(0);
    clearInterval(timer);
    expect(TX_SLOTS).toBe(30);
  });

  it('a throwing handler does not stop the other expiries; remove() and clear() never call back', () => {
    const errors: unknown[] = [];
    const t = new TransactionTable((_tx, err) => void (err && errors.push(err)));
    const bad: MsrpHandler = { onRequest: () => undefined, onReply: () => { throw new Error('boom'); } };
    const good = recorder();
    t.create(bad, FIELDS);
    t.create(good, FIELDS);
    const removed = t.create(good, FIELDS)!;
    expect(t.remove(removed)).toBe(true);
    expect(t.remove(removed)).toBe(false);
    for (let i = 0; i < TX_SLOTS; i++) t.tick();
    expect(errors).toHaveLength(1);
    expect(good.replies).toHaveLength(1);
    t.create(good, FIELDS);
    t.clear();
    for (let i = 0; i < TX_SLOTS; i++) t.tick();
    expect(good.replies).toHaveLength(1);
    expect(t.size).toBe(0);
  });
});
