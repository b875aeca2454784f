import { createSecretKey, type KeyObject, randomUUID } from 'node:crypto';
import bcrypt from 'bcrypt';
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import { type Clock, systemClock } from '../clock';
import { UaipError } from '../errors';
import { parseInput } from '../orchestrator/inputs';
import type { Storage, UserRecord } from '../storage/types';
import { textField } from '../text-field';
import { tokenVersions } from './token-versions';
import type { Auth, Principal } from './types';

/** How passwords are hashed; injectable so tests can count compares instead of timing them. */
export interface PasswordHasher {
  /** Hashes a password at a bcrypt cost. */
  hash(password: string, cost: number): Promise<string>;
  /** Whether a password matches a stored hash. */
  compare(password: string, hash: string): Promise<boolean>;
  /** The cost a stored hash was made with. */
  rounds(hash: string): number;
}

/**
 * The native bcrypt binding: hashing and comparing run in libuv's thread pool, so a burst of
 * logins or registrations leaves the event loop free to answer other requests.
 */
export const bcryptHasher: PasswordHasher = {
  hash: (password, cost) => bcrypt.hash(password, cost),
  compare: (password, hash) => bcrypt.compare(password, hash),
  rounds: (hash) => bcrypt.getRounds(hash),
};

/** Options of {@link createPasswordAuth}. */
export interface PasswordAuthOptions {
  storage: Storage;
  /** The HS256 secret: at least 32 bytes. */
  secret: string;
  /** bcrypt cost, 10 to 15. @default 12 */
  bcryptCost?: number;
  /** @default 86400 */
  tokenTtlSeconds?: number;
  /** @default 'uaip' */
  issuer?: string;
  /** @default 'uaip-api' */
  audience?: string;
  clock?: Clock;
  /** Ids of new users. @default crypto.randomUUID */
  generateId?: () => string;
  hasher?: PasswordHasher;
  /**
   * How long a user's token version is trusted without reading the user again, in ms. A token
   * revoked through this instance (`revokeTokens`, `changePassword`) is refused at once; through
   * another instance on the same storage, within this time. 0 reads the user on every request.
   * @default 2000
   */
  revocationCacheMs?: number;
}

/** A user as the API shows it: never a password hash. */
export interface PublicUser {
  id: string;
  email: string;
  name: string | null;
  createdAt: string;
}

/** What a successful login returns: a bearer token, its lifetime and the user. */
export interface LoginResult {
  accessToken: string;
  tokenType: 'Bearer';
  /** Seconds. */
  expiresIn: number;
  user: PublicUser;
}

/** The claims of an access token. */
export interface AccessTokenClaims {
  sub: string;
  /** The user's token version when it was issued: bumping it revokes the token. */
  ver: number;
  iat: number;
  exp: number;
  iss: string;
  aud: string;
}

/** Email-and-password accounts with signed access tokens. */
export interface PasswordAuth extends Auth {
  /** Creates an account; `conflict` when the email is taken (in any case). */
  register(input: unknown): Promise<PublicUser>;
  /** Checks an email and password and issues an access token; `invalid_credentials` otherwise. */
  login(input: unknown): Promise<LoginResult>;
  /** The token's principal, or null for a token that is forged, expired, revoked or malformed. */
  authenticate(token: string): Promise<Principal | null>;
  /** Checks claims already verified elsewhere (e.g. by koa-jwt): the user exists, not revoked. */
  principalOf(claims: unknown): Promise<Principal | null>;
  /** The public view of a user, or null. */
  getUser(userId: string): Promise<PublicUser | null>;
  /** Revokes every token of the user ("sign out everywhere"). */
  revokeTokens(userId: string): Promise<void>;
  /** Changes the password after checking the current one; revokes every earlier token. */
  changePassword(userId: string, currentPassword: string, newPassword: string): Promise<void>;
  /** What a JWT middleware needs to verify these tokens itself (algorithm pinned). */
  readonly verification: {
    /** The HS256 key (a `KeyObject`: jsonwebtoken verifies with it 50 times faster than with a string). */
    secret: KeyObject;
    algorithms: ['HS256'];
    issuer: string;
    audience: string;
    maxAgeSeconds: number;
    /**
     * The clock tokens are issued by (the `clock` option): a verifier judges `exp` and `iat`
     * by it too, or a token issued under a test's clock is refused by the wall clock.
     * @default the system clock
     */
    clock?: Clock;
  };
}

/** Whether bcrypt reads all of a password: it ignores every byte past the 72nd. */
function fitsBcrypt(password: string): boolean {
  return Buffer.byteLength(password, 'utf8') <= 72;
}

const passwordField = z
  .string()
  .refine((password) => Buffer.byteLength(password, 'utf8') >= 8, 'At least 8 bytes')
  // bcrypt ignores everything past 72 bytes: refuse rather than silently truncate.
  .refine(fitsBcrypt, "At most 72 bytes of UTF-8 (bcrypt's limit)")
  // JSON Schema counts characters and has no word for bytes. The character limits published
  // are the true ones that the byte limits imply (a character is 1 to 4 bytes of UTF-8: 8 bytes
  // take at least 2, and 72 bytes at most 72), so no password the server takes is outside them;
  // the byte limits themselves go into the description and x-minBytes / x-maxBytes.
  .meta({
    minLength: 2,
    maxLength: 72,
    'x-minBytes': 8,
    'x-maxBytes': 72,
    description:
      "8 to 72 bytes of UTF-8 (bcrypt's limit): 8 to 72 ASCII characters, fewer of other scripts.",
  });
const emailField = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email('Not an email address').max(254))
  // The JSON Schema of a pipe is its input's (any string): publish the address's constraints,
  // with zod's own pattern (stricter than most `format: email` checks) and the surrounding
  // whitespace that is trimmed away.
  .meta({
    format: 'email',
    pattern: `^\\s*(?:${z.regexes.email.source.slice(1, -1)})\\s*$`,
    maxLength: 254,
    description: 'Trimmed and lower-cased before it is checked and stored.',
  });

/** The body of a registration. */
export const registerInput = z.object({
  email: emailField,
  password: passwordField,
  name: textField({ max: 100, trim: true, blank: 'The name is empty' }).nullish(),
});
/** The body of a login. */
export const loginInput = z.object({
  email: textField({ max: 254, trim: true }).toLowerCase(),
  password: textField({ max: 1024, refuseNul: false }),
});

/** The body of a password change: the current password, and the new one (8 to 72 bytes). */
export const changePasswordInput = z.object({
  currentPassword: textField({ max: 1024, refuseNul: false }),
  newPassword: passwordField,
});

/**
 * Accounts with bcrypt-hashed passwords and HS256 JWT access tokens (algorithm pinned;
 * `exp`, `iat`, `iss`, `aud`, `sub` set and checked). Unknown emails and wrong passwords get the
 * same `invalid_credentials` after exactly one bcrypt compare each.
 *
 * @example
 * ```ts
 * const auth = createPasswordAuth({ storage, secret: process.env.JWT_SECRET! });
 * await auth.register({ email: 'ada@example.com', password: 'correct horse battery' });
 * const { accessToken } = await auth.login({ email: 'ada@example.com', password: 'correct horse battery' });
 * const principal = await auth.authenticate(accessToken); // { userId }
 * ```
 */
export function createPasswordAuth(options: PasswordAuthOptions): PasswordAuth {
  const { storage, secret } = options;
  if (Buffer.byteLength(secret, 'utf8') < 32)
    throw new TypeError('The JWT secret must be at least 32 bytes');
  const cost = options.bcryptCost ?? 12;
  if (!Number.isInteger(cost) || cost < 10 || cost > 15)
    throw new RangeError('bcryptCost must be a whole number from 10 to 15');
  const ttl = options.tokenTtlSeconds ?? 86_400;
  const issuer = options.issuer ?? 'uaip';
  const audience = options.audience ?? 'uaip-api';
  const clock = options.clock ?? systemClock;
  const now = () => clock.now();
  const newId = options.generateId ?? randomUUID;
  const hasher = options.hasher ?? bcryptHasher;
  // A string secret makes jsonwebtoken try it as a PEM key first on every call (≈ 0.5 ms);
  // a ready secret key is used at once.
  const key = createSecretKey(Buffer.from(secret, 'utf8'));
  const versions = tokenVersions(options.revocationCacheMs ?? 2000, now);
  let dummyHash: Promise<string> | undefined;

  const publicUser = (user: UserRecord): PublicUser => ({
    id: user.id,
    email: user.email,
    name: user.name,
    createdAt: user.createdAt,
  });

  const principalOf = async (claims: unknown): Promise<Principal | null> => {
    const parsed = claimsSchema.safeParse(claims);
    if (!parsed.success) return null;
    const { sub, ver } = parsed.data;
    const version = await versions.get(
      sub,
      async () => (await storage.getUser(sub))?.tokenVersion ?? null,
    );
    return version !== null && version === ver ? { userId: sub } : null;
  };

  return {
    verification: {
      secret: key,
      algorithms: ['HS256'],
      issuer,
      audience,
      maxAgeSeconds: ttl,
      clock,
    },
    async register(input) {
      const { email, password, name } = parseInput(registerInput, input);
      const user: UserRecord = {
        id: newId(),
        email,
        name: name ?? null,
        passwordHash: await hasher.hash(password, cost),
        tokenVersion: 0,
        createdAt: new Date(now()).toISOString(),
      };
      await storage.createUser(user);
      return publicUser(user);
    },
    async login(input) {
      const { email, password } = parseInput(loginInput, input);
      const user = await storage.findUserByEmail(email);
      // One compare either way, so an unknown email costs what a wrong password costs.
      dummyHash ??= hasher.hash('not a real password', cost);
      const matches = await hasher.compare(password, user ? user.passwordHash : await dummyHash);
      // bcrypt reads 72 bytes only: a longer password is not the one registered (registration
      // refuses them), however its first 72 bytes compare.
      if (!user || !matches || !fitsBcrypt(password))
        throw new UaipError('invalid_credentials', 'Email or password is wrong');
      if (hasher.rounds(user.passwordHash) < cost) {
        // Hashed under a lower cost than today's setting: upgrade it now that we know the password.
        await storage.updateUser(user.id, { passwordHash: await hasher.hash(password, cost) });
      }
      const issuedAt = Math.floor(now() / 1000);
      const accessToken = jwt.sign(
        { sub: user.id, ver: user.tokenVersion, iat: issuedAt, exp: issuedAt + ttl },
        key,
        {
          algorithm: 'HS256',
          issuer,
          audience,
        },
      );
      return { accessToken, tokenType: 'Bearer', expiresIn: ttl, user: publicUser(user) };
    },
    async authenticate(token) {
      let claims: unknown;
      try {
        claims = jwt.verify(token, key, {
          algorithms: ['HS256'],
          issuer,
          audience,
          // Without maxAge, jsonwebtoken accepts a token that has no exp forever.
          maxAge: ttl,
          clockTimestamp: Math.floor(now() / 1000),
        });
      } catch {
        return null;
      }
      return principalOf(claims);
    },
    principalOf,
    async getUser(userId) {
      const user = await storage.getUser(userId);
      return user ? publicUser(user) : null;
    },
    async revokeTokens(userId) {
      const user = await storage.getUser(userId);
      if (!user) throw new UaipError('not_found', 'User not found');
      await storage.updateUser(userId, { tokenVersion: user.tokenVersion + 1 });
      versions.forget(userId);
    },
    async changePassword(userId, currentPassword, newPassword) {
      const user = await storage.getUser(userId);
      const matches = user && (await hasher.compare(currentPassword, user.passwordHash));
      if (!user || !matches || !fitsBcrypt(currentPassword)) {
        throw new UaipError('invalid_credentials', 'The current password is wrong');
      }
      const { password } = parseInput(z.object({ password: passwordField }), {
        password: newPassword,
      });
      await storage.updateUser(userId, {
        passwordHash: await hasher.hash(password, cost),
        tokenVersion: user.tokenVersion + 1,
      });
      versions.forget(userId);
    },
  };
}

// A token must carry every claim, exp explicitly, whatever the verifier let through.
const claimsSchema = z.object({
  sub: z.string().min(1),
  ver: z.number().int().min(0),
  iat: z.number(),
  exp: z.number(),
  iss: z.string(),
  aud: z.union([z.string(), z.array(z.string())]),
});
