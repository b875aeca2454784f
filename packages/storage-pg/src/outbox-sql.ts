import type {
  DeliveryAttempt,
  DeliveryOutcome,
  OutboxClaim,
  OutboxMessage,
  OutboxRecord,
} from '@uaip/core';
import type { Queryable } from './database';
import { columnList, iso, isoOrNull } from './sql-values';

/** The columns a `webhook_outbox` row is inserted with (the rest take their defaults). */
const OUTBOX_COLUMNS = [
  'id',
  'endpoint_id',
  'owner_id',
  'session_id',
  'event_type',
  'payload',
  'created_at',
  'next_attempt_at',
] as const;

type OutboxRow = Record<(typeof OUTBOX_COLUMNS)[number], unknown> & {
  status: string;
  attempts: DeliveryAttempt[];
  settled_at: unknown;
};

const RECORD_COLUMNS = `${columnList(OUTBOX_COLUMNS)}, status, attempts, settled_at`;

/**
 * The insert of a commit's outbox messages, given as a `$n::jsonb` array in `param`, once per
 * row of `gate` (the updated session): nothing when the commit was refused. Without a gate, a
 * plain insert, for a transaction that already knows it saved.
 */
export function outboxInsertSql(gate: string | null, param: string): string {
  return `insert into webhook_outbox (${columnList(OUTBOX_COLUMNS)})
  select ${columnList(OUTBOX_COLUMNS, 'o')}
  from ${gate ? `${gate} cross join ` : ''}jsonb_populate_recordset(null::webhook_outbox, ${param}::jsonb)
    with ordinality o
  order by o.ordinality`;
}

/** The messages as rows of the owner's session, for a `$n::jsonb` parameter. */
export function outboxRows(ownerId: string, sessionId: string, messages: OutboxMessage[] = []) {
  return JSON.stringify(
    messages.map((message) => ({
      id: message.id,
      endpoint_id: message.endpointId,
      // The session's, whatever the message says: a commit writes for its own session only.
      owner_id: ownerId,
      session_id: sessionId,
      event_type: message.eventType,
      payload: message.payload,
      created_at: message.createdAt,
      next_attempt_at: message.nextAttemptAt,
    })),
  );
}

// `skip locked`: a message another dispatcher is claiming right now is left to it, so two
// dispatchers never wait on each other nor lease the same message. The lease ends when the
// message comes due again.
const CLAIM_SQL = `
update webhook_outbox o set lease_id = $2, next_attempt_at = $3::timestamptz
from (
  select id from webhook_outbox
  where status = 'pending' and next_attempt_at <= $1::timestamptz
  order by next_attempt_at, seq
  limit $4
  for update skip locked
) due
where o.id = due.id
returning o.seq, ${columnList(OUTBOX_COLUMNS, 'o')}, o.status, o.attempts, o.settled_at`;

const RECORD_SQL = `
update webhook_outbox set attempts = attempts || jsonb_build_array($3::jsonb), status = $4,
  next_attempt_at = coalesce($5::timestamptz, next_attempt_at), settled_at = $6::timestamptz,
  lease_id = null
where id = $1 and lease_id = $2 and status = 'pending'
returning id`;

const LIST_SQL = `
select ${RECORD_COLUMNS} from webhook_outbox
where owner_id = $1 and session_id = $2
order by seq`;

export async function claimOutbox(db: Queryable, claim: OutboxClaim): Promise<OutboxRecord[]> {
  const { rows } = await db.query<OutboxRow & { seq: unknown }>(
    CLAIM_SQL,
    [claim.now, claim.leaseId, claim.leaseUntil, claim.limit],
    { name: 'uaip_claim_outbox' },
  );
  // An update returns rows in no set order: the insertion order is the one callers expect.
  return rows.sort((a, b) => Number(a.seq) - Number(b.seq)).map(toRecord);
}

export async function recordDelivery(
  db: Queryable,
  messageId: string,
  leaseId: string,
  attempt: DeliveryAttempt,
  outcome: DeliveryOutcome,
): Promise<boolean> {
  const { rows } = await db.query(
    RECORD_SQL,
    [
      messageId,
      leaseId,
      JSON.stringify(attempt),
      outcome.status,
      outcome.status === 'pending' ? outcome.nextAttemptAt : null,
      outcome.status === 'pending' ? null : outcome.at,
    ],
    { name: 'uaip_record_delivery' },
  );
  return rows.length === 1;
}

export async function listOutbox(
  db: Queryable,
  ownerId: string,
  sessionId: string,
): Promise<OutboxRecord[]> {
  const { rows } = await db.query<OutboxRow>(LIST_SQL, [ownerId, sessionId], {
    name: 'uaip_list_outbox',
  });
  return rows.map(toRecord);
}

// `status <> 'pending'` as the index says, so the planner uses it; a pending message has no
// `settled_at` and is never pruned.
const PRUNE_SQL = `
with pruned as (
  delete from webhook_outbox
  where status <> 'pending'
    and settled_at <= $1::timestamptz - make_interval(secs => $2::double precision / 1000)
  returning 1
)
select count(*)::int as pruned from pruned`;

/**
 * Deletes the delivered and failed messages settled `retentionMs` or more before `now`; how
 * many went.
 */
export async function pruneOutbox(
  db: Queryable,
  now: string,
  retentionMs: number,
): Promise<number> {
  const { rows } = await db.query<{ pruned: number }>(PRUNE_SQL, [now, retentionMs], {
    name: 'uaip_prune_outbox',
  });
  return rows[0]?.pruned ?? 0;
}

function toRecord(row: OutboxRow): OutboxRecord {
  return {
    id: row.id as string,
    endpointId: row.endpoint_id as string,
    ownerId: row.owner_id as string,
    sessionId: row.session_id as string,
    eventType: row.event_type as string,
    payload: row.payload as string,
    createdAt: iso(row.created_at),
    nextAttemptAt: iso(row.next_attempt_at),
    status: row.status as OutboxRecord['status'],
    attempts: row.attempts,
    settledAt: isoOrNull(row.settled_at),
  };
}
