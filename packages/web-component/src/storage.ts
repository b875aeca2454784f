// sessionStorage can throw (storage disabled, sandboxed iframes, quota): a missing draft or
// token must never break the UI, so every access goes through these.

/** The sessionStorage key of the draft answer to one question. */
export const draftKey = (questionId: string) => `uaip:draft:${questionId}`;

/** The sessionStorage key of the draft business idea. */
export const IDEA_DRAFT_KEY = 'uaip:draft:idea';

/** The sessionStorage key of the access token `<uaip-app>` keeps. */
export const TOKEN_KEY = 'uaip:token';

/** Reads a sessionStorage entry; null when absent or unavailable. */
export function readStored(key: string): string | null {
  try {
    return globalThis.sessionStorage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

/** Writes a sessionStorage entry; null or '' removes it. Silently does nothing if unavailable. */
export function writeStored(key: string, value: string | null): void {
  try {
    if (value === null || value === '') globalThis.sessionStorage?.removeItem(key);
    else globalThis.sessionStorage?.setItem(key, value);
  } catch {
    // Private mode or a full quota: the draft is simply not kept.
  }
}

/** Removes every kept draft (on sign-out: the next person at this tab must not see them). */
export function clearDrafts(): void {
  try {
    const storage = globalThis.sessionStorage;
    const keys = Array.from({ length: storage.length }, (_, index) => storage.key(index));
    for (const key of keys) if (key?.startsWith('uaip:draft:')) storage.removeItem(key);
  } catch {
    // Nothing was kept.
  }
}
