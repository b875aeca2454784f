-- Revisions of an earlier answer (issue 22). Every column added is nullable without a default,
-- so sessions and turns stored before read as having none (no table is rewritten).

-- The revision under way (waiting on its follow-up or a gap answer); null when none is.
alter table sessions add column revision jsonb;

-- The accepted turn an answer revises; null for an ordinary answer.
alter table turns add column revises_turn_id text collate "C";

-- A completed stage built on an answer a revision changed is `stale` until re-extracted.
alter table stage_results
  drop constraint stage_results_status_check,
  add constraint stage_results_status_check
    check (status in ('pending', 'active', 'completed', 'stale'));

-- Append-only versions of what a session produced (artifacts with their gates, results,
-- reports), written by the commit of the turn or revision that produced them; `seq` is the
-- commit order.
create table session_history (
  session_id text collate "C" not null references sessions (id) on delete cascade,
  seq bigint generated always as identity,
  id text collate "C" not null,
  owner_id text collate "C" not null,
  kind text not null check (kind in ('artifact', 'result', 'report')),
  stage_id text,
  session_version integer not null,
  value jsonb,
  gate jsonb,
  revision_id text collate "C",
  actor_id text collate "C" not null,
  created_at timestamptz not null,
  primary key (session_id, seq)
);
