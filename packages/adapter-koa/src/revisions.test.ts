import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerResultSchema, historySchema, turnListSchema } from './index';
import {
  completeScoping,
  RICH_ANSWER,
  SCOPING_ANSWERS,
  scopingAnswer,
} from './session-driver.test-support';
import { expectError, startTestApi, type TestApi } from './test-api.test-support';

// Revising an earlier answer over HTTP: POST /sessions/:id/turns/:turnId/revisions and
// GET /sessions/:id/history, on memory storage with the fake Claude answering like the demo.

const NEW_OBJECTIVE =
  'Reduce voluntary churn of prepaid customers from 8% to 4% per month by June 2027, worth 3.1 million EUR a year, measured from billing deactivations.';
const STAGES = [
  'business-translation',
  'value-quantification',
  'data-feasibility',
  'user-centricity',
  'ethical-governance',
];

let api: TestApi;
let owner: { token: string; id: string };
beforeAll(async () => {
  api = await startTestApi();
  owner = await api.user();
});
afterAll(() => api.close());

const sessionPath = (sessionId: string, suffix = '') => `/api/v1/sessions/${sessionId}${suffix}`;
const revisionPath = (sessionId: string, turnId: string) =>
  sessionPath(sessionId, `/turns/${encodeURIComponent(turnId)}/revisions`);

async function turnsOf(sessionId: string, token = owner.token) {
  const response = await api.call('GET', sessionPath(sessionId, '/turns'), { token });
  return turnListSchema.strict().parse(response.json).items;
}

/** The accepted answer to a topic, as the record stands (not replaced by a revision). */
async function acceptedTurn(sessionId: string, topicId: string) {
  return (await turnsOf(sessionId)).find(
    (turn) => turn.topicId === topicId && turn.accepted && turn.revisedBy === null,
  )!;
}

/** A new session whose first question was answered vaguely, then well (two turns). */
async function sessionWithFirstTopicAnswered() {
  const created = await api.call('POST', '/api/v1/sessions', {
    token: owner.token,
    body: { idea: 'Predict which prepaid mobile customers will churn next month' },
  });
  let session = created.json;
  for (const answer of ['not sure, maybe', SCOPING_ANSWERS.objective!]) {
    const answered = await api.call('POST', sessionPath(session.id, '/answers'), {
      token: owner.token,
      body: { questionId: session.pendingQuestion.id, answer },
    });
    expect(answered.status).toBe(200);
    session = answered.json.session;
  }
  const [rejected, accepted] = await turnsOf(session.id);
  return { session, rejected: rejected!, accepted: accepted! };
}

/** Reads an event stream until an event of type `last`, and returns the events' data. */
async function collectEvents(sessionId: string, last: string) {
  const abort = new AbortController();
  const response = await fetch(`${api.url}${sessionPath(sessionId, '/events')}`, {
    headers: { authorization: `Bearer ${owner.token}` },
    signal: abort.signal,
  });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  // The opening comment says the subscription is live.
  while (!text.includes(': connected')) text += (await reader.read()).value ?? '';
  const done = (async () => {
    while (!text.includes(`event: ${last}\n`)) {
      const { value, done: ended } = await reader.read();
      if (ended) break;
      text += value;
    }
    abort.abort();
    return text
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => JSON.parse(line.slice(6)) as { type: string; [key: string]: unknown });
  })();
  return { done };
}

describe('revising a stage 1 answer of a completed session', () => {
  let sessionId: string;
  let objective: Awaited<ReturnType<typeof acceptedTurn>>;
  let before: { version: number; charter: unknown };
  // biome-ignore lint/suspicious/noExplicitAny: the response is checked against its schema
  let revised: { status: number; json: any };
  let events: Array<{ type: string; [key: string]: unknown }>;

  beforeAll(async () => {
    sessionId = await completeScoping(api, owner.token);
    objective = await acceptedTurn(sessionId, 'objective');
    before = {
      version: (await api.call('GET', sessionPath(sessionId), { token: owner.token })).json.version,
      charter: (await api.call('GET', sessionPath(sessionId, '/charter'), { token: owner.token }))
        .json,
    };
    const stream = await collectEvents(sessionId, 'revision.completed');
    revised = await api.call('POST', revisionPath(sessionId, objective.id), {
      token: owner.token,
      body: { answer: NEW_OBJECTIVE },
    });
    events = await stream.done;
  }, 60_000);

  it('answers 200 with the completed session, the outcome and the revision, every stage rebuilt', () => {
    expect(revised.status).toBe(200);
    const result = answerResultSchema.strict().parse(revised.json);
    expect(result.outcome.kind).toBe('revision_completed');
    expect(result.outcome.quality.score).toBeGreaterThanOrEqual(7);
    expect(result.revision).toEqual({
      id: expect.any(String),
      turnId: objective.id,
      status: 'completed',
      rebuilt: STAGES,
      stale: [],
    });
    expect(result.session).toMatchObject({
      status: 'completed',
      version: before.version + 1,
      pendingQuestion: null,
    });
    expect(result.session.stages.map((stage) => stage.status)).toEqual(
      STAGES.map(() => 'completed'),
    );
    expect(result.session.stages[0]!.artifact).toMatchObject({ businessObjective: NEW_OBJECTIVE });
  });

  it('serves a charter built on the new answer', async () => {
    const charter = await api.call('GET', sessionPath(sessionId, '/charter'), {
      token: owner.token,
    });
    expect(charter.status).toBe(200);
    expect(charter.json.stages.businessTranslation.businessObjective).toBe(NEW_OBJECTIVE);
    expect(charter.json.executiveSummary).toContain(NEW_OBJECTIVE.split(',')[0]);
    expect(charter.json).not.toEqual(before.charter);
  });

  it('links the old and the new answer in the transcript', async () => {
    const turns = await turnsOf(sessionId);
    const added = turns.at(-1)!;
    expect(added).toMatchObject({
      stageId: 'business-translation',
      topicId: 'objective',
      kind: 'question',
      answer: NEW_OBJECTIVE,
      accepted: true,
      revisesTurnId: objective.id,
      revisedBy: null,
    });
    expect(turns.find((turn) => turn.id === objective.id)).toMatchObject({
      revisedBy: added.id,
      revisesTurnId: null,
    });
  });

  it('streams revision.started, a stage.reextracted per stage and revision.completed', () => {
    const revisionId = revised.json.revision.id;
    const types = events.map((event) => event.type);
    expect(events.find((event) => event.type === 'revision.started')).toMatchObject({
      sessionId,
      revisionId,
      turnId: objective.id,
      stageId: 'business-translation',
      stale: STAGES,
    });
    expect(
      events.filter((event) => event.type === 'stage.reextracted').map((event) => event.stageId),
    ).toEqual(STAGES);
    expect(events.find((event) => event.type === 'revision.completed')).toMatchObject({
      revisionId,
      turnId: objective.id,
      rebuilt: STAGES,
      resultRebuilt: true,
      version: before.version + 1,
    });
    expect(types.indexOf('revision.started')).toBeLessThan(types.indexOf('answer.scored'));
    expect(types.indexOf('answer.scored')).toBeLessThan(types.indexOf('stage.reextracted'));
    expect(types.indexOf('session.completed')).toBeLessThan(types.indexOf('revision.completed'));
  });

  it('keeps every answer and every version of the artifacts, results and charters in GET /history', async () => {
    const response = await api.call('GET', sessionPath(sessionId, '/history'), {
      token: owner.token,
    });
    expect(response.status).toBe(200);
    const history = historySchema.strict().parse(response.json);
    const revisionId = revised.json.revision.id;
    expect(history.answers).toEqual(await turnsOf(sessionId));
    // Each stage once as answered, once as rebuilt by the revision.
    expect(history.artifacts.map((entry) => [entry.stageId, entry.revisionId])).toEqual([
      ...STAGES.map((stage) => [stage, null]),
      ...STAGES.map((stage) => [stage, revisionId]),
    ]);
    const rebuilt = history.artifacts.filter((entry) => entry.revisionId === revisionId);
    for (const entry of rebuilt)
      expect(entry).toMatchObject({ version: before.version + 1, actorId: owner.id });
    expect(rebuilt[0]!.artifact).toMatchObject({ businessObjective: NEW_OBJECTIVE });
    expect(history.artifacts[0]!.artifact).toMatchObject({
      businessObjective: SCOPING_ANSWERS.objective,
    });
    expect(history.results.map((entry) => entry.revisionId)).toEqual([null, revisionId]);
    const now = await api.call('GET', sessionPath(sessionId, '/charter'), { token: owner.token });
    expect(history.reports.map((entry) => entry.report)).toEqual([before.charter, now.json]);
  });

  it('refuses to revise the replaced answer again (422), and points at its revision', async () => {
    const again = await api.call('POST', revisionPath(sessionId, objective.id), {
      token: owner.token,
      body: { answer: NEW_OBJECTIVE },
    });
    expectError(again, 422, 'invalid_state');
    const latest = (await turnsOf(sessionId)).find((turn) => turn.revisesTurnId === objective.id);
    expect(again.json.error.message).toContain(latest!.id);
  });
});

describe('a vague revision', () => {
  it('gets a follow-up (stages stale, charter unavailable), answered through POST /answers', async () => {
    const sessionId = await completeScoping(api, owner.token);
    const scope = await acceptedTurn(sessionId, 'scope');
    const vague = await api.call('POST', revisionPath(sessionId, scope.id), {
      token: owner.token,
      body: { answer: 'not sure, maybe' },
    });
    expect(vague.status).toBe(200);
    const waiting = answerResultSchema.parse(vague.json);
    expect(waiting.outcome.kind).toBe('follow_up');
    expect(waiting.revision).toMatchObject({
      turnId: scope.id,
      status: 'follow_up',
      rebuilt: [],
      stale: STAGES,
    });
    expect(waiting.session.status).toBe('active');
    expect(waiting.session.stages.map((stage) => stage.status)).toEqual(STAGES.map(() => 'stale'));
    expect(waiting.session.pendingQuestion).toMatchObject({
      kind: 'follow_up',
      stageId: 'business-translation',
      topicId: 'scope',
      attempt: 2,
    });
    expectError(
      await api.call('GET', sessionPath(sessionId, '/charter'), { token: owner.token }),
      422,
      'invalid_state',
    );
    // One revision at a time.
    const other = await acceptedTurn(sessionId, 'objective');
    expectError(
      await api.call('POST', revisionPath(sessionId, other.id), {
        token: owner.token,
        body: { answer: NEW_OBJECTIVE },
      }),
      409,
      'conflict',
    );

    const answered = await api.call('POST', sessionPath(sessionId, '/answers'), {
      token: owner.token,
      body: {
        questionId: waiting.session.pendingQuestion!.id,
        answer: SCOPING_ANSWERS.scope,
      },
    });
    expect(answered.status).toBe(200);
    const done = answerResultSchema.parse(answered.json);
    expect(done.outcome.kind).toBe('revision_completed');
    expect(done.revision).toMatchObject({
      id: waiting.revision!.id,
      status: 'completed',
      rebuilt: STAGES,
      stale: [],
    });
    expect(done.session.status).toBe('completed');
    const turns = await turnsOf(sessionId);
    expect(turns.slice(-2).map((turn) => [turn.kind, turn.accepted, turn.revisesTurnId])).toEqual([
      ['question', false, scope.id],
      ['follow_up', true, scope.id],
    ]);
  }, 60_000);
});

describe('revising in an active session', () => {
  it('goes back to the pending question; refuses a followed-up answer and a revised one (422)', async () => {
    const { session, rejected, accepted } = await sessionWithFirstTopicAnswered();
    expectError(
      await api.call('POST', revisionPath(session.id, rejected.id), {
        token: owner.token,
        body: { answer: NEW_OBJECTIVE },
      }),
      422,
      'invalid_state',
    );
    // The turn is the path's: a turnId in the body, like any unknown field, is left out.
    const revised = await api.call('POST', revisionPath(session.id, accepted.id), {
      token: owner.token,
      body: { answer: NEW_OBJECTIVE, turnId: rejected.id, questionId: 'q-other' },
    });
    expect(revised.status).toBe(200);
    expect(revised.json.outcome.kind).toBe('revision_completed');
    // Stage 1 has no artifact yet: nothing to rebuild, the session waits where it was.
    expect(revised.json.revision).toMatchObject({ turnId: accepted.id, rebuilt: [], stale: [] });
    expect(revised.json.session.pendingQuestion).toEqual(session.pendingQuestion);
    expect(revised.json.session.version).toBe(session.version + 1);
    expectError(
      await api.call('POST', revisionPath(session.id, accepted.id), {
        token: owner.token,
        body: { answer: NEW_OBJECTIVE },
      }),
      422,
      'invalid_state',
    );
    // The session goes on with its pending question.
    const next = await api.call('POST', sessionPath(session.id, '/answers'), {
      token: owner.token,
      body: {
        questionId: session.pendingQuestion.id,
        answer: scopingAnswer(session.pendingQuestion),
      },
    });
    expect(next.json.outcome.kind).toBe('accepted');
  });

  it('is 409 while an answer to the session is being processed', async () => {
    const { session, accepted } = await sessionWithFirstTopicAnswered();
    const seen = api.claude.generationRequests().length;
    api.claude.setLatency(500);
    try {
      const running = api.call('POST', sessionPath(session.id, '/answers'), {
        token: owner.token,
        body: { questionId: session.pendingQuestion.id, answer: RICH_ANSWER },
      });
      // The answer holds its claim once its scoring call reached the model.
      await expect
        .poll(() => api.claude.generationRequests().length, { timeout: 5_000 })
        .toBeGreaterThan(seen);
      const refused = await api.call('POST', revisionPath(session.id, accepted.id), {
        token: owner.token,
        body: { answer: NEW_OBJECTIVE },
      });
      expectError(refused, 409, 'conflict');
      expect(api.claude.generationRequests()).toHaveLength(seen + 1);
      expect((await running).status).toBe(200);
    } finally {
      api.claude.setLatency(0);
    }
  });

  it('replays a retry with the same Idempotency-Key without calling the LLM; another body is 409', async () => {
    const { session, accepted } = await sessionWithFirstTopicAnswered();
    const path = revisionPath(session.id, accepted.id);
    const headers = { 'idempotency-key': 'revise-1' };
    const first = await api.call('POST', path, {
      token: owner.token,
      body: { answer: NEW_OBJECTIVE },
      headers,
    });
    expect(first.status).toBe(200);
    const calls = api.claude.generationRequests().length;
    const replay = await api.call('POST', path, {
      token: owner.token,
      body: { answer: NEW_OBJECTIVE },
      headers,
    });
    expect(replay.status).toBe(200);
    expect(replay.json).toEqual(first.json);
    expect(api.claude.generationRequests()).toHaveLength(calls);
    expectError(
      await api.call('POST', path, {
        token: owner.token,
        body: { answer: `${NEW_OBJECTIVE} Again.` },
        headers,
      }),
      409,
      'conflict',
    );
    expectError(
      await api.call('POST', path, {
        token: owner.token,
        body: { answer: NEW_OBJECTIVE },
        headers: { 'idempotency-key': 'k'.repeat(256) },
      }),
      400,
      'validation_failed',
    );
  });

  it('refuses an empty, blank, over-long or missing answer with 400 naming it, and changes nothing', async () => {
    const { session, accepted } = await sessionWithFirstTopicAnswered();
    const path = revisionPath(session.id, accepted.id);
    const calls = api.claude.generationRequests().length;
    for (const body of [
      { answer: '' },
      { answer: ' \n\t ' },
      { answer: 'x'.repeat(10_001) },
      { answer: 'a\u0000b' },
      {},
      { answer: 42 },
    ]) {
      const refused = await api.call('POST', path, { token: owner.token, body });
      expectError(refused, 400, 'validation_failed');
      expect(refused.json.error.details.map((detail: { path: string }) => detail.path)).toEqual([
        'answer',
      ]);
    }
    // 10,000 characters is the limit, as for an answer.
    expect(api.claude.generationRequests()).toHaveLength(calls);
    const unchanged = await api.call('GET', sessionPath(session.id), { token: owner.token });
    expect(unchanged.json.version).toBe(session.version);
  });
});

describe('the per-user LLM limit', () => {
  it('counts a revision like an answer: over it, 429 before any model call', async () => {
    const limited = await startTestApi({ rateLimits: { llmPerHour: 3 } });
    try {
      const { token } = await limited.user();
      // Starting the session and answering its first question: two of the three.
      const created = await limited.call('POST', '/api/v1/sessions', {
        token,
        body: { idea: 'Predict which prepaid mobile customers will churn next month' },
      });
      const answered = await limited.call('POST', sessionPath(created.json.id, '/answers'), {
        token,
        body: { questionId: created.json.pendingQuestion.id, answer: SCOPING_ANSWERS.objective },
      });
      expect(answered.json.outcome.kind).toBe('accepted');
      const turnId = (await limited.call('GET', sessionPath(created.json.id, '/turns'), { token }))
        .json.items[0].id;
      const path = revisionPath(created.json.id, turnId);
      const first = await limited.call('POST', path, { token, body: { answer: NEW_OBJECTIVE } });
      expect(first.status).toBe(200);
      const calls = limited.claude.generationRequests().length;
      const over = await limited.call('POST', path, { token, body: { answer: NEW_OBJECTIVE } });
      expectError(over, 429, 'rate_limited');
      expect(over.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(limited.claude.generationRequests()).toHaveLength(calls);
    } finally {
      await limited.close();
    }
  });
});

describe('whose session and which turn', () => {
  it("answers 404 for another user's session, an unknown session or turn, and ids that name nothing", async () => {
    const { session, accepted } = await sessionWithFirstTopicAnswered();
    const stranger = await api.user();
    const theirs = await api.call('POST', revisionPath(session.id, accepted.id), {
      token: stranger.token,
      body: { answer: NEW_OBJECTIVE },
    });
    expectError(theirs, 404, 'not_found');
    const missing = await api.call(
      'POST',
      revisionPath('00000000-0000-4000-8000-000000000000', accepted.id),
      { token: stranger.token, body: { answer: NEW_OBJECTIVE } },
    );
    // Exactly what a session that does not exist gets.
    expect(missing.json.error.message).toBe(theirs.json.error.message);
    expectError(
      await api.call('GET', sessionPath(session.id, '/history'), { token: stranger.token }),
      404,
      'not_found',
    );
    for (const turnId of ['00000000-0000-4000-8000-000000000000', 'x'.repeat(201), 'q-1']) {
      expectError(
        await api.call('POST', revisionPath(session.id, turnId), {
          token: owner.token,
          body: { answer: NEW_OBJECTIVE },
        }),
        404,
        'not_found',
      );
    }
    expectError(
      await api.call('POST', revisionPath('not-a-uuid', accepted.id), {
        token: owner.token,
        body: { answer: NEW_OBJECTIVE },
      }),
      404,
      'not_found',
    );
    const unchanged = await api.call('GET', sessionPath(session.id), { token: owner.token });
    expect(unchanged.json.version).toBe(session.version);
  });

  it('serves the history of a session without revisions: its answers, and nothing built yet', async () => {
    const { session } = await sessionWithFirstTopicAnswered();
    const response = await api.call('GET', sessionPath(session.id, '/history'), {
      token: owner.token,
    });
    expect(response.status).toBe(200);
    const history = historySchema.strict().parse(response.json);
    expect(history.answers.map((turn) => [turn.answer, turn.accepted])).toEqual([
      ['not sure, maybe', false],
      [SCOPING_ANSWERS.objective, true],
    ]);
    expect(history).toMatchObject({ artifacts: [], results: [], reports: [] });
  });
});
