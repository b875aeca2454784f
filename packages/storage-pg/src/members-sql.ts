import type {
  MemberPut,
  MemberRecord,
  MemberRole,
  Page,
  PageRequest,
  SessionAccess,
  SharedSessionSummary,
} from '@uaip/core';
import { UaipError } from '@uaip/core';
import { pageOf, pageStart } from './cursor';
import type { Queryable } from './database';
import { sqlState } from './errors';
import { SUMMARY_COLUMNS, toSummary } from './sessions-sql';
import { iso } from './sql-values';

// Owner or member in one statement; a stranger's join finds no member row, so no row at all.
const ACCESS_SQL = `
select s.owner_id, case when s.owner_id = $1 then 'owner' else m.role end as role
from sessions s
left join session_members m on m.session_id = s.id and m.user_id = $1
where s.id = $2 and (s.owner_id = $1 or m.user_id is not null)`;

// Inserts only when the session is the owner's (the select finds it); a member already there
// keeps its seq, created_at and added_by, and takes the new role.
const PUT_SQL = `
insert into session_members (session_id, user_id, owner_id, session_created_at, role, added_by,
  created_at, updated_at)
select s.id, $3, s.owner_id, s.created_at, $4, $5, $6::timestamptz, $6::timestamptz
from sessions s
where s.id = $2 and s.owner_id = $1
on conflict (session_id, user_id) do update
  set role = excluded.role, updated_at = excluded.updated_at
returning session_id`;

// A role change only: no row for someone who is not a member.
const CHANGE_ROLE_SQL = `
update session_members set role = $4, updated_at = $5::timestamptz
where session_id = $2 and owner_id = $1 and user_id = $3
returning session_id`;

const REMOVE_SQL = `
delete from session_members
where session_id = $2 and owner_id = $1 and user_id = $3
returning user_id`;

const LIST_MEMBERS_SQL = `
select user_id, role, added_by, created_at, updated_at from session_members
where session_id = $2 and owner_id = $1
order by seq`;

// Paged like listSessions (two statements for the same reason), through the member's index.
const SHARED_COLUMNS = `${SUMMARY_COLUMNS}, s.owner_id, m.role`;

const LIST_SHARED_FIRST_SQL = `
select ${SHARED_COLUMNS}
from session_members m join sessions s on s.id = m.session_id
where m.user_id = $1
order by m.session_created_at desc, m.session_id desc
limit $2`;

const LIST_SHARED_AFTER_SQL = `
select ${SHARED_COLUMNS}
from session_members m join sessions s on s.id = m.session_id
where m.user_id = $1 and (m.session_created_at, m.session_id) < ($3::timestamptz, $4::text)
order by m.session_created_at desc, m.session_id desc
limit $2`;

type MemberRow = {
  user_id: string;
  role: MemberRole;
  added_by: string;
  created_at: unknown;
  updated_at: unknown;
};

export async function accessOf(
  db: Queryable,
  userId: string,
  sessionId: string,
): Promise<SessionAccess | null> {
  const { rows } = await db.query<{ owner_id: string; role: SessionAccess['role'] }>(
    ACCESS_SQL,
    [userId, sessionId],
    { name: 'uaip_access_of' },
  );
  const row = rows[0];
  return row ? { ownerId: row.owner_id, role: row.role } : null;
}

export async function putMember(
  db: Queryable,
  ownerId: string,
  sessionId: string,
  member: MemberPut,
): Promise<boolean> {
  // The memory storage's rule, checked before the database is asked (its constraints agree).
  if (member.userId === ownerId) {
    throw new UaipError('validation_failed', 'The owner cannot be a member of their own session');
  }
  if (member.role !== 'viewer' && member.role !== 'editor') {
    throw new UaipError('validation_failed', 'Invalid member role');
  }
  try {
    const { userId, role, addedBy, at } = member;
    const { rows } = member.onlyIfMember
      ? await db.query(CHANGE_ROLE_SQL, [ownerId, sessionId, userId, role, at], {
          name: 'uaip_change_member_role',
        })
      : await db.query(PUT_SQL, [ownerId, sessionId, userId, role, addedBy, at], {
          name: 'uaip_put_member',
        });
    return rows.length > 0;
  } catch (error) {
    // The session was deleted between the statement's read of it and its insert.
    if (sqlState(error) === '23503') return false;
    throw error;
  }
}

export async function removeMember(
  db: Queryable,
  ownerId: string,
  sessionId: string,
  userId: string,
): Promise<boolean> {
  const { rows } = await db.query(REMOVE_SQL, [ownerId, sessionId, userId], {
    name: 'uaip_remove_member',
  });
  return rows.length > 0;
}

export async function listMembers(
  db: Queryable,
  ownerId: string,
  sessionId: string,
): Promise<MemberRecord[]> {
  const { rows } = await db.query<MemberRow>(LIST_MEMBERS_SQL, [ownerId, sessionId], {
    name: 'uaip_list_members',
  });
  return rows.map((row) => ({
    userId: row.user_id,
    role: row.role,
    addedBy: row.added_by,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  }));
}

export async function listSharedSessions(
  db: Queryable,
  userId: string,
  page: PageRequest,
): Promise<Page<SharedSessionSummary>> {
  const after = pageStart(page);
  const { rows } = after
    ? await db.query<Record<string, unknown>>(
        LIST_SHARED_AFTER_SQL,
        [userId, page.limit + 1, after.createdAt, after.id],
        { name: 'uaip_list_shared_sessions_after' },
      )
    : await db.query<Record<string, unknown>>(LIST_SHARED_FIRST_SQL, [userId, page.limit + 1], {
        name: 'uaip_list_shared_sessions',
      });
  return pageOf(rows, page.limit, (row) => ({
    ...toSummary(row),
    ownerId: row.owner_id as string,
    role: row.role as MemberRole,
  }));
}
