import type {
  ClaimResult,
  LeaseRenewal,
  QuestionClaim,
  RevisionClaim,
  StageRecord,
  TurnCommit,
  TurnRecord,
} from '@uaip/core';
import type { Queryable } from './database';
import { historyInsertSql, historyRows } from './history-sql';
import { idempotencyUpsertSql } from './idempotency-sql';
import { outboxInsertSql, outboxRows } from './outbox-sql';
import { STAGE_COLUMNS, stageRow } from './sessions-sql';
import { columnList, iso, jsonParam, num } from './sql-values';
import { callRows, callsSql } from './usage-sql';

/** The columns a `turns` row is inserted with (`seq` numbers them in commit order). */
export const TURN_COLUMNS = [
  'session_id',
  'id',
  'owner_id',
  'stage_id',
  'topic_id',
  'question_id',
  'kind',
  'question',
  'answer',
  'revises_turn_id',
  'attempt',
  'score',
  'issues',
  'escalated',
  'accepted',
  'provider',
  'model',
  'prompt_version',
  'created_at',
] as const;

type TurnRow = Record<(typeof TURN_COLUMNS)[number], unknown>;

// One conditional update takes the lease: the row lock makes concurrent claims queue, and each
// re-checks the condition on the row the previous one left, so exactly one wins.
const CLAIM_SQL = `
update sessions set lease_id = $3, lease_expires_at = $4::timestamptz
where id = $2 and owner_id = $1 and status = 'active' and version = $5
  and pending->>'id' = $6 and (lease_id is null or lease_expires_at <= $7::timestamptz)
returning version`;

// A revision's claim: the session at this version, active or completed, with no live lease.
// One statement: the update takes the lease (its row lock queues concurrent claims, each
// re-checking the row the previous one left), and the select reads the version from the
// statement's snapshot to say why a refused claim took nothing. A claim that waited for
// another writer re-checks that writer's row, so one refused at the snapshot's version lost to
// a claim made meanwhile (busy); a turn committed meanwhile under an expired lease also reads
// as busy rather than stale (a rare race; both refuse the revision).
const CLAIM_REVISION_SQL = `
with claimed as (
  update sessions set lease_id = $3, lease_expires_at = $4::timestamptz
  where id = $2 and owner_id = $1 and version = $5
    and (lease_id is null or lease_expires_at <= $6::timestamptz)
  returning version
)
select s.version, exists (select from claimed) as claimed
from sessions s
where s.id = $2 and s.owner_id = $1`;

// Only read when the claim took nothing, to say why.
const WHY_NOT_SQL = `
select status, version, pending->>'id' as question_id from sessions
where id = $2 and owner_id = $1`;

const RELEASE_SQL = `
update sessions set lease_id = null, lease_expires_at = null
where id = $2 and owner_id = $1 and lease_id = $3`;

const COMMIT_CALLS = callsSql('$12');
const COMMIT_HISTORY = historyInsertSql('committed', '$15');

// The stage rows a turn sends, as `stage_results` columns. A stage the session did not have
// yet goes after the existing ones (on conflict, an existing stage keeps its place).
const STAGE_SELECT = STAGE_COLUMNS.map((column) =>
  column === 'position'
    ? '(select coalesce(max(position), -1) from stage_results where session_id = $2) + r.ordinality::int'
    : `r.${column}`,
).join(', ');

// A whole turn in one statement, so one round trip and one WAL flush, and atomic like any
// statement. The fenced update of the session row comes first; every insert is joined to its
// result, so when the version or the lease does not match, nothing at all is written. Each
// part is a delta: one session row, the changed stage rows, one turn, the new calls, the new
// history rows, one key, the webhooks the turn announces (the outbox, written with it).
const COMMIT_SQL = `
with ${COMMIT_CALLS.ctes},
committed as (
  update sessions set
    status = $5, current_stage_id = $6, pending = $7::jsonb, result = $8::jsonb,
    revision = $14::jsonb, updated_at = $9::timestamptz, version = version + 1, lease_id = null, lease_expires_at = null,
    ${COMMIT_CALLS.addTotals}
  from totals
  where sessions.id = $2 and sessions.owner_id = $1 and sessions.version = $3
    and sessions.lease_id = $4
  returning sessions.id
),
stages as (
  insert into stage_results (${columnList(STAGE_COLUMNS)})
  select ${STAGE_SELECT}
  from committed cross join jsonb_populate_recordset(null::stage_results, $10::jsonb) with ordinality r
  on conflict (session_id, stage_id) do update set
    status = excluded.status, artifact = excluded.artifact, gate = excluded.gate,
    gap_asked = excluded.gap_asked, completed_at = excluded.completed_at
),
turn as (
  insert into turns (${columnList(TURN_COLUMNS)})
  select ${columnList(TURN_COLUMNS, 't')}
  from committed cross join jsonb_populate_record(null::turns, $11::jsonb) t
),
ledger as (
  ${COMMIT_CALLS.insert('committed')}
),
history as (
  ${COMMIT_HISTORY}
),
keyed as (
  ${idempotencyUpsertSql('committed', '$13')}
),
outbox as (
  ${outboxInsertSql('committed', '$16')}
)
select count(*)::int as committed from committed`;

const LIST_SQL = `
select ${columnList(TURN_COLUMNS)} from turns
where owner_id = $1 and session_id = $2 and ($3::text is null or stage_id = $3)
order by seq`;

export async function claimQuestion(
  db: Queryable,
  ownerId: string,
  sessionId: string,
  claim: QuestionClaim,
): Promise<ClaimResult> {
  const { rows } = await db.query(
    CLAIM_SQL,
    [
      ownerId,
      sessionId,
      claim.leaseId,
      claim.expiresAt,
      claim.version,
      claim.questionId,
      claim.now,
    ],
    { name: 'uaip_claim' },
  );
  if (rows.length > 0) return 'claimed';
  const why = await db.query<{ status: string; version: unknown; question_id: string | null }>(
    WHY_NOT_SQL,
    [ownerId, sessionId],
    { name: 'uaip_claim_refused' },
  );
  const row = why.rows[0];
  if (!row) return 'not_found';
  const moved =
    row.status !== 'active' ||
    num(row.version) !== claim.version ||
    row.question_id !== claim.questionId;
  // The session still waits on this question at this version, so a lease is what stopped it.
  return moved ? 'stale' : 'busy';
}

/** `Storage.claimRevision`: see CLAIM_REVISION_SQL. */
export async function claimRevision(
  db: Queryable,
  ownerId: string,
  sessionId: string,
  claim: RevisionClaim,
): Promise<ClaimResult> {
  const { rows } = await db.query<{ version: unknown; claimed: boolean }>(
    CLAIM_REVISION_SQL,
    [ownerId, sessionId, claim.leaseId, claim.expiresAt, claim.version, claim.now],
    { name: 'uaip_claim_revision' },
  );
  const row = rows[0];
  if (!row) return 'not_found';
  if (row.claimed) return 'claimed';
  return num(row.version) === claim.version ? 'busy' : 'stale';
}

export async function releaseClaim(
  db: Queryable,
  ownerId: string,
  sessionId: string,
  leaseId: string,
): Promise<void> {
  await db.query(RELEASE_SQL, [ownerId, sessionId, leaseId], { name: 'uaip_release' });
}

// A turn's heartbeat: the lease's new end, and the keyed request's lock with it, in one
// statement; nothing changes when the lease is no longer this turn's.
const RENEW_SQL = `
with renewed as (
  update sessions set lease_expires_at = $4::timestamptz
  where owner_id = $1 and id = $2 and lease_id = $3
  returning id
),
keyed as (
  update idempotency_keys set locked_until = $6::timestamptz
  from renewed
  where $5::text is not null and owner_id = $1 and key = $5 and not completed
)
select count(*)::int as renewed from renewed`;

export async function renewClaim(
  db: Queryable,
  ownerId: string,
  sessionId: string,
  renewal: LeaseRenewal,
): Promise<boolean> {
  const { rows } = await db.query<{ renewed: number }>(
    RENEW_SQL,
    [
      ownerId,
      sessionId,
      renewal.leaseId,
      renewal.expiresAt,
      renewal.idempotency?.key ?? null,
      renewal.idempotency?.lockedUntil ?? null,
    ],
    { name: 'uaip_renew' },
  );
  return rows[0]?.renewed === 1;
}

export async function commitTurn(
  db: Queryable,
  ownerId: string,
  sessionId: string,
  commit: TurnCommit,
): Promise<boolean> {
  const { session, turn, idempotency } = commit;
  // Position 0 is a placeholder: the statement places new stages after the existing ones.
  const stages = latestPerStage(commit.stages).map((stage) =>
    stageRow(sessionId, ownerId, 0, stage),
  );
  const keyed = idempotency && {
    owner_id: ownerId,
    key: idempotency.key,
    request_hash: idempotency.requestHash,
    completed: true,
    response: idempotency.response,
    locked_until: null,
    expires_at: idempotency.expiresAt,
  };
  const { rows } = await db.query<{ committed: unknown }>(
    COMMIT_SQL,
    [
      ownerId,
      sessionId,
      commit.expectedVersion,
      commit.leaseId,
      session.status,
      session.currentStageId,
      jsonParam(session.pending),
      jsonParam(session.result),
      session.updatedAt,
      JSON.stringify(stages),
      JSON.stringify(turnRow(ownerId, sessionId, turn)),
      callRows(ownerId, sessionId, commit.calls),
      jsonParam(keyed),
      jsonParam(session.revision),
      historyRows(ownerId, sessionId, commit.history),
      outboxRows(ownerId, sessionId, commit.outbox),
    ],
    { name: 'uaip_commit_turn' },
  );
  return num(rows[0]?.committed ?? 0) === 1;
}

export async function listTurns(
  db: Queryable,
  ownerId: string,
  sessionId: string,
  stageId?: string,
): Promise<TurnRecord[]> {
  const { rows } = await db.query<TurnRow>(LIST_SQL, [ownerId, sessionId, stageId ?? null], {
    name: 'uaip_list_turns',
  });
  return rows.map(toTurnRecord);
}

/**
 * One entry per stage, the last one given winning, in the order stages first appear: what the
 * memory storage does, and an upsert may not touch the same row twice in one statement.
 */
function latestPerStage(stages: StageRecord[]): StageRecord[] {
  const byId = new Map<string, StageRecord>();
  for (const stage of stages) byId.set(stage.stageId, stage);
  return [...byId.values()];
}

/** The turn as a `turns` row of the session. */
export function turnRow(ownerId: string, sessionId: string, turn: TurnRecord): TurnRow {
  return {
    session_id: sessionId,
    id: turn.id,
    owner_id: ownerId,
    stage_id: turn.stageId,
    topic_id: turn.topicId,
    question_id: turn.questionId,
    kind: turn.kind,
    question: turn.question,
    answer: turn.answer,
    revises_turn_id: turn.revisesTurnId,
    attempt: turn.attempt,
    score: turn.score,
    issues: turn.issues,
    escalated: turn.escalated,
    accepted: turn.accepted,
    provider: turn.provider,
    model: turn.model,
    prompt_version: turn.promptVersion,
    created_at: turn.createdAt,
  };
}

function toTurnRecord(row: TurnRow): TurnRecord {
  return {
    id: row.id as string,
    stageId: row.stage_id as string,
    topicId: row.topic_id as string | null,
    questionId: row.question_id as string,
    kind: row.kind as TurnRecord['kind'],
    question: row.question as string,
    answer: row.answer as string,
    revisesTurnId: (row.revises_turn_id ?? null) as string | null,
    attempt: num(row.attempt),
    score: num(row.score),
    issues: row.issues as string[],
    escalated: row.escalated as boolean,
    accepted: row.accepted as boolean,
    provider: row.provider as string,
    model: row.model as string,
    promptVersion: row.prompt_version as string,
    createdAt: iso(row.created_at),
  };
}
