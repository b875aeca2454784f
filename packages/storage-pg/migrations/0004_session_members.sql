-- Sharing a session with other accounts (issue 23): one row per member of a session, with the
-- member's role. The owner is never a row here; a session stored before is shared with nobody.
create table session_members (
  session_id text collate "C" not null references sessions (id) on delete cascade,
  user_id text collate "C" not null,
  -- Copied from the session, which never changes either: the owner's statements filter by
  -- owner_id like every other table's, and the shared list pages through the index below in
  -- the sessions' order without reading sessions it does not show.
  owner_id text collate "C" not null,
  session_created_at timestamptz not null,
  role text not null check (role in ('viewer', 'editor')),
  added_by text collate "C" not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  -- The order members were first added in; a role change keeps it.
  seq bigint generated always as identity,
  primary key (session_id, user_id),
  constraint session_members_not_owner check (user_id <> owner_id)
);

-- The sessions shared with a user, newest first, ties by id (read backwards).
create index session_members_user_idx on session_members (user_id, session_created_at, session_id);
