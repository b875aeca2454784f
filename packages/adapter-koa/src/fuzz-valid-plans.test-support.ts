import { answerInput, registerInput, startSessionInput } from '@uaip/core';
import fc from 'fast-check';
import { expect } from 'vitest';
import { apiRequest, brief, type FuzzUser, type Plan, plan } from './fuzz-plan.test-support';
import { inputJsonSchema, textOf, validOf } from './json-schema-arbitrary.test-support';
import {
  answerResultSchema,
  sessionPageSchema,
  sessionSchema,
  turnListSchema,
  usageSchema,
} from './response-schemas';
import { charterQuery, listQuery } from './routes';
import { PASSWORD } from './test-api.test-support';

// Requests every schema accepts, sent with a valid token to what the user owns: they reach the
// orchestrator, and each must get exactly the success (or the one documented refusal) it deserves.

const userPick = fc.nat({ max: 1000 });
const sessionPick = fc.nat({ max: 1000 });
const who = (fuzzerUsers: readonly FuzzUser[], pick: number) =>
  fuzzerUsers[pick % fuzzerUsers.length]!;

/** Bodies of `POST /sessions` that `startSessionInput` accepts (workflowId, when given, is `uaip`). */
export const startBodies = validOf(inputJsonSchema(startSessionInput), {
  overrides: { workflowId: fc.constant('uaip') },
  maxLengths: { idea: 2000 },
}).filter((body) => startSessionInput.safeParse(body).success);

/** Answers that `answerInput` accepts, up to its 10,000 characters. */
export const answerTexts = validOf(inputJsonSchema(answerInput), {
  overrides: { questionId: fc.constant('q-placeholder') },
  maxLengths: { answer: 10_000 },
})
  .filter((body) => answerInput.safeParse(body).success)
  .map((body) => (body as { answer: string }).answer);

/** Keys a client may send: 1–200 visible characters (headers lose surrounding spaces on the wire). */
const idempotencyKeys = fc.string({
  unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:/+='),
  minLength: 1,
  maxLength: 200,
});

const emails = fc
  .tuple(
    fc.stringMatching(/^[a-z0-9]([a-z0-9._+-]{0,30}[a-z0-9])?$/),
    fc.stringMatching(/^[a-z0-9]{1,20}$/),
    fc.constantFrom('com', 'org', 'example', 'io'),
    fc.constantFrom('', ' ', '  '),
    fc.boolean(),
  )
  .map(([local, domain, tld, pad, upper]) => {
    const email = `${pad}${local}@${domain}.${tld}${pad}`;
    return upper ? email.toUpperCase() : email;
  })
  .filter((email) => !email.includes('..'));

const passwords = textOf(8, 72).filter((password) => {
  const bytes = Buffer.byteLength(password, 'utf8');
  return bytes >= 8 && bytes <= 72;
});

/** Bodies of `POST /auth/register` that `registerInput` accepts. */
export const registerBodies = validOf(inputJsonSchema(registerInput), {
  overrides: { email: emails, password: passwords },
}).filter((body) => registerInput.safeParse(body).success);

const startSession = fc.tuple(userPick, startBodies).map(([pick, body]) =>
  plan(`start session (user ${pick % 3}, ${brief(body)})`, true, async (fuzzer) => {
    const user = who(fuzzer.users, pick);
    const response = await fuzzer.send(
      apiRequest('POST', '/sessions', { token: user.token, json: JSON.stringify(body) }),
      { valid: true, expect: [201] },
    );
    expect(sessionSchema.safeParse(response.json).success).toBe(true);
    expect(response.json.pendingQuestion).not.toBeNull();
  }),
);

const answer = fc
  .tuple(userPick, sessionPick, answerTexts, fc.option(idempotencyKeys), fc.boolean())
  .map(([pick, which, text, key, replay]) =>
    plan(
      `answer the pending question (user ${pick % 3}, ${brief(text)}, key ${key !== null}, replay ${replay})`,
      true,
      async (fuzzer) => {
        const user = who(fuzzer.users, pick);
        const session = await fuzzer.session(user, which, { active: true });
        const before = session.version;
        const headers: Record<string, string> = key
          ? { 'idempotency-key': `${key}-${fuzzer.nextNumber()}` }
          : {};
        const request = apiRequest('POST', `/sessions/${session.id}/answers`, {
          token: user.token,
          json: JSON.stringify({ questionId: session.pendingId, answer: text }),
          headers,
        });
        const first = await fuzzer.send(request, { valid: true, expect: [200] });
        expect(answerResultSchema.safeParse(first.json).success).toBe(true);
        expect(first.json.session.version).toBe(before + 1);
        if (key && replay) {
          // Same key, same body: the first response again, not a second turn.
          const again = await fuzzer.send(request, { valid: true, expect: [200] });
          expect(again.json).toEqual(first.json);
        }
      },
    ),
  );

const read = fc
  .tuple(
    userPick,
    sessionPick,
    fc.constantFrom('', '/turns', '/usage', '/charter', '/events'),
    fc.boolean(),
    fc.option(validOf(inputJsonSchema(charterQuery))),
    fc.constantFrom(undefined, 'text/markdown', 'text/html', 'application/json', '*/*'),
  )
  .map(([pick, which, suffix, ofCompleted, charter, accept]) =>
    plan(
      `read ${suffix || 'the session'} (user ${pick % 3}, completed ${ofCompleted})`,
      true,
      async (fuzzer) => {
        const { user, sessionId } = ofCompleted
          ? fuzzer.completed
          : await (async () => {
              const owner = who(fuzzer.users, pick);
              return { user: owner, sessionId: (await fuzzer.session(owner, which)).id };
            })();
        const format = (charter as { format?: string } | null)?.format;
        const status = user.sessions.get(sessionId)?.status;
        const response = await fuzzer.send(
          apiRequest('GET', `/sessions/${sessionId}${suffix}`, {
            token: user.token,
            ...(suffix === '/charter' && format ? { query: [['format', format]] } : {}),
            ...(accept ? { headers: { accept } } : {}),
          }),
          {
            valid: true,
            expect: suffix === '/charter' && status !== 'completed' ? [422] : [200],
          },
        );
        const schema = { '': sessionSchema, '/turns': turnListSchema, '/usage': usageSchema }[
          suffix as '' | '/turns' | '/usage'
        ];
        if (schema) expect(schema.safeParse(response.json).success).toBe(true);
        if (suffix === '/events') expect(response.streamed).toBe(true);
      },
    ),
  );

const list = fc
  .tuple(userPick, validOf(inputJsonSchema(listQuery), { overrides: { cursor: fc.nat() } }))
  .map(([pick, query]) =>
    plan(`list sessions (user ${pick % 3}, ${brief(query)})`, true, async (fuzzer) => {
      const user = who(fuzzer.users, pick);
      const { limit, cursor } = query as { limit?: number; cursor?: number };
      const known = cursor === undefined ? undefined : user.cursors[cursor % user.cursors.length];
      const response = await fuzzer.send(
        apiRequest('GET', '/sessions', {
          token: user.token,
          query: [
            ...(limit === undefined ? [] : [['limit', String(limit)] as const]),
            ...(known === undefined ? [] : [['cursor', known] as const]),
          ],
        }),
        { valid: true, expect: [200] },
      );
      expect(sessionPageSchema.safeParse(response.json).success).toBe(true);
      const ids: string[] = response.json.items.map((item: { id: string }) => item.id);
      // Only the caller's live sessions, ever; all of them when one page holds them.
      for (const id of ids) expect(user.sessions.has(id), `listed ${id}`).toBe(true);
      if (known === undefined && (limit ?? 20) >= user.sessions.size)
        expect(new Set(ids)).toEqual(new Set(user.sessions.keys()));
    }),
  );

const remove = fc.tuple(userPick, sessionPick).map(([pick, which]) =>
  plan(`delete a session (user ${pick % 3})`, true, async (fuzzer) => {
    const user = who(fuzzer.users, pick);
    const session = await fuzzer.session(user, which);
    if (session.id === fuzzer.completed.sessionId || user.sessions.size < 3) return;
    await fuzzer.send(apiRequest('DELETE', `/sessions/${session.id}`, { token: user.token }), {
      valid: true,
      expect: [204],
    });
  }),
);

const operations = fc
  .tuple(
    userPick,
    fc.constantFrom('/workflows', '/auth/me', '/health', '/openapi.json', '/metrics'),
  )
  .map(([pick, path]) =>
    plan(`GET ${path}`, true, async (fuzzer) => {
      const user = who(fuzzer.users, pick);
      const outside = path === '/health' || path === '/openapi.json' || path === '/metrics';
      await fuzzer.send(
        outside ? { method: 'GET', path } : apiRequest('GET', path, { token: user.token }),
        { valid: true, expect: [200] },
      );
    }),
  );

const register = registerBodies.map((body) =>
  plan(`register ${brief(body)}`, true, async (fuzzer) => {
    const { email, password } = registerInput.parse(body);
    const taken = fuzzer.accounts.has(email) || fuzzer.users.some((user) => user.email === email);
    await fuzzer.send(apiRequest('POST', '/auth/register', { json: JSON.stringify(body) }), {
      valid: true,
      expect: [taken ? 409 : 201],
    });
    if (!taken) fuzzer.accounts.set(email, password);
  }),
);

const login = fc
  .tuple(fc.nat(), fc.boolean(), emails, passwords)
  .map(([pick, known, email, password]) =>
    plan(
      `log in (${known ? 'a known account' : brief({ email, password })})`,
      true,
      async (fuzzer) => {
        const made = [...fuzzer.accounts];
        const account =
          known && made.length > 0
            ? made[pick % made.length]!
            : known
              ? [who(fuzzer.users, pick).email, PASSWORD]
              : [email, password];
        const exists =
          fuzzer.accounts.get(account[0]) === account[1] ||
          fuzzer.users.some((user) => user.email === account[0] && account[1] === PASSWORD);
        await fuzzer.send(
          apiRequest('POST', '/auth/login', {
            json: JSON.stringify({ email: account[0], password: account[1] }),
          }),
          { valid: true, expect: [exists ? 200 : 401] },
        );
      },
    ),
  );

/** Schema-valid scenarios, weighted towards the ones that run a turn. */
export const validPlans: fc.Arbitrary<Plan> = fc.oneof(
  { weight: 30, arbitrary: answer },
  { weight: 12, arbitrary: startSession },
  { weight: 25, arbitrary: read },
  { weight: 12, arbitrary: list },
  { weight: 5, arbitrary: remove },
  { weight: 8, arbitrary: operations },
  { weight: 1, arbitrary: register },
  { weight: 1, arbitrary: login },
);
