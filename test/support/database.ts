import { createDatabase, dropDatabase } from '../../src/database/databases.js';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

function adminUrl(): string {
  const url = process.env.MEETINGHOUSE_TEST_ADMIN_URL;
  if (url === undefined)
    throw new Error('The Jest global setup did not run (MEETINGHOUSE_TEST_ADMIN_URL unset)');
  return url;
}

function templateName(): string {
  const url = process.env.MEETINGHOUSE_TEST_TEMPLATE_URL;
  if (url === undefined)
    throw new Error('The Jest global setup did not run (MEETINGHOUSE_TEST_TEMPLATE_URL unset)');
  return decodeURIComponent(new URL(url).pathname.slice(1));
}

/** A fresh database with every migration applied (a copy of the run's template). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const url = await createDatabase(adminUrl(), 'meetinghouse_test', templateName());
  return { url, drop: () => dropDatabase(adminUrl(), url) };
}

/** A database with nothing in it, not even the migrations. */
export async function createEmptyDatabase(): Promise<TestDatabase> {
  const url = await createDatabase(adminUrl(), 'meetinghouse_empty');
  return { url, drop: () => dropDatabase(adminUrl(), url) };
}

export { adminUrl };
