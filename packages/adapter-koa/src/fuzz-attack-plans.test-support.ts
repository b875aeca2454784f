import { answerInput } from '@uaip/core';
import fc from 'fast-check';
import jwt from 'jsonwebtoken';
import { bodyAttacks } from './fuzz-body-attacks.test-support';
import {
  API,
  apiRequest,
  brief,
  ID_ROUTES,
  type Plan,
  percentEncode,
  plan,
} from './fuzz-plan.test-support';
import { answerTexts } from './fuzz-valid-plans.test-support';
import { PAYLOADS, repeated, textOf } from './json-schema-arbitrary.test-support';
import { SECRET } from './test-api.test-support';

// Attacks on everything but the body: ids in the path, questions that are not pending, the query,
// the token, the method, the route, the headers. Each still has to get a status of the contract,
// the exact one where it is certain.

const pick = fc.nat({ max: 1000 });

/** Ids that name no session of the caller. */
const foreignIds = fc.oneof(
  fc.uuid().map((id) => ({ kind: 'a uuid of nothing', id })),
  textOf(1, 80).map((id) => ({ kind: 'not a uuid', id: percentEncode(id) })),
  fc
    .constantFrom(
      '..',
      '..%2F..%2F..%2Fetc%2Fpasswd',
      '%2e%2e%2f%2e%2e%2f',
      '%00',
      '%ZZ',
      '%E0%A4%A',
      '%ED%A0%80',
      'null',
      'undefined',
      '0',
      '-1',
      '00000000-0000-0000-0000-000000000000',
      'ffffffff-ffff-ffff-ffff-ffffffffffff',
      'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeeee',
      '%20',
      '*',
      "1'%20OR%20'1'%3D'1",
    )
    .map((id) => ({ kind: 'garbage', id })),
  fc.constantFrom('another user', 'deleted', 'upper case').map((kind) => ({ kind, id: '' })),
);

const garbageIds = fc
  .tuple(fc.constantFrom(...ID_ROUTES), foreignIds, fc.nat())
  .map(([[method, suffix], { kind, id }, which]) =>
    plan(`${method} /sessions/:id${suffix} with ${kind} ${brief(id)}`, async (fuzzer, user) => {
      let target = id;
      if (kind === 'another user') {
        target = fuzzer.foreignSession(user, which) ?? '3f1e2d3c-0000-4000-8000-000000000001';
      } else if (kind === 'deleted') {
        const gone = fuzzer.users.flatMap((one) => one.deleted);
        target = gone[which % Math.max(gone.length, 1)] ?? '3f1e2d3c-0000-4000-8000-000000000000';
      } else if (kind === 'upper case') {
        target = (await fuzzer.session(user, which)).id.toUpperCase();
        // An id without letters is the same id in upper case.
        if (!/[A-F]/.test(target)) target = `${target.slice(0, -1)}X`;
      }
      // Valid for every route with a body: an answer, a revision, a share, a role, a review
      // request, a vote.
      const json =
        method === 'POST' || method === 'PATCH'
          ? JSON.stringify({
              questionId: 'q-any',
              answer: 'An answer.',
              email: 'someone@example.com',
              role: 'viewer',
              reviewers: [{ email: 'someone@example.com' }],
              vote: 'approve',
              comment: 'A reason.',
            })
          : undefined;
      await fuzzer.send(
        apiRequest(method, `/sessions/${target}${suffix}`, {
          token: user.token,
          ...(json ? { json } : {}),
        }),
        { valid: false, expect: [404] },
      );
    }),
  );

/** Question ids the schema accepts (no NUL, at most 200 characters), pending or not. */
const questionIds = textOf(1, 200).filter(
  (id) => answerInput.shape.questionId.safeParse(id).success,
);

const staleQuestion = fc
  .tuple(fc.nat(), fc.option(questionIds), answerTexts, fc.boolean())
  .map(([which, random, text, ofCompleted]) =>
    plan(
      `answer a question that is not pending: ${brief(random)} (completed ${ofCompleted})`,
      async (fuzzer, self) => {
        // Answering the completed session changes nothing, so any lane may try it as its owner.
        const user = ofCompleted ? fuzzer.completed.user : self;
        const session = ofCompleted
          ? user.sessions.get(fuzzer.completed.sessionId)!
          : await fuzzer.session(user, which, { active: true });
        const stale = session.staleIds[which % Math.max(session.staleIds.length, 1)];
        const questionId =
          random !== null && random !== session.pendingId ? random : (stale ?? 'q-stale');
        await fuzzer.send(
          apiRequest('POST', `/sessions/${session.id}/answers`, {
            token: user.token,
            json: JSON.stringify({ questionId, answer: text }),
          }),
          { valid: false, expect: [session.status === 'completed' ? 422 : 409] },
        );
      },
    ),
  );

const queryValues = fc.oneof(
  fc.constantFrom(
    '0',
    '-1',
    '101',
    '1e3',
    '5.5',
    'abc',
    '',
    ' 5',
    '0x10',
    '1e1',
    'Infinity',
    'NaN',
  ),
  fc.integer().map(String),
  textOf(0, 40, true),
  repeated(fc.integer({ min: 400, max: 3000 })),
  fc.constantFrom(...PAYLOADS),
);
const queryKeys = fc.constantFrom(
  'limit',
  'limit',
  'cursor',
  'cursor',
  'format',
  'limit[]',
  'limit[0]',
  '__proto__',
  '__proto__[polluted]',
  'constructor[prototype][polluted]',
  'toString',
  '',
);

/** The query parameters each route takes. */
const QUERY_KEYS = { list: ['limit', 'cursor'], charter: ['format'] };
/** The parameter names in the raw query tails below (`%ZZ` cannot be decoded, so it stays). */
const RAW_KEYS: Record<string, string[]> = {
  '&%ZZ=1': ['%ZZ'],
  '&limit=%ED%A0%80': ['limit'],
  '&=': [''],
  '&cursor': ['cursor'],
};

const badQuery = fc
  .tuple(
    fc.constantFrom('list', 'charter'),
    fc.array(fc.tuple(queryKeys, queryValues), { minLength: 1, maxLength: 6 }),
    fc.constantFrom('', '&%ZZ=1', '&limit=%ED%A0%80', '&&&', '&=', '&cursor'),
  )
  .map(([route, pairs, raw]) =>
    plan(`${route} with the query ${brief(pairs)}${raw}`, async (fuzzer, user) => {
      const path =
        route === 'list' ? '/sessions' : `/sessions/${fuzzer.completed.sessionId}/charter`;
      const request = apiRequest('GET', path, {
        token: route === 'list' ? user.token : fuzzer.completed.user.token,
        query: pairs,
      });
      // A parameter the route does not take is refused whatever its value; the rest may pass.
      const keys = [...pairs.map(([key]) => key), ...(RAW_KEYS[raw] ?? [])];
      const unknown = keys.some((key) => !QUERY_KEYS[route].includes(key));
      // Within Node's 16 KiB of request line and headers (past it Node answers 431 itself).
      await fuzzer.send(
        { ...request, path: `${request.path.slice(0, 8000)}${raw}` },
        { valid: false, expect: unknown ? [400] : [200, 400] },
      );
    }),
  );

/** Header values as Node sends them: no control characters. */
const headerSafe = (text: string) => text.replace(/[^\t\x20-\x7e\x80-\xff]/g, '');

const weirdClaims = fc.constantFrom<Record<string, unknown>>(
  { sub: { $ne: null }, ver: 0 },
  { sub: '__proto__', ver: 0 },
  { sub: 'constructor', ver: 0 },
  { sub: '', ver: 0 },
  { sub: "' OR '1'='1", ver: 0 },
  { ver: 0 },
  { sub: 'x', ver: '0' },
  { sub: 'x', ver: -1 },
  { sub: 'x', ver: 1e308 },
  { sub: ['a'], ver: 0 },
);

const now = () => Math.floor(Date.now() / 1000);
const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

const badTokens = fc.oneof(
  fc.constantFrom('', 'Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'Token abc', 'Bearer null'),
  textOf(1, 60).map((text) => `Bearer ${headerSafe(Buffer.from(text).toString('latin1'))}`),
  repeated(fc.integer({ min: 1000, max: 12_000 }), fc.constantFrom('a', 'b', '.', '-')).map(
    (text) => `Bearer ${text}`,
  ),
  // Signed with the server's own secret, but with claims of the wrong shape.
  weirdClaims.map(
    (claims) =>
      `Bearer ${jwt.sign({ iat: now(), exp: now() + 600, ...claims }, SECRET, { algorithm: 'HS256', issuer: 'uaip', audience: 'uaip-api' })}`,
  ),
  fc
    .constant(null)
    .map(
      () =>
        `Bearer ${part({ alg: 'none', typ: 'JWT' })}.${part({ sub: 'x', ver: 0, iat: now(), exp: now() + 600, iss: 'uaip', aud: 'uaip-api' })}.`,
    ),
);

const badAuth = fc
  .tuple(
    fc.constantFrom(
      ['GET', '/sessions'],
      ['GET', '/auth/me'],
      ['GET', '/workflows'],
      ['POST', '/sessions'],
      ['GET', '/sessions/:id'],
      ['POST', '/sessions/:id/answers'],
      ['DELETE', '/sessions/:id'],
      ['GET', '/shared-sessions'],
      ['POST', '/sessions/:id/members'],
      ['PATCH', '/sessions/:id/members/someone'],
      ['POST', '/sessions/:id/review'],
      ['POST', '/sessions/:id/review/votes'],
      ['GET', '/reviews'],
    ),
    badTokens,
    pick,
  )
  .map(([[method, path], authorization, which]) =>
    plan(`${method} ${path} with Authorization ${brief(authorization)}`, async (fuzzer, user) => {
      const id = (await fuzzer.session(user, which)).id;
      await fuzzer.send(
        apiRequest(method, path.replace(':id', id), {
          headers: authorization === '' ? {} : { authorization },
          ...(method === 'POST' || method === 'PATCH'
            ? {
                json: JSON.stringify({
                  idea: 'x',
                  questionId: 'q',
                  answer: 'y',
                  email: 'a@example.com',
                  role: 'viewer',
                  reviewers: [{ email: 'a@example.com' }],
                  vote: 'approve',
                  comment: 'A reason.',
                }),
              }
            : {}),
        }),
        { valid: false, expect: [401] },
      );
    }),
  );

const wrongMethod = fc
  .tuple(
    pick,
    fc.constantFrom('PUT', 'PATCH', 'POST', 'GET', 'OPTIONS', 'HEAD', 'TRACE'),
    fc.constantFrom(
      '/sessions',
      '/sessions/:id',
      '/sessions/:id/turns',
      '/sessions/:id/answers',
      '/sessions/:id/members',
      '/sessions/:id/members/someone',
      '/shared-sessions',
      '/sessions/:id/review',
      '/sessions/:id/review/votes',
      '/reviews',
      '/auth/login',
      '/workflows',
      '/health',
      '/metrics',
      '/openapi.json',
    ),
  )
  .map(([which, method, path]) =>
    plan(`${method} ${path}`, async (fuzzer, user) => {
      const full = path.replace(':id', (await fuzzer.session(user, which)).id);
      await fuzzer.send(
        full.startsWith('/sessions') ||
          full.startsWith('/auth') ||
          full === '/workflows' ||
          full === '/shared-sessions' ||
          full === '/reviews'
          ? apiRequest(method, full, { token: user.token })
          : { method, path: full },
        { valid: false },
      );
    }),
  );

const unknownRoutes = fc
  .oneof(
    fc.constantFrom(
      '/',
      '/api',
      '/api/v1',
      '/api/v1/',
      '/api/v2/sessions',
      '//api/v1/sessions',
      '/api/v1//sessions',
      '/API/V1/SESSIONS',
      '/api/v1/sessions/../../../etc/passwd',
      '/api/v1/%2e%2e/%2e%2e/etc/passwd',
      '/api/v1/sessions%00',
      '/api/v1/sessions;jsessionid=1',
      '/favicon.ico',
      '/.env',
      '/api/v1/admin',
      '/api/v1/users',
      '/api/v1/sessions/x/y/z',
      `${API}/${'a/'.repeat(2000)}`,
    ),
    textOf(1, 100).map((text) => `${API}/${percentEncode(text)}`),
  )
  .map((path) =>
    plan(`GET ${brief(path)}`, async (fuzzer, user) => {
      await fuzzer.send(
        { method: 'GET', path, headers: { authorization: `Bearer ${user.token}` } },
        { valid: false },
      );
    }),
  );

/** Header values Node will put on the wire: visible ASCII, tabs, and Latin-1 bytes. */
const headerText = (min: number, max: number) =>
  fc.string({
    unit: fc
      .oneof(
        { weight: 9, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
        { weight: 1, arbitrary: fc.integer({ min: 0x80, max: 0xff }) },
      )
      .map((code) => String.fromCharCode(code)),
    minLength: min,
    maxLength: max,
  });

type Headers = Record<string, string | string[]>;

const headerAttacks: fc.Arbitrary<Headers> = fc.oneof<fc.Arbitrary<Headers>[]>(
  headerText(0, 300).map((value) => ({ 'idempotency-key': value })),
  repeated(fc.integer({ min: 256, max: 8000 }), fc.constantFrom('k', '-')).map((value) => ({
    'idempotency-key': value,
  })),
  fc.constant({ 'idempotency-key': ['a', 'b'] }),
  fc.constant({ 'idempotency-key': '' }),
  headerText(1, 200).map((value) => ({ 'x-request-id': value })),
  fc.stringMatching(/^[\w.-]{1,128}$/).map((value) => ({ 'x-request-id': value })),
  fc.constant({ 'x-request-id': ['one', 'two'] }),
  repeated(fc.integer({ min: 4000, max: 12_000 }), fc.constantFrom('x', 'y', '=')).map((value) => ({
    'x-padding': value,
  })),
  fc
    .integer({ min: 50, max: 200 })
    .map((count) =>
      Object.fromEntries(
        Array.from({ length: count }, (_, index) => [`x-h-${index}`, 'v'.repeat(40)]),
      ),
    ),
  headerText(0, 200).map((value) => ({ accept: value })),
  headerText(0, 200).map((value) => ({ 'accept-charset': value, 'accept-encoding': value })),
  fc.constant({ expect: '100-continue' }),
);

const badHeaders = fc
  .tuple(pick, headerAttacks, answerTexts, fc.boolean())
  .map(([which, headers, text, toAnswer]) =>
    plan(`headers ${brief(headers)} (answer ${toAnswer})`, async (fuzzer, user) => {
      const session = await fuzzer.session(user, which, { active: true });
      const request = toAnswer
        ? apiRequest('POST', `/sessions/${session.id}/answers`, {
            token: user.token,
            json: JSON.stringify({ questionId: session.pendingId, answer: text }),
            headers,
          })
        : apiRequest('GET', `/sessions/${session.id}`, { token: user.token, headers });
      // The server sees the value without surrounding blanks, its UTF-8 bytes as Latin-1 characters.
      const key = headers['idempotency-key'];
      const seen = typeof key === 'string' ? key.replace(/^[ \t]+|[ \t]+$/g, '') : undefined;
      const badKey =
        toAnswer && seen !== undefined && (seen === '' || Buffer.byteLength(seen) > 255);
      await fuzzer.send(request, { valid: false, ...(badKey ? { expect: [400] } : {}) });
    }),
  );

const reusedKey = fc
  .tuple(pick, answerTexts, answerTexts)
  .filter(([, first, second]) => first !== second)
  .map(([which, first, second]) =>
    plan('an Idempotency-Key reused with another body', async (fuzzer, user) => {
      const session = await fuzzer.session(user, which, { active: true });
      const key = `reused-${fuzzer.nextNumber()}`;
      const send = (answer: string, expect: number[]) =>
        fuzzer.send(
          apiRequest('POST', `/sessions/${session.id}/answers`, {
            token: user.token,
            json: JSON.stringify({ questionId: session.pendingId, answer }),
            headers: { 'idempotency-key': key },
          }),
          { valid: false, expect },
        );
      await send(first, [200]);
      await send(second, [409]);
    }),
  );

const loneSurrogateText = fc
  .tuple(pick, textOf(0, 40), fc.integer({ min: 0xd800, max: 0xdfff }), textOf(0, 40))
  .map(([which, before, code, after]) =>
    plan(`a lone surrogate in an answer (U+${code.toString(16)})`, async (fuzzer, user) => {
      const session = await fuzzer.session(user, which, { active: true });
      const answer = `${before}${String.fromCharCode(code)}${after}`;
      // JSON.stringify writes it as an escape (\udXXX), as an attacker's client would.
      await fuzzer.send(
        apiRequest('POST', `/sessions/${session.id}/answers`, {
          token: user.token,
          json: JSON.stringify({ questionId: session.pendingId, answer }),
        }),
        { valid: false, expect: [400] },
      );
    }),
  );

/** The attacks, weighted by how much of the surface each covers. */
export const attackPlans: fc.Arbitrary<Plan> = fc.oneof(
  ...bodyAttacks,
  { weight: 12, arbitrary: garbageIds },
  { weight: 4, arbitrary: staleQuestion },
  { weight: 8, arbitrary: badQuery },
  { weight: 6, arbitrary: badAuth },
  { weight: 4, arbitrary: wrongMethod },
  { weight: 4, arbitrary: unknownRoutes },
  { weight: 8, arbitrary: badHeaders },
  { weight: 2, arbitrary: reusedKey },
  { weight: 2, arbitrary: loneSurrogateText },
);
