import { describe, expect, it } from 'vitest';
import { createMemoryStorage, createPasswordAuth, type Storage } from '../index';
import { fixedClock } from '../testing/index';

const SECRET = 'a-test-secret-that-is-long-enough-32b';
const CREDENTIALS = { email: 'ada@example.com', password: 'correct horse battery' };

/** Storage that counts the user reads a token check makes. */
function countingReads(storage: Storage) {
  const counted = { reads: 0 };
  const getUser: Storage['getUser'] = (userId) => {
    counted.reads++;
    return storage.getUser(userId);
  };
  return { storage: { ...storage, getUser }, counted };
}

describe('token checks remember token versions for a short while', () => {
  it('read the user once per window, and see a revocation made here at once', async () => {
    const clock = fixedClock('2026-11-26T12:00:00.000Z');
    const { storage, counted } = countingReads(createMemoryStorage());
    const auth = createPasswordAuth({ storage, secret: SECRET, bcryptCost: 10, clock });
    const user = await auth.register(CREDENTIALS);
    const { accessToken } = await auth.login(CREDENTIALS);

    counted.reads = 0;
    for (let request = 0; request < 50; request++)
      expect(await auth.authenticate(accessToken)).toEqual({ userId: user.id });
    expect(counted.reads).toBe(1);
    clock.advance(2001);
    expect(await auth.authenticate(accessToken)).toEqual({ userId: user.id });
    expect(counted.reads).toBe(2);

    await auth.revokeTokens(user.id);
    expect(await auth.authenticate(accessToken)).toBeNull();
  });

  it('see a revocation made through another instance within the window, never later', async () => {
    const clock = fixedClock('2026-11-26T12:00:00.000Z');
    const shared = createMemoryStorage();
    const options = { storage: shared, secret: SECRET, bcryptCost: 10, clock };
    const here = createPasswordAuth(options);
    const there = createPasswordAuth(options);
    const user = await here.register(CREDENTIALS);
    const { accessToken } = await here.login(CREDENTIALS);
    expect(await here.authenticate(accessToken)).toEqual({ userId: user.id });

    await there.revokeTokens(user.id);
    expect(await there.authenticate(accessToken)).toBeNull();
    // This instance read the version a moment ago: it may trust it until the window ends...
    clock.advance(1999);
    expect(await here.authenticate(accessToken)).toEqual({ userId: user.id });
    // ...and not a millisecond more.
    clock.advance(2);
    expect(await here.authenticate(accessToken)).toBeNull();
  });

  it('read the user on every check when the window is 0', async () => {
    const { storage, counted } = countingReads(createMemoryStorage());
    const auth = createPasswordAuth({
      storage,
      secret: SECRET,
      bcryptCost: 10,
      revocationCacheMs: 0,
    });
    await auth.register(CREDENTIALS);
    const { accessToken } = await auth.login(CREDENTIALS);
    counted.reads = 0;
    for (let request = 0; request < 3; request++) await auth.authenticate(accessToken);
    expect(counted.reads).toBe(3);
  });

  it('do not keep a version read while a revocation was under way', async () => {
    const clock = fixedClock('2026-11-26T12:00:00.000Z');
    const memory = createMemoryStorage();
    let stallNext: Promise<void> | undefined;
    const storage: Storage = {
      ...memory,
      async getUser(userId) {
        const user = await memory.getUser(userId);
        const stall = stallNext;
        stallNext = undefined;
        await stall;
        return user;
      },
    };
    const auth = createPasswordAuth({ storage, secret: SECRET, bcryptCost: 10, clock });
    const user = await auth.register(CREDENTIALS);
    const { accessToken } = await auth.login(CREDENTIALS);
    let resume!: () => void;
    stallNext = new Promise((resolve) => {
      resume = resolve;
    });
    // A check reads the old version and stalls; the revocation completes meanwhile.
    const slowCheck = auth.authenticate(accessToken);
    await auth.revokeTokens(user.id);
    resume();
    // The slow check answers for its own request with what it read...
    expect(await slowCheck).toEqual({ userId: user.id });
    // ...but does not make the old version stick.
    expect(await auth.authenticate(accessToken)).toBeNull();
  });
});
