-- The first schema of @uaip/storage-pg. Migrations are forward-only: once released, this file
-- never changes (its checksum is recorded); a change of schema is a new numbered file.
--
-- Ids are text in the "C" collation: hosts bring their own ids (not always UUIDs), and byte
-- order makes `id desc` in session lists the same in every database locale.

create table users (
  id text collate "C" primary key,
  email text not null,
  -- The email lower-cased by the application, so case-insensitive uniqueness and lookups do
  -- not depend on the database's locale.
  email_key text collate "C" not null,
  name text,
  password_hash text not null,
  token_version integer not null,
  created_at timestamptz not null,
  constraint users_email_unique unique (email_key)
);

-- No foreign key to users: the owners of sessions are the host's identities.
create table sessions (
  id text collate "C" primary key,
  owner_id text collate "C" not null,
  workflow_id text not null,
  workflow_version text not null,
  prompt_version text not null,
  title text not null,
  idea text not null,
  status text not null check (status in ('active', 'completed')),
  current_stage_id text,
  pending jsonb,
  result jsonb,
  usage_calls bigint not null default 0,
  usage_input_tokens bigint not null default 0,
  usage_output_tokens bigint not null default 0,
  usage_cache_read_tokens bigint not null default 0,
  usage_cache_write_tokens bigint not null default 0,
  usage_cost_usd double precision not null default 0,
  usage_unpriced_calls bigint not null default 0,
  version integer not null,
  lease_id text collate "C",
  lease_expires_at timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null
) with (fillfactor = 90); -- room for HOT updates: every turn updates its session row

-- Session lists: one owner, newest first, ties by id (read backwards).
create index sessions_owner_created_idx on sessions (owner_id, created_at, id);

create table stage_results (
  session_id text collate "C" not null references sessions (id) on delete cascade,
  stage_id text collate "C" not null,
  owner_id text collate "C" not null,
  -- The stage's place in the session; stages added later go after the existing ones.
  position integer not null,
  status text not null check (status in ('pending', 'active', 'completed')),
  artifact jsonb,
  gate jsonb,
  gap_asked boolean not null,
  completed_at timestamptz,
  primary key (session_id, stage_id)
);

-- Append-only transcript; `seq` is the commit order.
create table turns (
  session_id text collate "C" not null references sessions (id) on delete cascade,
  seq bigint generated always as identity,
  id text collate "C" not null,
  owner_id text collate "C" not null,
  stage_id text not null,
  topic_id text,
  question_id text not null,
  kind text not null,
  question text not null,
  answer text not null,
  attempt integer not null,
  score double precision not null,
  issues jsonb not null,
  escalated boolean not null,
  accepted boolean not null,
  provider text not null,
  model text not null,
  prompt_version text not null,
  created_at timestamptz not null,
  primary key (session_id, seq)
);

-- The usage ledger, append-only. A deleted session's calls stay (their session_id becomes
-- null) and keep their owner, so deleting a session never resets a budget.
create table llm_calls (
  seq bigint generated always as identity primary key,
  id text collate "C" not null,
  owner_id text collate "C" not null,
  session_id text collate "C" references sessions (id) on delete set null,
  stage_id text,
  purpose text not null,
  provider text not null,
  model text not null,
  tier text not null,
  input_tokens bigint not null,
  output_tokens bigint not null,
  cache_read_tokens bigint not null,
  cache_write_tokens bigint not null,
  cost_usd double precision,
  latency_ms double precision not null,
  outcome text not null,
  error_kind text,
  prompt_version text not null,
  created_at timestamptz not null
);

create index llm_calls_session_idx on llm_calls (session_id, seq);
-- spentSince: one owner's calls from a point in time.
create index llm_calls_owner_created_idx on llm_calls (owner_id, created_at);

create table idempotency_keys (
  owner_id text collate "C" not null,
  key text collate "C" not null,
  request_hash text not null,
  completed boolean not null,
  response jsonb,
  -- Until when an in-flight request blocks retries; null once completed.
  locked_until timestamptz,
  expires_at timestamptz not null,
  primary key (owner_id, key)
);

-- Expired keys of an owner are swept when that owner starts a keyed request.
create index idempotency_keys_owner_expiry_idx on idempotency_keys (owner_id, expires_at);
