/**
 * npm run bench:search — 100,000 generated meetings; four query shapes through HTTP, and the
 * very statements those requests run, sent as raw SQL in the same run (the baseline); then the
 * Meeting Guide feed export of the whole directory. Not a test: numbers vary with the machine.
 *
 * Options (environment): BENCH_MEETINGS (default 100000), BENCH_REQUESTS per shape (default 300),
 * DATABASE_URL (use that server instead of an embedded one).
 */
import { plainToInstance } from 'class-transformer';
import { cpus } from 'node:os';
import pg from 'pg';
import { FellowshipsService } from '../src/meetings/fellowships.service.js';
import { normalizeMeeting } from '../src/meetings/meeting-record.js';
import { searchResultOf, type CheckedRow } from '../src/meetings/meetings.repository.js';
import { MeetingsService, resolveSearch } from '../src/meetings/meetings.service.js';
import { OccurrenceWindowService } from '../src/meetings/occurrences/occurrence-window.service.js';
import { DEMO_CITIES, demoDirectory } from '../src/meetings/seed/demo-directory.js';
import { SearchMeetingsDto } from '../src/meetings/dto/search-meetings.dto.js';
import {
  benchApp,
  benchDatabase,
  fmt,
  quietLogs,
  startServiceProcess,
  summarize,
  table,
  timed,
} from './support.js';

const MEETINGS = Number(process.env.BENCH_MEETINGS ?? 100_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 300);
const WARMUP = 30;

type Shape = { name: string; query: (i: number) => Record<string, string> };

const WORDS = [
  'serenity',
  'just today',
  'dharma',
  'big book',
  'hope',
  'living sober',
  'smart tools',
  'early birds',
];

/** Addresses that 0 to 5 of the generated meetings (seed 7) have. */
const RARE_WORDS = ['4417 park blvd', '2310 lake rd', '3904 union st', 'xyzzy', '2168 elm st'];

const SHAPES: Shape[] = [
  {
    name: 'near me + starting within 2 h',
    query: (i) => {
      const city = DEMO_CITIES[i % DEMO_CITIES.length] as (typeof DEMO_CITIES)[number];
      return {
        lat: String(city.lat + 0.01),
        lng: String(city.lng - 0.01),
        radius_km: '25',
        starting_within: '120',
      };
    },
  },
  {
    name: 'online, starting within 60 min',
    query: () => ({ attendance: 'online', starting_within: '60' }),
  },
  { name: 'text', query: (i) => ({ q: WORDS[i % WORDS.length] as string }) },
  { name: 'day + types', query: (i) => ({ day: String(i % 7), types: i % 2 === 0 ? 'O,D' : 'C' }) },
  // Not one of the four: a street address that a handful of meetings share, or none.
  // The price of not counting candidates first (see OCCURRENCE_WALK_BUDGET): a walk in vain.
  {
    name: 'rare text (extra)',
    query: (i) => ({ q: RARE_WORDS[i % RARE_WORDS.length] as string }),
  },
];

/** Loads the generated directory in large statements (triggers fill the occurrences). */
async function load(databaseUrl: string, fellowships: Map<string, string>): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const records = demoDirectory({ count: MEETINGS, seed: 7 });
    const known = new Set(fellowships.keys());
    const batch = 2000;
    for (let i = 0; i < records.length; i += batch) {
      const rows = records.slice(i, i + batch).map((record) => {
        const result = normalizeMeeting(record, { fellowships: known });
        if (!result.ok)
          throw new Error(
            `generated meeting ${String(record.slug)} is invalid: ${JSON.stringify(result.errors)}`,
          );
        const m = result.meeting;
        return {
          slug: record.slug,
          name: m.name,
          fellowship_id: fellowships.get(m.fellowship),
          days: m.days,
          start_minute: m.startMinute,
          duration_minutes: m.durationMinutes,
          timezone: m.timezone,
          types: m.types,
          attendance_option: m.attendanceOption,
          location: m.location,
          formatted_address: m.formattedAddress,
          address: m.address,
          city: m.city,
          state: m.state,
          postal_code: m.postalCode,
          country: m.country,
          latitude: m.latitude,
          longitude: m.longitude,
          approximate: m.approximate,
          region: m.region,
          conference_url: m.conferenceUrl,
          notes: m.notes,
          source: 'bench',
          source_slug: record.slug,
        };
      });
      await client.query(
        `INSERT INTO meeting (slug, name, fellowship_id, days, start_minute, duration_minutes, timezone, types,
           attendance_option, location, formatted_address, address, city, state, postal_code, country,
           latitude, longitude, approximate, region, conference_url, notes, source, source_slug)
         SELECT slug, name, fellowship_id, days, start_minute, duration_minutes, timezone, types,
           attendance_option, location, formatted_address, address, city, state, postal_code, country,
           latitude, longitude, approximate, region, conference_url, notes, source, source_slug
         FROM jsonb_to_recordset($1::jsonb) AS x(slug text, name text, fellowship_id uuid, days smallint[],
           start_minute smallint, duration_minutes smallint, timezone text, types varchar[], attendance_option text,
           location text, formatted_address text, address text, city text, state text, postal_code text,
           country text, latitude float8, longitude float8, approximate boolean, region text,
           conference_url text, notes text, source text, source_slug text)`,
        [JSON.stringify(rows)],
      );
    }
    await client.query('ANALYZE');
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  quietLogs();
  const db = await benchDatabase();
  const started = Date.now();
  let app: Awaited<ReturnType<typeof benchApp>> | undefined;
  try {
    app = await benchApp(db.url);
    const fellowships = new Map(
      (await app.app.get(FellowshipsService).all()).map((f) => [f.slug, f.id]),
    );
    const loadTime = await timed(() => load(db.url, fellowships));
    await app.app.get(OccurrenceWindowService).advance(new Date());
    const meetingsService = app.app.get(MeetingsService);
    // The same session settings as the service's pool (see data-source.ts).
    const raw = new pg.Client({ connectionString: db.url, options: '-c jit=off' });
    raw.on('error', () => undefined);
    await raw.connect();
    const counts = await raw.query<{ m: number; o: number }>(
      'SELECT (SELECT count(*) FROM meeting)::int AS m, (SELECT count(*) FROM meeting_occurrence)::int AS o',
    );

    const rowsOut: (string | number)[][] = [];
    const now = new Date().toISOString();
    for (const shape of SHAPES) {
      const http: number[] = [];
      const sql: number[] = [];
      const plans = new Set<string>();
      let results = 0;
      for (let i = 0; i < WARMUP + REQUESTS; i++) {
        const query = { ...shape.query(i), now };
        const url = `${app.baseUrl}/api/v1/meetings?${new URLSearchParams(query).toString()}`;
        const h = await timed(async () => {
          const res = await fetch(url);
          if (res.status !== 200)
            throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
          return (await res.json()) as { items: unknown[] };
        });
        // The baseline: the statement this request ran, sent straight to PostgreSQL.
        const prepared = await meetingsService.prepareSearch(
          plainToInstance(SearchMeetingsDto, query),
        );
        // A walk that did not fill the page hands over to its fallback, as the service does.
        const s = await timed(async () => {
          const ran: string[] = [];
          await resolveSearch(prepared, async (statement) => {
            const { rows } = await raw.query<CheckedRow>(statement.sql, statement.params);
            const result = searchResultOf(statement, rows);
            ran.push(result.answered ? statement.plan : `${statement.plan} (not covered)`);
            return result;
          });
          return ran.join(' → ');
        });
        plans.add(s.value);
        if (i >= WARMUP) {
          http.push(h.ms);
          sql.push(s.ms);
          results += h.value.items.length;
        }
      }
      const hs = summarize(http);
      const ss = summarize(sql);
      rowsOut.push([
        shape.name,
        [...plans].join(', '),
        (results / REQUESTS).toFixed(1),
        fmt(hs.p50),
        fmt(hs.p95),
        fmt(hs.p99),
        fmt(ss.p50),
        fmt(ss.p95),
        fmt(ss.p99),
        (hs.p95 / ss.p95).toFixed(2),
      ]);
    }
    await raw.end();

    // Feed export: the whole directory, streamed by the service in its own process, whose
    // memory is sampled while it runs: once with Node's default heap, once with the old space
    // capped at 96 MB (it must still finish: memory does not grow with the directory). The
    // service holds about 50 MB of heap before any request; the export is 47 MB of JSON, and
    // 100,000 rows held as objects would need several times that.
    const feedRows: (string | number)[][] = [];
    for (const heap of [[], ['--max-old-space-size=96']]) {
      const service = await startServiceProcess(db.url, heap);
      try {
        const rssBefore = service.rss();
        let rssPeak = rssBefore;
        const sampler = setInterval(() => {
          const rss = service.rss();
          if (Number.isFinite(rss)) rssPeak = Math.max(rssPeak, rss);
        }, 20);
        const feed = await timed(async () => {
          try {
            const res = await fetch(`${service.baseUrl}/api/v1/feeds/meeting-guide.json`);
            let bytes = 0;
            for await (const chunk of res.body as AsyncIterable<Uint8Array>)
              bytes += chunk.byteLength;
            return bytes;
          } catch (err) {
            // The service died mid-export (out of memory, say): a result, not a crash of the run.
            return `failed: ${(err as Error).message}`;
          }
        });
        clearInterval(sampler);
        feedRows.push([
          heap.length === 0 ? 'default heap' : heap.join(' '),
          counts.rows[0]?.m ?? 0,
          typeof feed.value === 'string' ? feed.value : (feed.value / 2 ** 20).toFixed(1),
          (feed.ms / 1000).toFixed(2),
          (rssBefore / 2 ** 20).toFixed(0),
          (rssPeak / 2 ** 20).toFixed(0),
        ]);
      } finally {
        await service.stop();
      }
    }

    const out = process.stdout;
    out.write(`\n## Search benchmark (${new Date().toISOString().slice(0, 10)})\n\n`);
    out.write(
      `${counts.rows[0]?.m ?? 0} meetings, ${counts.rows[0]?.o ?? 0} materialized occurrences; ${REQUESTS} requests per shape ` +
        `after ${WARMUP} warm-up, one at a time; Node ${process.version}, ${cpus().length} CPUs; ` +
        `database: ${process.env.DATABASE_URL === undefined ? 'embedded PostgreSQL' : 'DATABASE_URL'}; load took ${(loadTime.ms / 1000).toFixed(1)} s.\n\n`,
    );
    out.write(
      table(
        [
          'shape',
          'plan',
          'rows/page',
          'HTTP p50 ms',
          'HTTP p95',
          'HTTP p99',
          'SQL p50 ms',
          'SQL p95',
          'SQL p99',
          'p95 HTTP/SQL',
        ],
        rowsOut,
      ) + '\n\n',
    );
    out.write(
      table(
        [
          'feed export (service process)',
          'meetings',
          'MB',
          'seconds',
          'RSS before MB',
          'RSS peak MB',
        ],
        feedRows,
      ) + '\n',
    );
    out.write(`\n(total run ${(Date.now() - started) / 1000} s)\n`);
  } finally {
    await app?.close();
    if (process.env.BENCH_KEEP_DATABASE === '1') process.stdout.write(`kept database: ${db.url}\n`);
    else await db.close();
  }
  process.exit(0);
}

await main();
