/**
 * Which final reply a forking proxy sends upstream (RFC 3261 16.7 steps 5-6, OpenSIPS
 * t_should_relay_response / t_pick_branch; shared/reference/tm.md §5). Pure functions over
 * a small view of the branches, so the rules are tested as a table.
 */

/** Lower wins. 487 after the UAC cancelled always wins; 503 is the last resort. */
export function replyPriority(code: number, cancelled: boolean): number {
  if (code >= 600) return code - 300;
  if (code >= 300 && code < 400) return code + 100;
  switch (code) {
    case 401: return 500;
    case 407: return 501;
    case 415: return 502;
    case 420: return 503;
    case 484: return 504;
    case 487: return cancelled ? 0 : code + 200;
    case 408: return 800;
    case 503: return 801;
    default: return code + 200;
  }
}

/** What reply selection needs from a branch. */
export interface BranchView {
  /** final status received (or faked); 0 while the branch has none */
  finalCode: number;
  /** t_drop_replies() removed its reply from selection */
  dropped: boolean;
  /** a minor branch (minor_branch_flag): not waited for */
  minor: boolean;
}

export const PICK_PENDING = -2;
export const PICK_NONE = -1;

/**
 * The branch whose reply wins among `branches` (first lowest priority on ties), PICK_PENDING
 * while a major branch has no final yet, PICK_NONE when no branch has a usable reply.
 */
export function pickBranch(branches: readonly BranchView[], cancelled: boolean): number {
  let best = PICK_NONE;
  let bestPrio = Number.MAX_SAFE_INTEGER;
  for (let i = 0; i < branches.length; i++) {
    const b = branches[i]!;
    if (b.finalCode === 0) {
      if (!b.minor) return PICK_PENDING;
      continue;
    }
    if (b.dropped) continue;
    const p = replyPriority(b.finalCode, cancelled);
    if (p < bestPrio) {
      bestPrio = p;
      best = i;
    }
  }
  return best;
}

/** The decision for one reply received on a branch that had no final reply yet. */
export const Decide = {
  /** absorb it (100, late negative replies) */
  DISCARD: 0,
  /** relay it upstream now (1xx, 2xx) */
  RELAY: 1,
  /** keep it: other branches are still pending */
  STORE: 2,
  /** every branch is done (or a 6xx ends the race): pick the best reply now */
  COMPLETE: 3,
} as const;

/**
 * `uasStatus` is the last status sent upstream (0 none). Branch state must already include
 * this reply's code when `code >= 300` (pickBranch looks at it).
 */
export function decide(
  code: number,
  uasStatus: number,
  isInvite: boolean,
  branches: readonly BranchView[],
  cancelled: boolean,
  disable6xxBlock: boolean,
): number {
  if (uasStatus >= 200) {
    // after a final only more INVITE 2xx pass (each 2xx is for a dialog of its own)
    return isInvite && code >= 200 && code < 300 ? Decide.RELAY : Decide.DISCARD;
  }
  if (code < 200) return code === 100 ? Decide.DISCARD : Decide.RELAY;
  if (code < 300) return Decide.RELAY;
  if (code >= 600 && !disable6xxBlock) return Decide.COMPLETE;
  return pickBranch(branches, cancelled) === PICK_PENDING ? Decide.STORE : Decide.COMPLETE;
}
