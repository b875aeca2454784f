import type { HistoryRecord } from '@uaip/core';
import type { Queryable } from './database';
import { columnList, iso, num } from './sql-values';

/** The columns a `session_history` row is inserted with (`seq` numbers them in commit order). */
export const HISTORY_COLUMNS = [
  'session_id',
  'id',
  'owner_id',
  'kind',
  'stage_id',
  'session_version',
  'value',
  'gate',
  'revision_id',
  'actor_id',
  'created_at',
] as const;

type HistoryRow = Record<(typeof HISTORY_COLUMNS)[number], unknown>;

/**
 * The insert of a commit's history rows, given as a `$n::jsonb` array in `param`, in the order
 * given, once per row of `gate` (the updated session): nothing when the commit was refused.
 */
export function historyInsertSql(gate: string, param: string): string {
  return `insert into session_history (${columnList(HISTORY_COLUMNS)})
  select ${columnList(HISTORY_COLUMNS, 'h')}
  from ${gate} cross join jsonb_populate_recordset(null::session_history, ${param}::jsonb)
    with ordinality h
  order by h.ordinality`;
}

const LIST_SQL = `
select ${columnList(HISTORY_COLUMNS)} from session_history
where owner_id = $1 and session_id = $2
order by seq`;

/** The history records as `session_history` rows of the session, for a `$n::jsonb` parameter. */
export function historyRows(
  ownerId: string,
  sessionId: string,
  history: HistoryRecord[] = [],
): string {
  const rows: HistoryRow[] = history.map((record) => ({
    session_id: sessionId,
    id: record.id,
    owner_id: ownerId,
    kind: record.kind,
    stage_id: record.stageId,
    session_version: record.sessionVersion,
    value: record.value,
    gate: record.gate,
    revision_id: record.revisionId,
    actor_id: record.actorId,
    created_at: record.createdAt,
  }));
  return JSON.stringify(rows);
}

export async function listHistory(
  db: Queryable,
  ownerId: string,
  sessionId: string,
): Promise<HistoryRecord[]> {
  const { rows } = await db.query<HistoryRow>(LIST_SQL, [ownerId, sessionId], {
    name: 'uaip_list_history',
  });
  return rows.map(toHistoryRecord);
}

function toHistoryRecord(row: HistoryRow): HistoryRecord {
  return {
    id: row.id as string,
    sessionId: row.session_id as string,
    kind: row.kind as HistoryRecord['kind'],
    stageId: row.stage_id as string | null,
    sessionVersion: num(row.session_version),
    value: row.value ?? null,
    gate: (row.gate ?? null) as HistoryRecord['gate'],
    revisionId: row.revision_id as string | null,
    actorId: row.actor_id as string,
    createdAt: iso(row.created_at),
  };
}
