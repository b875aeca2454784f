import type { IdempotencyStart, IdempotencyState } from '@uaip/core';
import type { Queryable } from './database';

const KEY_COLUMNS = 'owner_id, key, request_hash, completed, response, locked_until, expires_at';

// Takes the key when it is new, expired, or in flight past its lock; otherwise the conflict's
// WHERE is false and nothing is returned. Concurrent starts queue on the key's row, so one of
// them gets it. The owner's other expired keys are swept on the way, so keys do not pile up.
const BEGIN_SQL = `
with swept as (
  delete from idempotency_keys
  where owner_id = $1 and key <> $2 and expires_at <= $4::timestamptz
)
insert into idempotency_keys as k (${KEY_COLUMNS})
values ($1, $2, $3, false, null, $5::timestamptz, $6::timestamptz)
on conflict (owner_id, key) do update set
  request_hash = excluded.request_hash, completed = false, response = null,
  locked_until = excluded.locked_until, expires_at = excluded.expires_at
where k.expires_at <= $4::timestamptz or (not k.completed and k.locked_until <= $4::timestamptz)
returning 1`;

const READ_SQL = `
select request_hash, completed, response from idempotency_keys
where owner_id = $1 and key = $2`;

const ABANDON_SQL = `
delete from idempotency_keys where owner_id = $1 and key = $2 and not completed`;

/**
 * The part of a turn's commit that stores its keyed response as completed (replacing the
 * in-flight entry), once per row of `gate`, when the jsonb parameter `param` is not null.
 */
export function idempotencyUpsertSql(gate: string, param: string): string {
  return `insert into idempotency_keys (${KEY_COLUMNS})
  select k.owner_id, k.key, k.request_hash, k.completed, k.response, k.locked_until, k.expires_at
  from ${gate} cross join jsonb_populate_record(null::idempotency_keys, ${param}::jsonb) k
  where ${param}::jsonb is not null
  on conflict (owner_id, key) do update set
    request_hash = excluded.request_hash, completed = excluded.completed,
    response = excluded.response, locked_until = excluded.locked_until,
    expires_at = excluded.expires_at`;
}

export async function beginIdempotent(
  db: Queryable,
  ownerId: string,
  start: IdempotencyStart,
): Promise<IdempotencyState> {
  // The entry read after a refused start can vanish meanwhile (abandoned, swept): try again.
  for (let attempt = 0; ; attempt++) {
    const taken = await db.query(
      BEGIN_SQL,
      [ownerId, start.key, start.requestHash, start.now, start.lockedUntil, start.expiresAt],
      { name: 'uaip_begin_key' },
    );
    if (taken.rows.length > 0) return { status: 'started' };
    const { rows } = await db.query<{
      request_hash: string;
      completed: boolean;
      response: unknown;
    }>(READ_SQL, [ownerId, start.key], { name: 'uaip_read_key' });
    const entry = rows[0];
    if (!entry) {
      if (attempt < 3) continue;
      return { status: 'in_flight' };
    }
    if (entry.request_hash !== start.requestHash) return { status: 'mismatch' };
    if (!entry.completed) return { status: 'in_flight' };
    return { status: 'completed', response: entry.response ?? null };
  }
}

const SWEEP_SQL = `
with swept as (delete from idempotency_keys where expires_at <= $1::timestamptz returning 1)
select count(*)::int as swept from swept`;

export async function sweep(db: Queryable, now: string): Promise<number> {
  const { rows } = await db.query<{ swept: number }>(SWEEP_SQL, [now], { name: 'uaip_sweep_keys' });
  return rows[0]?.swept ?? 0;
}

export async function abandonIdempotent(
  db: Queryable,
  ownerId: string,
  key: string,
): Promise<void> {
  await db.query(ABANDON_SQL, [ownerId, key], { name: 'uaip_abandon_key' });
}
