/**
 * Unsent words kept in this browser: a reply, forward or note being written survives a reload, a new tab and a
 * server outage. Kept in localStorage per signed-in user and interaction (never offered to another user of the same
 * browser), removed once sent, and all of a user's drafts removed when they log out.
 */
const PREFIX = 'mailroute.draft.';

export type DraftKind = 'reply' | 'forward' | 'note';

let owner: number | null = null;

/** The signed-in user whose drafts are read and written (the shell sets it; null when nobody is signed in). */
export function setDraftOwner(userId: number | null): void {
  owner = userId;
}

function keyOf(kind: DraftKind, interactionId: number): string | null {
  return owner === null ? null : `${PREFIX}${owner}.${interactionId}.${kind}`;
}

export function loadDraft<T>(kind: DraftKind, interactionId: number): T | null {
  const key = keyOf(kind, interactionId);
  if (key === null) return null;
  try {
    const stored = localStorage.getItem(key);
    return stored ? ((JSON.parse(stored) as { value: T }).value ?? null) : null;
  } catch {
    return null; // storage refused or a value this version cannot read: no draft
  }
}

/** Keeps the draft (null: there is none, e.g. once sent). */
export function saveDraft<T>(kind: DraftKind, interactionId: number, value: T | null): void {
  const key = keyOf(kind, interactionId);
  if (key === null) return;
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify({ savedAt: new Date().toISOString(), value }));
  } catch {
    // Storage full or disabled: the words stay on screen, they are only not kept across a reload.
  }
}

/** Logging out: this user's drafts leave the browser. */
export function clearDrafts(userId: number): void {
  try {
    const mine = `${PREFIX}${userId}.`;
    const keys = Array.from({ length: localStorage.length }, (_, index) => localStorage.key(index)).filter(
      (key): key is string => key?.startsWith(mine) === true,
    );
    for (const key of keys) localStorage.removeItem(key);
  } catch {
    // storage disabled: nothing was kept
  }
}
