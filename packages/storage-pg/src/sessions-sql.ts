import type {
  Page,
  PageRequest,
  SessionClaim,
  SessionClaimed,
  SessionRecord,
  SessionSummary,
  StageRecord,
} from '@uaip/core';
import { UaipError } from '@uaip/core';
import { pageOf, pageStart } from './cursor';
import type { Queryable } from './database';
import { constraintOf, sqlState } from './errors';
import { columnList, iso, isoOrNull, num } from './sql-values';

const SESSION_COLUMNS = [
  'id',
  'owner_id',
  'workflow_id',
  'workflow_version',
  'prompt_version',
  'quality_threshold',
  'quality_max_attempts',
  'title',
  'idea',
  'status',
  'current_stage_id',
  'pending',
  'result',
  'revision',
  'usage_calls',
  'usage_input_tokens',
  'usage_output_tokens',
  'usage_cache_read_tokens',
  'usage_cache_write_tokens',
  'usage_cost_usd',
  'usage_unpriced_calls',
  'version',
  'lease_id',
  'lease_expires_at',
  'created_at',
  'updated_at',
] as const;

/** The columns of `stage_results`, in the order of the rows built by {@link stageRow}. */
export const STAGE_COLUMNS = [
  'session_id',
  'stage_id',
  'owner_id',
  'position',
  'status',
  'artifact',
  'gate',
  'gap_asked',
  'completed_at',
] as const;

type SessionRow = Record<(typeof SESSION_COLUMNS)[number], unknown> & { stages: unknown };
type StageRow = Record<(typeof STAGE_COLUMNS)[number], unknown>;

// The session row and its stages in one statement: the inserts run only if the session's did.
const CREATE_SQL = `
with created as (
  insert into sessions (${columnList(SESSION_COLUMNS)})
  select ${columnList(SESSION_COLUMNS, 's')} from jsonb_populate_record(null::sessions, $1::jsonb) s
  returning id
)
insert into stage_results (${columnList(STAGE_COLUMNS)})
select ${columnList(STAGE_COLUMNS, 'r')}
from created cross join jsonb_populate_recordset(null::stage_results, $2::jsonb) r`;

// Stages are few per session (one per workflow stage), so they come along as one jsonb array.
const SESSION_SELECT = `${columnList(SESSION_COLUMNS, 's')},
  coalesce((
    select jsonb_agg(jsonb_build_object(
      'stage_id', r.stage_id, 'status', r.status, 'artifact', r.artifact, 'gate', r.gate,
      'gap_asked', r.gap_asked, 'completed_at', r.completed_at) order by r.position)
    from stage_results r
    where r.session_id = s.id and r.owner_id = $1
  ), '[]'::jsonb) as stages`;

const GET_SQL = `
select ${SESSION_SELECT}
from sessions s
where s.id = $2 and s.owner_id = $1`;

// A turn's claim and read in one statement. The update takes the lease as uaip_claim does
// (its row lock queues concurrent claims; each re-checks the row the previous one left) and
// commits without waiting for the WAL flush: a claim is a lease, and the turn's commit is
// fenced by version and lease, so a claim lost in a database crash only lets the question
// be claimed again. The select reads the session from the statement's snapshot; the
// claimed row's version tells whether that snapshot is the state the claim was made on.
const CLAIM_SESSION_SQL = `
with claimed as (
  update sessions set lease_id = $3, lease_expires_at = $4::timestamptz
  from (select set_config('synchronous_commit', 'off', true)) as async_commit
  where id = $2 and owner_id = $1 and status = 'active' and pending->>'id' = $5
    and (lease_id is null or lease_expires_at <= $6::timestamptz)
  returning version
)
select ${SESSION_SELECT}, (select version from claimed) as claimed_version
from sessions s
where s.id = $2 and s.owner_id = $1`;

/**
 * What a session list shows of each session `s` ({@link toSummary} reads it): the outcome is
 * the result's string `outcome` (what session lists show of a completed one).
 */
export const SUMMARY_COLUMNS = `s.id, s.workflow_id, s.title, s.status, s.current_stage_id,
  case when jsonb_typeof(s.result -> 'outcome') = 'string' then s.result ->> 'outcome' end
    as outcome,
  s.created_at, s.updated_at`;

// Newest first, ties by larger id; one row more than asked says whether a next page exists.
// Two statements rather than one with "$2 is null or ...": a prepared statement's generic
// plan could not then use the cursor as an index bound, and deep pages would scan.
const LIST_FIRST_SQL = `
select ${SUMMARY_COLUMNS} from sessions s
where s.owner_id = $1
order by s.created_at desc, s.id desc
limit $2`;

const LIST_AFTER_SQL = `
select ${SUMMARY_COLUMNS} from sessions s
where s.owner_id = $1 and (s.created_at, s.id) < ($3::timestamptz, $4::text)
order by s.created_at desc, s.id desc
limit $2`;

/** Stores a new session with its stage rows; `conflict` when the id exists. */
export async function createSession(db: Queryable, session: SessionRecord): Promise<void> {
  const stages = session.stages.map((stage, position) =>
    stageRow(session.id, session.ownerId, position, stage),
  );
  try {
    await db.query(CREATE_SQL, [JSON.stringify(sessionRow(session)), JSON.stringify(stages)], {
      name: 'uaip_create_session',
    });
  } catch (error) {
    if (sqlState(error) === '23505' && constraintOf(error) === 'sessions_pkey') {
      throw new UaipError('conflict', 'Session already exists', { cause: error });
    }
    throw error;
  }
}

export async function getSession(
  db: Queryable,
  ownerId: string,
  sessionId: string,
): Promise<SessionRecord | null> {
  const { rows } = await db.query<SessionRow>(GET_SQL, [ownerId, sessionId], {
    name: 'uaip_get_session',
  });
  return rows[0] ? toSessionRecord(rows[0]) : null;
}

/** `Storage.claimSession`: see CLAIM_SESSION_SQL. */
export async function claimSession(
  db: Queryable,
  ownerId: string,
  sessionId: string,
  claim: SessionClaim,
): Promise<SessionClaimed> {
  const { rows } = await db.query<SessionRow & { claimed_version: unknown }>(
    CLAIM_SESSION_SQL,
    [ownerId, sessionId, claim.leaseId, claim.expiresAt, claim.questionId, claim.now],
    { name: 'uaip_claim_session' },
  );
  const row = rows[0];
  if (!row) return { result: 'not_found', session: null };
  const session = toSessionRecord(row);
  if (row.claimed_version === null) {
    const moved = session.status !== 'active' || session.pending?.id !== claim.questionId;
    return { result: moved ? 'stale' : 'busy', session };
  }
  if (num(row.claimed_version) !== session.version) {
    // A turn committed between this statement's snapshot and its claim (it waited for that
    // turn's row lock): read the session again, now that the claim holds it still.
    const current = await getSession(db, ownerId, sessionId);
    if (!current) return { result: 'not_found', session: null };
    return { result: 'claimed', session: current };
  }
  return {
    result: 'claimed',
    session: { ...session, lease: { id: claim.leaseId, expiresAt: claim.expiresAt } },
  };
}

export async function listSessions(
  db: Queryable,
  ownerId: string,
  page: PageRequest,
): Promise<Page<SessionSummary>> {
  const after = pageStart(page);
  const { rows } = after
    ? await db.query<Record<string, unknown>>(
        LIST_AFTER_SQL,
        [ownerId, page.limit + 1, after.createdAt, after.id],
        { name: 'uaip_list_sessions_after' },
      )
    : await db.query<Record<string, unknown>>(LIST_FIRST_SQL, [ownerId, page.limit + 1], {
        name: 'uaip_list_sessions',
      });
  return pageOf(rows, page.limit, toSummary);
}

/**
 * Deletes the session; its stages, turns and history go with it, its LLM calls stay in the
 * ledger.
 */
export async function deleteSession(
  db: Queryable,
  ownerId: string,
  sessionId: string,
): Promise<boolean> {
  const { rows } = await db.query(
    'delete from sessions where id = $2 and owner_id = $1 returning id',
    [ownerId, sessionId],
    { name: 'uaip_delete_session' },
  );
  return rows.length > 0;
}

/** A stage as a `stage_results` row, for `jsonb_populate_recordset`. */
export function stageRow(
  sessionId: string,
  ownerId: string,
  position: number,
  stage: StageRecord,
): Record<(typeof STAGE_COLUMNS)[number], unknown> {
  return {
    session_id: sessionId,
    stage_id: stage.stageId,
    owner_id: ownerId,
    position,
    status: stage.status,
    artifact: stage.artifact,
    gate: stage.gate,
    gap_asked: stage.gapAsked,
    completed_at: stage.completedAt,
  };
}

function sessionRow(session: SessionRecord): Record<(typeof SESSION_COLUMNS)[number], unknown> {
  const { usage, lease } = session;
  return {
    id: session.id,
    owner_id: session.ownerId,
    workflow_id: session.workflowId,
    workflow_version: session.workflowVersion,
    prompt_version: session.promptVersion,
    quality_threshold: session.quality?.threshold ?? null,
    quality_max_attempts: session.quality?.maxAttempts ?? null,
    title: session.title,
    idea: session.idea,
    status: session.status,
    current_stage_id: session.currentStageId,
    pending: session.pending,
    result: session.result,
    revision: session.revision,
    usage_calls: usage.calls,
    usage_input_tokens: usage.inputTokens,
    usage_output_tokens: usage.outputTokens,
    usage_cache_read_tokens: usage.cacheReadTokens,
    usage_cache_write_tokens: usage.cacheWriteTokens,
    usage_cost_usd: usage.costUsd,
    usage_unpriced_calls: usage.unpricedCalls,
    version: session.version,
    lease_id: lease?.id ?? null,
    lease_expires_at: lease?.expiresAt ?? null,
    created_at: session.createdAt,
    updated_at: session.updatedAt,
  };
}

function toSessionRecord(row: SessionRow): SessionRecord {
  return {
    id: row.id as string,
    ownerId: row.owner_id as string,
    workflowId: row.workflow_id as string,
    workflowVersion: row.workflow_version as string,
    promptVersion: row.prompt_version as string,
    quality:
      row.quality_threshold == null
        ? null
        : { threshold: num(row.quality_threshold), maxAttempts: num(row.quality_max_attempts) },
    title: row.title as string,
    idea: row.idea as string,
    status: row.status as SessionRecord['status'],
    currentStageId: row.current_stage_id as string | null,
    stages: (row.stages as StageRow[]).map(toStageRecord),
    pending: (row.pending ?? null) as SessionRecord['pending'],
    result: row.result ?? null,
    revision: (row.revision ?? null) as SessionRecord['revision'],
    usage: {
      calls: num(row.usage_calls),
      inputTokens: num(row.usage_input_tokens),
      outputTokens: num(row.usage_output_tokens),
      cacheReadTokens: num(row.usage_cache_read_tokens),
      cacheWriteTokens: num(row.usage_cache_write_tokens),
      costUsd: num(row.usage_cost_usd),
      unpricedCalls: num(row.usage_unpriced_calls),
    },
    version: num(row.version),
    lease:
      row.lease_id === null
        ? null
        : { id: row.lease_id as string, expiresAt: iso(row.lease_expires_at) },
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

function toStageRecord(row: StageRow): StageRecord {
  return {
    stageId: row.stage_id as string,
    status: row.status as StageRecord['status'],
    artifact: row.artifact ?? null,
    gate: (row.gate ?? null) as StageRecord['gate'],
    gapAsked: row.gap_asked as boolean,
    completedAt: isoOrNull(row.completed_at),
  };
}

/** A row of {@link SUMMARY_COLUMNS} as a session list's summary. */
export function toSummary(row: Record<string, unknown>): SessionSummary {
  return {
    id: row.id as string,
    workflowId: row.workflow_id as string,
    title: row.title as string,
    status: row.status as SessionSummary['status'],
    currentStageId: row.current_stage_id as string | null,
    outcome: (row.outcome as string | null) ?? null,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}
