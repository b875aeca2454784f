import fc from 'fast-check';
import { expect } from 'vitest';
import {
  answers,
  checkOwnerView,
  choose,
  expectMembers,
  expectStatus,
  type IsolationWorld,
  live,
  type Model,
  type ModelSession,
  makeCommand,
  NO_TURN,
  type Real,
  recordAnswer,
} from './isolation-world.test-support';
import { sessionPageSchema } from './response-schemas';
import { RICH_ANSWER } from './session-driver.test-support';

// The commands of the isolation model test: users start, read, list, answer, delete, and
// intrude on every route; the commands of sharing are in isolation-sharing-commands. The model
// and the shared checks are in isolation-world.test-support.ts.

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
  ['GET', '/members'],
  ['POST', '/members'],
  ['PATCH', '/members/:userId'],
  ['DELETE', '/members/:userId'],
  ['GET', '/review'],
  ['POST', '/review'],
  ['POST', '/review/votes'],
  ['GET', '/webhook-deliveries'],
] as const;

/** Live sessions the user neither owns nor is a member of: they must learn nothing of them. */
const foreign = (model: Model, user: number) =>
  model.sessions.filter(
    (session) => session.owner !== user && !(user in session.members) && !session.deleted,
  );
const gone = (model: Model) => model.sessions.filter((session) => session.deleted);
/** The commands, weighted by repetition: users start, read, list, answer, delete, and intrude. */
export function isolationCommands(
  world: IsolationWorld,
): fc.Arbitrary<fc.AsyncCommand<Model, Real>>[] {
  const { call, tally } = world;

  const expectOwnerView = (session: ModelSession, what: string) =>
    checkOwnerView(world, session, what);
  const command = (
    label: string,
    check: (model: Model) => boolean,
    act: (model: Model) => Promise<void>,
  ) => makeCommand(world, label, check, act);
  const user = fc.nat({ max: world.users - 1 });
  const pick = fc.nat({ max: 1000 });

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
          members: {},
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
        recordAnswer(session, response.json.session);
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
          if (method === 'POST' || method === 'PATCH') {
            // The owner's own answer (its key too) where there is one, else a body valid for
            // the route: an answer to the question really pending, sharing the session with
            // the intruder themselves as an editor, naming them a reviewer, or a vote.
            const owners = replayOwners && suffix === '/answers' ? victim.keyed : undefined;
            body =
              owners?.body ??
              JSON.stringify({
                questionId: victim.pendingId ?? 'q-last',
                answer: text,
                email: world.emails[intruder],
                role: 'editor',
                reviewers: [{ email: world.emails[intruder] }],
                vote: 'approve',
                comment: 'Let me in',
              });
            key = owners?.key;
          }
          // A revision names one of the owner's own turns, where there is one; a member route
          // one of the members, else the intruder.
          let path = `/sessions/${victim.id}${suffix}`;
          if (path.includes(':turnId')) {
            const turns = await call('GET', `/sessions/${victim.id}/turns`, victim.owner);
            path = path.replace(':turnId', turns.json?.items?.[0]?.id ?? NO_TURN);
          }
          const members = Object.keys(victim.members).map(Number);
          path = path.replace(
            ':userId',
            world.userIds[members.length > 0 ? choose(members, which) : intruder]!,
          );
          const response = await call(method, path, intruder, body, key);
          expectStatus(response, 404, `${method} ${suffix || '/'} as another user`);
          await expectOwnerView(victim, `after u${intruder} tried ${method} ${suffix || '/'}`);
          await expectMembers(world, victim, `after u${intruder} tried ${method} ${suffix || '/'}`);
          if (suffix.startsWith('/review')) {
            // Nobody asks for a review in this model: the intruder's request opened none.
            const review = await call('GET', `/sessions/${victim.id}/review`, victim.owner);
            expect(review.json, `after u${intruder} tried ${method} ${suffix}`).toEqual({
              review: null,
            });
          }
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
            method === 'POST' || method === 'PATCH'
              ? JSON.stringify({
                  questionId: session.pendingId ?? 'q-x',
                  answer: RICH_ANSWER,
                  email: world.emails[(caller + 1) % world.users],
                  role: 'viewer',
                  reviewers: [{ email: world.emails[(caller + 1) % world.users] }],
                  vote: 'approve',
                  comment: 'Too late',
                })
              : undefined;
          const path = `/sessions/${session.id}${suffix}`
            .replace(':turnId', NO_TURN)
            .replace(':userId', world.userIds[caller]!);
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
