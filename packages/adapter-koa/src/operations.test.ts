import { Writable } from 'node:stream';
import { Validator } from '@seriousme/openapi-schema-validator';
import { providersFromEnv } from '@uaip/core';
import { demoResponder } from '@uaip/core/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHealthCheck } from './health';
import { createLogger, type HttpLogger } from './logging';
import { healthSchema } from './response-schemas';
import { RICH_ANSWER } from './session-driver.test-support';
import { type CallResult, PASSWORD, startTestApi, type TestApi } from './test-api.test-support';

const IDEA = { idea: 'Predict churn of prepaid customers' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** One sample of the Prometheus text format. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parsePrometheus(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    expect(match, `not a Prometheus sample line: ${line}`).not.toBeNull();
    const labels = Object.fromEntries(
      [...(match![2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((label) => [
        label[1],
        label[2],
      ]),
    );
    samples.push({ name: match![1]!, labels, value: Number(match![3]) });
  }
  return samples;
}

/** The sum of the samples of `name` whose labels include `labels`. */
function total(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter(
      (sample) =>
        sample.name === name &&
        Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
    )
    .reduce((sum, sample) => sum + sample.value, 0);
}

async function answerOnce(api: TestApi, token: string) {
  const created = await api.call('POST', '/api/v1/sessions', { token, body: IDEA });
  expect(created.status).toBe(201);
  const answered = await api.call('POST', `/api/v1/sessions/${created.json.id}/answers`, {
    token,
    body: { questionId: created.json.pendingQuestion.id, answer: RICH_ANSWER },
  });
  expect(answered.status, answered.text).toBe(200);
  return { session: created.json, answered };
}

describe('GET /health', () => {
  const apis: TestApi[] = [];
  const start = async (...args: Parameters<typeof startTestApi>) => {
    const api = await startTestApi(...args);
    apis.push(api);
    return api;
  };
  afterEach(async () => {
    vi.restoreAllMocks();
    await Promise.all(apis.splice(0).map((api) => api.close()));
  });

  it('is ok with the storage and both providers probed for real, without a token', async () => {
    const api = await start();
    const probesBefore = api.claude.requests.length + api.ollama.requests.length;
    const health = await api.call('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.headers.get('content-type')).toMatch(/^application\/json/);
    expect(healthSchema.parse(health.json)).toEqual({
      status: 'ok',
      checks: {
        storage: { ok: true },
        llm: [
          { provider: 'anthropic', ok: true },
          { provider: 'ollama', ok: true },
        ],
      },
    });
    // Real requests to each provider, not a look at the configuration.
    expect(api.claude.requests.map((request) => request.path)).toContainEqual(
      expect.stringMatching(/^\/v1\/models/),
    );
    expect(api.ollama.requests.map((request) => request.path)).toContain('/api/tags');
    expect(api.claude.requests.length + api.ollama.requests.length).toBe(probesBefore + 2);
  });

  it('is degraded (still 200) when no provider answers its probe', async () => {
    const api = await start();
    await Promise.all([api.claude.close(), api.ollama.close()]);
    const health = await api.call('GET', '/health');
    expect(health.status).toBe(200);
    const report = healthSchema.parse(health.json);
    expect(report.status).toBe('degraded');
    expect(report.checks.storage).toEqual({ ok: true });
    expect(report.checks.llm).toEqual([
      { provider: 'anthropic', ok: false, detail: expect.any(String) },
      { provider: 'ollama', ok: false, detail: expect.any(String) },
    ]);
  });

  it('is degraded for providers pointed at a closed port, and ok while one of them answers', async () => {
    const api = await start();
    const { providers: unreachable } = providersFromEnv({
      ANTHROPIC_API_KEY: 'sk-test',
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:9',
      OLLAMA_HOST: 'http://127.0.0.1:9',
    });
    const check = (llm: typeof unreachable) =>
      createHealthCheck({ storage: () => api.storage.ping(), llm, cacheMs: 0 })();
    expect((await check(unreachable)).report.status).toBe('degraded');
    const mixed = await check([unreachable[0]!, api.providers[1]!]);
    expect(mixed.httpStatus).toBe(200);
    expect(mixed.report.status).toBe('ok');
    expect(mixed.report.checks.llm.map((check) => check.ok)).toEqual([false, true]);
  });

  it('says what to do (llmHint) while no provider is reachable, and nothing once one is', async () => {
    const api = await start();
    const { providers: unreachable } = providersFromEnv({
      ANTHROPIC_API_KEY: 'sk-test',
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:9',
    });
    const llmHint = 'To configure a model: set ANTHROPIC_API_KEY, or LLM_PROVIDERS=demo.';
    const check = (llm: typeof unreachable) =>
      createHealthCheck({ storage: () => api.storage.ping(), llm, cacheMs: 0, llmHint })();
    const down = healthSchema.parse((await check(unreachable)).report);
    expect(down).toMatchObject({ status: 'degraded', hint: llmHint });
    expect(healthSchema.parse((await check([])).report).hint).toBe(llmHint);
    expect((await check([api.providers[1]!])).report).not.toHaveProperty('hint');
  });

  it('is a 503 with Retry-After: 1 when the storage does not answer', async () => {
    const api = await start();
    vi.spyOn(api.storage, 'ping').mockRejectedValue(new Error('connection terminated'));
    const health = await api.call('GET', '/health');
    expect(health.status).toBe(503);
    expect(health.headers.get('retry-after')).toBe('1');
    const report = healthSchema.parse(health.json);
    expect(report.checks.storage).toEqual({ ok: false });
    expect(health.text).not.toContain('connection terminated');
  });

  it('labels the demo provider', async () => {
    const { providers } = providersFromEnv({ LLM_PROVIDERS: 'demo' });
    const api = await start({
      health: { storage: async () => {}, llm: providers, cacheMs: 0 },
    });
    const health = await api.call('GET', '/health');
    expect(health.status).toBe(200);
    expect(healthSchema.parse(health.json).checks.llm).toEqual([
      { provider: 'demo', ok: true, demo: true },
    ]);
  });

  it('serves GET and HEAD only', async () => {
    const api = await start();
    expect((await api.call('HEAD', '/health')).status).toBe(200);
    const posted = await api.call('POST', '/health', { body: {} });
    expect(posted.status).toBe(405);
    expect(posted.headers.get('allow')).toBe('GET');
    expect(posted.json.error.code).toBe('method_not_allowed');
  });

  it('reuses a probe result for cacheMs, so /health cannot flood the providers', async () => {
    const probe = vi.fn(async () => ({ ok: true }));
    const provider = { ...providersFromEnv({ LLM_PROVIDERS: 'demo' }).providers[0]!, probe };
    const check = createHealthCheck({ storage: async () => {}, llm: [provider], cacheMs: 60_000 });
    await check();
    await check();
    expect(probe).toHaveBeenCalledTimes(1);
  });
});

describe('GET /metrics', () => {
  let api: TestApi;
  let alice: { token: string; id: string };
  beforeAll(async () => {
    api = await startTestApi();
    alice = await api.user();
  });
  afterAll(() => api.close());

  const scrape = async () => {
    const response = await api.call('GET', '/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return { text: response.text, samples: parsePrometheus(response.text) };
  };

  it('counts and times requests by route template and status, never by raw path', async () => {
    const { session } = await answerOnce(api, alice.token);
    for (let read = 0; read < 2; read++) {
      const got = await api.call('GET', `/api/v1/sessions/${session.id}`, { token: alice.token });
      expect(got.status).toBe(200);
    }
    const missing = await api.call('GET', '/api/v1/sessions/00000000-0000-4000-8000-000000000000', {
      token: alice.token,
    });
    expect(missing.status).toBe(404);
    await api.call('GET', `/api/v1/sessions/${session.id}/no-such-thing`, { token: alice.token });

    const { text, samples } = await scrape();
    expect(text).toContain(
      'uaip_http_requests_total{method="GET",route="GET /api/v1/sessions/:id",status="200"} 2',
    );
    expect(text).toContain(
      'uaip_http_requests_total{method="GET",route="GET /api/v1/sessions/:id",status="404"} 1',
    );
    expect(
      total(samples, 'uaip_http_requests_total', {
        method: 'POST',
        route: 'POST /api/v1/sessions/:id/answers',
        status: '200',
      }),
    ).toBe(1);
    expect(
      total(samples, 'uaip_http_request_duration_seconds_count', {
        route: 'GET /api/v1/sessions/:id',
        status: '200',
      }),
    ).toBe(2);
    expect(
      samples.some(
        (sample) =>
          sample.name === 'uaip_http_request_duration_seconds_bucket' &&
          sample.labels.route === 'GET /api/v1/sessions/:id',
      ),
    ).toBe(true);
    // An unknown path is one series, whatever the path.
    expect(total(samples, 'uaip_http_requests_total', { route: 'unmatched', status: '404' })).toBe(
      1,
    );
    expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}/);
  });

  it('counts LLM calls by provider and outcome, and their tokens', async () => {
    const before = (await scrape()).samples;
    await answerOnce(api, alice.token);
    const after = (await scrape()).samples;
    const delta = (name: string, labels: Record<string, string>) =>
      total(after, name, labels) - total(before, name, labels);

    expect(delta('uaip_llm_calls_total', { provider: 'anthropic', outcome: 'ok' })).toBeGreaterThan(
      0,
    );
    expect(delta('uaip_llm_calls_total', { provider: 'ollama' })).toBe(0);
    expect(after.find((sample) => sample.name === 'uaip_llm_calls_total')?.labels).toMatchObject({
      provider: expect.any(String),
      model: expect.any(String),
      purpose: expect.any(String),
      outcome: expect.any(String),
    });
    // The fake servers bill 200 input and 50 output tokens a call.
    const calls = delta('uaip_llm_calls_total', { provider: 'anthropic' });
    expect(delta('uaip_llm_tokens_total', { provider: 'anthropic', kind: 'input' })).toBe(
      200 * calls,
    );
    expect(delta('uaip_llm_tokens_total', { provider: 'anthropic', kind: 'output' })).toBe(
      50 * calls,
    );
    expect(after.some((sample) => sample.name === 'uaip_llm_cost_usd_total')).toBe(true);
  });

  it('counts a fallback from Claude to Ollama, and the failed attempts', async () => {
    const before = (await scrape()).samples;
    api.claude.respond(() => ({ kind: 'status', status: 500 }));
    try {
      await answerOnce(api, alice.token);
    } finally {
      api.claude.respond(demoResponder('anthropic'));
    }
    const after = (await scrape()).samples;
    const delta = (name: string, labels: Record<string, string>) =>
      total(after, name, labels) - total(before, name, labels);
    expect(
      delta('uaip_llm_fallbacks_total', {
        from: 'anthropic',
        to: 'ollama',
        reason: 'server_error',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(delta('uaip_llm_calls_total', { provider: 'anthropic', outcome: 'ok' })).toBe(0);
    expect(
      delta('uaip_llm_calls_total', { provider: 'anthropic', outcome: 'error' }),
    ).toBeGreaterThan(0);
    expect(delta('uaip_llm_calls_total', { provider: 'ollama', outcome: 'ok' })).toBeGreaterThan(0);
    expect(delta('uaip_llm_tokens_total', { provider: 'ollama', kind: 'input' })).toBeGreaterThan(
      0,
    );
  });
});

describe('GET /metrics with a metrics token', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ metricsToken: 'metrics-token-0123456789' });
  });
  afterAll(() => api.close());

  it('is a 401 without the bearer token or with a wrong one, and 200 with it', async () => {
    const attempts: Array<Record<string, string>> = [
      {},
      { authorization: 'Bearer wrong-token' },
      { authorization: 'Bearer metrics-token-01234567890' },
      { authorization: 'metrics-token-0123456789' },
    ];
    for (const headers of attempts) {
      const refused = await api.call('GET', '/metrics', { headers });
      expect(refused.status).toBe(401);
      expect(refused.json.error.code).toBe('unauthorized');
      expect(refused.headers.get('www-authenticate')).toBe('Bearer');
      expect(refused.text).not.toContain('uaip_http_requests_total');
    }
    const allowed = await api.call('GET', '/metrics', {
      headers: { authorization: 'Bearer metrics-token-0123456789' },
    });
    expect(allowed.status).toBe(200);
    expect(allowed.text).toContain('uaip_http_requests_total');
  });
});

describe('GET /openapi.json', () => {
  let api: TestApi;
  // biome-ignore lint/suspicious/noExplicitAny: the document is read as JSON
  let document: any;
  beforeAll(async () => {
    api = await startTestApi();
    const response = await api.call('GET', '/openapi.json');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    document = response.json;
  });
  afterAll(() => api.close());

  it('is a valid OpenAPI 3.1 document whose references all resolve', async () => {
    const validator = new Validator();
    const result = await validator.validate(document);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(() => validator.resolveRefs()).not.toThrow();
  });

  it("lists every route of the router's table with its method, security and body", () => {
    const routes = api.app.router.routes;
    expect(routes.length).toBeGreaterThanOrEqual(14);
    expect(routes.filter((route) => route.method === 'post' && !route.body)).toHaveLength(1);
    for (const route of routes) {
      const path = route.fullPath.replace(/:(\w+)/g, '{$1}');
      const operation = document.paths[path]?.[route.method];
      expect(operation, `${route.method} ${path}`).toBeDefined();
      expect(operation.operationId).toBe(route.operationId);
      expect(operation.security).toEqual(route.auth ? [{ bearerAuth: [] }] : []);
      if (path.includes('{id}')) {
        expect(operation.parameters).toContainEqual(
          expect.objectContaining({ name: 'id', in: 'path', required: true }),
        );
      }
      // Every POST but sign-out-everywhere takes a body.
      if (route.body) {
        expect(operation.requestBody, `${route.method} ${path}`).toMatchObject({
          required: true,
          content: { 'application/json': { schema: { type: 'object' } } },
        });
      } else {
        expect(operation.requestBody).toBeUndefined();
      }
      if (route.auth) expect(Object.keys(operation.responses)).toContain('401');
    }
    const operations = Object.values(document.paths).flatMap((methods) =>
      Object.keys(methods as object),
    );
    // The router's routes and /health, nothing else.
    expect(operations).toHaveLength(routes.length + 1);
    expect(document.components.securitySchemes.bearerAuth).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
  });

  it('documents the request bodies with the schemas that validate them', () => {
    const body = (path: string) =>
      document.paths[path].post.requestBody.content['application/json'].schema;
    expect(body('/api/v1/auth/register').required).toEqual(
      expect.arrayContaining(['email', 'password']),
    );
    expect(body('/api/v1/auth/login').required).toEqual(
      expect.arrayContaining(['email', 'password']),
    );
    expect(body('/api/v1/sessions').required).toEqual(['idea']);
    expect(body('/api/v1/sessions/{id}/answers').required).toEqual(
      expect.arrayContaining(['questionId', 'answer']),
    );
    const revisions = '/api/v1/sessions/{id}/turns/{turnId}/revisions';
    expect(body(revisions).required).toEqual(['answer']);
    expect(body(revisions).properties.answer).toEqual(
      body('/api/v1/sessions/{id}/answers').properties.answer,
    );
    for (const path of ['/api/v1/sessions/{id}/answers', revisions]) {
      expect(document.paths[path].post.parameters, path).toContainEqual(
        expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: false }),
      );
    }
    expect(document.paths[revisions].post.parameters).toContainEqual(
      expect.objectContaining({
        name: 'turnId',
        in: 'path',
        required: true,
        schema: { type: 'string', minLength: 1, maxLength: 200 },
      }),
    );
  });

  it('documents a revision, the history, stale stages and revision_completed', () => {
    const ok = (path: string, method: string) =>
      document.paths[path][method].responses['200'].content['application/json'].schema;
    const revised = ok('/api/v1/sessions/{id}/turns/{turnId}/revisions', 'post');
    expect(revised).toEqual(ok('/api/v1/sessions/{id}/answers', 'post'));
    expect(revised.properties.outcome.properties.kind.enum).toContain('revision_completed');
    expect(revised.properties.revision.properties.status.enum).toEqual([
      'follow_up',
      'gap',
      'completed',
    ]);
    expect(revised.required).not.toContain('revision');
    const stage = revised.properties.session.properties.stages.items;
    expect(stage.properties.status.enum).toEqual(['pending', 'active', 'completed', 'stale']);
    const history = ok('/api/v1/sessions/{id}/history', 'get');
    expect(history.required).toEqual(['answers', 'artifacts', 'results', 'reports']);
    expect(history.properties.answers.items.required).toEqual(
      expect.arrayContaining(['id', 'accepted', 'revisesTurnId', 'revisedBy']),
    );
    const errors = Object.keys(
      document.paths['/api/v1/sessions/{id}/turns/{turnId}/revisions'].post.responses,
    );
    expect(errors).toEqual(expect.arrayContaining(['404', '409', '422', '402', '503']));
  });

  it('documents sharing: the member routes, their bodies and answers, and 403 wherever a member may be refused', () => {
    const members = '/api/v1/sessions/{id}/members';
    const member = '/api/v1/sessions/{id}/members/{userId}';
    // biome-ignore lint/suspicious/noExplicitAny: the document is read as JSON
    const json = (response: any) => response.content['application/json'].schema;
    const shareOperation = document.paths[members].post;
    const shareBody = json(shareOperation.requestBody);
    expect(shareBody.required).toEqual(['role']);
    expect(shareBody.oneOf).toEqual([{ required: ['email'] }, { required: ['userId'] }]);
    expect(shareBody.properties.role.enum).toEqual(['viewer', 'editor']);
    expect(shareBody.properties.email).toMatchObject({ format: 'email', maxLength: 254 });
    expect(shareBody.properties.userId).toMatchObject({ minLength: 1, maxLength: 200 });
    expect(json(shareOperation.responses['201']).properties.member.required).toEqual(
      expect.arrayContaining(['userId', 'email', 'name', 'role', 'addedBy', 'createdAt']),
    );
    expect(json(shareOperation.responses['200'])).toEqual(json(shareOperation.responses['201']));
    expect(json(document.paths[members].get.responses['200']).required).toEqual([
      'ownerId',
      'owner',
      'members',
    ]);
    expect(json(document.paths[member].patch.requestBody).required).toEqual(['role']);
    expect(document.paths[member].patch.parameters).toContainEqual({
      name: 'userId',
      in: 'path',
      required: true,
      description: expect.any(String),
      schema: { type: 'string', minLength: 1, maxLength: 200 },
    });
    expect(Object.keys(document.paths[member].delete.responses)).toContain('204');
    const shared = document.paths['/api/v1/shared-sessions'].get;
    expect(shared.parameters.map((parameter: { name: string }) => parameter.name)).toEqual([
      'limit',
      'cursor',
    ]);
    expect(json(shared.responses['200']).properties.items.items.required).toEqual(
      expect.arrayContaining(['id', 'title', 'status', 'ownerId', 'role']),
    );

    const refusable = [
      [members, 'post'],
      [member, 'patch'],
      [member, 'delete'],
      ['/api/v1/sessions/{id}', 'delete'],
      ['/api/v1/sessions/{id}/answers', 'post'],
      ['/api/v1/sessions/{id}/turns/{turnId}/revisions', 'post'],
      ['/api/v1/sessions/{id}/review', 'post'],
      ['/api/v1/sessions/{id}/review/votes', 'post'],
      ['/api/v1/sessions/{id}/webhook-deliveries', 'get'],
    ];
    for (const [path, method] of refusable) {
      const responses = document.paths[path!][method!].responses;
      expect(responses['403']?.description, `${method} ${path}`).toBe('forbidden');
      expect(responses['404'], `${method} ${path}`).toBeDefined();
    }
    // What every reader may do is never 403.
    for (const [path, methods] of Object.entries(document.paths))
      for (const [method, operation] of Object.entries(methods as object))
        if (!refusable.some(([p, m]) => p === path && m === method))
          expect(Object.keys(operation.responses), `${method} ${path}`).not.toContain('403');
  });
});

describe('the committee review in the OpenAPI document', () => {
  let api: TestApi;
  // biome-ignore lint/suspicious/noExplicitAny: the document is read as JSON
  let document: any;
  beforeAll(async () => {
    api = await startTestApi();
    document = (await api.call('GET', '/openapi.json')).json;
  });
  afterAll(() => api.close());
  // biome-ignore lint/suspicious/noExplicitAny: the document is read as JSON
  const json = (part: any) => part.content['application/json'].schema;

  it('documents the review routes: bodies (one of email and userId per reviewer), answers and errors', () => {
    const review = document.paths['/api/v1/sessions/{id}/review'];
    const request = json(review.post.requestBody);
    expect(request.required).toEqual(['reviewers']);
    expect(request.properties.reviewers).toMatchObject({
      type: 'array',
      minItems: 1,
      maxItems: 20,
    });
    expect(request.properties.reviewers.items.oneOf).toEqual([
      { required: ['email'] },
      { required: ['userId'] },
    ]);
    expect(request.properties.reviewers.items.properties.email).toMatchObject({
      format: 'email',
      maxLength: 254,
    });
    expect(request.properties.approvalsRequired).toMatchObject({ type: 'integer', minimum: 1 });
    expect(request.properties.note).toMatchObject({ maxLength: 2000 });
    expect(Object.keys(review.post.responses)).toEqual(
      expect.arrayContaining(['201', '400', '403', '404', '409', '422']),
    );
    const current = json(review.post.responses['201']).properties.review.properties.current;
    expect(current.required).toEqual(
      expect.arrayContaining(['round', 'status', 'approvalsRequired', 'reviewers', 'decidedBy']),
    );
    expect(json(review.get.responses['200']).properties.review.anyOf).toContainEqual({
      type: 'null',
    });
    expect(Object.keys(review.get.responses)).not.toContain('403');

    const votes = document.paths['/api/v1/sessions/{id}/review/votes'].post;
    expect(json(votes.requestBody).required).toEqual(['vote', 'comment']);
    expect(json(votes.requestBody).properties.vote.enum).toEqual(['approve', 'reject']);
    expect(Object.keys(votes.responses)).toEqual(
      expect.arrayContaining(['200', '400', '403', '404', '409', '422']),
    );

    const list = document.paths['/api/v1/reviews'].get;
    expect(list.parameters.map((parameter: { name: string }) => parameter.name)).toEqual([
      'limit',
      'cursor',
      'status',
    ]);
    expect(
      list.parameters.find((parameter: { name: string }) => parameter.name === 'status').schema
        .enum,
    ).toEqual(['open', 'approved', 'rejected', 'closed']);
    expect(json(list.responses['200']).properties.items.items.required).toEqual(
      expect.arrayContaining(['id', 'ownerId', 'owner', 'review']),
    );
  });
});

describe('CORS', () => {
  const ORIGIN = 'https://app.example';
  let api: TestApi;
  let plain: TestApi;
  let token: string;
  beforeAll(async () => {
    [api, plain] = await Promise.all([startTestApi({ corsOrigins: [ORIGIN] }), startTestApi()]);
    token = (await api.user()).token;
  });
  afterAll(() => Promise.all([api.close(), plain.close()]));

  const preflight = (target: TestApi, origin: string) =>
    target.call('OPTIONS', '/api/v1/sessions/00000000-0000-4000-8000-000000000000/answers', {
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type,idempotency-key',
      },
    });
  const listed = (response: CallResult, header: string) =>
    (response.headers.get(header) ?? '').split(',').map((name) => name.trim().toLowerCase());

  it('allows a preflight from a configured origin, with the headers the API needs', async () => {
    const response = await preflight(api, ORIGIN);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(listed(response, 'access-control-allow-methods')).toEqual(
      expect.arrayContaining(['get', 'post', 'patch', 'delete']),
    );
    expect(listed(response, 'access-control-allow-headers')).toEqual(
      expect.arrayContaining(['authorization', 'content-type', 'idempotency-key']),
    );
    expect(listed(response, 'vary')).toContain('origin');
  });

  it('exposes Retry-After, RateLimit, RateLimit-Policy and X-Request-Id to scripts of that origin', async () => {
    for (const response of [
      await api.call('GET', '/api/v1/workflows', { token, headers: { origin: ORIGIN } }),
      await api.call('GET', '/api/v1/workflows', { headers: { origin: ORIGIN } }),
    ]) {
      expect([200, 401]).toContain(response.status);
      expect(response.headers.get('access-control-allow-origin')).toBe(ORIGIN);
      expect(listed(response, 'access-control-expose-headers')).toEqual(
        expect.arrayContaining(['retry-after', 'ratelimit', 'ratelimit-policy', 'x-request-id']),
      );
    }
  });

  it('gives another origin no Access-Control-Allow-Origin', async () => {
    const other = 'https://evil.example';
    const pre = await preflight(api, other);
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    const actual = await api.call('GET', '/api/v1/workflows', {
      token,
      headers: { origin: other },
    });
    expect(actual.status).toBe(200);
    expect(actual.headers.get('access-control-allow-origin')).toBeNull();
    expect(actual.headers.get('access-control-expose-headers')).toBeNull();
  });

  it('sends no CORS headers at all without corsOrigins', async () => {
    const responses = [
      await preflight(plain, ORIGIN),
      await plain.call('GET', '/api/v1/workflows', { headers: { origin: ORIGIN } }),
      await plain.call('GET', '/health', { headers: { origin: ORIGIN } }),
    ];
    for (const response of responses) {
      expect(
        [...response.headers.keys()].filter((name) => name.startsWith('access-control-')),
      ).toEqual([]);
    }
  });
});

describe('headers on every response', () => {
  let api: TestApi;
  let token: string;
  beforeAll(async () => {
    api = await startTestApi();
    token = (await api.user()).token;
  });
  afterAll(() => api.close());

  const everyKind = async () => ({
    'an API success': await api.call('GET', '/api/v1/workflows', { token }),
    'a 401': await api.call('GET', '/api/v1/workflows'),
    'a 404 under the API': await api.call('GET', '/api/v1/nothing-here', { token }),
    'a 404 elsewhere': await api.call('GET', '/nothing-here'),
    'a 405': await api.call('PUT', '/api/v1/sessions', { token, body: {} }),
    '/health': await api.call('GET', '/health'),
    '/metrics': await api.call('GET', '/metrics'),
    '/openapi.json': await api.call('GET', '/openapi.json'),
  });

  it('carry nosniff, no referrer, a CSP, and no X-Powered-By', async () => {
    for (const [kind, response] of Object.entries(await everyKind())) {
      expect(response.headers.get('x-content-type-options'), kind).toBe('nosniff');
      expect(response.headers.get('referrer-policy'), kind).toBe('no-referrer');
      expect(response.headers.get('content-security-policy'), kind).toContain("default-src 'none'");
      expect(response.headers.get('x-powered-by'), kind).toBeNull();
    }
  });

  it('carry an X-Request-Id, the one in the error body', async () => {
    const ids = new Set<string>();
    for (const [kind, response] of Object.entries(await everyKind())) {
      const id = response.headers.get('x-request-id') ?? '';
      expect(id, kind).toMatch(UUID);
      ids.add(id);
      if (response.status >= 400) expect(response.json.error.requestId, kind).toBe(id);
    }
    expect(ids.size).toBe(8);
  });

  it('echo a well-formed incoming X-Request-Id and replace a malformed one', async () => {
    const given = 'edge-7f3a.42_B';
    for (const path of ['/api/v1/workflows', '/api/v1/nothing-here', '/health']) {
      const response = await api.call('GET', path, { token, headers: { 'x-request-id': given } });
      expect(response.headers.get('x-request-id'), path).toBe(given);
      if (response.status >= 400) expect(response.json.error.requestId).toBe(given);
    }
    for (const malformed of ['a'.repeat(300), 'has spaces in it', 'semi;colon', '<script>']) {
      const response = await api.call('GET', '/api/v1/nothing-here', {
        headers: { 'x-request-id': malformed },
      });
      expect(response.headers.get('x-request-id')).toMatch(UUID);
      expect(response.json.error.requestId).toBe(response.headers.get('x-request-id'));
    }
  });
});

describe('request logs', () => {
  interface Line {
    level: 'info' | 'warn' | 'error';
    fields: Record<string, unknown>;
    message: string;
  }
  const lines: Line[] = [];
  const logger: HttpLogger = {
    info: (fields, message) => lines.push({ level: 'info', fields: { ...fields }, message }),
    warn: (fields, message) => lines.push({ level: 'warn', fields: { ...fields }, message }),
    error: (fields, message) => lines.push({ level: 'error', fields: { ...fields }, message }),
  };
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ logger });
  });
  afterAll(() => api.close());

  it('write one line per request with its id, route, status, duration and user, and no secret', async () => {
    const email = 'logged@example.com';
    const responses: Array<{ response: CallResult; path: string; route: string | null }> = [];
    const call = async (
      method: string,
      path: string,
      route: string | null,
      options: Parameters<TestApi['call']>[2] = {},
    ) => {
      const response = await api.call(method, path, options);
      responses.push({ response, path: path.split('?')[0]!, route });
      return response;
    };
    const registered = await call('POST', '/api/v1/auth/register', 'POST /api/v1/auth/register', {
      body: { email, password: PASSWORD },
    });
    const userId = registered.json.user.id as string;
    const loggedIn = await call('POST', '/api/v1/auth/login', 'POST /api/v1/auth/login', {
      body: { email, password: PASSWORD },
    });
    const token = loggedIn.json.accessToken as string;
    await call('POST', '/api/v1/auth/login', 'POST /api/v1/auth/login', {
      body: { email, password: 'a wrong password' },
    });
    const created = await call('POST', '/api/v1/sessions', 'POST /api/v1/sessions', {
      token,
      body: IDEA,
    });
    const id = created.json.id as string;
    await call('POST', `/api/v1/sessions/${id}/answers`, 'POST /api/v1/sessions/:id/answers', {
      token,
      body: { questionId: created.json.pendingQuestion.id, answer: RICH_ANSWER },
    });
    await call('GET', `/api/v1/sessions/${id}?verbose=1`, 'GET /api/v1/sessions/:id', { token });
    await call('GET', '/api/v1/nothing-here', null, { token });
    await call('GET', '/health', 'GET /health');

    const requestLines = lines.filter((line) => line.message === 'request');
    expect(requestLines).toHaveLength(responses.length);
    for (const { response, path, route } of responses) {
      const requestId = response.headers.get('x-request-id');
      const matching = requestLines.filter((line) => line.fields.requestId === requestId);
      expect(matching, path).toHaveLength(1);
      const { fields, level } = matching[0]!;
      expect(level).toBe('info');
      expect(fields).toEqual({
        requestId,
        method: expect.stringMatching(/^(GET|POST)$/),
        path,
        route,
        status: response.status,
        durationMs: expect.any(Number),
        userId: expect.toSatisfy((value) => value === null || value === userId),
      });
      expect(fields.durationMs as number).toBeGreaterThanOrEqual(0);
    }
    const userOf = (route: string) =>
      requestLines.find((line) => line.fields.route === route)?.fields.userId;
    expect(userOf('POST /api/v1/sessions/:id/answers')).toBe(userId);
    expect(userOf('GET /health')).toBeNull();

    const everything = JSON.stringify(lines);
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toContain('a wrong password');
    expect(everything).not.toContain(token);
    expect(everything).not.toContain(token.split('.')[2]);
    expect(everything).not.toContain(RICH_ANSWER.slice(0, 40));
    expect(everything).not.toContain(IDEA.idea);
  });
});

describe('createLogger', () => {
  it('redacts passwords, authorization headers and tokens at the top level and nested', () => {
    const written: string[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        written.push(String(chunk));
        done();
      },
    });
    const logger = createLogger({ destination });
    logger.info(
      {
        password: 'hunter2-top',
        authorization: 'Bearer top.level.token',
        accessToken: 'eyJ.top.access',
        headers: { authorization: 'Bearer nested.token', cookie: 'sid=nested' },
        body: { password: 'hunter2-nested', user: { password: 'hunter2-deep' } },
        requestId: 'r-1',
      },
      'request',
    );
    expect(written).toHaveLength(1);
    const line = JSON.parse(written[0]!);
    expect(line).toMatchObject({
      password: '[redacted]',
      authorization: '[redacted]',
      accessToken: '[redacted]',
      headers: { authorization: '[redacted]', cookie: '[redacted]' },
      body: { password: '[redacted]', user: { password: '[redacted]' } },
      requestId: 'r-1',
      msg: 'request',
    });
    expect(written[0]).not.toMatch(/hunter2|token|sid=/);
  });
});

describe('trustProxy', () => {
  const apis: TestApi[] = [];
  afterEach(async () => {
    await Promise.all(apis.splice(0).map((api) => api.close()));
  });

  /** Ten failed logins, each claiming another client IP; then one more from yet another. */
  const failFromClaimedIps = async (api: TestApi) => {
    for (let attempt = 0; attempt < 10; attempt++) {
      const failed = await api.call('POST', '/api/v1/auth/login', {
        body: { email: `guess${attempt}@example.com`, password: 'not the password' },
        headers: { 'x-forwarded-for': `203.0.113.${attempt + 1}` },
      });
      expect(failed.status).toBe(401);
    }
    return api.call('POST', '/api/v1/auth/login', {
      body: { email: 'guess-last@example.com', password: 'not the password' },
      headers: { 'x-forwarded-for': '198.51.100.77' },
    });
  };

  it('is off by default: X-Forwarded-For does not change the IP the login limit counts', async () => {
    const api = await startTestApi({ rateLimits: { loginPer15Min: 1 } });
    apis.push(api);
    const last = await failFromClaimedIps(api);
    expect(last.status).toBe(429);
    expect(last.headers.get('ratelimit-policy')).toBe('"login-ip";q=10;w=900');
  });

  it('when on, counts the forwarded client IP instead', async () => {
    const api = await startTestApi({ rateLimits: { loginPer15Min: 1 }, trustProxy: true });
    apis.push(api);
    const last = await failFromClaimedIps(api);
    expect(last.status).toBe(401);
  });
});
