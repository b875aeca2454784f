/**
 * Users' token versions, remembered for a short while so that a signed-in request does not
 * read its user from storage every time. A revocation made through this instance is seen at
 * once (`forget`); one made through another instance sharing the storage, within `ttlMs`.
 */
export interface TokenVersions {
  /** The user's token version (null: no such user), read through `load` when not fresh. */
  get(userId: string, load: () => Promise<number | null>): Promise<number | null>;
  /** Drops what is remembered about the user: call it after changing the version. */
  forget(userId: string): void;
}

export function tokenVersions(ttlMs: number, now: () => number, maxUsers = 10_000): TokenVersions {
  const remembered = new Map<string, { version: number | null; until: number }>();
  // Bumped by every forget: a read that was under way then may have read the old version, so
  // it is used for its own request but not remembered.
  let forgets = 0;
  return {
    async get(userId, load) {
      if (ttlMs <= 0) return load();
      const at = now();
      const fresh = remembered.get(userId);
      if (fresh && fresh.until > at) return fresh.version;
      const before = forgets;
      const version = await load();
      if (forgets === before) {
        // Re-inserted, so the Map's order is the order of last loads: the oldest goes first.
        remembered.delete(userId);
        if (remembered.size >= maxUsers) remembered.delete(remembered.keys().next().value!);
        remembered.set(userId, { version, until: at + ttlMs });
      }
      return version;
    },
    forget(userId) {
      forgets++;
      remembered.delete(userId);
    },
  };
}
