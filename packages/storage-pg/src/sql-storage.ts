import type { Storage } from '@uaip/core';
import { OUTBOX_RETENTION_MS, UaipError } from '@uaip/core';
import type { Database } from './database';
import { toInputError, unavailable } from './errors';
import * as history from './history-sql';
import * as idempotency from './idempotency-sql';
import { importSession } from './import-sql';
import * as members from './members-sql';
import * as outbox from './outbox-sql';
import * as reviews from './reviews-sql';
import * as sessions from './sessions-sql';
import * as turns from './turns-sql';
import * as usage from './usage-sql';
import * as users from './users-sql';

/**
 * The {@link Storage} over any migrated {@link Database}: the one SQL implementation behind
 * both `createPgStorage` and `createEmbeddedStorage`. Every statement that reads or writes a
 * user's data filters by the owner's id, and a turn's writes are deltas (one session row
 * updated, rows appended), so a turn costs the same at turn 100 as at turn 1.
 *
 * @example
 * ```ts
 * // A database opened and migrated by the host, e.g. to share its pool.
 * const db = pgDatabase({ pool });
 * await runMigrations(db);
 * const storage = createSqlStorage(db);
 * ```
 */
export function createSqlStorage(db: Database): Storage {
  const storage: Storage = {
    async ping() {
      try {
        await db.query('select 1', [], { name: 'uaip_ping' });
      } catch (error) {
        // Whatever stops a bare select from answering means the storage cannot serve now.
        throw UaipError.isInstance(error) ? error : unavailable(error);
      }
    },
    createSession: (session) => sessions.createSession(db, session),
    importSession: (session, content) => importSession(db, session, content),
    getSession: (ownerId, sessionId) => sessions.getSession(db, ownerId, sessionId),
    listSessions: (ownerId, page) => sessions.listSessions(db, ownerId, page),
    deleteSession: (ownerId, sessionId) => sessions.deleteSession(db, ownerId, sessionId),
    claimQuestion: (ownerId, sessionId, claim) =>
      turns.claimQuestion(db, ownerId, sessionId, claim),
    claimSession: (ownerId, sessionId, claim) =>
      sessions.claimSession(db, ownerId, sessionId, claim),
    claimRevision: (ownerId, sessionId, claim) =>
      turns.claimRevision(db, ownerId, sessionId, claim),
    releaseClaim: (ownerId, sessionId, leaseId) =>
      turns.releaseClaim(db, ownerId, sessionId, leaseId),
    renewClaim: (ownerId, sessionId, renewal) => turns.renewClaim(db, ownerId, sessionId, renewal),
    commitTurn: (ownerId, sessionId, commit) => turns.commitTurn(db, ownerId, sessionId, commit),
    listTurns: (ownerId, sessionId, stageId) => turns.listTurns(db, ownerId, sessionId, stageId),
    listHistory: (ownerId, sessionId) => history.listHistory(db, ownerId, sessionId),
    accessOf: (userId, sessionId) => members.accessOf(db, userId, sessionId),
    putMember: (ownerId, sessionId, member) => members.putMember(db, ownerId, sessionId, member),
    removeMember: (ownerId, sessionId, userId) =>
      members.removeMember(db, ownerId, sessionId, userId),
    listMembers: (ownerId, sessionId) => members.listMembers(db, ownerId, sessionId),
    listSharedSessions: (userId, page) => members.listSharedSessions(db, userId, page),
    getReview: (ownerId, sessionId) => reviews.getReview(db, ownerId, sessionId),
    saveReview: (ownerId, sessionId, review, expectedVersion, messages) =>
      reviews.saveReview(db, ownerId, sessionId, review, expectedVersion, messages),
    listReviewsFor: (userId, page) => reviews.listReviewsFor(db, userId, page),
    recordUsage: (ownerId, sessionId, calls) => usage.recordUsage(db, ownerId, sessionId, calls),
    listUsage: (ownerId, sessionId) => usage.listUsage(db, ownerId, sessionId),
    spentSince: (ownerId, since) => usage.spentSince(db, ownerId, since),
    beginIdempotent: (ownerId, start) => idempotency.beginIdempotent(db, ownerId, start),
    abandonIdempotent: (ownerId, key) => idempotency.abandonIdempotent(db, ownerId, key),
    sweep: async (now) =>
      (await idempotency.sweep(db, now)) + (await outbox.pruneOutbox(db, now, OUTBOX_RETENTION_MS)),
    claimOutbox: (claim) => outbox.claimOutbox(db, claim),
    recordDelivery: (messageId, leaseId, attempt, outcome) =>
      outbox.recordDelivery(db, messageId, leaseId, attempt, outcome),
    listOutbox: (ownerId, sessionId) => outbox.listOutbox(db, ownerId, sessionId),
    createUser: (user) => users.createUser(db, user),
    findUserByEmail: (email) => users.findUserByEmail(db, email),
    getUser: (userId) => users.getUser(db, userId),
    updateUser: (userId, patch) => users.updateUser(db, userId, patch),
  };
  return withInputErrors(storage);
}

// Text PostgreSQL cannot hold (a NUL character) is the caller's input problem on any method.
function withInputErrors(storage: Storage): Storage {
  const wrapped = {} as Record<string, unknown>;
  for (const [name, method] of Object.entries(storage)) {
    wrapped[name] = async (...args: unknown[]) => {
      try {
        return await (method as (...args: unknown[]) => Promise<unknown>)(...args);
      } catch (error) {
        throw toInputError(error);
      }
    };
  }
  return wrapped as unknown as Storage;
}
