import jwt from 'jsonwebtoken';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  bcryptHasher,
  createMemoryStorage,
  createPasswordAuth,
  type PasswordAuth,
  type Storage,
  UaipError,
} from '../index';
import { fixedClock } from '../testing/index';

const SECRET = 'a-test-secret-that-is-long-enough-32b';
let storage: Storage;
let auth: PasswordAuth;
let compares: number;
const clock = fixedClock('2026-11-26T12:00:00.000Z');

// Cost 10 is the floor: tests hash as little as they can (one hash ≈ 90 ms here).
const countingHasher = {
  ...bcryptHasher,
  compare: (password: string, hash: string) => {
    compares += 1;
    return bcryptHasher.compare(password, hash);
  },
};

beforeEach(() => {
  storage = createMemoryStorage();
  compares = 0;
  clock.set('2026-11-26T12:00:00.000Z');
  auth = createPasswordAuth({
    storage,
    secret: SECRET,
    bcryptCost: 10,
    tokenTtlSeconds: 3600,
    clock,
    hasher: countingHasher,
  });
});

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: unknown) => (UaipError.isInstance(error) ? error.code : String(error)),
  );

async function signedIn(email = 'ada@example.com', password = 'correct horse') {
  const user = await auth.register({ email, password, name: 'Ada' });
  const login = await auth.login({ email, password });
  return { user, token: login.accessToken, login };
}

describe('register, login, authenticate', () => {
  it('registers with a normalised email, logs in and authenticates the token', async () => {
    const user = await auth.register({
      email: '  Ada@Example.COM ',
      password: 'correct horse',
      name: 'Ada',
    });
    expect(user).toEqual({
      id: expect.any(String),
      email: 'ada@example.com',
      name: 'Ada',
      createdAt: '2026-11-26T12:00:00.000Z',
    });
    expect(user).not.toHaveProperty('passwordHash');
    const login = await auth.login({ email: 'ADA@example.com', password: 'correct horse' });
    expect(login).toMatchObject({ tokenType: 'Bearer', expiresIn: 3600, user });
    expect(await auth.authenticate(login.accessToken)).toEqual({ userId: user.id });
    const claims = jwt.decode(login.accessToken, { complete: true })!;
    expect(claims.header.alg).toBe('HS256');
    expect(claims.payload).toMatchObject({
      sub: user.id,
      iss: 'uaip',
      aud: 'uaip-api',
      iat: 1_795_694_400,
      exp: 1_795_698_000,
    });
  });

  it('refuses the same email in another case', async () => {
    await auth.register({ email: 'ada@example.com', password: 'correct horse' });
    expect(
      await codeOf(auth.register({ email: 'ADA@EXAMPLE.com', password: 'another one!' })),
    ).toBe('conflict');
  });

  it('keeps no name as null and rejects a malformed email', async () => {
    expect(
      (await auth.register({ email: 'bob@example.com', password: 'correct horse' })).name,
    ).toBeNull();
    expect(await codeOf(auth.register({ email: 'not-an-email', password: 'correct horse' }))).toBe(
      'validation_failed',
    );
  });
});

describe('passwords are 8 to 72 bytes of UTF-8, never truncated', () => {
  it.each([
    ['7 bytes', 'a'.repeat(7), 'validation_failed'],
    ['8 bytes', 'a'.repeat(8), 'resolved'],
    ['72 bytes', 'a'.repeat(72), 'resolved'],
    ['73 bytes', 'a'.repeat(73), 'validation_failed'],
    ['80 bytes in 20 four-byte characters', '😀'.repeat(20), 'validation_failed'],
    ['72 bytes in 24 three-byte characters', '€'.repeat(24), 'resolved'],
  ])('%s → %s', async (_name, password, outcome) => {
    expect(await codeOf(auth.register({ email: `${Math.random()}@example.com`, password }))).toBe(
      outcome,
    );
  });

  it('refuses at login the right 72 bytes followed by more (bcrypt would ignore the rest)', async () => {
    const password = '€'.repeat(24);
    await auth.register({ email: 'long@example.com', password });
    expect(await codeOf(auth.login({ email: 'long@example.com', password: `${password}x` }))).toBe(
      'invalid_credentials',
    );
    const { user } = await auth.login({ email: 'long@example.com', password });
    expect(
      await codeOf(auth.changePassword(user.id, `${password}anything`, 'a new password')),
    ).toBe('invalid_credentials');
  });

  it('tells which field is wrong', async () => {
    const error = await auth
      .register({ email: 'x@example.com', password: 'short' })
      .catch((caught: UaipError) => caught);
    expect(error).toMatchObject({
      code: 'validation_failed',
      details: [{ path: 'password', message: 'At least 8 bytes' }],
    });
  });
});

describe('login failures look the same and cost the same', () => {
  it('gives invalid_credentials after exactly one compare for an unknown email and for a wrong password', async () => {
    await auth.register({ email: 'ada@example.com', password: 'correct horse' });
    compares = 0;
    const unknown = await auth
      .login({ email: 'nobody@example.com', password: 'correct horse' })
      .catch((error: UaipError) => error);
    expect(compares).toBe(1);
    const wrong = await auth
      .login({ email: 'ada@example.com', password: 'wrong horse!' })
      .catch((error: UaipError) => error);
    expect(compares).toBe(2);
    expect(unknown).toMatchObject({ code: 'invalid_credentials' });
    expect(wrong).toMatchObject({
      code: 'invalid_credentials',
      message: (unknown as UaipError).message,
    });
  });

  it('upgrades a hash made with a lower cost at the next login', async () => {
    const strong = createPasswordAuth({ storage, secret: SECRET, bcryptCost: 11, clock });
    const user = await auth.register({ email: 'ada@example.com', password: 'correct horse' });
    await strong.login({ email: 'ada@example.com', password: 'correct horse' });
    expect(bcryptHasher.rounds((await storage.getUser(user.id))!.passwordHash)).toBe(11);
  });
});

describe('tokens', () => {
  const forge = (payload: object, options: jwt.SignOptions = {}, secret = SECRET) =>
    jwt.sign(payload, secret, { algorithm: 'HS256', ...options });

  it('refuses forged, expired, incomplete and misaddressed tokens', async () => {
    const { user, token } = await signedIn();
    const now = Math.floor(clock.now() / 1000);
    const claims = { sub: user.id, ver: 0, iat: now, exp: now + 600 };
    const [header, payload, signature] = token.split('.');
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else' })).toString('base64url')}.${signature}`;
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
    const forged = {
      'alg none': none,
      'tampered payload': tampered,
      'another secret': forge(
        claims,
        { issuer: 'uaip', audience: 'uaip-api' },
        'another-secret-that-is-long-enough-32b',
      ),
      'no exp': forge({ sub: user.id, ver: 0, iat: now }, { issuer: 'uaip', audience: 'uaip-api' }),
      'wrong iss': forge(claims, { issuer: 'evil', audience: 'uaip-api' }),
      'wrong aud': forge(claims, { issuer: 'uaip', audience: 'other-api' }),
      HS512: forge(claims, { issuer: 'uaip', audience: 'uaip-api', algorithm: 'HS512' }),
      garbage: 'not.a.token',
      empty: '',
    };
    for (const [name, candidate] of Object.entries(forged)) {
      expect(await auth.authenticate(candidate), name).toBeNull();
    }
    // The genuine token still works.
    expect(await auth.authenticate(token)).toEqual({ userId: user.id });
  });

  it('refuses an expired token', async () => {
    const { token } = await signedIn();
    clock.advance(3_601_000);
    expect(await auth.authenticate(token)).toBeNull();
  });

  it('revokes every token by bumping the token version, and on password change', async () => {
    const { user, token } = await signedIn();
    await auth.revokeTokens(user.id);
    expect(await auth.authenticate(token)).toBeNull();
    const fresh = (await auth.login({ email: 'ada@example.com', password: 'correct horse' }))
      .accessToken;
    expect(await auth.authenticate(fresh)).toEqual({ userId: user.id });
    await auth.changePassword(user.id, 'correct horse', 'battery staple');
    expect(await auth.authenticate(fresh)).toBeNull();
    expect(await codeOf(auth.login({ email: 'ada@example.com', password: 'correct horse' }))).toBe(
      'invalid_credentials',
    );
    expect(await codeOf(auth.login({ email: 'ada@example.com', password: 'battery staple' }))).toBe(
      'resolved',
    );
  });

  it('refuses a token of a user that no longer exists', async () => {
    const other = createPasswordAuth({
      storage: createMemoryStorage(),
      secret: SECRET,
      bcryptCost: 10,
      clock,
    });
    const { token } = await signedIn();
    expect(await other.authenticate(token)).toBeNull();
  });
});

describe('configuration', () => {
  it('refuses a short secret and a cost outside 10–15', () => {
    expect(() => createPasswordAuth({ storage, secret: 'short' })).toThrow(/32 bytes/);
    expect(() => createPasswordAuth({ storage, secret: SECRET, bcryptCost: 9 })).toThrow(
      /10 to 15/,
    );
    expect(() => createPasswordAuth({ storage, secret: SECRET, bcryptCost: 16 })).toThrow(
      /10 to 15/,
    );
  });

  it('hashes at cost 12 by default', async () => {
    const defaults = createPasswordAuth({ storage, secret: SECRET });
    const user = await defaults.register({ email: 'eve@example.com', password: 'correct horse' });
    expect(bcryptHasher.rounds((await storage.getUser(user.id))!.passwordHash)).toBe(12);
  });
});
