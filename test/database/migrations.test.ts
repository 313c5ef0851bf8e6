import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import { createDataSource, dataSourceOptions } from '../../src/database/data-source.js';
import { createEmptyDatabase, createTestDatabase, type TestDatabase } from '../support/database.js';

/** Everything a migration can create in the database, as comparable text. */
async function schemaSnapshot(ds: DataSource): Promise<Record<string, string[]>> {
  const rows = async (sql: string): Promise<string[]> =>
    (await ds.query<{ d: string }[]>(sql)).map((r) => r.d);
  return {
    extensions: await rows(
      `SELECT extname AS d FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY 1`,
    ),
    columns: await rows(`
      SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '') AS d
      FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> 'migrations' ORDER BY 1`),
    indexes: await rows(
      `SELECT indexdef AS d FROM pg_indexes WHERE schemaname = 'public' AND tablename <> 'migrations' ORDER BY 1`,
    ),
    constraints: await rows(`
      SELECT c.conrelid::regclass || ' ' || c.conname || ' ' || pg_get_constraintdef(c.oid) AS d
      FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
      WHERE n.nspname = 'public' AND c.conrelid::regclass::text <> 'migrations' ORDER BY 1`),
    functions: await rows(`
      SELECT p.oid::regprocedure::text AS d FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname = 'public' ORDER BY 1`),
    types: await rows(`
      SELECT t.typname AS d FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd', 'c') AND t.typrelid = 0 ORDER BY 1`),
    triggers: await rows(
      `SELECT tgrelid::regclass || ' ' || tgname AS d FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1`,
    ),
    sequences: await rows(
      `SELECT sequence_name AS d FROM information_schema.sequences WHERE sequence_schema = 'public' AND sequence_name NOT LIKE 'migrations%' ORDER BY 1`,
    ),
  };
}

function dataSourceWith(url: string, count: number): DataSource {
  return new DataSource({
    ...dataSourceOptions({ url, poolSize: 2 }),
    migrations: MIGRATIONS.slice(0, count),
  });
}

describe('migrations', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createEmptyDatabase();
  });

  afterAll(async () => {
    await db.drop();
  });

  it('exist, in timestamp order, with unique names', () => {
    expect(MIGRATIONS.length).toBeGreaterThan(0);
    const stamps = MIGRATIONS.map((m) => Number(/(\d{13})$/.exec(m.name)?.[1]));
    expect(stamps.every((s) => Number.isFinite(s))).toBe(true);
    expect([...stamps].sort((a, b) => a - b)).toEqual(stamps);
    expect(new Set(MIGRATIONS.map((m) => m.name)).size).toBe(MIGRATIONS.length);
  });

  it('each goes up, down to exactly the schema before it, and up again', async () => {
    const empty = dataSourceWith(db.url, 0);
    await empty.initialize();
    const snapshots = [await schemaSnapshot(empty)];
    await empty.destroy();

    for (let i = 1; i <= MIGRATIONS.length; i++) {
      const ds = dataSourceWith(db.url, i);
      await ds.initialize();
      try {
        expect((await ds.runMigrations({ transaction: 'each' })).map((m) => m.name)).toEqual([
          MIGRATIONS[i - 1]?.name,
        ]);
        const after = await schemaSnapshot(ds);
        expect(after).not.toEqual(snapshots[i - 1]);

        await ds.undoLastMigration({ transaction: 'each' });
        expect(await schemaSnapshot(ds)).toEqual(snapshots[i - 1]);

        await ds.runMigrations({ transaction: 'each' });
        expect(await schemaSnapshot(ds)).toEqual(after);
        snapshots.push(after);
      } finally {
        await ds.destroy();
      }
    }

    // And all the way down from the top leaves nothing behind.
    const all = dataSourceWith(db.url, MIGRATIONS.length);
    await all.initialize();
    try {
      for (let i = MIGRATIONS.length; i > 0; i--)
        await all.undoLastMigration({ transaction: 'each' });
      expect(await schemaSnapshot(all)).toEqual(snapshots[0]);
      expect(await all.query('SELECT count(*)::int AS n FROM migrations')).toEqual([{ n: 0 }]);
    } finally {
      await all.destroy();
    }
  });
});

describe('entities and migrations', () => {
  it('agree: the migrated schema needs no further change for the entities', async () => {
    const db = await createTestDatabase();
    const ds = createDataSource({ url: db.url, poolSize: 2 });
    await ds.initialize();
    try {
      const pending = await ds.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((q) => q.query)).toEqual([]);
    } finally {
      await ds.destroy();
      await db.drop();
    }
  });
});
