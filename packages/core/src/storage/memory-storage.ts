import rfdc from 'rfdc';
import { UaipError } from '../errors';
import { checkMemberPut } from './check-member-put';
import { createMemoryOutbox } from './memory-outbox';
import { checkReviewSave, reviewsPage, saveReviewOn } from './memory-reviews';
import { newestFirstPage } from './newest-first-page';
import { OUTBOX_RETENTION_MS } from './outbox-types';
import type {
  ClaimResult,
  HistoryRecord,
  LlmCallRecord,
  MemberRecord,
  ReviewRecord,
  SessionClaim,
  SessionRecord,
  SessionSummary,
  SharedSessionSummary,
  Storage,
  TurnRecord,
  UserRecord,
} from './types';
import { addToTotals } from './usage-totals';

// Records are plain JSON data. rfdc copies them about six times faster than structuredClone,
// which was the largest single cost of a turn in memory (docs/benchmarks.md).
const copy = rfdc();

/** A session as kept here: the transcript and ledger live beside the record, never inside it. */
interface SessionEntry {
  record: SessionRecord;
  turns: TurnRecord[];
  calls: LlmCallRecord[];
  history: HistoryRecord[];
  /** By user id; a Map keeps the order members were first added in, whatever changes after. */
  members: Map<string, MemberRecord>;
  /** The committee review, once one was requested. */
  review: ReviewRecord | null;
}

interface IdempotencyEntry {
  requestHash: string;
  completed: boolean;
  response: unknown;
  lockedUntil: number;
  expiresAt: number;
}

// How much spending is kept per owner: the daily budget asks for today's at most.
const SPENDING_WINDOW_MS = 2 * 24 * 60 * 60 * 1000;
// A call recorded out of order (a failed turn's attempts after a later turn's) is this much
// older than its neighbours at most: a turn is bounded by its LLM deadlines.
const LATE_CALL_MS = 60 * 60 * 1000;
const KEY_SWEEP_INTERVAL_MS = 60 * 1000;

/** One priced call in an owner's spending ledger. */
interface Spend {
  at: number;
  costUsd: number;
}

/**
 * The reference {@link Storage}, kept in process memory: for tests, demos and embedding where
 * nothing has to outlive the process. It stores copies and hands out copies, so a caller can
 * never change stored state by mutating an object. A turn costs the same however long the
 * session is: the transcript is appended to, never copied or rewritten.
 *
 * Spending is kept in a per-owner ledger apart from the sessions: deleting a session removes
 * its calls from `listUsage` but they still count in `spentSince`, so deleting sessions does
 * not reset a user's budget.
 *
 * @example
 * ```ts
 * const storage = createMemoryStorage();
 * const orchestrator = createOrchestrator({ storage, llm, workflows });
 * // Or drive it directly: another owner's session reads as missing.
 * await storage.getSession('someone-else', sessionId); // null
 * ```
 */
export function createMemoryStorage(): Storage {
  const sessions = new Map<string, SessionEntry>();
  const users = new Map<string, UserRecord>();
  const userIdsByEmail = new Map<string, string>();
  const idempotency = new Map<string, IdempotencyEntry>();
  const spending = new Map<string, Spend[]>();
  const outbox = createMemoryOutbox(copy);

  // Another owner's session must look exactly like a missing one, so every lookup goes here.
  function owned(ownerId: string, sessionId: string): SessionEntry | undefined {
    const entry = sessions.get(sessionId);
    return entry?.record.ownerId === ownerId ? entry : undefined;
  }

  // Takes calls already copied, so the caller's objects never become stored state. Imported
  // calls do not come here: the imported record's totals count them, and nobody here paid.
  function addCalls(entry: SessionEntry, calls: LlmCallRecord[]): void {
    const usage = entry.record.usage;
    let ledger = spending.get(entry.record.ownerId);
    if (!ledger) {
      ledger = [];
      spending.set(entry.record.ownerId, ledger);
    }
    for (const call of calls) {
      entry.calls.push(call);
      addToTotals(usage, call);
      if (call.costUsd !== null) {
        ledger.push({ at: Date.parse(call.createdAt), costUsd: call.costUsd });
      }
    }
    // Budgets look back one UTC day at most: keep two days of spending, not all of it.
    const newest = ledger.at(-1)?.at ?? 0;
    let old = 0;
    while (old < ledger.length && ledger[old]!.at < newest - SPENDING_WINDOW_MS) old++;
    if (old > 0) ledger.splice(0, old);
  }

  // Expired idempotency keys go on `sweep`, and at most once a minute as keyed requests come
  // (judged by their clock), so a host that never schedules a sweep is still bounded.
  let sweptAt = Number.NEGATIVE_INFINITY;
  function sweepKeys(now: number): number {
    sweptAt = now;
    let swept = 0;
    for (const [key, entry] of idempotency) {
      if (entry.expiresAt <= now) {
        idempotency.delete(key);
        swept += 1;
      }
    }
    return swept;
  }

  return {
    async ping() {},
    async createSession(session) {
      if (sessions.has(session.id)) throw new UaipError('conflict', 'Session already exists');
      const record = copy(session);
      sessions.set(session.id, {
        record,
        turns: [],
        calls: [],
        history: [],
        members: new Map(),
        review: null,
      });
    },

    async importSession(session, content) {
      if (sessions.has(session.id)) throw new UaipError('conflict', 'Session already exists');
      const { turns, history, calls } = copy(content);
      const sessionId = session.id;
      const entry: SessionEntry = {
        record: copy(session),
        turns,
        calls: [],
        history: history.map((record) => ({ ...record, sessionId })),
        members: new Map(),
        review: null,
      };
      // Its totals come with the record, and the importer spent nothing on its calls.
      entry.calls.push(...calls.map((call) => ({ ...call, sessionId })));
      sessions.set(sessionId, entry);
    },

    async getSession(ownerId, sessionId) {
      const entry = owned(ownerId, sessionId);
      return entry ? copy(entry.record) : null;
    },

    async listSessions(ownerId, page) {
      const own: SessionRecord[] = [];
      for (const { record } of sessions.values()) if (record.ownerId === ownerId) own.push(record);
      return newestFirstPage(own, page, toSummary);
    },

    async deleteSession(ownerId, sessionId) {
      // The members and the review go with the entry: a member's access ends with the session.
      if (!owned(ownerId, sessionId)) return false;
      sessions.delete(sessionId);
      return true;
    },

    async claimQuestion(ownerId, sessionId, claim) {
      const record = owned(ownerId, sessionId)?.record;
      if (!record) return 'not_found';
      return record.version === claim.version ? claimRecord(record, claim) : 'stale';
    },

    async claimSession(ownerId, sessionId, claim) {
      const record = owned(ownerId, sessionId)?.record;
      if (!record) return { result: 'not_found', session: null };
      const result = claimRecord(record, claim);
      return { result, session: copy(record) };
    },

    async claimRevision(ownerId, sessionId, claim) {
      const record = owned(ownerId, sessionId)?.record;
      if (!record) return 'not_found';
      if (record.version !== claim.version) return 'stale';
      if (record.lease && Date.parse(record.lease.expiresAt) > Date.parse(claim.now)) return 'busy';
      record.lease = { id: claim.leaseId, expiresAt: claim.expiresAt };
      return 'claimed';
    },

    async releaseClaim(ownerId, sessionId, leaseId) {
      const record = owned(ownerId, sessionId)?.record;
      if (record?.lease?.id === leaseId) record.lease = null;
    },

    async renewClaim(ownerId, sessionId, renewal) {
      const record = owned(ownerId, sessionId)?.record;
      if (record?.lease?.id !== renewal.leaseId) return false;
      record.lease = { id: renewal.leaseId, expiresAt: renewal.expiresAt };
      if (renewal.idempotency) {
        const entry = idempotency.get(idempotencyKey(ownerId, renewal.idempotency.key));
        if (entry && !entry.completed)
          entry.lockedUntil = Date.parse(renewal.idempotency.lockedUntil);
      }
      return true;
    },

    async commitTurn(ownerId, sessionId, commit) {
      const entry = owned(ownerId, sessionId);
      if (!entry) return false;
      const record = entry.record;
      if (record.version !== commit.expectedVersion || record.lease?.id !== commit.leaseId) {
        return false;
      }
      // Copy before the first write, so the caller's objects never become stored state.
      const { session, stages, turn, calls, history, idempotency: keyed } = copy(commit);
      if (commit.outbox) outbox.add(copy(commit.outbox));

      record.status = session.status;
      record.currentStageId = session.currentStageId;
      record.pending = session.pending;
      record.result = session.result;
      record.revision = session.revision;
      record.updatedAt = session.updatedAt;
      for (const stage of stages) {
        const index = record.stages.findIndex((s) => s.stageId === stage.stageId);
        if (index === -1) record.stages.push(stage);
        else record.stages[index] = stage;
      }
      record.version += 1;
      record.lease = null;
      entry.turns.push(turn);
      if (history) entry.history.push(...history);
      addCalls(entry, calls);

      if (keyed) {
        const key = idempotencyKey(ownerId, keyed.key);
        idempotency.set(key, {
          requestHash: keyed.requestHash,
          completed: true,
          response: keyed.response,
          lockedUntil: Number.NEGATIVE_INFINITY,
          expiresAt: Date.parse(keyed.expiresAt),
        });
      }
      return true;
    },

    async listTurns(ownerId, sessionId, stageId) {
      const turns = owned(ownerId, sessionId)?.turns ?? [];
      const chosen = stageId === undefined ? turns : turns.filter((t) => t.stageId === stageId);
      return copy(chosen);
    },

    async listHistory(ownerId, sessionId) {
      return copy(owned(ownerId, sessionId)?.history ?? []);
    },

    async accessOf(userId, sessionId) {
      const entry = sessions.get(sessionId);
      if (!entry) return null;
      const { ownerId } = entry.record;
      if (ownerId === userId) return { ownerId, role: 'owner' };
      const member = entry.members.get(userId);
      return member ? { ownerId, role: member.role } : null;
    },

    async putMember(ownerId, sessionId, member) {
      checkMemberPut(ownerId, member);
      const members = owned(ownerId, sessionId)?.members;
      if (!members) return false;
      const existing = members.get(member.userId);
      if (!existing && member.onlyIfMember) return false;
      if (existing) {
        existing.role = member.role;
        existing.updatedAt = member.at;
      } else {
        const { userId, role, addedBy, at } = member;
        members.set(userId, { userId, role, addedBy, createdAt: at, updatedAt: at });
      }
      return true;
    },

    async removeMember(ownerId, sessionId, userId) {
      return owned(ownerId, sessionId)?.members.delete(userId) ?? false;
    },

    async listMembers(ownerId, sessionId) {
      return copy([...(owned(ownerId, sessionId)?.members.values() ?? [])]);
    },

    async listSharedSessions(userId, page) {
      const shared: SharedSessionSummary[] = [];
      for (const { record, members } of sessions.values()) {
        const role = members.get(userId)?.role;
        if (role) shared.push({ ...toSummary(record), ownerId: record.ownerId, role });
      }
      return newestFirstPage(shared, page, (summary) => summary);
    },

    async getReview(ownerId, sessionId) {
      const review = owned(ownerId, sessionId)?.review;
      return review ? copy(review) : null;
    },

    async saveReview(ownerId, sessionId, review, expectedVersion, messages) {
      checkReviewSave(sessionId, review);
      const saved = saveReviewOn(owned(ownerId, sessionId), copy(review), expectedVersion);
      if (saved && messages) outbox.add(copy(messages));
      return saved;
    },

    async claimOutbox(claim) {
      return outbox.claim(claim);
    },

    async recordDelivery(messageId, leaseId, attempt, outcome) {
      return outbox.record(messageId, leaseId, attempt, outcome);
    },

    async listOutbox(ownerId, sessionId) {
      return outbox.list(ownerId, sessionId);
    },

    async listReviewsFor(userId, page) {
      return reviewsPage(sessions.values(), userId, page, toSummary);
    },

    async recordUsage(ownerId, sessionId, calls) {
      const entry = owned(ownerId, sessionId);
      // A failed turn's calls for a session deleted (or never owned) meanwhile have nowhere to go.
      if (entry) addCalls(entry, copy(calls));
    },

    async listUsage(ownerId, sessionId) {
      return copy(owned(ownerId, sessionId)?.calls ?? []);
    },

    async spentSince(ownerId, since) {
      const from = Date.parse(since);
      let total = 0;
      // Newest last (calls arrive in time order, give or take a turn): read back from the end.
      const ledger = spending.get(ownerId) ?? [];
      for (let index = ledger.length - 1; index >= 0; index--) {
        const spend = ledger[index]!;
        if (spend.at >= from) total += spend.costUsd;
        else if (spend.at < from - LATE_CALL_MS) break;
      }
      return total;
    },

    async beginIdempotent(ownerId, start) {
      const key = idempotencyKey(ownerId, start.key);
      const now = Date.parse(start.now);
      if (now - sweptAt >= KEY_SWEEP_INTERVAL_MS) sweepKeys(now);
      const existing = idempotency.get(key);
      const absent =
        !existing ||
        existing.expiresAt <= now ||
        (!existing.completed && existing.lockedUntil <= now);
      if (absent) {
        idempotency.set(key, {
          requestHash: start.requestHash,
          completed: false,
          response: null,
          lockedUntil: Date.parse(start.lockedUntil),
          expiresAt: Date.parse(start.expiresAt),
        });
        return { status: 'started' };
      }
      if (existing.requestHash !== start.requestHash) return { status: 'mismatch' };
      if (!existing.completed) return { status: 'in_flight' };
      return { status: 'completed', response: copy(existing.response) };
    },

    async sweep(now) {
      const at = Date.parse(now);
      return sweepKeys(at) + outbox.prune(at - OUTBOX_RETENTION_MS);
    },

    async abandonIdempotent(ownerId, key) {
      const id = idempotencyKey(ownerId, key);
      if (idempotency.get(id)?.completed === false) idempotency.delete(id);
    },

    async createUser(user) {
      const email = user.email.toLowerCase();
      if (userIdsByEmail.has(email)) throw new UaipError('conflict', 'Email already registered');
      if (users.has(user.id)) throw new UaipError('conflict', 'User already exists');
      users.set(user.id, copy(user));
      userIdsByEmail.set(email, user.id);
    },

    async findUserByEmail(email) {
      const id = userIdsByEmail.get(email.toLowerCase());
      const user = id === undefined ? undefined : users.get(id);
      return user ? copy(user) : null;
    },

    async getUser(userId) {
      const user = users.get(userId);
      return user ? copy(user) : null;
    },

    async updateUser(userId, patch) {
      const user = users.get(userId);
      if (!user) return false;
      if (patch.passwordHash !== undefined) user.passwordHash = patch.passwordHash;
      if (patch.tokenVersion !== undefined) user.tokenVersion = patch.tokenVersion;
      return true;
    },
  };
}

// JSON of the pair keeps `a:b` + `c` and `a` + `b:c` apart, whatever the characters.
function idempotencyKey(ownerId: string, key: string): string {
  return JSON.stringify([ownerId, key]);
}

function toSummary(record: SessionRecord): SessionSummary {
  const { id, workflowId, title, status, currentStageId, createdAt, updatedAt } = record;
  return {
    id,
    workflowId,
    title,
    status,
    currentStageId,
    outcome: outcomeOf(record.result),
    createdAt,
    updatedAt,
  };
}

/** The string `outcome` of a workflow's result, if it has one. */
function outcomeOf(result: unknown): string | null {
  const outcome = (result as { outcome?: unknown } | null)?.outcome;
  return typeof outcome === 'string' ? outcome : null;
}

/** Takes the lease on a session waiting on `questionId` when no unexpired lease is held. */
function claimRecord(record: SessionRecord, claim: SessionClaim): ClaimResult {
  if (record.status !== 'active' || record.pending?.id !== claim.questionId) return 'stale';
  if (record.lease && Date.parse(record.lease.expiresAt) > Date.parse(claim.now)) return 'busy';
  record.lease = { id: claim.leaseId, expiresAt: claim.expiresAt };
  return 'claimed';
}
