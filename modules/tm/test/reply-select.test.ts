import { describe, expect, it } from 'vitest';
import { Decide, PICK_NONE, PICK_PENDING, decide, pickBranch, replyPriority, type BranchView } from '../src/reply-select.js';

const br = (finalCode: number, o: Partial<BranchView> = {}): BranchView => ({ finalCode, dropped: false, minor: false, ...o });
const codes = (...c: number[]) => c.map((x) => br(x));

describe('reply selection (RFC 3261 16.7, OpenSIPS t_pick_branch; tm.md §5)', () => {
  it.each([
    [603, false, 303], [600, false, 300],
    [302, false, 402], [380, false, 480],
    [401, false, 500], [407, false, 501], [415, false, 502], [420, false, 503], [484, false, 504],
    [487, true, 0], [487, false, 687],
    [486, false, 686], [404, false, 604], [408, false, 800],
    [500, false, 700], [502, false, 702], [503, false, 801],
    [700, false, 400],
  ])('priority of %i (cancelled %s) is %i', (code, cancelled, prio) => {
    expect(replyPriority(code, cancelled)).toBe(prio);
  });

  it('16.7 step 6: 6xx beats everything but a 487 after CANCEL', () => {
    expect(pickBranch(codes(486, 603, 302), false)).toBe(1);
    expect(pickBranch(codes(603, 487), true)).toBe(1);
  });

  it('lowest class wins: 3xx over 4xx over 5xx', () => {
    expect(pickBranch(codes(500, 404, 302), false)).toBe(2);
    expect(pickBranch(codes(500, 404), false)).toBe(1);
  });

  it('within 4xx the auth/feature replies 401, 407, 415, 420, 484 are preferred; 408 is last', () => {
    expect(pickBranch(codes(404, 401), false)).toBe(1);
    expect(pickBranch(codes(486, 484), false)).toBe(1);
    expect(pickBranch(codes(408, 486), false)).toBe(1);
    expect(pickBranch(codes(408, 500), false)).toBe(1);
  });

  it('503 is the last resort, after 408', () => {
    expect(pickBranch(codes(503, 408), false)).toBe(1);
    expect(pickBranch(codes(503), false)).toBe(0);
  });

  it('the first lowest wins a tie', () => {
    expect(pickBranch(codes(486, 486), false)).toBe(0);
  });

  it('a pending major branch makes the choice wait; a pending minor one does not', () => {
    expect(pickBranch([br(486), br(0)], false)).toBe(PICK_PENDING);
    expect(pickBranch([br(486), br(0, { minor: true })], false)).toBe(0);
  });

  it('dropped replies (t_drop_replies) are not candidates', () => {
    expect(pickBranch([br(302, { dropped: true }), br(486)], false)).toBe(1);
    expect(pickBranch([br(302, { dropped: true })], false)).toBe(PICK_NONE);
  });
});

describe('relay decisions (t_should_relay_response)', () => {
  const d = (code: number, uas: number, invite = true, bs = codes(code), cancelled = false, dis6 = false) => decide(code, uas, invite, bs, cancelled, dis6);
  it('100 is never relayed, other 1xx are while no final went upstream', () => {
    expect(d(100, 0)).toBe(Decide.DISCARD);
    expect(d(180, 100)).toBe(Decide.RELAY);
    expect(d(183, 200)).toBe(Decide.DISCARD);
  });
  it('2xx goes upstream at once; after a final only INVITE 2xx pass', () => {
    expect(d(200, 180)).toBe(Decide.RELAY);
    expect(d(200, 486)).toBe(Decide.RELAY);
    expect(d(200, 200)).toBe(Decide.RELAY);
    expect(d(200, 408, false)).toBe(Decide.DISCARD);
    expect(d(486, 200)).toBe(Decide.DISCARD);
  });
  it('a negative final waits while another branch is pending', () => {
    expect(d(486, 180, true, [br(486), br(0)])).toBe(Decide.STORE);
    expect(d(486, 180, true, [br(486), br(404)])).toBe(Decide.COMPLETE);
  });
  it('6xx completes at once unless disable_6xx_block', () => {
    expect(d(603, 180, true, [br(603), br(0)])).toBe(Decide.COMPLETE);
    expect(d(603, 180, true, [br(603), br(0)], false, true)).toBe(Decide.STORE);
  });
});
