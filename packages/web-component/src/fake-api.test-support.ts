import type {
  AnswerResult,
  Health,
  PendingQuestion,
  Session,
  SessionEvent,
  SessionStage,
} from './api-types';
import { createFakeAccounts } from './fake-accounts.test-support';
import {
  charterResponse,
  encoder,
  error,
  eventStream,
  json,
  SAMPLE_ARTIFACT,
  toSummary,
  UAIP_STAGES,
} from './fake-data.test-support';
import { createFakeExport } from './fake-export.test-support';
import { createFakeReviews } from './fake-reviews.test-support';
import { createFakeRevisions, type FakeTurn, toTurns } from './fake-revisions.test-support';
import { createFakeSharing, type Need } from './fake-sharing.test-support';

/** A request the fake answered. */
export interface RecordedCall {
  method: string;
  url: string;
  /** The path below the API base (or `/health`). */
  path: string;
  headers: Headers;
  body: unknown;
  signal: AbortSignal | undefined;
}

/** A forced failure: a contract error, or `network` (fetch rejects). */
export type FakeFailure =
  | { status: number; code: string; message?: string; retryAfter?: number }
  | 'network';

/** The fields of the JSON bodies the routes read. */
interface RequestBody {
  email: string;
  password: string;
  name?: string;
  idea: string;
  title?: string;
  questionId: string;
  answer: string;
  role?: string;
  userId?: string;
}

const wait = () => new Promise((resolve) => setTimeout(resolve, 0));

/** The missing items of a stage whose answer said "fails gate". */
export const FAILED_GATE = ['a baseline for KPI "NPS"', 'a time frame for KPI "NPS"'];

/**
 * An in-memory server speaking the HTTP contract through an injectable `fetch`: accounts,
 * sessions through the given stages (one question each), answers (text with "vague" gets a
 * follow-up, "gap" a gap question, "escalate" is kept with a score of 3 as the last try,
 * "fails gate" completes the stage with a failed gate), revisions of accepted answers (see
 * fake-revisions.test-support.ts) and the history, the transcript, the event stream, the
 * charter (its decision "Revise" while a gate failed), the workflows, deletion, sharing with
 * roles (fake-sharing.test-support.ts: 403 beyond a member's role, 404 for a stranger), the
 * committee review of a session whose idea mentions a committee (fake-reviews.test-support.ts),
 * export and import (fake-export.test-support.ts),
 * `/health` (set with `setHealth`), and failures forced per route.
 */
export function createFakeApi(
  options: { demo?: boolean; stages?: ReadonlyArray<readonly [string, string]> } = {},
) {
  const stages = options.stages ?? UAIP_STAGES;
  const sessions = new Map<string, Session>();
  const streams = new Map<string, Set<ReadableStreamDefaultController<Uint8Array>>>();
  const failures: Array<{ route: string; failure: FakeFailure }> = [];
  const transcripts = new Map<string, FakeTurn[]>();
  let health: Health = {
    status: 'ok',
    checks: {
      storage: { ok: true },
      llm: [
        {
          provider: options.demo ? 'demo' : 'anthropic',
          ok: true,
          ...(options.demo ? { demo: true } : {}),
        },
      ],
    },
  };
  const calls: RecordedCall[] = [];
  let held: { promise: Promise<void>; release: () => void } | null = null;
  let counter = 0;
  const next = (prefix: string) => `${prefix}-${++counter}`;
  const accounts = createFakeAccounts(next);

  function emit(event: SessionEvent) {
    const text = `event: ${event.type}\nid: ${event.version}\ndata: ${JSON.stringify(event)}\n\n`;
    for (const controller of streams.get(event.sessionId) ?? [])
      controller.enqueue(encoder.encode(text));
  }
  const event = (session: Session, extra: Record<string, unknown>) =>
    emit({
      sessionId: session.id,
      version: session.version,
      at: new Date().toISOString(),
      ...extra,
    } as SessionEvent);

  function question(
    stageId: string,
    kind: 'question' | 'follow_up' | 'gap' = 'question',
    attempt = 1,
  ): PendingQuestion {
    const title = stages.find(([id]) => id === stageId)?.[1] ?? stageId;
    const original = kind === 'gap' ? `Who owns the data for ${title}?` : `Tell me about ${title}.`;
    return {
      id: next('q'),
      stageId,
      topicId: kind === 'gap' ? null : `${stageId}-topic`,
      text: kind === 'follow_up' ? 'Could you answer again with a baseline and a date?' : original,
      originalText: original,
      topicNumber: kind === 'gap' ? null : 1,
      topicCount: 1,
      kind,
      attempt,
      maxAttempts: 3,
      lastScore: kind === 'follow_up' ? 4 : null,
      issues: kind === 'follow_up' ? ['No baseline given', 'No time frame'] : [],
    };
  }

  const ownerOf = (session: Session) => (session as Session & { ownerId: string }).ownerId;
  const revisions = createFakeRevisions({ transcripts, event, question, next, ownerOf });
  const sharing = createFakeSharing({
    userByEmail: accounts.byEmail,
    userById: accounts.byId,
    sessions,
    ownerOf,
    event,
  });
  const reviews = createFakeReviews({
    userByEmail: accounts.byEmail,
    userById: accounts.byId,
    sessions,
    ownerOf,
    roleOf: sharing.roleOf,
    refuse: sharing.refuse,
    grant: (session, userId) => {
      if (!sharing.roleOf(userId, session)) sharing.put(session, userId, 'viewer');
    },
    event,
  });

  const transfer = createFakeExport({
    sessions,
    transcripts,
    history: (session) => revisions.history(session),
    next,
    stageIds: stages.map(([id]) => id),
  });

  /** Creates a session as `POST /sessions` would, for a user's token. */
  function createSession(token: string, idea: string, title = idea.slice(0, 80)): Session {
    const user = accounts.userOf(token)!;
    const at = new Date(Date.now() + counter).toISOString();
    const first = stages[0]![0];
    const session: Session & { ownerId: string } = {
      id: next('session'),
      ownerId: user.id,
      workflowId: 'uaip',
      workflowVersion: '1',
      title,
      idea,
      status: 'active',
      createdAt: at,
      updatedAt: at,
      version: 1,
      currentStageId: first,
      stages: stages.map(
        ([id, stageTitle], index): SessionStage => ({
          id,
          title: stageTitle,
          status: index === 0 ? 'active' : 'pending',
          artifact: null,
          gate: null,
        }),
      ),
      pendingQuestion: question(first),
      usage: { inputTokens: 0, outputTokens: 0, costUsd: 0, unpricedCalls: 0 },
    };
    sessions.set(session.id, session);
    return session;
  }

  async function answer(session: Session, body: { questionId: string; answer: string }) {
    const pending = session.pendingQuestion;
    if (session.status === 'completed') return error(422, 'session_completed');
    if (!pending || body.questionId !== pending.id)
      return error(409, 'conflict', 'This question is no longer pending');
    event(session, { type: 'turn.started', questionId: pending.id });
    event(session, {
      type: 'llm.attempt',
      provider: 'demo',
      model: 'demo-fast',
      outcome: 'ok',
      purpose: 'scoring',
      inputTokens: 100,
      outputTokens: 20,
      costUsd: 0.0012,
      latencyMs: 1200,
    });
    if (held) await held.promise;
    const escalated = body.answer.includes('escalate');
    const vague = body.answer.includes('vague') && !escalated;
    const score = vague ? 4 : escalated ? 3 : 8;
    event(session, {
      type: 'answer.scored',
      questionId: pending.id,
      score,
      threshold: 7,
      escalated,
    });
    const turns = transcripts.get(session.id) ?? [];
    transcripts.set(session.id, turns);
    const turn: FakeTurn = {
      id: next('turn'),
      stageId: pending.stageId,
      topicId: pending.topicId ?? null,
      questionId: pending.id,
      kind: pending.kind,
      question: pending.text,
      answer: body.answer,
      score,
      issues: [],
      escalated,
      accepted: !vague,
      revisesTurnId: revisions.revising(session.id),
      createdAt: new Date().toISOString(),
    };
    turns.push(turn);
    session.usage.inputTokens += 100;
    session.usage.outputTokens += 20;
    session.usage.costUsd += 0.0012;
    session.version++;
    let kind: AnswerResult['outcome']['kind'] = 'accepted';
    let revision: AnswerResult['revision'];
    const revised = vague ? null : revisions.accepted(session, turn);
    if (vague) {
      kind = 'follow_up';
      revision = revisions.followedUp(session);
      session.pendingQuestion = {
        ...question(pending.stageId, 'follow_up', pending.attempt + 1),
        topicId: pending.topicId ?? null,
        originalText: pending.originalText ?? pending.text,
      };
    } else if (revised) {
      ({ kind, revision } = revised);
    } else if (body.answer.includes('gap') && pending.kind !== 'gap') {
      session.pendingQuestion = question(pending.stageId, 'gap');
    } else {
      const index = session.stages.findIndex((stage) => stage.id === pending.stageId);
      const stage = session.stages[index]!;
      const passed = !body.answer.includes('fails gate');
      Object.assign(stage, {
        status: 'completed',
        artifact: SAMPLE_ARTIFACT,
        gate: { passed, missing: passed ? [] : FAILED_GATE },
      });
      revisions.keepArtifact(session, stage.id);
      event(session, { type: 'stage.completed', stageId: stage.id, gatePassed: passed });
      const following = session.stages[index + 1];
      if (following) {
        kind = 'stage_completed';
        following.status = 'active';
        session.currentStageId = following.id;
        session.pendingQuestion = question(following.id);
      } else {
        kind = 'session_completed';
        Object.assign(session, {
          status: 'completed',
          currentStageId: null,
          pendingQuestion: null,
        });
        revisions.keepCompletion(session);
        event(session, { type: 'session.completed' });
      }
    }
    if (session.pendingQuestion) {
      const asked = session.pendingQuestion;
      event(session, {
        type: 'question.asked',
        questionId: asked.id,
        stageId: asked.stageId,
        kind: asked.kind,
      });
    }
    const quality = { score, threshold: 7, issues: vague ? ['No baseline given'] : [] };
    const result: AnswerResult = {
      session: structuredClone(session),
      outcome: { kind, quality, escalated },
    };
    if (revision) result.revision = revision;
    return json(200, result);
  }

  async function route(
    method: string,
    path: string,
    url: URL,
    body: RequestBody,
    headers: Headers,
    signal?: AbortSignal,
  ): Promise<Response> {
    if (method === 'GET' && path === '/health') {
      return json(health.checks.storage.ok ? 200 : 503, health);
    }
    const opened = accounts.open(method, path, body as unknown as Record<string, string>);
    if (opened) return opened;
    const token = /^Bearer (.+)$/.exec(headers.get('authorization') ?? '')?.[1];
    const user = accounts.userOf(token);
    if (!token || !user) return error(401, 'unauthorized', 'Missing or invalid token');
    const mineOnly = accounts.own(method, path, user);
    if (mineOnly) return mineOnly;
    const mine = [...sessions.values()].filter(
      (session) => (session as Session & { ownerId: string }).ownerId === user.id,
    );
    if (method === 'GET' && path === '/workflows') {
      return json(200, {
        items: [
          {
            id: 'uaip',
            title: 'U-AIP: AI project scoping',
            description: 'Five stages to an AI Project Charter',
            stages: stages.map(([id, title]) => ({ id, title, description: title })),
          },
        ],
      });
    }
    if (method === 'GET' && path === '/sessions') {
      const items = mine.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
      const start = Number(url.searchParams.get('cursor') ?? 0);
      const limit = Number(url.searchParams.get('limit') ?? 20);
      return json(200, {
        items: items.slice(start, start + limit).map(toSummary),
        nextCursor: start + limit < items.length ? String(start + limit) : null,
      });
    }
    if (method === 'GET' && path === '/shared-sessions') return sharing.shared(user, url);
    if (method === 'GET' && path === '/reviews') return reviews.assigned(user, url);
    if (method === 'POST' && path === '/sessions')
      return json(201, createSession(token, body.idea, body.title));
    if (method === 'POST' && path === '/sessions/import') return transfer.importSession(user, body);
    const match =
      /^\/sessions\/([^/]+)(\/[a-z]+|\/turns\/[^/]+\/revisions|\/members\/[^/]+|\/review\/votes)?$/.exec(
        path,
      );
    const session = match ? sessions.get(match[1]!) : undefined;
    const role = session ? sharing.roleOf(user.id, session) : null;
    // A stranger learns nothing: another user's session is as missing as a deleted one.
    if (!match || !session || !role) return error(404, 'not_found', 'Not found');
    const sub = match[2] ?? '';
    if (sub.startsWith('/members'))
      return sharing.route(method, sub.slice('/members'.length), session, user, role, { ...body });
    if (sub.startsWith('/review'))
      return reviews.route(method, sub.slice('/review'.length), session, user, role, { ...body });
    const need: Need = method === 'DELETE' ? 'own' : method === 'POST' ? 'write' : 'read';
    const refused = sharing.refuse(role, need);
    if (refused) return refused;
    if (method === 'GET' && sub === '') return json(200, structuredClone(session));
    if (method === 'DELETE' && sub === '') {
      sessions.delete(session.id);
      return new Response(null, { status: 204 });
    }
    if (method === 'GET' && sub === '/turns')
      return json(200, { items: toTurns(transcripts.get(session.id) ?? []) });
    if (method === 'POST' && sub === '/answers') return answer(session, body);
    if (method === 'POST' && sub.endsWith('/revisions')) {
      const turnId = decodeURIComponent(sub.split('/')[2]!);
      return (
        revisions.start(session, turnId, body.answer) ??
        answer(session, {
          questionId: session.pendingQuestion!.id,
          answer: body.answer,
        })
      );
    }
    if (method === 'GET' && sub === '/export') return transfer.exportSession(session);
    if (method === 'GET' && sub === '/history') return json(200, revisions.history(session));
    if (method === 'GET' && sub === '/events') {
      const set = streams.get(session.id) ?? new Set();
      streams.set(session.id, set);
      return eventStream(set, signal);
    }
    if (method === 'GET' && sub === '/charter') {
      if (session.status !== 'completed')
        return error(422, 'invalid_state', 'The session is not completed');
      return charterResponse(session, url.searchParams.get('format'), reviews.line(session));
    }
    return error(404, 'not_found', 'Not found');
  }

  const fetch: typeof globalThis.fetch = async (input, init = {}) => {
    const url = new URL(String(input instanceof Request ? input.url : input), document.baseURI);
    const method = (init.method ?? 'GET').toUpperCase();
    const path = url.pathname === '/health' ? '/health' : url.pathname.replace(/^.*?\/api\/v1/, '');
    const headers = new Headers(init.headers);
    const body = (typeof init.body === 'string' ? JSON.parse(init.body) : {}) as RequestBody;
    calls.push({ method, url: url.href, path, headers, body, signal: init.signal ?? undefined });
    await wait();
    const key = `${method} ${path
      .replace(/\/sessions\/(?!import$)[^/?]+/, '/sessions/:id')
      .replace(/\/turns\/[^/]+/, '/turns/:turnId')
      .replace(/\/members\/[^/]+/, '/members/:userId')}`;
    const forced = failures.findIndex((candidate) => candidate.route === key);
    if (forced !== -1) {
      const failure = failures.splice(forced, 1)[0]!.failure;
      if (failure === 'network') throw new TypeError('Failed to fetch');
      return error(failure.status, failure.code, failure.message, failure.retryAfter);
    }
    return route(method, path, url, body, headers, init.signal ?? undefined);
  };

  return {
    fetch,
    calls,
    sessions,
    /** What `/health` answers from now on (a 503 when the storage check fails). */
    setHealth(next: Health) {
      health = next;
    },
    /** The next request to `route` (e.g. `POST /sessions/:id/answers`) fails this way. */
    failNext(route: string, failure: FakeFailure) {
      failures.push({ route, failure });
    },
    /** Answers wait after their first events until `release()` is called. */
    holdAnswers(): () => void {
      let release!: () => void;
      const promise = new Promise<void>((resolve) => {
        release = resolve;
      });
      held = { promise, release };
      return () => {
        held = null;
        release();
      };
    },
    /** An account that exists, and a token for it. */
    signUp: (email = 'ada@example.com', password = 'correct horse', name = 'Ada') =>
      accounts.signUp(email, password, name),
    createSession,
    /** Answers the session's pending question directly (no request recorded). */
    async advance(sessionId: string, text = 'A clear, specific answer'): Promise<Session> {
      const session = sessions.get(sessionId)!;
      await answer(session, { questionId: session.pendingQuestion!.id, answer: text });
      return structuredClone(session);
    },
    /** Revises an accepted answer directly (no request recorded); the response's status. */
    async revise(sessionId: string, turnId: string, text: string): Promise<number> {
      const session = sessions.get(sessionId)!;
      const refused = revisions.start(session, turnId, text);
      if (refused) return refused.status;
      const response = await answer(session, {
        questionId: session.pendingQuestion!.id,
        answer: text,
      });
      return response.status;
    },
    /** The session's transcript as `GET /sessions/:id/turns` answers it. */
    turns: (sessionId: string) => toTurns(transcripts.get(sessionId) ?? []),
    /**
     * Shares a session with the account of `email` (or changes its role), as its owner would
     * through `POST /sessions/:id/members`; `null` ends their access. A `sharing.changed` event
     * either way, unless `quiet` (a change the client's stream missed); no request recorded.
     */
    share(sessionId: string, email: string, role: 'viewer' | 'editor' | null, quiet = false) {
      const session = sessions.get(sessionId)!;
      const member = accounts.byEmail(email)!;
      if (role) sharing.put(session, member.id, role, !quiet);
      else sharing.route('DELETE', `/${member.id}`, session, member, 'owner', {});
    },
    /**
     * Asks the accounts of `emails` to review a completed session, as its owner would through
     * `POST /sessions/:id/review` (with its events); the response's status. No request recorded.
     */
    async requestReview(sessionId: string, emails: string[], approvalsRequired?: number) {
      const session = sessions.get(sessionId)!;
      const owner = accounts.byId(ownerOf(session))!;
      const body = { reviewers: emails.map((email) => ({ email })), approvalsRequired };
      return reviews.route('POST', '', session, owner, 'owner', body).status;
    },
    /** A reviewer's vote, as `POST /sessions/:id/review/votes` (with its events); the status. */
    vote(sessionId: string, email: string, vote: 'approve' | 'reject', comment: string) {
      const session = sessions.get(sessionId)!;
      const user = accounts.byEmail(email)!;
      return reviews.route('POST', '/votes', session, user, 'viewer', { vote, comment }).status;
    },
    /** The session's review as `GET /sessions/:id/review` answers it. */
    review: (sessionId: string) => reviews.view(sessions.get(sessionId)!),
    /**
     * A new version of the session, as a revision elsewhere would make it, whose review is not
     * reopened yet: the next vote is refused with 409 and reopens it.
     */
    touch(sessionId: string) {
      sessions.get(sessionId)!.version++;
    },
    /** Makes a token invalid, as an expiry would. */
    expire: accounts.expire,
    /** How many event streams are open for a session. */
    openStreams: (sessionId: string) => streams.get(sessionId)?.size ?? 0,
  };
}

export type FakeApi = ReturnType<typeof createFakeApi>;
