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
  type Real,
  recordAnswer,
} from './isolation-world.test-support';
import { sharedSessionPageSchema } from './response-schemas';

// The sharing commands of the isolation model test: owners share, change roles and remove
// members; members leave, read, answer (editors) and try what only the owner may (403); users
// list what is shared with them. The model says what each must get.

/** Live sessions shared with the user, in any role. */
const sharedWith = (model: Model, user: number) =>
  model.sessions.filter((session) => !session.deleted && user in session.members);

/** What only the owner may do, as a member tries it. */
const OWNER_ONLY = [
  'delete the session',
  'share',
  'change a role',
  'remove someone else',
  'read the webhook deliveries',
] as const;

export function sharingCommands(
  world: IsolationWorld,
): fc.Arbitrary<fc.AsyncCommand<Model, Real>>[] {
  const { call, tally, emails, userIds } = world;
  const command = (
    label: string,
    check: (model: Model) => boolean,
    act: (model: Model) => Promise<void>,
  ) => makeCommand(world, label, check, act);
  const user = fc.nat({ max: world.users - 1 });
  const pick = fc.nat({ max: 1000 });
  const role = fc.constantFrom('viewer' as const, 'editor' as const);

  /** Owner and members both see the model's session; the members list is the model's. */
  async function expectUnchanged(session: ModelSession, what: string) {
    await checkOwnerView(world, session, what);
    await expectMembers(world, session, what);
  }

  /** The owner shares by email (with themselves: 400); 201 for someone new, 200 for a member. */
  const share = fc.tuple(user, pick, user, role).map(([owner, which, target, as]) =>
    command(
      `u${owner} shares #${which} with u${target} as ${as}`,
      (model) => live(model, owner).length > 0,
      async (model) => {
        const session = choose(live(model, owner), which);
        const response = await call(
          'POST',
          `/sessions/${session.id}/members`,
          owner,
          JSON.stringify({ email: emails[target], role: as }),
        );
        if (target === owner) {
          expectStatus(response, 400, 'share with oneself');
        } else {
          expectStatus(response, target in session.members ? 200 : 201, 'share');
          expect(response.json.member).toMatchObject({ userId: userIds[target], role: as });
          session.members[target] = as;
          tally.shares++;
        }
        await expectMembers(world, session, 'after a share');
      },
    ),
  );

  /** The owner changes a role: 200 for a member, 404 for anyone else (and nobody is added). */
  const changeRole = fc.tuple(user, pick, user, role).map(([owner, which, target, as]) =>
    command(
      `u${owner} makes u${target} ${as} of #${which}`,
      (model) => live(model, owner).length > 0,
      async (model) => {
        const session = choose(live(model, owner), which);
        const response = await call(
          'PATCH',
          `/sessions/${session.id}/members/${userIds[target]}`,
          owner,
          JSON.stringify({ role: as }),
        );
        if (target in session.members) {
          expectStatus(response, 200, 'change a role');
          session.members[target] = as;
        } else expectStatus(response, 404, 'change the role of someone who is not a member');
        await expectMembers(world, session, 'after a role change');
      },
    ),
  );

  /** The owner removes a member, or the member leaves: 204, then the session is 404 for them. */
  const remove = fc.tuple(pick, pick, fc.boolean()).map(([which, whom, leaves]) =>
    command(
      `${leaves ? 'a member leaves' : 'the owner removes a member of'} #${which}/${whom}`,
      (model) => model.sessions.some((one) => !one.deleted && Object.keys(one.members).length > 0),
      async (model) => {
        const session = choose(
          model.sessions.filter((one) => !one.deleted && Object.keys(one.members).length > 0),
          which,
        );
        const member = choose(Object.keys(session.members).map(Number), whom);
        const actor = leaves ? member : session.owner;
        const response = await call(
          'DELETE',
          `/sessions/${session.id}/members/${userIds[member]}`,
          actor,
        );
        expectStatus(response, 204, 'remove a member');
        delete session.members[member];
        expectStatus(await call('GET', `/sessions/${session.id}`, member), 404, 'after removal');
        await expectMembers(world, session, 'after a removal');
      },
    ),
  );

  /** A member reads: the same session as its owner sees. */
  const read = fc
    .tuple(
      user,
      pick,
      fc.constantFrom('', '/turns', '/usage', '/history', '/members', '/charter', '/review'),
    )
    .map(([reader, which, suffix]) =>
      command(
        `u${reader} reads the shared #${which}${suffix}`,
        (model) => sharedWith(model, reader).length > 0,
        async (model) => {
          const session = choose(sharedWith(model, reader), which);
          tally.memberRequests++;
          if (suffix === '' || suffix === '/turns') {
            await checkOwnerView(world, session, 'a member reads', reader);
            return;
          }
          const status = suffix === '/charter' && session.status !== 'completed' ? 422 : 200;
          const response = await call('GET', `/sessions/${session.id}${suffix}`, reader);
          expectStatus(response, status, `a member reads ${suffix}`);
          if (suffix === '/members') expect(response.json.ownerId).toBe(userIds[session.owner]);
          // Nobody asks for a review in this model: every reader sees none.
          if (suffix === '/review') expect(response.json).toEqual({ review: null });
        },
      ),
    );

  /** A member answers: an editor like the owner, a viewer 403 with nothing changed. */
  const answer = fc.tuple(user, pick, answers).map(([member, which, text]) =>
    command(
      `u${member} answers the shared #${which}`,
      (model) => sharedWith(model, member).length > 0,
      async (model) => {
        const session = choose(sharedWith(model, member), which);
        tally.memberRequests++;
        const response = await call(
          'POST',
          `/sessions/${session.id}/answers`,
          member,
          JSON.stringify({ questionId: session.pendingId ?? 'q-none', answer: text }),
        );
        if (session.members[member] === 'viewer') {
          expectStatus(response, 403, 'a viewer answers');
          tally.forbidden++;
        } else if (session.status === 'completed') {
          expectStatus(response, 422, 'an editor answers a completed session');
        } else {
          expectStatus(response, 200, 'an editor answers');
          tally.answers++;
          recordAnswer(session, response.json.session);
        }
        await expectUnchanged(session, 'after a member answered');
      },
    ),
  );

  /** A member tries what only the owner may: 403, whatever their role, and nothing changes. */
  const ownerOnly = fc
    .tuple(user, pick, fc.constantFrom(...OWNER_ONLY), user)
    .map(([member, which, attempt, someone]) =>
      command(
        `u${member} tries to ${attempt} on the shared #${which}`,
        (model) => sharedWith(model, member).length > 0,
        async (model) => {
          const session = choose(sharedWith(model, member), which);
          tally.memberRequests++;
          const base = `/sessions/${session.id}`;
          // Someone else than the member: another member, or the owner.
          const other = someone === member ? session.owner : someone;
          const response =
            attempt === 'delete the session'
              ? await call('DELETE', base, member)
              : attempt === 'share'
                ? await call(
                    'POST',
                    `${base}/members`,
                    member,
                    JSON.stringify({ email: emails[other], role: 'editor' }),
                  )
                : attempt === 'change a role'
                  ? await call(
                      'PATCH',
                      `${base}/members/${userIds[member]}`,
                      member,
                      JSON.stringify({ role: 'editor' }),
                    )
                  : attempt === 'read the webhook deliveries'
                    ? await call('GET', `${base}/webhook-deliveries`, member)
                    : await call('DELETE', `${base}/members/${userIds[other]}`, member);
          expectStatus(response, 403, `a member tries to ${attempt}`);
          expect(response.json.error.code).toBe('forbidden');
          tally.forbidden++;
          await expectUnchanged(session, `after a member tried to ${attempt}`);
        },
      ),
    );

  /** Exactly the live sessions shared with the user, each once, with its role, newest first. */
  const list = fc.tuple(user, fc.integer({ min: 1, max: 5 })).map(([reader, limit]) =>
    command(
      `u${reader} lists what is shared with them (limit ${limit})`,
      () => true,
      async (model) => {
        const items: Array<{ id: string; role: string; ownerId: string; createdAt: string }> = [];
        let cursor: string | null = null;
        for (let page = 0; page < 200; page++) {
          const query: string = `?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`;
          const response = await call('GET', `/shared-sessions${query}`, reader);
          expectStatus(response, 200, 'list shared sessions');
          items.push(...sharedSessionPageSchema.parse(response.json).items);
          cursor = response.json.nextCursor;
          if (!cursor) break;
        }
        const expected = sharedWith(model, reader);
        expect(
          new Map(items.map((item) => [item.id, [item.role, item.ownerId]])),
          'exactly what is shared with the caller, with the role and the owner',
        ).toEqual(
          new Map(
            expected.map((session) => [
              session.id,
              [session.members[reader], userIds[session.owner]],
            ]),
          ),
        );
        expect(items).toHaveLength(expected.length);
        const times = items.map((item) => item.createdAt);
        expect(times, 'newest first').toEqual([...times].sort().reverse());
      },
    ),
  );

  return [share, share, changeRole, remove, read, read, answer, answer, ownerOnly, ownerOnly, list];
}
