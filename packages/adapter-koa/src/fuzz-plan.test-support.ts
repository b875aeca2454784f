import fc from 'fast-check';
import type { RawRequest, RawResponse } from './raw-http.test-support';

// The vocabulary of the fuzz test: users and sessions as the test knows them, and plans (one
// generated scenario of one or a few requests, resolved against that state when it runs).

/** A session as the test last saw it. */
export interface FuzzSession {
  id: string;
  pendingId: string | null;
  status: 'active' | 'completed';
  version: number;
  /** Question ids that were pending once and no longer are. */
  staleIds: string[];
}

/** A user of the run, with what they own. */
export interface FuzzUser {
  id: string;
  email: string;
  token: string;
  sessions: Map<string, FuzzSession>;
  deleted: string[];
  /** `nextCursor`s their lists returned. */
  cursors: string[];
}

export interface SendOptions {
  /** Schema-valid: the body and query pass the route's zod schema, the id is the user's, the token valid. */
  valid: boolean;
  /** The statuses this request may get; without it, any status of the contract. */
  expect?: readonly number[];
}

/** What plans run against: the state, and `send`, which checks every response against the contract. */
export interface Fuzzer {
  readonly users: readonly FuzzUser[];
  /** A completed session (its charter exists) and its owner; never deleted. */
  readonly completed: { user: FuzzUser; sessionId: string };
  /** Accounts made through the API during the run: normalised email → password. */
  readonly accounts: Map<string, string>;
  send(request: RawRequest, options: SendOptions): Promise<RawResponse>;
  /** One of the user's live sessions (`pick` modulo their count), made when they have none. */
  session(user: FuzzUser, pick: number, options?: { active?: boolean }): Promise<FuzzSession>;
  /** A live session of another user than `self` (never made: that user's lane may be listing). */
  foreignSession(self: FuzzUser, pick: number): string | undefined;
  /** A fresh number, to keep generated keys and emails unique. */
  nextNumber(): number;
}

/**
 * One generated scenario, run as `self`. Lanes of different users run at the same time, so a
 * plan changes only what `self` owns.
 */
export interface Plan {
  readonly label: string;
  run(fuzzer: Fuzzer, self: FuzzUser): Promise<void>;
}

/** A plan whose label is what fast-check prints for a counterexample. */
export function plan(label: string, run: Plan['run']): Plan {
  return { label, run, [fc.toStringMethod]: () => label } as Plan;
}

/** A short, printable description of a generated value, for labels. */
export function brief(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${JSON.stringify(text.slice(0, 60))}…(${text.length})` : text;
}

/** The contract's default body limit. */
export const BODY_LIMIT = 64 * 1024;

export const API = '/api/v1';

export interface ApiRequestOptions {
  token?: string;
  /** JSON text (already serialised, so it can be anything). */
  json?: string;
  query?: ReadonlyArray<readonly [string, string]>;
  headers?: Record<string, string | string[]>;
}

/** A request to the API with a bearer token and a JSON body. */
export function apiRequest(
  method: string,
  path: string,
  { token, json, query, headers }: ApiRequestOptions = {},
): RawRequest {
  const search = query?.length
    ? `?${query.map(([key, value]) => `${percentEncode(key)}=${percentEncode(value)}`).join('&')}`
    : '';
  return {
    method,
    path: `${API}${path}${search}`,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(json === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(json === undefined ? {} : { body: json }),
  };
}

/**
 * Percent-encodes every byte outside the unreserved set. Unlike encodeURIComponent it accepts
 * lone surrogates (sent as U+FFFD, as Buffer encodes them).
 */
export function percentEncode(text: string): string {
  let encoded = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    encoded += /[A-Za-z0-9\-._~]/.test(char)
      ? char
      : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}

/** Every route that takes a session id, with the method it serves. */
export const ID_ROUTES = [
  ['GET', ''],
  ['DELETE', ''],
  ['GET', '/turns'],
  ['GET', '/usage'],
  ['GET', '/events'],
  ['GET', '/charter'],
  ['GET', '/history'],
  ['POST', '/answers'],
  ['POST', '/turns/00000000-0000-4000-8000-000000000000/revisions'],
  ['GET', '/members'],
  ['POST', '/members'],
  ['PATCH', '/members/3f1e2d3c-0000-4000-8000-000000000002'],
  ['DELETE', '/members/3f1e2d3c-0000-4000-8000-000000000002'],
  ['GET', '/review'],
  ['POST', '/review'],
  ['POST', '/review/votes'],
  ['GET', '/webhook-deliveries'],
  ['GET', '/export'],
] as const;
