import fc from 'fast-check';
import { expect } from 'vitest';
import type { RawResponse } from './raw-http.test-support';
import { RICH_ANSWER } from './session-driver.test-support';

// The world of the isolation model test: the model, what commands run against, and the checks
// the commands of isolation-commands.test-support.ts and isolation-sharing-commands share.

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
  /** Who it is shared with: user number → role. */
  members: Record<number, 'viewer' | 'editor'>;
}

export interface Model {
  sessions: ModelSession[];
}

export type Real = Record<string, never>;

/** A turn id that names no turn. */
export const NO_TURN = '00000000-0000-4000-8000-000000000000';

/** What the commands run against. */
export interface IsolationWorld {
  /** Users are numbered from 0. */
  users: number;
  /** Each user's email and id, by number. */
  emails: readonly string[];
  userIds: readonly string[];
  /** A request as user `user` (their bearer token), with an optional JSON body and Idempotency-Key. */
  call(
    method: string,
    path: string,
    user: number,
    json?: string,
    key?: string,
  ): Promise<RawResponse>;
  tally: {
    commands: number;
    crossUser: number;
    deletedProbes: number;
    answers: number;
    shares: number;
    memberRequests: number;
    forbidden: number;
  };
}

/** The status expected, with the body in the message when it differs; a 404 is `not_found`. */
export function expectStatus(response: RawResponse, status: number, what: string) {
  expect(response.status, `${what}: ${response.text.slice(0, 300)}`).toBe(status);
  if (status === 404) expect(response.json?.error?.code, what).toBe('not_found');
}

export const live = (model: Model, user: number) =>
  model.sessions.filter((session) => session.owner === user && !session.deleted);
export const choose = <T>(items: T[], pick: number) => items[pick % items.length]!;

/** The owner's view of a session equals the model's: version, status, pending question, transcript. */
export async function checkOwnerView(
  world: IsolationWorld,
  session: ModelSession,
  what: string,
  as = session.owner,
) {
  const view = await world.call('GET', `/sessions/${session.id}`, as);
  expectStatus(view, 200, `${what}: u${as} reads it`);
  expect(
    {
      version: view.json.version,
      status: view.json.status,
      pendingId: view.json.pendingQuestion?.id ?? null,
    },
    what,
  ).toEqual({ version: session.version, status: session.status, pendingId: session.pendingId });
  const turns = await world.call('GET', `/sessions/${session.id}/turns`, as);
  expectStatus(turns, 200, `${what}: u${as} reads the transcript`);
  expect(turns.json.items.length, `${what}: transcript length`).toBe(session.turns);
}

/** A command: `check` says whether the model allows it, `act` runs it and checks the outcome. */
export function makeCommand(
  world: IsolationWorld,
  label: string,
  check: (model: Model) => boolean,
  act: (model: Model) => Promise<void>,
): fc.AsyncCommand<Model, Real> {
  return {
    check,
    async run(model) {
      world.tally.commands++;
      await act(model);
    },
    toString: () => label,
  };
}

/** Answers a user may send: rich, vague, and any text. */
export const answers = fc.oneof(
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

/** The members as the owner lists them are the model's. */
export async function expectMembers(world: IsolationWorld, session: ModelSession, what: string) {
  const response = await world.call('GET', `/sessions/${session.id}/members`, session.owner);
  expectStatus(response, 200, `${what}: the owner lists the members`);
  expect(response.json.ownerId, what).toBe(world.userIds[session.owner]);
  const listed = (response.json.members as Array<{ userId: string; role: string }>).map(
    ({ userId, role }): [string, string] => [userId, role],
  );
  const modelled = Object.entries(session.members).map(([user, role]): [string, string] => [
    world.userIds[Number(user)]!,
    role,
  ]);
  expect(new Map(listed), `${what}: members`).toEqual(new Map(modelled));
}

/** Records an accepted answer (by the owner or an editor) in the model. */
export function recordAnswer(
  session: ModelSession,
  next: { version: number; status: 'active' | 'completed'; pendingQuestion: { id: string } | null },
) {
  expect(next.version, 'one answer, one version').toBe(session.version + 1);
  if (session.pendingId) session.staleIds.push(session.pendingId);
  Object.assign(session, {
    version: next.version,
    status: next.status,
    pendingId: next.pendingQuestion?.id ?? null,
    turns: session.turns + 1,
  });
}
