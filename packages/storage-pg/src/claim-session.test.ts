import { at, makeSession } from '@uaip/core/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClosableStorage, createPgStorage } from './index';
import { createThrowawayDatabase, NEEDS_POSTGRES, testDatabaseUrl } from './test-services';

const serverUrl = testDatabaseUrl();

// claimSession reads the session from its statement's snapshot, but its claim may wait for
// another writer of the same row: the session it returns must then be the one that writer
// left, not the snapshot's.
describe.skipIf(!serverUrl)(`claimSession on a PostgreSQL server ${NEEDS_POSTGRES}`, () => {
  let storage: ClosableStorage;
  let other: pg.Client;
  let watcher: pg.Client;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const database = await createThrowawayDatabase(serverUrl!);
    drop = database.drop;
    storage = await createPgStorage({ connectionString: database.url });
    other = new pg.Client({ connectionString: database.url });
    await other.connect();
    // Statistics views are read once per transaction: the watcher polls outside `other`'s.
    watcher = new pg.Client({ connectionString: database.url });
    await watcher.connect();
  });
  afterAll(async () => {
    await other?.end();
    await watcher?.end();
    await storage?.close();
    await drop?.();
  });

  it('returns the session as another writer left it when its claim waited for that writer', async () => {
    const session = makeSession();
    await storage.createSession(session);
    // Another writer, in a transaction of its own, changes the session and holds its row lock.
    await other.query('begin');
    await other.query(
      `update sessions set version = version + 1, title = 'Renamed meanwhile'
       where id = $1 and owner_id = $2`,
      [session.id, session.ownerId],
    );
    // The claim's snapshot still shows the old row, which it matches: it waits for the lock.
    const claiming = storage.claimSession!(session.ownerId, session.id, {
      questionId: session.pending!.id,
      leaseId: 'the-lease',
      expiresAt: at(90),
      now: at(30),
    });
    await waitUntilBlocked(watcher);
    await other.query('commit');

    const { result, session: claimed } = await claiming;
    expect(result).toBe('claimed');
    expect(claimed).toMatchObject({
      version: session.version + 1,
      title: 'Renamed meanwhile',
      lease: { id: 'the-lease', expiresAt: at(90) },
    });
  });
});

/** Waits until a backend is blocked on a lock (the claim behind the open transaction). */
async function waitUntilBlocked(client: pg.Client): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const { rows } = await client.query(
      "select count(*)::int as waiting from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()",
    );
    if (rows[0].waiting > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the claim never waited for the lock');
}
