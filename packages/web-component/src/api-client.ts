import { errorFromResponse, UaipApiError } from './api-error';
import type {
  AnswerResult,
  CharterFormat,
  Health,
  LoginResult,
  Member,
  MemberRole,
  Review,
  ReviewAssignmentPage,
  ReviewStatus,
  ReviewVote,
  RevisionResult,
  Session,
  SessionEvent,
  SessionHistory,
  SessionMembers,
  SessionPage,
  SharedSessionPage,
  Turn,
  User,
  WorkflowSummary,
} from './api-types';
import { readEventStream } from './sse';

/** `?limit=…&cursor=…` (and `status`) of a paged list, or nothing. */
function pageQuery(query: PageQuery & { status?: string }): string {
  const search = new URLSearchParams();
  if (query.limit !== undefined) search.set('limit', String(query.limit));
  if (query.cursor) search.set('cursor', query.cursor);
  if (query.status) search.set('status', query.status);
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** A page of a list: how many, and where the previous page ended. */
export interface PageQuery {
  limit?: number;
  cursor?: string | null;
}

/** Who is asked to review: an account by email, or by user id. */
export type ReviewerRef = { email: string } | { userId: string };

/** Where the API lives when no `api-base` is given. */
export const DEFAULT_API_BASE = '/api/v1';

/** Options of {@link createUaipClient}. */
export interface UaipClientOptions {
  /** The API's base URL, relative to the page or on any origin. @default '/api/v1' */
  apiBase?: string;
  /** The access token, sent as `Authorization: Bearer …` (never in a URL). */
  token?: string | null;
  /** The `fetch` to use; tests pass a fake. @default globalThis.fetch */
  fetch?: typeof fetch;
}

/** Options of a call that may take long. */
export interface CallOptions {
  signal?: AbortSignal;
}

/** Options of a call that records something: the same `idempotencyKey` records it once. */
export interface KeyedCallOptions extends CallOptions {
  idempotencyKey?: string;
}

/**
 * The routes of the HTTP contract the elements use, typed. Every method rejects with a
 * {@link UaipApiError}: the server's error body, or code `network` when nothing answered.
 */
export interface UaipClient {
  /** The base URL in use, without a trailing slash. */
  readonly apiBase: string;
  /** Creates an account (`POST /auth/register`). */
  register(input: { email: string; password: string; name?: string }): Promise<{ user: User }>;
  /** Signs in (`POST /auth/login`). */
  login(input: { email: string; password: string }): Promise<LoginResult>;
  /** The signed-in user (`GET /auth/me`). */
  me(): Promise<{ user: User }>;
  /** Revokes every token of the signed-in user, this one included (`POST /auth/logout-all`). */
  logoutEverywhere(): Promise<void>;
  /** A page of the user's sessions, newest first. */
  listSessions(query?: PageQuery): Promise<SessionPage>;
  /** The workflows the server runs, with their stages (`GET /workflows`). */
  workflows(): Promise<{ items: WorkflowSummary[] }>;
  /** Deletes a session for good (`DELETE /sessions/:id`). */
  deleteSession(sessionId: string): Promise<void>;
  /** A session's transcript: every answered question (`GET /sessions/:id/turns`). */
  turns(sessionId: string, options?: CallOptions): Promise<{ items: Turn[] }>;
  /** Starts a session; its first question is pending. */
  createSession(input: { idea: string; title?: string; workflowId?: string }): Promise<Session>;
  /** A session. */
  getSession(sessionId: string, options?: CallOptions): Promise<Session>;
  /** Sends an answer; the same `idempotencyKey` makes a re-send safe (recorded once). */
  answer(
    sessionId: string,
    input: { questionId: string; answer: string },
    options?: KeyedCallOptions,
  ): Promise<AnswerResult>;
  /**
   * Revises an accepted answer of the record (`POST /sessions/:id/turns/:turnId/revisions`):
   * the new answer is scored, then what was built on it is rebuilt. A vague answer leaves a
   * follow-up pending (`revision.status: 'follow_up'`), answered with `answer`.
   */
  revise(
    sessionId: string,
    turnId: string,
    answer: string,
    options?: KeyedCallOptions,
  ): Promise<RevisionResult>;
  /** Every answer and every version of what was built on them (`GET /sessions/:id/history`). */
  history(sessionId: string, options?: CallOptions): Promise<SessionHistory>;
  /** Who can see a session: its owner's id and its members (`GET /sessions/:id/members`). */
  members(sessionId: string, options?: CallOptions): Promise<SessionMembers>;
  /**
   * Shares a session with an account, by email or user id, or changes the role of someone it
   * is shared with (`POST /sessions/:id/members`; the owner only).
   */
  share(
    sessionId: string,
    input: ({ email: string } | { userId: string }) & { role: MemberRole },
  ): Promise<{ member: Member }>;
  /** Changes a member's role (`PATCH /sessions/:id/members/:userId`; the owner only). */
  changeRole(sessionId: string, userId: string, role: MemberRole): Promise<{ member: Member }>;
  /**
   * Ends a member's access (`DELETE /sessions/:id/members/:userId`): the owner removes anyone,
   * a member may remove themselves (leave).
   */
  unshare(sessionId: string, userId: string): Promise<void>;
  /** A page of the sessions shared with the user, newest first (`GET /shared-sessions`). */
  sharedSessions(query?: PageQuery): Promise<SharedSessionPage>;
  /** The session's committee review; null when none was requested (`GET /sessions/:id/review`). */
  review(sessionId: string, options?: CallOptions): Promise<{ review: Review | null }>;
  /**
   * Asks accounts to review a completed session whose outcome calls for a committee
   * (`POST /sessions/:id/review`; the owner only). Asking again starts a new round.
   */
  requestReview(
    sessionId: string,
    input: { reviewers: ReviewerRef[]; approvalsRequired?: number; note?: string },
  ): Promise<{ review: Review }>;
  /** A reviewer's vote in the current round, with why (`POST /sessions/:id/review/votes`). */
  vote(
    sessionId: string,
    input: { vote: ReviewVote; comment: string },
  ): Promise<{ review: Review }>;
  /** A page of the sessions whose current review round names the user (`GET /reviews`). */
  reviews(query?: PageQuery & { status?: ReviewStatus }): Promise<ReviewAssignmentPage>;
  /**
   * The session as one versioned JSON document (`GET /sessions/:id/export`; anyone who may
   * read it), as a Blob to save: the file `importSession` takes back.
   */
  exportSession(sessionId: string, options?: CallOptions): Promise<Blob>;
  /**
   * Stores a session export (a parsed `GET /sessions/:id/export` document) as a new session
   * of the signed-in user, with new ids (`POST /sessions/import`). Refused with
   * `validation_failed` (and the paths in `details`) for a document that is not a valid
   * export of a version the server reads, `payload_too_large` past 5 MB.
   */
  importSession(document: unknown): Promise<Session>;
  /** The charter in one format, as a Blob (its type is the server's content type). */
  charter(sessionId: string, format: CharterFormat, options?: CallOptions): Promise<Blob>;
  /**
   * Reads the session's event stream with `fetch` (so the token travels in a header) until
   * it ends or `signal` aborts.
   */
  events(
    sessionId: string,
    onEvent: (event: SessionEvent) => void,
    options?: CallOptions,
  ): Promise<void>;
  /** `GET /health` at the root of the API's origin (no token); a 503's report too. */
  health(options?: CallOptions): Promise<Health>;
}

/**
 * Creates a {@link UaipClient}.
 *
 * @example
 * ```ts
 * const client = createUaipClient({ apiBase: 'https://uaip.example.com/api/v1', token });
 * const session = await client.createSession({ idea: 'Predict churn from usage data' });
 * ```
 */
export function createUaipClient(options: UaipClientOptions = {}): UaipClient {
  const apiBase = (options.apiBase || DEFAULT_API_BASE).replace(/\/+$/, '');
  const token = options.token ?? null;
  // Read at call time so a page that replaces window.fetch later is honoured.
  const doFetch: typeof fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));

  async function send(
    url: string,
    init: RequestInit & { auth?: boolean; accept?: string; alsoOk?: number } = {},
  ): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('Accept', init.accept ?? 'application/json');
    if (init.body !== undefined) headers.set('Content-Type', 'application/json');
    if (init.auth !== false && token) headers.set('Authorization', `Bearer ${token}`);
    let response: Response;
    try {
      response = await doFetch(url, { ...init, headers });
    } catch (error) {
      if (init.signal?.aborted) throw error;
      throw new UaipApiError(0, 'network', 'The server could not be reached', { cause: error });
    }
    if (!response.ok && response.status !== init.alsoOk) throw await errorFromResponse(response);
    return response;
  }

  async function json<T>(path: string, init: RequestInit & { auth?: boolean } = {}): Promise<T> {
    const response = await send(apiBase + path, init);
    return (await response.json()) as T;
  }

  /** A file to save (a download): its body as a Blob. */
  async function file(path: string, accept: string, callOptions: CallOptions): Promise<Blob> {
    const response = await send(apiBase + path, { accept, signal: callOptions.signal ?? null });
    return response.blob();
  }

  const post = (body: unknown, extra: RequestInit & { auth?: boolean } = {}) => ({
    ...extra,
    method: 'POST',
    body: JSON.stringify(body),
  });
  const keyedPost = (body: unknown, callOptions: KeyedCallOptions) => {
    const headers: Record<string, string> = {};
    if (callOptions.idempotencyKey) headers['Idempotency-Key'] = callOptions.idempotencyKey;
    return post(body, { headers, signal: callOptions.signal ?? null });
  };
  const id = encodeURIComponent;

  return {
    apiBase,
    register: (input) => json('/auth/register', post(input, { auth: false })),
    login: (input) => json('/auth/login', post(input, { auth: false })),
    me: () => json('/auth/me'),
    async logoutEverywhere() {
      await send(`${apiBase}/auth/logout-all`, { method: 'POST' });
    },
    listSessions: (query = {}) => json(`/sessions${pageQuery(query)}`),
    workflows: () => json('/workflows'),
    async deleteSession(sessionId) {
      await send(`${apiBase}/sessions/${id(sessionId)}`, { method: 'DELETE' });
    },
    turns: (sessionId, callOptions = {}) =>
      json(`/sessions/${id(sessionId)}/turns`, { signal: callOptions.signal ?? null }),
    createSession: (input) => json('/sessions', post(input)),
    getSession: (sessionId, callOptions = {}) =>
      json(`/sessions/${id(sessionId)}`, { signal: callOptions.signal ?? null }),
    answer: (sessionId, input, callOptions = {}) =>
      json(`/sessions/${id(sessionId)}/answers`, keyedPost(input, callOptions)),
    revise: (sessionId, turnId, answer, callOptions = {}) =>
      json(
        `/sessions/${id(sessionId)}/turns/${id(turnId)}/revisions`,
        keyedPost({ answer }, callOptions),
      ),
    history: (sessionId, callOptions = {}) =>
      json(`/sessions/${id(sessionId)}/history`, { signal: callOptions.signal ?? null }),
    members: (sessionId, callOptions = {}) =>
      json(`/sessions/${id(sessionId)}/members`, { signal: callOptions.signal ?? null }),
    share: (sessionId, input) => json(`/sessions/${id(sessionId)}/members`, post(input)),
    changeRole: (sessionId, userId, role) =>
      json(`/sessions/${id(sessionId)}/members/${id(userId)}`, {
        method: 'PATCH',
        body: JSON.stringify({ role }),
      }),
    async unshare(sessionId, userId) {
      await send(`${apiBase}/sessions/${id(sessionId)}/members/${id(userId)}`, {
        method: 'DELETE',
      });
    },
    sharedSessions: (query = {}) => json(`/shared-sessions${pageQuery(query)}`),
    review: (sessionId, callOptions = {}) =>
      json(`/sessions/${id(sessionId)}/review`, { signal: callOptions.signal ?? null }),
    requestReview: (sessionId, input) => json(`/sessions/${id(sessionId)}/review`, post(input)),
    vote: (sessionId, input) => json(`/sessions/${id(sessionId)}/review/votes`, post(input)),
    reviews: (query = {}) => json(`/reviews${pageQuery(query)}`),
    exportSession: (sessionId, callOptions = {}) =>
      file(`/sessions/${id(sessionId)}/export`, 'application/json', callOptions),
    importSession: (document) => json('/sessions/import', post(document)),
    charter: (sessionId, format, callOptions = {}) =>
      file(
        `/sessions/${id(sessionId)}/charter?format=${format}`,
        { md: 'text/markdown', json: 'application/json', html: 'text/html' }[format],
        callOptions,
      ),
    async events(sessionId, onEvent, callOptions = {}) {
      const signal = callOptions.signal;
      const response = await send(`${apiBase}/sessions/${id(sessionId)}/events`, {
        accept: 'text/event-stream',
        cache: 'no-store',
        signal: signal ?? null,
      });
      await readEventStream(
        response,
        (message) => {
          let event: SessionEvent;
          try {
            event = JSON.parse(message.data) as SessionEvent;
          } catch {
            // A malformed event is skipped; the next answer's response carries the truth.
            return;
          }
          onEvent(event);
        },
        signal,
      );
    },
    async health(callOptions = {}) {
      // /health sits at the server root, outside the API prefix.
      const base = typeof document === 'undefined' ? undefined : document.baseURI;
      const url = `${new URL(apiBase, base).origin}/health`;
      // A 503 still carries the report (the storage is down): it is an answer, not an error.
      const response = await send(url, {
        auth: false,
        alsoOk: 503,
        signal: callOptions.signal ?? null,
      });
      return (await response.json()) as Health;
    },
  };
}
