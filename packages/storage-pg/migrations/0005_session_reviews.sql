-- Committee reviews of a session's result: one row per reviewed session, its current round and
-- the earlier ones as JSON (read and written whole, fenced by version). A session stored
-- before has no review.
create table session_reviews (
  session_id text collate "C" primary key references sessions (id) on delete cascade,
  -- Copied from the session, which never changes either: every statement filters by owner_id.
  owner_id text collate "C" not null,
  version integer not null,
  -- The current round's requestedAt, for ordering (the exact text stays in current).
  requested_at timestamptz not null,
  current jsonb not null,
  earlier jsonb not null,
  updated_at timestamptz not null
);

-- The reviewers of each review's current round, rewritten with every save in the same
-- transaction, so the reviews asked of a user are an indexed lookup. Earlier rounds' reviewers
-- are not here.
create table session_reviewers (
  session_id text collate "C" not null references session_reviews (session_id) on delete cascade,
  user_id text collate "C" not null,
  -- Copied from the review: the list pages through the index below in its order.
  requested_at timestamptz not null,
  primary key (session_id, user_id)
);

-- The reviews asked of a user, newest request first, ties by session id (read backwards).
create index session_reviewers_user_idx on session_reviewers (user_id, requested_at, session_id);
