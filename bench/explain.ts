/**
 * npm run bench:explain -- '<query string>' — prints the plan choice and PostgreSQL's EXPLAIN
 * ANALYZE for a GET /meetings query against DATABASE_URL (e.g. a database kept by
 * BENCH_KEEP_DATABASE=1 npm run bench:search). A tool for tuning, not a benchmark.
 */
import { plainToInstance } from 'class-transformer';
import pg from 'pg';
import { SearchMeetingsDto } from '../src/meetings/dto/search-meetings.dto.js';
import { searchResultOf, type CheckedRow } from '../src/meetings/meetings.repository.js';
import { MeetingsService, resolveSearch } from '../src/meetings/meetings.service.js';
import { benchApp } from './support.js';

const url = process.env.DATABASE_URL;
if (url === undefined) throw new Error('set DATABASE_URL to the database to explain against');
const app = await benchApp(url);
try {
  const query = Object.fromEntries(new URLSearchParams(process.argv[2] ?? ''));
  const prepared = await app.app
    .get(MeetingsService)
    .prepareSearch(plainToInstance(SearchMeetingsDto, query));
  // The service's session settings (see data-source.ts).
  const client = new pg.Client({ connectionString: url, options: '-c jit=off' });
  await client.connect();
  // Every statement the service would run for this search, in turn, with its plan.
  await resolveSearch(prepared, async (statement) => {
    const { rows } = await client.query<CheckedRow>(statement.sql, statement.params);
    const result = searchResultOf(statement, rows);
    const plan = await client.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN (ANALYZE, BUFFERS) ${statement.sql}`,
      statement.params,
    );
    process.stdout.write(
      `plan: ${statement.plan}, ${result.answered ? `${result.rows.length} rows` : 'window did not cover now'}\n` +
        `${plan.rows.map((r) => r['QUERY PLAN']).join('\n')}\n`,
    );
    return result;
  });
  await client.end();
} finally {
  await app.close();
}
process.exit(0);
