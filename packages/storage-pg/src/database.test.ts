import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, pgDatabase, pgliteDatabase } from './index';
import { NEEDS_POSTGRES, testDatabaseUrl } from './test-services';

const serverUrl = testDatabaseUrl();

// The same cases run on both backends: the storage's SQL must behave the same on each.
function databaseContract(open: () => Promise<Database>) {
  let db: Database;
  const table = `t_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;

  beforeAll(async () => {
    db = await open();
    await db.query(`create table ${table} (id int primary key, note text not null)`);
  });
  afterAll(async () => {
    await db.query(`drop table if exists ${table}`);
    await db.close();
  });

  it('sends parameters separately from the SQL text', async () => {
    const hostile = "x'); drop table users; --";
    await db.query(`insert into ${table} (id, note) values ($1, $2)`, [1, hostile]);
    const { rows } = await db.query<{ note: string }>(
      `select note from ${table} where id = $1`,
      [1],
    );
    expect(rows).toEqual([{ note: hostile }]);
  });

  it('runs a script of several statements, inside a transaction too', async () => {
    await db.exec(
      `insert into ${table} (id, note) values (10, 'a'); insert into ${table} (id, note) values (11, 'b');`,
    );
    await db.transaction((tx) => tx.exec(`update ${table} set note = 'c' where id in (10, 11);`));
    const { rows } = await db.query(`select note from ${table} where id in (10, 11)`);
    expect(rows).toEqual([{ note: 'c' }, { note: 'c' }]);
  });

  it('commits a transaction that resolves', async () => {
    const result = await db.transaction(async (tx) => {
      await tx.query(`insert into ${table} (id, note) values (2, 'kept')`);
      return 'done';
    });
    expect(result).toBe('done');
    const { rows } = await db.query(`select note from ${table} where id = 2`);
    expect(rows).toEqual([{ note: 'kept' }]);
  });

  it('rolls back every write of a transaction that throws, and rethrows', async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.query(`insert into ${table} (id, note) values (3, 'lost')`);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const { rows } = await db.query(`select id from ${table} where id = 3`);
    expect(rows).toEqual([]);
  });

  it('rolls back when a statement inside the transaction fails', async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.query(`insert into ${table} (id, note) values (4, 'first')`);
        await tx.query(`insert into ${table} (id, note) values (4, 'duplicate key')`);
      }),
    ).rejects.toThrow();
    const { rows } = await db.query(`select id from ${table} where id = 4`);
    expect(rows).toEqual([]);
    // The database is still usable afterwards.
    expect((await db.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
  });
}

describe('pgliteDatabase (embedded, in memory)', () => {
  databaseContract(() => pgliteDatabase());
});

describe.skipIf(!serverUrl)(`pgDatabase on a PostgreSQL server ${NEEDS_POSTGRES}`, () => {
  databaseContract(async () => pgDatabase({ connectionString: serverUrl }));
});
