-- The webhook outbox: one row per event and endpoint, inserted by the same statement or
-- transaction as the turn or review save it announces, then leased, tried and settled by a
-- webhook dispatcher. Not tied to the session by a foreign key: it is the host's delivery log,
-- so deleting a session does not cancel a webhook already due (the payload holds ids, no text).
create table webhook_outbox (
  id text collate "C" primary key,
  -- Insertion order, the tie-break of messages due at the same time.
  seq bigint generated always as identity,
  endpoint_id text collate "C" not null,
  owner_id text collate "C" not null,
  session_id text collate "C" not null,
  event_type text not null,
  -- The exact body sent on every attempt, as text (jsonb would reorder its keys).
  payload text not null,
  created_at timestamptz not null,
  next_attempt_at timestamptz not null,
  status text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
  -- The dispatcher holding it; the lease ends at next_attempt_at.
  lease_id text collate "C",
  attempts jsonb not null default '[]'::jsonb,
  settled_at timestamptz
);

-- What a dispatcher claims: the pending messages by due time.
create index webhook_outbox_due_idx on webhook_outbox (next_attempt_at, seq) where status = 'pending';
-- A session's deliveries, for its owner.
create index webhook_outbox_session_idx on webhook_outbox (owner_id, session_id, seq);
