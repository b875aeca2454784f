import { UaipError } from '@uaip/core';
import { makeClaim, makeCommit, makeMember, makeSession } from '@uaip/core/testing';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ClosableStorage, createPgStorage } from './index';
import { startTcpProxy } from './tcp-proxy';
import { failureOf, waitFor } from './test-async';
import {
  createThrowawayDatabase,
  NEEDS_POSTGRES,
  type ThrowawayDatabase,
  testDatabaseUrl,
} from './test-services';

const serverUrl = testDatabaseUrl();

/** Checks a failure is the clean error a caller can show: no SQL, a retry hint. */
function expectUnavailable(error: unknown): void {
  expect(UaipError.isInstance(error), String(error)).toBe(true);
  const uaip = error as UaipError;
  expect(uaip.code).toBe('storage_unavailable');
  expect(uaip.retryAfterMs).toBe(1000);
  expect(uaip.message).not.toMatch(/select|update|insert|sessions|\$1/i);
}

describe.skipIf(!serverUrl)(`database faults on a PostgreSQL server ${NEEDS_POSTGRES}`, () => {
  let database: ThrowawayDatabase;
  let admin: pg.Client;
  const opened: ClosableStorage[] = [];

  async function open(options: Parameters<typeof createPgStorage>[0]): Promise<ClosableStorage> {
    const storage = await createPgStorage(options);
    opened.push(storage);
    return storage;
  }

  /** Locks a session row from outside the app, so the app's next write to it waits. */
  async function lockSession(id: string): Promise<() => Promise<void>> {
    await admin.query('begin');
    await admin.query('select 1 from sessions where id = $1 for update', [id]);
    return async () => {
      await admin.query('rollback');
    };
  }

  /** The app connection that waits on a lock. */
  function waitingBackend(): Promise<number> {
    return waitFor(async () => {
      const { rows } = await admin.query<{ pid: number }>(
        `select pid from pg_stat_activity
         where datname = current_database() and application_name = 'uaip'
           and wait_event_type = 'Lock'`,
      );
      return rows[0]?.pid;
    });
  }

  beforeAll(async () => {
    database = await createThrowawayDatabase(serverUrl!);
    admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    await (await open({ connectionString: database.url })).close();
  });

  // Each test's storages go when it ends: connections it kills are then only its own.
  afterEach(async () => {
    for (const storage of opened.splice(0)) await storage.close().catch(() => {});
  });

  afterAll(async () => {
    await admin?.end();
    await database?.drop();
  });

  it('gives a question to exactly one of two app instances racing for it', async () => {
    const first = await open({ connectionString: database.url });
    const second = await open({ connectionString: database.url });
    for (let round = 0; round < 20; round++) {
      const record = makeSession();
      await first.createSession(record);
      const claims = [makeClaim(record), makeClaim(record)] as const;
      const results = await Promise.all([
        first.claimQuestion(record.ownerId, record.id, claims[0]),
        second.claimQuestion(record.ownerId, record.id, claims[1]),
      ]);
      expect([...results].sort()).toEqual(['busy', 'claimed']);

      // The winner's turn, committed through both instances at once, lands once.
      const winner = claims[results.indexOf('claimed')]!;
      const commits = await Promise.all([
        first.commitTurn(record.ownerId, record.id, makeCommit(record, winner.leaseId)),
        second.commitTurn(record.ownerId, record.id, makeCommit(record, winner.leaseId)),
      ]);
      expect(commits.sort()).toEqual([false, true]);
      expect(await first.listTurns(record.ownerId, record.id)).toHaveLength(1);
      expect((await second.getSession(record.ownerId, record.id))?.usage.calls).toBe(1);
    }
  });

  it('says false to sharing a session deleted while the share waited for its row', async () => {
    const storage = await open({ connectionString: database.url });
    const record = makeSession();
    await storage.createSession(record);
    // Deleted by another instance, not yet committed: the share reads the session, then its
    // insert waits for the row, which is gone once it may look again.
    await admin.query('begin');
    await admin.query('delete from sessions where id = $1', [record.id]);
    const member = makeMember(record);
    const put = storage.putMember(record.ownerId, record.id, member);
    await waitingBackend();
    await admin.query('commit');
    expect(await put).toBe(false);
    expect(await storage.accessOf(member.userId, record.id)).toBeNull();
  });

  it('turns a connection killed mid-query into storage_unavailable; the next call works', async () => {
    const storage = await open({ connectionString: database.url, poolSize: 2 });
    const record = makeSession();
    await storage.createSession(record);
    const unlock = await lockSession(record.id);
    const claim = failureOf(storage.claimQuestion(record.ownerId, record.id, makeClaim(record)));
    await admin.query('select pg_terminate_backend($1)', [await waitingBackend()]);
    expectUnavailable(await claim);
    await unlock();

    expect(await storage.claimQuestion(record.ownerId, record.id, makeClaim(record))).toBe(
      'claimed',
    );
  });

  it('survives every pooled connection being killed while idle', async () => {
    const poolErrors: Error[] = [];
    const storage = await open({
      connectionString: database.url,
      poolSize: 3,
      onPoolError: (error) => poolErrors.push(error),
    });
    const record = makeSession();
    await storage.createSession(record);
    await Promise.all([1, 2, 3].map(() => storage.getSession(record.ownerId, record.id)));
    const { rows } = await admin.query(
      `select pg_terminate_backend(pid) from pg_stat_activity
       where datname = current_database() and application_name = 'uaip'`,
    );
    expect(rows.length).toBeGreaterThan(0);
    // The pool hears of each dead idle connection, hands the error to onPoolError (the
    // process lives on) and drops the connection; the storage then opens new ones.
    await waitFor(async () => (poolErrors.length === rows.length ? true : undefined));
    expect(poolErrors.every((error) => (error as { code?: string }).code === '57P01')).toBe(true);
    expect(await storage.getSession(record.ownerId, record.id)).toEqual(record);
  });

  it('fails with storage_unavailable within the connection timeout when the pool is exhausted', async () => {
    const storage = await open({
      connectionString: database.url,
      poolSize: 1,
      connectionTimeoutMs: 300,
    });
    const record = makeSession();
    await storage.createSession(record);
    const unlock = await lockSession(record.id);
    // The only connection waits on the lock, inside the app.
    const blocked = storage.claimQuestion(record.ownerId, record.id, makeClaim(record));
    await waitingBackend();

    const started = performance.now();
    const error = await failureOf(storage.getSession(record.ownerId, record.id));
    const waited = performance.now() - started;
    expectUnavailable(error);
    expect(waited).toBeGreaterThanOrEqual(250);
    expect(waited).toBeLessThan(2_000);

    await unlock();
    expect(await blocked).toBe('claimed');
    expect((await storage.getSession(record.ownerId, record.id))?.lease).not.toBeNull();
  });

  it('leaks no pooled client when callers give up waiting for one', async () => {
    const pool = new pg.Pool({
      connectionString: database.url,
      max: 1,
      connectionTimeoutMillis: 200,
    });
    pool.on('error', () => {});
    const storage = await open({ pool });
    const record = makeSession();
    await storage.createSession(record);

    const held = await pool.connect();
    await held.query('begin');
    // Reads, writes and the transactions of migrations all fail the same clean way.
    const failures = await Promise.all([
      ...Array.from({ length: 8 }, () => failureOf(storage.getSession(record.ownerId, record.id))),
      failureOf(storage.claimQuestion(record.ownerId, record.id, makeClaim(record))),
      failureOf(createPgStorage({ pool })),
    ]);
    for (const failure of failures) expectUnavailable(failure);
    expect(pool.waitingCount).toBe(0);
    await held.query('rollback');
    held.release();

    expect(await storage.getSession(record.ownerId, record.id)).toEqual(record);
    expect({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }).toEqual({
      total: 1,
      idle: 1,
      waiting: 0,
    });
    await storage.close();
    expect(pool.ended).toBe(false);
    await pool.end();
  });

  it('cancels a statement stuck past statementTimeoutMs with storage_unavailable', async () => {
    const storage = await open({ connectionString: database.url, statementTimeoutMs: 300 });
    const record = makeSession();
    await storage.createSession(record);
    const unlock = await lockSession(record.id);
    const error = await failureOf(
      storage.claimQuestion(record.ownerId, record.id, makeClaim(record)),
    );
    await unlock();
    expectUnavailable(error);
    expect(await storage.claimQuestion(record.ownerId, record.id, makeClaim(record))).toBe(
      'claimed',
    );
  });

  it('says storage_unavailable while the database is down or silent, and recovers by itself', async () => {
    const proxy = await startTcpProxy(database.url);
    try {
      const storage = await open({ connectionString: proxy.url, connectionTimeoutMs: 400 });
      const record = makeSession();
      await storage.createSession(record);

      await proxy.down();
      let started = performance.now();
      expectUnavailable(await failureOf(storage.getSession(record.ownerId, record.id)));
      expect(performance.now() - started).toBeLessThan(2_000);
      await proxy.up();
      expect(await storage.getSession(record.ownerId, record.id)).toEqual(record);

      proxy.blackhole();
      started = performance.now();
      expectUnavailable(await failureOf(storage.getSession(record.ownerId, record.id)));
      expect(performance.now() - started).toBeLessThan(2_000);
      await proxy.up();
      expect(await storage.getSession(record.ownerId, record.id)).toEqual(record);
    } finally {
      await proxy.close();
    }
  });

  it('refuses to start with storage_unavailable when the database cannot be reached', async () => {
    const proxy = await startTcpProxy(database.url);
    await proxy.down();
    expectUnavailable(await failureOf(createPgStorage({ connectionString: proxy.url })));
  });
});
