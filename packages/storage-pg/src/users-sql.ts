import type { UserPatch, UserRecord } from '@uaip/core';
import { UaipError } from '@uaip/core';
import type { Queryable } from './database';
import { constraintOf, sqlState } from './errors';
import { iso, num } from './sql-values';

const USER_COLUMNS = 'id, email, name, password_hash, token_version, created_at';

const CREATE_SQL = `
insert into users (${USER_COLUMNS}, email_key)
values ($1, $2, $3, $4, $5, $6::timestamptz, $7)`;

const FIND_SQL = `select ${USER_COLUMNS} from users where email_key = $1`;

const GET_SQL = `select ${USER_COLUMNS} from users where id = $1`;

const UPDATE_SQL = `
update users set
  password_hash = coalesce($2, password_hash),
  token_version = coalesce($3::integer, token_version)
where id = $1
returning id`;

type UserRow = {
  id: string;
  email: string;
  name: string | null;
  password_hash: string;
  token_version: unknown;
  created_at: unknown;
};

// Users stand alone: sessions name their owner by id and need no row here, so hosts with
// their own identity provider never touch this table.
export async function createUser(db: Queryable, user: UserRecord): Promise<void> {
  try {
    await db.query(
      CREATE_SQL,
      [
        user.id,
        user.email,
        user.name,
        user.passwordHash,
        user.tokenVersion,
        user.createdAt,
        emailKey(user.email),
      ],
      { name: 'uaip_create_user' },
    );
  } catch (error) {
    if (sqlState(error) === '23505') {
      const taken = constraintOf(error) === 'users_email_unique';
      const message = taken ? 'Email already registered' : 'User already exists';
      throw new UaipError('conflict', message, { cause: error });
    }
    throw error;
  }
}

export async function findUserByEmail(db: Queryable, email: string): Promise<UserRecord | null> {
  const { rows } = await db.query<UserRow>(FIND_SQL, [emailKey(email)], {
    name: 'uaip_find_user',
  });
  return rows[0] ? toUserRecord(rows[0]) : null;
}

export async function getUser(db: Queryable, userId: string): Promise<UserRecord | null> {
  const { rows } = await db.query<UserRow>(GET_SQL, [userId], { name: 'uaip_get_user' });
  return rows[0] ? toUserRecord(rows[0]) : null;
}

export async function updateUser(
  db: Queryable,
  userId: string,
  patch: UserPatch,
): Promise<boolean> {
  const { rows } = await db.query(
    UPDATE_SQL,
    [userId, patch.passwordHash ?? null, patch.tokenVersion ?? null],
    { name: 'uaip_update_user' },
  );
  return rows.length > 0;
}

// Lower-cased here, not by the database's lower(): the same rule as the memory storage, in
// every locale the database may have.
function emailKey(email: string): string {
  return email.toLowerCase();
}

function toUserRecord(row: UserRow): UserRecord {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    passwordHash: row.password_hash,
    tokenVersion: num(row.token_version),
    createdAt: iso(row.created_at),
  };
}
