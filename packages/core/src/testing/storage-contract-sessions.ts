import { describe, expect, it } from 'vitest';
import { UaipError } from '../errors';
import type { SessionRecord, SessionSummary } from '../storage/types';
import { createClaimed, expectUaipError, type StorageUnderTest } from './storage-contract-fixtures';
import {
  at,
  makeCall,
  makeClaim,
  makeCommit,
  makeQuestion,
  makeSession,
  makeStage,
  makeUser,
  newId,
} from './storage-records';

/** The row of a session list for `session`, with the outcome its result gives. */
export function summary(session: SessionRecord, outcome: string | null = null): SessionSummary {
  const { id, workflowId, title, status, currentStageId, createdAt, updatedAt } = session;
  return { id, workflowId, title, status, currentStageId, outcome, createdAt, updatedAt };
}

/** The order `listSessions` promises: newest first, ties by larger id first. */
export function newestFirst(a: SessionRecord, b: SessionRecord): number {
  const byTime = Date.parse(b.createdAt) - Date.parse(a.createdAt);
  return byTime !== 0 ? byTime : a.id < b.id ? 1 : -1;
}

/** Follows `nextCursor` to the end, keeping every page. */
async function allPages(storage: StorageUnderTest, ownerId: string, limit: number) {
  const pages: { ids: string[]; nextCursor: string | null }[] = [];
  let cursor: string | null = null;
  do {
    const page = await storage().listSessions(ownerId, { limit, cursor });
    pages.push({ ids: page.items.map((item) => item.id), nextCursor: page.nextCursor });
    cursor = page.nextCursor;
  } while (cursor !== null && pages.length < 20);
  return pages;
}

export function sessionCases(storage: StorageUnderTest): void {
  describe('sessions', () => {
    it('returns a created session whole: stages, pending question and usage', async () => {
      const session = makeSession({
        version: 3,
        currentStageId: 'data',
        stages: [
          makeStage({
            stageId: 'problem',
            status: 'completed',
            artifact: { statement: 'Reduce churn', metrics: ['recall@10%'], owner: { team: 'cx' } },
            gate: { passed: true, missing: [] },
            gapAsked: true,
            completedAt: at(5),
          }),
          makeStage({
            stageId: 'data',
            status: 'active',
            gate: { passed: false, missing: ['source'] },
          }),
          makeStage({ stageId: 'ethics' }),
        ],
        pending: makeQuestion({
          stageId: 'data',
          topicId: null,
          kind: 'gap',
          attempt: 2,
          lastScore: 0.5,
          issues: ['too vague', 'no owner'],
        }),
        usage: {
          calls: 4,
          inputTokens: 1200,
          outputTokens: 300,
          cacheReadTokens: 40,
          cacheWriteTokens: 12,
          costUsd: 0.5,
          unpricedCalls: 1,
        },
        quality: { threshold: 6.5, maxAttempts: 4 },
        updatedAt: at(7),
      });
      await storage().createSession(session);
      expect(await storage().getSession(session.ownerId, session.id)).toEqual(session);
    });

    it('returns a session stored without pinned quality settings with none', async () => {
      const session = makeSession({ quality: null });
      await storage().createSession(session);
      expect((await storage().getSession(session.ownerId, session.id))?.quality).toBeNull();
    });

    it('returns a completed session with its result', async () => {
      const session = makeSession({
        status: 'completed',
        currentStageId: null,
        pending: null,
        result: { charter: { title: 'Churn', stages: 5 }, approved: true },
        stages: [makeStage({ status: 'completed', completedAt: at(3) })],
      });
      await storage().createSession(session);
      expect(await storage().getSession(session.ownerId, session.id)).toEqual(session);
    });

    it('returns null for a session that does not exist', async () => {
      expect(await storage().getSession(newId(), newId())).toBeNull();
    });

    it('keeps its own copy: mutating what went in or came out changes nothing stored', async () => {
      const session = makeSession();
      const original = structuredClone(session);
      await storage().createSession(session);
      session.title = 'changed after create';
      session.stages[0]!.status = 'completed';

      const read = (await storage().getSession(original.ownerId, original.id))!;
      read.title = 'changed after read';
      read.stages[1]!.gapAsked = true;
      read.pending!.issues.push('injected');
      read.usage.calls = 99;

      expect(await storage().getSession(original.ownerId, original.id)).toEqual(original);
    });

    it('deletes a session and everything hanging off it; false the second time', async () => {
      const { session, leaseId } = await createClaimed(storage());
      const { ownerId, id } = session;
      expect(await storage().commitTurn(ownerId, id, makeCommit(session, leaseId))).toBe(true);
      await storage().recordUsage(ownerId, id, [makeCall(id, { createdAt: at(30) })]);
      expect(await storage().listTurns(ownerId, id)).toHaveLength(1);
      expect(await storage().listUsage(ownerId, id)).toHaveLength(2);

      expect(await storage().deleteSession(ownerId, id)).toBe(true);

      expect(await storage().getSession(ownerId, id)).toBeNull();
      expect((await storage().listSessions(ownerId, { limit: 10 })).items).toEqual([]);
      expect(await storage().listTurns(ownerId, id)).toEqual([]);
      expect(await storage().listUsage(ownerId, id)).toEqual([]);
      const claim = makeClaim({ ...session, version: 1 }, { now: at(100), expiresAt: at(160) });
      expect(await storage().claimQuestion(ownerId, id, claim)).toBe('not_found');
      const late = makeCommit({ ...session, version: 1 }, claim.leaseId);
      expect(await storage().commitTurn(ownerId, id, late)).toBe(false);
      await storage().recordUsage(ownerId, id, [makeCall(id)]);
      await storage().releaseClaim(ownerId, id, claim.leaseId);
      expect(await storage().listUsage(ownerId, id)).toEqual([]);
      expect(await storage().listTurns(ownerId, id)).toEqual([]);
      expect(await storage().getSession(ownerId, id)).toBeNull();
      expect(await storage().deleteSession(ownerId, id)).toBe(false);
    });

    it("deleting one session leaves the owner's other sessions alone", async () => {
      const kept = makeSession();
      const doomed = makeSession({ ownerId: kept.ownerId, createdAt: at(1) });
      await storage().createSession(kept);
      await storage().createSession(doomed);
      expect(await storage().deleteSession(kept.ownerId, doomed.id)).toBe(true);
      expect(await storage().getSession(kept.ownerId, kept.id)).toEqual(kept);
      const page = await storage().listSessions(kept.ownerId, { limit: 10 });
      expect(page).toEqual({ items: [summary(kept)], nextCursor: null });
    });
  });

  describe('listing sessions', () => {
    async function createMany(ownerId: string, createdAts: string[]): Promise<SessionRecord[]> {
      const sessions = createdAts.map((createdAt, index) =>
        makeSession({ ownerId, createdAt, updatedAt: createdAt, title: `Idea ${index}` }),
      );
      for (const session of sessions) await storage().createSession(session);
      return sessions.sort(newestFirst);
    }

    it('lists summaries newest first', async () => {
      const ownerId = newId();
      const sessions = await createMany(ownerId, [at(10), at(30), at(20)]);
      const page = await storage().listSessions(ownerId, { limit: 10 });
      expect(page.items.map((item) => item.createdAt)).toEqual([at(30), at(20), at(10)]);
      expect(page).toEqual({
        items: sessions.map((session) => summary(session)),
        nextCursor: null,
      });
    });

    it('pages through sessions in order, ties by larger id, without gaps or duplicates', async () => {
      const ownerId = newId();
      // Created out of order; the two at(25) fall on both sides of a page boundary.
      const expected = await createMany(ownerId, [
        at(20),
        at(50),
        at(25),
        at(10),
        at(40),
        at(25),
        at(30),
      ]);
      const pages = await allPages(storage, ownerId, 2);
      expect(pages.map((page) => page.ids.length)).toEqual([2, 2, 2, 1]);
      expect(pages.flatMap((page) => page.ids)).toEqual(expected.map((session) => session.id));
      expect(pages.map((page) => page.nextCursor === null)).toEqual([false, false, false, true]);
    });

    it('ends with a null cursor when the last page is exactly full', async () => {
      const ownerId = newId();
      const expected = (await createMany(ownerId, [at(1), at(2), at(3), at(4)])).map((s) => s.id);
      const pages = await allPages(storage, ownerId, 2);
      expect(pages).toEqual([
        { ids: expected.slice(0, 2), nextCursor: expect.any(String) },
        { ids: expected.slice(2), nextCursor: null },
      ]);
      expect(await allPages(storage, ownerId, 4)).toEqual([{ ids: expected, nextCursor: null }]);
      expect(await allPages(storage, ownerId, 5)).toEqual([{ ids: expected, nextCursor: null }]);
    });

    it("lists a completed session's outcome: the string `outcome` of its result", async () => {
      const ownerId = newId();
      const [decided, plain, odd] = [
        { outcome: 'Revise', notes: ['x'] },
        { score: 3 },
        { outcome: 7 },
      ].map((result, index) =>
        makeSession({
          ownerId,
          createdAt: at(10 - index),
          status: 'completed',
          currentStageId: null,
          pending: null,
          result,
        }),
      );
      for (const session of [decided!, plain!, odd!]) await storage().createSession(session);
      const page = await storage().listSessions(ownerId, { limit: 10 });
      expect(page.items).toEqual([summary(decided!, 'Revise'), summary(plain!), summary(odd!)]);
    });

    it('lists nothing for an owner without sessions', async () => {
      expect(await storage().listSessions(newId(), { limit: 5 })).toEqual({
        items: [],
        nextCursor: null,
      });
    });

    it('continues after a cursor whose session was deleted meanwhile', async () => {
      const ownerId = newId();
      const expected = await createMany(ownerId, [at(1), at(2), at(3), at(4), at(5)]);
      const first = await storage().listSessions(ownerId, { limit: 2 });
      expect(await storage().deleteSession(ownerId, expected[1]!.id)).toBe(true);
      const second = await storage().listSessions(ownerId, { limit: 2, cursor: first.nextCursor });
      expect(second.items.map((item) => item.id)).toEqual([expected[2]!.id, expected[3]!.id]);
    });

    it('rejects a garbled cursor with validation_failed', async () => {
      const ownerId = newId();
      await createMany(ownerId, [at(1)]);
      await expectUaipError(
        storage().listSessions(ownerId, { limit: 2, cursor: 'garbled!' }),
        'validation_failed',
      );
      await expectUaipError(
        storage().listSessions(ownerId, { limit: 2, cursor: 'bm9wZQ' }),
        'validation_failed',
      );
    });
  });

  describe('users', () => {
    it('creates a user and finds it by id and by email in any case', async () => {
      const user = makeUser();
      await storage().createUser(user);
      expect(await storage().getUser(user.id)).toEqual(user);
      expect(await storage().findUserByEmail(user.email)).toEqual(user);
      expect(await storage().findUserByEmail(user.email.toUpperCase())).toEqual(user);
      expect(await storage().findUserByEmail(`${newId()}@example.com`)).toBeNull();
      expect(await storage().getUser(newId())).toBeNull();
    });

    it('refuses an email already registered in another case with conflict', async () => {
      const user = makeUser();
      await storage().createUser(user);
      const twin = makeUser({ email: user.email.toUpperCase() });
      let caught: unknown;
      try {
        await storage().createUser(twin);
      } catch (error) {
        caught = error;
      }
      expect(UaipError.isInstance(caught) && caught.code === 'conflict').toBe(true);
      expect(await storage().getUser(twin.id)).toBeNull();
      expect(await storage().findUserByEmail(user.email)).toEqual(user);
    });

    it('updates the password hash and the token version, each on its own', async () => {
      const user = makeUser();
      await storage().createUser(user);
      expect(await storage().updateUser(user.id, { passwordHash: 'new-hash' })).toBe(true);
      expect(await storage().getUser(user.id)).toEqual({ ...user, passwordHash: 'new-hash' });
      expect(await storage().updateUser(user.id, { tokenVersion: 4 })).toBe(true);
      const updated = { ...user, passwordHash: 'new-hash', tokenVersion: 4 };
      expect(await storage().getUser(user.id)).toEqual(updated);
      expect(await storage().findUserByEmail(user.email)).toEqual(updated);
    });

    it('says false when updating a user that does not exist', async () => {
      const id = newId();
      expect(await storage().updateUser(id, { tokenVersion: 1 })).toBe(false);
      expect(await storage().getUser(id)).toBeNull();
    });

    it('hands out copies of users', async () => {
      const user = makeUser();
      await storage().createUser(user);
      const read = (await storage().getUser(user.id))!;
      read.tokenVersion = 7;
      const found = (await storage().findUserByEmail(user.email))!;
      found.passwordHash = 'tampered';
      expect(await storage().getUser(user.id)).toEqual(user);
    });
  });
}
