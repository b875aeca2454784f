import { execFile } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { at, makeMember, makeReview, makeReviewRound, makeSession } from '@uaip/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPgStorage,
  createSqlStorage,
  type Database,
  loadMigrations,
  pgDatabase,
  pgliteDatabase,
  runMigrations,
} from './index';
import {
  createThrowawayDatabase,
  NEEDS_POSTGRES,
  type ThrowawayDatabase,
  testDatabaseUrl,
} from './test-services';

const serverUrl = testDatabaseUrl();
const packageDir = new URL('..', import.meta.url).pathname;
// Every migration file, in order: what a fresh database gets.
const ALL = [
  '0001_initial.sql',
  '0002_session_quality.sql',
  '0003_revisions.sql',
  '0004_session_members.sql',
  '0005_session_reviews.sql',
  '0006_webhook_outbox.sql',
  '0007_webhook_outbox_settled.sql',
  '0008_imported_calls.sql',
];

/** A copy of the package's migrations in a temporary folder, to add to or tamper with. */
async function migrationsCopy(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'uaip-migrations-'));
  await cp(join(packageDir, 'migrations'), dir, { recursive: true });
  return dir;
}

async function tables(db: Database): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `select table_name as name from information_schema.tables
     where table_schema = 'public' order by table_name`,
  );
  return rows.map((row) => row.name);
}

const SCHEMA = [
  'idempotency_keys',
  'llm_calls',
  'schema_migrations',
  'session_history',
  'session_members',
  'session_reviewers',
  'session_reviews',
  'sessions',
  'stage_results',
  'turns',
  'users',
  'webhook_outbox',
];

describe('migrations on PGlite', () => {
  let db: Database;
  beforeAll(async () => {
    db = await pgliteDatabase();
  });
  afterAll(() => db.close());

  it('builds the schema from empty, then has nothing left to do', async () => {
    const all = await loadMigrations();
    expect(all.map((migration) => migration.name)).toContain('0001_initial.sql');
    expect(await runMigrations(db)).toEqual({ applied: all.map((migration) => migration.name) });
    expect(await tables(db)).toEqual(SCHEMA);
    expect(await runMigrations(db)).toEqual({ applied: [] });
  });

  it('reads what was stored before 0003 as having no revision, revised turn or history', async () => {
    const old = await pgliteDatabase();
    try {
      const before = (await loadMigrations()).filter((migration) => migration.version < 3);
      await runMigrations(old, before);
      const ownerId = 'owner-1';
      const sessionId = 'session-1';
      // Rows as the 0002 schema takes them.
      await old.query(
        `insert into sessions (id, owner_id, workflow_id, workflow_version, prompt_version, title,
           idea, status, current_stage_id, version, created_at, updated_at)
         values ($1, $2, 'uaip', '1.0.0', 'prompts-1', 'Churn', 'Predict churn', 'completed',
           null, 1, $3, $3)`,
        [sessionId, ownerId, at(0)],
      );
      await old.query(
        `insert into stage_results (session_id, stage_id, owner_id, position, status, gap_asked)
         values ($1, 'problem', $2, 0, 'completed', false)`,
        [sessionId, ownerId],
      );
      await old.query(
        `insert into turns (session_id, id, owner_id, stage_id, question_id, kind, question,
           answer, attempt, score, issues, escalated, accepted, provider, model, prompt_version,
           created_at)
         values ($1, 'turn-1', $2, 'problem', 'question-1', 'question', 'Why?', 'Because', 1,
           8, '[]', false, true, 'fake', 'fake-fast', 'prompts-1', $3)`,
        [sessionId, ownerId, at(10)],
      );

      expect(await runMigrations(old)).toEqual({ applied: ALL.slice(2) });
      const storage = createSqlStorage(old);
      const session = await storage.getSession(ownerId, sessionId);
      expect(session).toMatchObject({ revision: null, version: 1 });
      expect(session?.stages.map((stage) => stage.status)).toEqual(['completed']);
      const turns = await storage.listTurns(ownerId, sessionId);
      expect(turns).toMatchObject([{ id: 'turn-1', revisesTurnId: null }]);
      expect(await storage.listHistory(ownerId, sessionId)).toEqual([]);
      // A session stored before can be claimed for a revision like any other.
      const claim = { version: 1, leaseId: 'lease-1', expiresAt: at(60), now: at(0) };
      expect(await storage.claimRevision(ownerId, sessionId, claim)).toBe('claimed');
    } finally {
      await old.close();
    }
  });

  it('shares a session stored before 0004 with nobody, and then as any other', async () => {
    const old = await pgliteDatabase();
    try {
      const before = (await loadMigrations()).filter((migration) => migration.version < 4);
      await runMigrations(old, before);
      const session = makeSession();
      await createSqlStorage(old).createSession(session);

      expect(await runMigrations(old)).toEqual({ applied: ALL.slice(3) });
      const storage = createSqlStorage(old);
      const { ownerId, id } = session;
      expect(await storage.listMembers(ownerId, id)).toEqual([]);
      expect(await storage.accessOf(ownerId, id)).toEqual({ ownerId, role: 'owner' });
      const member = makeMember(session);
      expect(await storage.putMember(ownerId, id, member)).toBe(true);
      expect(await storage.accessOf(member.userId, id)).toEqual({ ownerId, role: 'viewer' });
      const shared = await storage.listSharedSessions(member.userId, { limit: 10 });
      expect(shared.items.map((item) => item.id)).toEqual([id]);
    } finally {
      await old.close();
    }
  });

  it('reads a session stored before 0005 as having no review, then reviews it as any other', async () => {
    const old = await pgliteDatabase();
    try {
      const before = (await loadMigrations()).filter((migration) => migration.version < 5);
      await runMigrations(old, before);
      const session = makeSession();
      const member = makeMember(session);
      await createSqlStorage(old).createSession(session);
      await createSqlStorage(old).putMember(session.ownerId, session.id, member);

      expect(await runMigrations(old)).toEqual({ applied: ALL.slice(4) });
      const storage = createSqlStorage(old);
      const { ownerId, id } = session;
      expect(await storage.getReview(ownerId, id)).toBeNull();
      expect((await storage.listReviewsFor(member.userId, { limit: 10 })).items).toEqual([]);
      const reviewers = [{ userId: member.userId, vote: null, comment: null, votedAt: null }];
      const review = makeReview(session, { current: makeReviewRound(session, { reviewers }) });
      expect(await storage.saveReview(ownerId, id, review, null)).toBe(true);
      expect(await storage.getReview(ownerId, id)).toEqual(review);
      const asked = await storage.listReviewsFor(member.userId, { limit: 10 });
      expect(asked.items.map((item) => item.id)).toEqual([id]);
    } finally {
      await old.close();
    }
  });
});

describe.skipIf(!serverUrl)(`migrations on a PostgreSQL server ${NEEDS_POSTGRES}`, () => {
  const databases: ThrowawayDatabase[] = [];
  const folders: string[] = [];

  async function freshDatabase(): Promise<ThrowawayDatabase> {
    const database = await createThrowawayDatabase(serverUrl!);
    databases.push(database);
    return database;
  }

  async function folder(): Promise<string> {
    const dir = await migrationsCopy();
    folders.push(dir);
    return dir;
  }

  afterAll(async () => {
    for (const database of databases) await database.drop();
    for (const dir of folders) await rm(dir, { recursive: true, force: true });
  });

  it('builds the schema from empty, records each migration, then is a no-op', async () => {
    const db = pgDatabase({ connectionString: (await freshDatabase()).url });
    try {
      expect(await tables(db)).toEqual([]);
      const { applied } = await runMigrations(db);
      expect(applied).toEqual(ALL);
      expect(await tables(db)).toEqual(SCHEMA);
      const { rows } = await db.query<{ version: number; name: string; checksum: string }>(
        'select version, name, checksum from schema_migrations',
      );
      const migrations = await loadMigrations();
      expect(rows).toEqual(
        migrations.map(({ version, name, checksum }) => ({ version, name, checksum })),
      );
      expect(await runMigrations(db)).toEqual({ applied: [] });
    } finally {
      await db.close();
    }
  });

  it('applies each migration once when several processes migrate at once', async () => {
    const { url } = await freshDatabase();
    const dbs = Array.from({ length: 4 }, () => pgDatabase({ connectionString: url }));
    try {
      const reports = await Promise.all(dbs.map((db) => runMigrations(db)));
      expect(reports.flatMap((report) => report.applied)).toEqual(ALL);
      // Two app instances starting together both come up and share the schema.
      const [first, second] = await Promise.all([
        createPgStorage({ connectionString: url }),
        createPgStorage({ connectionString: url }),
      ]);
      const record = makeSession();
      await first.createSession(record);
      expect(await second.getSession(record.ownerId, record.id)).toEqual(record);
      await Promise.all([first.close(), second.close()]);
    } finally {
      await Promise.all(dbs.map((db) => db.close()));
    }
  });

  it('applies a migration added later, and only that one', async () => {
    const db = pgDatabase({ connectionString: (await freshDatabase()).url });
    const dir = await folder();
    try {
      await runMigrations(db, await loadMigrations(dir));
      await writeFile(
        join(dir, '0099_notes.sql'),
        'create table notes (id integer primary key);\n',
      );
      expect(await runMigrations(db, await loadMigrations(dir))).toEqual({
        applied: ['0099_notes.sql'],
      });
      expect(await tables(db)).toContain('notes');
    } finally {
      await db.close();
    }
  });

  it('keeps nothing of a migration that fails halfway, and records it not', async () => {
    const db = pgDatabase({ connectionString: (await freshDatabase()).url });
    const dir = await folder();
    try {
      await writeFile(
        join(dir, '0099_broken.sql'),
        'create table half_done (id integer);\nselect 1 / 0;\n',
      );
      await expect(runMigrations(db, await loadMigrations(dir))).rejects.toThrow(
        /division by zero/,
      );
      expect(await tables(db)).not.toContain('half_done');
      const { rows } = await db.query('select version from schema_migrations order by version');
      expect(rows).toEqual(ALL.map((_name, index) => ({ version: index + 1 })));
    } finally {
      await db.close();
    }
  });

  it('refuses to start when an applied migration was edited, naming the file', async () => {
    const { url } = await freshDatabase();
    const db = pgDatabase({ connectionString: url });
    const dir = await folder();
    try {
      await runMigrations(db, await loadMigrations(dir));
      await writeFile(join(dir, '0001_initial.sql'), '-- edited\ncreate table sneaky (id int);\n');
      await expect(runMigrations(db, await loadMigrations(dir))).rejects.toThrow(
        /Migration 0001_initial\.sql was changed after it was applied/,
      );
      expect(await tables(db)).not.toContain('sneaky');
    } finally {
      await db.close();
    }
  });

  it('migrates from the command line for operators (npm run migrate)', async () => {
    const { url } = await freshDatabase();
    const run = () =>
      promisify(execFile)(
        process.execPath,
        ['--conditions=@uaip/source', '--import', 'tsx', 'src/migrate-cli.ts'],
        { cwd: packageDir, env: { ...process.env, DATABASE_URL: url } },
      );
    expect((await run()).stdout).toBe(`uaip migrations: applied ${ALL.join(', ')}\n`);
    expect((await run()).stdout).toBe('uaip migrations: up to date\n');
  });
});
