/**
 * npm run bench:explain -- '<query string>' — prints the plan choice and PostgreSQL's EXPLAIN
 * ANALYZE for a GET /meetings query against DATABASE_URL (e.g. a database kept by
 * BENCH_KEEP_DATABASE=1 npm run bench:search). A tool for tuning, not a benchmark.
 */
import { plainToInstance } from 'class-transformer';
import pg from 'pg';
import { SearchMeetingsDto } from '../src/meetings/dto/search-meetings.dto.js';
import { MeetingsService } from '../src/meetings/meetings.service.js';
import { benchApp } from './support.js';

const url = process.env.DATABASE_URL;
if (url === undefined) throw new Error('set DATABASE_URL to the database to explain against');
const app = await benchApp(url);
try {
  const query = Object.fromEntries(new URLSearchParams(process.argv[2] ?? ''));
  const prepared = await app.app
    .get(MeetingsService)
    .prepareSearch(plainToInstance(SearchMeetingsDto, query));
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(prepared.statement.sql, prepared.statement.params);
  const plan = await client.query<{ 'QUERY PLAN': string }>(
    `EXPLAIN (ANALYZE, BUFFERS) ${prepared.statement.sql}`,
    prepared.statement.params,
  );
  process.stdout.write(
    `plan: ${prepared.plan}\n${plan.rows.map((r) => r['QUERY PLAN']).join('\n')}\n`,
  );
  await client.end();
} finally {
  await app.close();
}
process.exit(0);
