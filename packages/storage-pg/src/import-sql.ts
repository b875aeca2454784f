import type { ImportedContent, SessionRecord } from '@uaip/core';
import type { Database } from './database';
import { historyInsertSql, historyRows } from './history-sql';
import { createSession } from './sessions-sql';
import { columnList } from './sql-values';
import { TURN_COLUMNS, turnRow } from './turns-sql';
import { CALL_COLUMNS, callRows } from './usage-sql';

// Each insert keeps the order given: `seq` is drawn as the ordered rows come.
const TURNS_SQL = `
insert into turns (${columnList(TURN_COLUMNS)})
select ${columnList(TURN_COLUMNS, 't')}
from jsonb_populate_recordset(null::turns, $1::jsonb) with ordinality t
order by t.ordinality`;

const HISTORY_SQL = historyInsertSql('(select 1) as go', '$1');

// The session's totals come with its record: the calls are inserted without adding to them,
// and marked imported so that they do not count in the importer's spending.
const CALLS_SQL = `
insert into llm_calls (${columnList(CALL_COLUMNS)}, imported)
select ${columnList(CALL_COLUMNS, 'c')}, true
from jsonb_populate_recordset(null::llm_calls, $1::jsonb) with ordinality c
order by c.ordinality`;

/** `Storage.importSession`: the session and everything under it, in one transaction. */
export async function importSession(
  db: Database,
  session: SessionRecord,
  content: ImportedContent,
): Promise<void> {
  const { id, ownerId } = session;
  await db.transaction(async (tx) => {
    await createSession(tx, session);
    if (content.turns.length > 0) {
      const turns = content.turns.map((turn) => turnRow(ownerId, id, turn));
      await tx.query(TURNS_SQL, [JSON.stringify(turns)]);
    }
    if (content.history.length > 0) {
      await tx.query(HISTORY_SQL, [historyRows(ownerId, id, content.history)]);
    }
    if (content.calls.length > 0) {
      await tx.query(CALLS_SQL, [callRows(ownerId, id, content.calls)]);
    }
  });
}
