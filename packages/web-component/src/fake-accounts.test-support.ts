import type { User } from './api-types';
import { error, json } from './fake-data.test-support';

// Accounts and bearer tokens of the fake server (fake-api.test-support.ts): register, log in,
// who am I, revoke every token.

export function createFakeAccounts(next: (prefix: string) => string) {
  const accounts = new Map<string, { user: User; password: string }>();
  const tokens = new Map<string, User>();

  function add(email: string, password: string, name: string | null): User {
    const user: User = { id: next('user'), email, name, createdAt: new Date().toISOString() };
    accounts.set(email, { user, password });
    return user;
  }
  function issue(user: User): string {
    const token = next('token');
    tokens.set(token, user);
    return token;
  }

  /** The `/auth/*` routes that need no token; null for any other request. */
  function open(method: string, path: string, body: Record<string, string>): Response | null {
    if (method === 'POST' && path === '/auth/register') {
      if (accounts.has(body.email!)) return error(409, 'conflict', 'Email already registered');
      return json(201, { user: add(body.email!, body.password!, body.name ?? null) });
    }
    if (method === 'POST' && path === '/auth/login') {
      const account = accounts.get(body.email!);
      if (!account || account.password !== body.password)
        return error(401, 'invalid_credentials', 'Invalid email or password');
      const user = account.user;
      return json(200, { accessToken: issue(user), tokenType: 'Bearer', expiresIn: 3600, user });
    }
    return null;
  }

  /** The `/auth/*` routes of a signed-in user; null for any other request. */
  function own(method: string, path: string, user: User): Response | null {
    if (method === 'GET' && path === '/auth/me') return json(200, { user });
    if (method === 'POST' && path === '/auth/logout-all') {
      for (const [issued, owner] of tokens) if (owner.id === user.id) tokens.delete(issued);
      return new Response(null, { status: 204 });
    }
    return null;
  }

  return {
    open,
    own,
    /** The user a token belongs to (from a `Authorization: Bearer …` header's value). */
    userOf: (token: string | undefined) => (token ? tokens.get(token) : undefined),
    byEmail: (email: string) => accounts.get(email)?.user,
    byId: (id: string) => [...accounts.values()].find(({ user }) => user.id === id)?.user,
    /** An account that exists, and a token for it. */
    signUp(email: string, password: string, name: string): string {
      return issue(add(email, password, name));
    },
    /** Makes a token invalid, as an expiry would. */
    expire(token: string) {
      tokens.delete(token);
    },
  };
}
