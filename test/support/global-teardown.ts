import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import pg from 'pg';

/** Runs outside Jest's module system, like global-setup.ts: only packages may be imported. */
export default async function globalTeardown(): Promise<void> {
  const adminUrl = process.env.MEETINGHOUSE_TEST_ADMIN_URL;
  const templateUrl = process.env.MEETINGHOUSE_TEST_TEMPLATE_URL;
  const server = globalThis.__MEETINGHOUSE_EMBEDDED__;
  if (server !== undefined) {
    // The whole server goes, and every test database with it.
    await server.stop();
    await rm(dirname(server.clusterDir), { recursive: true, force: true });
  } else if (adminUrl !== undefined && templateUrl !== undefined) {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    const name = decodeURIComponent(new URL(templateUrl).pathname.slice(1));
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
    await client.end();
  }
}
