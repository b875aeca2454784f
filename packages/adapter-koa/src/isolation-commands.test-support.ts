import fc from 'fast-check';
import { expect } from 'vitest';
import type { RawResponse } from './raw-http.test-support';
import { sessionPageSchema } from './response-schemas';
import { RICH_ANSWER } from './session-driver.test-support';

// The commands of the isolation model test and the model they are checked against.

/** A session as the model knows it. */
export interface ModelSession {
  id: string;
  owner: number;
  deleted: boolean;
  version: number;
  status: 'active' | 'completed';
  pendingId: string | null;
  /** Answers recorded: the transcript's length. */
  turns: number;
  /** Question ids that were pending once. */
  staleIds: string[];
  /** The owner's last answer sent with an Idempotency-Key, to replay as someone else. */
  keyed?: { key: string; body: string };
  /** Completed before the runs and kept by all of them (never deleted). */
  kept?: boolean;
}

export interface Model {
  sessions: ModelSession[];
}

export type Real = Record<string, never>;

const ID_ROUTES = [
  ['GET', ''],
  ['GET', '/turns'],
  ['GET', '/usage'],
  ['GET', '/charter'],
  ['GET', '/events'],
  ['GET', '/history'],
  ['DELETE', ''],
  ['POST', '/answers'],
  ['POST', '/turns/:turnId/revisions'],
] as const;

/** A turn id that names no turn. */
const NO_TURN = '00000000-0000-4000-8000-000000000000';

/** What the commands run against. */
export interface IsolationWorld {
  /** Users are numbered from 0. */
  users: number;
  /** A request as user `user` (their bearer token), with an optional JSON body and Idempotency-Key. */
  call(
    method: string,
    path: string,
    user: number,
    json?: string,
    key?: string,
  ): Promise<RawResponse>;
  tally: { commands: number; crossUser: number; deletedProbes: number; answers: number };
}

/** The status expected, with the body in the message when it differs; a 404 is `not_found`. */
export function expectStatus(response: RawResponse, status: number, what: string) {
  expect(response.status, `${what}: ${response.text.slice(0, 300)}`).toBe(status);
  if (status === 404) expect(response.json?.error?.code, what).toBe('not_found');
}

const live = (model: Model, user: number) =>
  model.sessions.filter((session) => session.owner === user && !session.deleted);
const foreign = (model: Model, user: number) =>
  model.sessions.filter((session) => session.owner !== user && !session.deleted);
const gone = (model: Model) => model.sessions.filter((session) => session.deleted);
const choose = <T>(items: T[], pick: number) => items[pick % items.length]!;

/** The commands, weighted by repetition: users start, read, list, answer, delete, and intrude. */
export function isolationCommands(
  world: IsolationWorld,
): fc.Arbitrary<fc.AsyncCommand<Model, Real>>[] {
  const { call, tally } = world;

  /** The owner's view of a session equals the model's: version, status, pending question, transcript. */
  async function expectOwnerView(session: ModelSession, what: string) {
    const view = await call('GET', `/sessions/${session.id}`, session.owner);
    expectStatus(view, 200, `${what}: the owner reads it`);
    expect(
      {
        version: view.json.version,
        status: view.json.status,
        pendingId: view.json.pendingQuestion?.id ?? null,
      },
      what,
    ).toEqual({ version: session.version, status: session.status, pendingId: session.pendingId });
    const turns = await call('GET', `/sessions/${session.id}/turns`, session.owner);
    expectStatus(turns, 200, `${what}: the owner reads the transcript`);
    expect(turns.json.items.length, `${what}: transcript length`).toBe(session.turns);
  }

  /** A command: `check` says whether the model allows it, `act` runs it and checks the outcome. */
  function command(
    label: string,
    check: (model: Model) => boolean,
    act: (model: Model) => Promise<void>,
  ): fc.AsyncCommand<Model, Real> {
    return {
      check,
      async run(model) {
        tally.commands++;
        await act(model);
      },
      toString: () => label,
    };
  }

  const user = fc.nat({ max: world.users - 1 });
  const pick = fc.nat({ max: 1000 });
  const answers = fc.oneof(
    fc.constant(RICH_ANSWER),
    fc.constantFrom(
      'Not sure yet.',
      'n/a',
      'Sales managers in the retail division, about 40 people.',
    ),
    fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 300 })
      .filter((text) => text.trim().length > 0 && !text.includes('\u0000')),
  );

  const start = fc.tuple(user, fc.string({ minLength: 1, maxLength: 60 })).map(([owner, idea]) =>
    command(
      `start(u${owner})`,
      () => true,
      async (model) => {
        const response = await call(
          'POST',
          '/sessions',
          owner,
          JSON.stringify({ idea: `Idea ${idea.trim() || 'x'}` }),
        );
        expectStatus(response, 201, 'start');
        model.sessions.push({
          id: response.json.id,
          owner,
          deleted: false,
          version: response.json.version,
          status: response.json.status,
          pendingId: response.json.pendingQuestion.id,
          turns: 0,
          staleIds: [],
        });
        expect(response.json.version).toBe(1);
      },
    ),
  );

  const read = fc
    .tuple(user, pick, fc.constantFrom('', '/turns', '/usage', '/charter'))
    .map(([owner, which, suffix]) =>
      command(
        `read${suffix || '/session'}(u${owner}, #${which})`,
        (model) => live(model, owner).length > 0,
        async (model) => {
          const session = choose(live(model, owner), which);
          if (suffix === '') await expectOwnerView(session, 'read');
          else {
            // The charter exists once the session is completed.
            const status = suffix === '/charter' && session.status !== 'completed' ? 422 : 200;
            expectStatus(
              await call('GET', `/sessions/${session.id}${suffix}`, owner),
              status,
              suffix,
            );
          }
        },
      ),
    );

  const list = fc.tuple(user, fc.integer({ min: 1, max: 100 })).map(([owner, limit]) =>
    command(
      `list(u${owner}, limit ${limit})`,
      () => true,
      async (model) => {
        const items: Array<{ id: string; createdAt: string }> = [];
        let cursor: string | null = null;
        for (let page = 0; page < 200; page++) {
          const query: string = `?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
          const response = await call('GET', `/sessions${query}`, owner);
          expectStatus(response, 200, 'list');
          expect(sessionPageSchema.safeParse(response.json).success).toBe(true);
          items.push(...response.json.items);
          cursor = response.json.nextCursor;
          if (!cursor) break;
        }
        const ids = items.map((item) => item.id);
        expect(new Set(ids).size, 'no session listed twice').toBe(ids.length);
        expect(new Set(ids), 'exactly the live sessions of the caller').toEqual(
          new Set(live(model, owner).map((session) => session.id)),
        );
        const times = items.map((item) => item.createdAt);
        expect(times, 'newest first').toEqual([...times].sort().reverse());
      },
    ),
  );

  const answer = fc.tuple(user, pick, answers, fc.boolean()).map(([owner, which, text, keyed]) =>
    command(
      `answer(u${owner}, #${which}, key ${keyed})`,
      (model) => live(model, owner).length > 0,
      async (model) => {
        // Mostly a session that can take it; one time in five, any (the completed one: 422).
        const active = live(model, owner).filter((one) => one.status === 'active');
        const session = choose(
          active.length > 0 && which % 5 !== 0 ? active : live(model, owner),
          which,
        );
        const body = JSON.stringify({ questionId: session.pendingId ?? 'q-none', answer: text });
        const key = keyed ? `key-${session.id}-${session.version}` : undefined;
        const response = await call('POST', `/sessions/${session.id}/answers`, owner, body, key);
        if (session.status === 'completed') {
          expectStatus(response, 422, 'answer a completed session');
          return;
        }
        expectStatus(response, 200, 'answer');
        tally.answers++;
        const next = response.json.session;
        expect(next.version, 'one answer, one version').toBe(session.version + 1);
        if (session.pendingId) session.staleIds.push(session.pendingId);
        Object.assign(session, {
          version: next.version,
          status: next.status,
          pendingId: next.pendingQuestion?.id ?? null,
          turns: session.turns + 1,
        });
        if (key) {
          session.keyed = { key, body };
          // The same request again: the first response, and no second turn.
          const again = await call('POST', `/sessions/${session.id}/answers`, owner, body, key);
          expectStatus(again, 200, 'replay');
          expect(again.json).toEqual(response.json);
        }
        await expectOwnerView(session, 'after an answer');
      },
    ),
  );

  const staleAnswer = fc.tuple(user, pick, answers).map(([owner, which, text]) =>
    command(
      `answer a stale question(u${owner}, #${which})`,
      (model) => live(model, owner).some((session) => session.status === 'active'),
      async (model) => {
        const session = choose(
          live(model, owner).filter((one) => one.status === 'active'),
          which,
        );
        const questionId =
          session.staleIds.length > 0 ? choose(session.staleIds, which) : 'q-never-asked';
        const response = await call(
          'POST',
          `/sessions/${session.id}/answers`,
          owner,
          JSON.stringify({ questionId, answer: text }),
        );
        expectStatus(response, 409, 'a stale question');
        await expectOwnerView(session, 'after a stale answer');
      },
    ),
  );

  const remove = fc.tuple(user, pick).map(([owner, which]) =>
    command(
      `delete(u${owner}, #${which})`,
      (model) => live(model, owner).some((session) => !session.kept),
      async (model) => {
        const session = choose(
          live(model, owner).filter((one) => !one.kept),
          which,
        );
        expectStatus(await call('DELETE', `/sessions/${session.id}`, owner), 204, 'delete');
        session.deleted = true;
        expectStatus(await call('GET', `/sessions/${session.id}`, owner), 404, 'read after delete');
      },
    ),
  );

  /** Another user on every route that takes an id: 404, and nothing changes for the owner. */
  const crossUser = fc
    .tuple(user, pick, fc.constantFrom(...ID_ROUTES), answers, fc.boolean())
    .map(([intruder, which, [method, suffix], text, replayOwners]) =>
      command(
        `u${intruder} ${method} another user's session${suffix} (#${which})`,
        (model) => foreign(model, intruder).length > 0,
        async (model) => {
          const victim = choose(foreign(model, intruder), which);
          tally.crossUser++;
          let body: string | undefined;
          let key: string | undefined;
          if (method === 'POST') {
            // The owner's own request (its key too) where there is one, else a valid answer to
            // the question that is really pending.
            const owners = replayOwners ? victim.keyed : undefined;
            body =
              owners?.body ??
              JSON.stringify({ questionId: victim.pendingId ?? 'q-last', answer: text });
            key = owners?.key;
          }
          // A revision names one of the owner's own turns, where there is one.
          let path = `/sessions/${victim.id}${suffix}`;
          if (path.includes(':turnId')) {
            const turns = await call('GET', `/sessions/${victim.id}/turns`, victim.owner);
            path = path.replace(':turnId', turns.json?.items?.[0]?.id ?? NO_TURN);
          }
          const response = await call(method, path, intruder, body, key);
          expectStatus(response, 404, `${method} ${suffix || '/'} as another user`);
          await expectOwnerView(victim, `after u${intruder} tried ${method} ${suffix || '/'}`);
        },
      ),
    );

  /** A deleted session is 404 on every route, for its owner and everyone else. */
  const deletedProbe = fc
    .tuple(user, pick, fc.constantFrom(...ID_ROUTES))
    .map(([caller, which, [method, suffix]]) =>
      command(
        `u${caller} ${method} a deleted session${suffix} (#${which})`,
        (model) => gone(model).length > 0,
        async (model) => {
          const session = choose(gone(model), which);
          tally.deletedProbes++;
          const body =
            method === 'POST'
              ? JSON.stringify({ questionId: session.pendingId ?? 'q-x', answer: RICH_ANSWER })
              : undefined;
          const path = `/sessions/${session.id}${suffix}`.replace(':turnId', NO_TURN);
          const response = await call(method, path, caller, body);
          expectStatus(response, 404, `${method} ${suffix || '/'} on a deleted session`);
        },
      ),
    );

  return [
    start,
    start,
    read,
    list,
    answer,
    answer,
    answer,
    staleAnswer,
    remove,
    crossUser,
    crossUser,
    crossUser,
    deletedProbe,
  ];
}
