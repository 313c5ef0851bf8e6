/**
 * npm run bench:explain -- '<query string>' — prints the plan choice and PostgreSQL's EXPLAIN
 * ANALYZE for a GET /meetings query against DATABASE_URL (e.g. a database kept by
 * BENCH_KEEP_DATABASE=1 npm run bench:search). A tool for tuning, not a benchmark.
 */
import { plainToInstance } from 'class-transformer';
import pg from 'pg';
import { SearchMeetingsDto } from '../src/meetings/dto/search-meetings.dto.js';
import {
  searchResultOf,
  type CheckedRow,
  type SearchResult,
  type SearchStatement,
} from '../src/meetings/meetings.repository.js';
import { answeredBy, MeetingsService } from '../src/meetings/meetings.service.js';
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
  const explain = async (label: string, statement: SearchStatement): Promise<SearchResult> => {
    const result = searchResultOf(
      statement,
      (await client.query<CheckedRow>(statement.sql, statement.params)).rows,
    );
    const plan = await client.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN (ANALYZE, BUFFERS) ${statement.sql}`,
      statement.params,
    );
    process.stdout.write(
      `${label}: ${result.plan} (${result.rows.length} rows)\n${plan.rows.map((r) => r['QUERY PLAN']).join('\n')}\n`,
    );
    return result;
  };
  const first = await explain('plan', prepared.statement);
  if (answeredBy(prepared, first) === 'fallback' && prepared.fallback !== undefined)
    await explain('the page was not full: fallback', prepared.fallback);
  await client.end();
} finally {
  await app.close();
}
process.exit(0);
