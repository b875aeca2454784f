import type { LlmCallRecord } from '@uaip/core';
import type { Queryable } from './database';
import { columnList, iso, num, numOrNull } from './sql-values';

/** The columns an `llm_calls` row is inserted with (`seq` numbers them in recording order). */
export const CALL_COLUMNS = [
  'id',
  'owner_id',
  'session_id',
  'stage_id',
  'purpose',
  'provider',
  'model',
  'tier',
  'input_tokens',
  'output_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'cost_usd',
  'latency_ms',
  'outcome',
  'error_kind',
  'prompt_version',
  'created_at',
] as const;

type CallRow = Record<(typeof CALL_COLUMNS)[number], unknown>;

/**
 * SQL pieces shared by `recordUsage` and `commitTurn`: the calls parameter as rows (`calls`),
 * their sums (`totals`), the assignments that add the sums to a session, and the insert. The
 * session's totals are bumped by the new calls alone, never recounted from the ledger.
 */
export function callsSql(param: string) {
  return {
    ctes: `calls as (
  select * from jsonb_populate_recordset(null::llm_calls, ${param}::jsonb) with ordinality
),
totals as (
  select count(*) as calls,
    coalesce(sum(input_tokens), 0) as input_tokens,
    coalesce(sum(output_tokens), 0) as output_tokens,
    coalesce(sum(cache_read_tokens), 0) as cache_read_tokens,
    coalesce(sum(cache_write_tokens), 0) as cache_write_tokens,
    coalesce(sum(cost_usd), 0) as cost_usd,
    count(*) filter (where cost_usd is null) as unpriced_calls
  from calls
)`,
    addTotals: `usage_calls = usage_calls + totals.calls,
    usage_input_tokens = usage_input_tokens + totals.input_tokens,
    usage_output_tokens = usage_output_tokens + totals.output_tokens,
    usage_cache_read_tokens = usage_cache_read_tokens + totals.cache_read_tokens,
    usage_cache_write_tokens = usage_cache_write_tokens + totals.cache_write_tokens,
    usage_cost_usd = usage_cost_usd + totals.cost_usd,
    usage_unpriced_calls = usage_unpriced_calls + totals.unpriced_calls`,
    /** Inserts the calls in the order given, once per row of `gate` (the updated session). */
    insert: (gate: string) => `insert into llm_calls (${columnList(CALL_COLUMNS)})
  select ${columnList(CALL_COLUMNS, 'c')} from ${gate} cross join calls c order by c.ordinality`,
  };
}

const RECORD = callsSql('$3');

// The session row is updated first: a missing (or another owner's) session updates nothing,
// and then nothing is inserted.
const RECORD_SQL = `
with ${RECORD.ctes},
touched as (
  update sessions set ${RECORD.addTotals}
  from totals
  where sessions.id = $2 and sessions.owner_id = $1
  returning sessions.id
)
${RECORD.insert('touched')}`;

const LIST_SQL = `
select ${columnList(CALL_COLUMNS)} from llm_calls
where owner_id = $1 and session_id = $2
order by seq`;

// sum() skips unpriced calls (null cost); an imported session's calls were paid by someone else.
const SPENT_SQL = `
select coalesce(sum(cost_usd), 0) as spent from llm_calls
where owner_id = $1 and created_at >= $2::timestamptz and not imported`;

/** The calls as `llm_calls` rows of the session, for a `$n::jsonb` parameter. */
export function callRows(ownerId: string, sessionId: string, calls: LlmCallRecord[]): string {
  const rows: CallRow[] = calls.map((call) => ({
    id: call.id,
    owner_id: ownerId,
    session_id: sessionId,
    stage_id: call.stageId,
    purpose: call.purpose,
    provider: call.provider,
    model: call.model,
    tier: call.tier,
    input_tokens: call.inputTokens,
    output_tokens: call.outputTokens,
    cache_read_tokens: call.cacheReadTokens,
    cache_write_tokens: call.cacheWriteTokens,
    cost_usd: call.costUsd,
    latency_ms: call.latencyMs,
    outcome: call.outcome,
    error_kind: call.errorKind,
    prompt_version: call.promptVersion,
    created_at: call.createdAt,
  }));
  return JSON.stringify(rows);
}

export async function recordUsage(
  db: Queryable,
  ownerId: string,
  sessionId: string,
  calls: LlmCallRecord[],
): Promise<void> {
  if (calls.length === 0) return;
  await db.query(RECORD_SQL, [ownerId, sessionId, callRows(ownerId, sessionId, calls)], {
    name: 'uaip_record_usage',
  });
}

export async function listUsage(
  db: Queryable,
  ownerId: string,
  sessionId: string,
): Promise<LlmCallRecord[]> {
  const { rows } = await db.query<CallRow>(LIST_SQL, [ownerId, sessionId], {
    name: 'uaip_list_usage',
  });
  return rows.map(toCallRecord);
}

export async function spentSince(db: Queryable, ownerId: string, since: string): Promise<number> {
  const { rows } = await db.query<{ spent: unknown }>(SPENT_SQL, [ownerId, since], {
    name: 'uaip_spent_since',
  });
  return num(rows[0]?.spent ?? 0);
}

function toCallRecord(row: CallRow): LlmCallRecord {
  return {
    id: row.id as string,
    sessionId: row.session_id as string,
    stageId: row.stage_id as string | null,
    purpose: row.purpose as string,
    provider: row.provider as string,
    model: row.model as string,
    tier: row.tier as string,
    inputTokens: num(row.input_tokens),
    outputTokens: num(row.output_tokens),
    cacheReadTokens: num(row.cache_read_tokens),
    cacheWriteTokens: num(row.cache_write_tokens),
    costUsd: numOrNull(row.cost_usd),
    latencyMs: num(row.latency_ms),
    outcome: row.outcome as LlmCallRecord['outcome'],
    errorKind: row.error_kind as string | null,
    promptVersion: row.prompt_version as string,
    createdAt: iso(row.created_at),
  };
}
