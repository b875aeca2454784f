import { answerInput, registerInput, startSessionInput } from '@uaip/core';
import fc from 'fast-check';
import { expect } from 'vitest';
import { apiRequest, brief, type Plan, plan } from './fuzz-plan.test-support';
import { reviewing } from './fuzz-review-plans.test-support';
import { inputJsonSchema, textOf, validOf } from './json-schema-arbitrary.test-support';
import {
  answerResultSchema,
  memberResultSchema,
  sessionMembersSchema,
  sessionPageSchema,
  sessionSchema,
  turnListSchema,
  usageSchema,
} from './response-schemas';
import { charterQuery, listQuery } from './routes';
import { PASSWORD } from './test-api.test-support';

// Requests every schema accepts, sent with a valid token to what the user owns: they reach the
// orchestrator, and each must get exactly the success (or the one documented refusal) it deserves.

const sessionPick = fc.nat({ max: 1000 });

/** Bodies of `POST /sessions` that `startSessionInput` accepts (workflowId, when given, is `uaip`). */
export const startBodies = validOf(inputJsonSchema(startSessionInput), {
  overrides: { workflowId: fc.constant('uaip') },
}).filter((body) => startSessionInput.safeParse(body).success);

/** Answers that `answerInput` accepts, up to its 10,000 characters (its schema's maxLength). */
export const answerTexts = validOf(inputJsonSchema(answerInput), {
  overrides: { questionId: fc.constant('q-placeholder') },
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

const startSession = startBodies.map((body) =>
  plan(`start a session ${brief(body)}`, async (fuzzer, user) => {
    const response = await fuzzer.send(
      apiRequest('POST', '/sessions', { token: user.token, json: JSON.stringify(body) }),
      { valid: true, expect: [201] },
    );
    expect(sessionSchema.safeParse(response.json).success).toBe(true);
    expect(response.json.pendingQuestion).not.toBeNull();
  }),
);

const answer = fc
  .tuple(sessionPick, answerTexts, fc.option(idempotencyKeys), fc.boolean())
  .map(([which, text, key, replay]) =>
    plan(
      `answer the pending question ${brief(text)} (key ${key !== null}, replay ${replay})`,
      async (fuzzer, user) => {
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
    sessionPick,
    fc.constantFrom('', '/turns', '/usage', '/charter', '/events'),
    fc.boolean(),
    fc.option(validOf(inputJsonSchema(charterQuery))),
    fc.constantFrom(undefined, 'text/markdown', 'text/html', 'application/json', '*/*'),
  )
  .map(([which, suffix, ofCompleted, charter, accept]) =>
    plan(
      `read ${suffix || 'the session'} (completed ${ofCompleted}, ${brief(charter)}, Accept ${accept})`,
      async (fuzzer, self) => {
        // The completed session is read-only here, so any lane may read it as its owner.
        const { user, sessionId } = ofCompleted
          ? fuzzer.completed
          : { user: self, sessionId: (await fuzzer.session(self, which)).id };
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

const list = validOf(inputJsonSchema(listQuery), { overrides: { cursor: fc.nat() } }).map((query) =>
  plan(`list sessions ${brief(query)}`, async (fuzzer, user) => {
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

const remove = sessionPick.map((which) =>
  plan('delete a session', async (fuzzer, user) => {
    const session = await fuzzer.session(user, which);
    // Keep a few sessions to answer; below that, read instead.
    const keep = user.sessions.size < 4;
    await fuzzer.send(
      apiRequest(keep ? 'GET' : 'DELETE', `/sessions/${session.id}`, { token: user.token }),
      { valid: true, expect: [keep ? 200 : 204] },
    );
  }),
);

/**
 * Sharing one of the user's sessions with an account made during the run (never another lane's
 * user, who may be probing that session as a stranger) by email, then changing the role and
 * removing them; or with an email or a user id no account has (404: the router's accounts).
 */
const sharing = fc
  .tuple(
    sessionPick,
    fc.nat(),
    fc.constantFrom('viewer', 'editor'),
    fc.constantFrom('email', 'userId', 'nobody'),
  )
  .map(([which, pick, role, how]) =>
    plan(
      `share a session by ${how} as ${role}, change the role, remove them`,
      async (fuzzer, user) => {
        const session = await fuzzer.session(user, which);
        const made = [...fuzzer.accounts.keys()];
        const base = `/sessions/${session.id}/members`;
        const target =
          how === 'email' && made.length > 0
            ? { email: made[pick % made.length]! }
            : how === 'nobody'
              ? { email: `nobody-${fuzzer.nextNumber()}@nowhere.example` }
              : { userId: `outsider-${fuzzer.nextNumber()}` };
        const shared = await fuzzer.send(
          apiRequest('POST', base, {
            token: user.token,
            json: JSON.stringify({ ...target, role }),
          }),
          { valid: true, expect: [how === 'email' && made.length > 0 ? 201 : 404] },
        );
        if (shared.status === 404) return;
        expect(memberResultSchema.safeParse(shared.json).success).toBe(true);
        const memberId = encodeURIComponent(shared.json.member.userId);
        const listed = await fuzzer.send(apiRequest('GET', base, { token: user.token }), {
          valid: true,
          expect: [200],
        });
        expect(sessionMembersSchema.safeParse(listed.json).success).toBe(true);
        const other = role === 'viewer' ? 'editor' : 'viewer';
        const changed = await fuzzer.send(
          apiRequest('PATCH', `${base}/${memberId}`, {
            token: user.token,
            json: JSON.stringify({ role: other }),
          }),
          { valid: true, expect: [200] },
        );
        expect(changed.json.member.role).toBe(other);
        await fuzzer.send(apiRequest('DELETE', `${base}/${memberId}`, { token: user.token }), {
          valid: true,
          expect: [204],
        });
      },
    ),
  );

const operations = fc
  .constantFrom('/workflows', '/auth/me', '/health', '/openapi.json', '/metrics')
  .map((path) =>
    plan(`GET ${path}`, async (fuzzer, user) => {
      const outside = path === '/health' || path === '/openapi.json' || path === '/metrics';
      await fuzzer.send(
        outside ? { method: 'GET', path } : apiRequest('GET', path, { token: user.token }),
        { valid: true, expect: [200] },
      );
    }),
  );

const register = fc.tuple(registerBodies, fc.boolean()).map(([body, again]) =>
  plan(`register ${brief(body)} (twice ${again})`, async (fuzzer) => {
    // A domain of this run only (attacks make random accounts at the same time in other lanes).
    const { email } = body as { email: string };
    const unique = {
      ...(body as object),
      email: email.replace('@', `@run-${fuzzer.nextNumber()}.`),
    };
    const json = JSON.stringify(unique);
    await fuzzer.send(apiRequest('POST', '/auth/register', { json }), {
      valid: true,
      expect: [201],
    });
    if (again)
      await fuzzer.send(apiRequest('POST', '/auth/register', { json }), {
        valid: true,
        expect: [409],
      });
  }),
);

const login = fc
  .tuple(fc.nat(), fc.boolean(), emails, passwords)
  .map(([pick, known, email, password]) =>
    plan(`log in (${known ? 'a known account' : brief({ email, password })})`, async (fuzzer) => {
      const made = [...fuzzer.accounts];
      const account: [string, string] =
        known && made.length > 0
          ? made[pick % made.length]!
          : known
            ? [fuzzer.users[pick % fuzzer.users.length]!.email, PASSWORD]
            : [email, password];
      // The server compares the email trimmed and in lower case.
      const normalised = account[0].trim().toLowerCase();
      const exists =
        fuzzer.accounts.get(normalised) === account[1] ||
        fuzzer.users.some((user) => user.email === normalised && account[1] === PASSWORD);
      await fuzzer.send(
        apiRequest('POST', '/auth/login', {
          json: JSON.stringify({ email: account[0], password: account[1] }),
        }),
        { valid: true, expect: [exists ? 200 : 401] },
      );
    }),
  );

/** Schema-valid scenarios, weighted towards the ones that run a turn. */
export const validPlans: fc.Arbitrary<Plan> = fc.oneof(
  { weight: 60, arbitrary: answer },
  { weight: 24, arbitrary: startSession },
  { weight: 50, arbitrary: read },
  { weight: 24, arbitrary: list },
  { weight: 10, arbitrary: remove },
  { weight: 6, arbitrary: sharing },
  { weight: 4, arbitrary: reviewing },
  { weight: 16, arbitrary: operations },
  // bcrypt makes these the slowest requests by far: one in a hundred or so.
  { weight: 1, arbitrary: register },
  { weight: 1, arbitrary: login },
);
