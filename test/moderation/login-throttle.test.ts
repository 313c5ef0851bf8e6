/**
 * End-to-end: sign-in guessing (POST /auth/login) is limited even when the guesses arrive all
 * at once. Found by bench/abuse.bench.ts: the limits were checked before the password and
 * counted only after it, so every guess already in flight passed the check, and a client
 * sending its guesses in parallel got as many password checks as it liked.
 */
import { startTestApp, type TestApp } from '../support/app.js';
import { api, TEST_ADMIN } from '../support/http.js';
import { MOD_ENV } from './moderation-fixtures.js';

type ErrorBody = { error?: { code: string } };

/** The outcome of each attempt: `200`, or the error code. */
async function attempts(
  t: TestApp,
  bodies: { email: string; password: string }[],
): Promise<string[]> {
  const replies = await Promise.all(
    bodies.map((body) => api<ErrorBody>(t, 'POST', '/auth/login', { body })),
  );
  return replies.map((r) => (r.status === 200 ? '200' : `${r.status} ${r.body.error?.code}`));
}

function tally(outcomes: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const outcome of outcomes) counts[outcome] = (counts[outcome] ?? 0) + 1;
  return counts;
}

describe('login guesses sent all at once, at one account', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: MOD_ENV });
  });

  afterAll(async () => {
    await t.close();
  });

  test('30 parallel wrong passwords: 5 are checked (the per-account limit), 25 get 429 RATE_LIMITED', async () => {
    const outcomes = await attempts(
      t,
      Array.from({ length: 30 }, (_, i) => ({ email: TEST_ADMIN.email, password: `guess-${i}` })),
    );
    expect(tally(outcomes)).toEqual({ '401 UNAUTHORIZED': 5, '429 RATE_LIMITED': 25 });
    // The account stays locked for now, whoever knows its password.
    expect(tally(await attempts(t, [TEST_ADMIN]))).toEqual({ '429 RATE_LIMITED': 1 });
  });
});

describe('login guesses sent all at once, from one address at many accounts', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: MOD_ENV });
  });

  afterAll(async () => {
    await t.close();
  });

  test('40 parallel guesses at 40 accounts: only the per-address budget (20) is checked', async () => {
    const started = Date.now();
    const outcomes = await attempts(
      t,
      Array.from({ length: 40 }, (_, i) => ({
        email: `guess-${i}@example.org`,
        password: `guess-${i}`,
      })),
    );
    // 20 at once, then 10 a minute: what the elapsed time refilled may also be checked.
    const refilled = Math.floor(((Date.now() - started) / 60_000) * 10);
    const counts = tally(outcomes);
    expect(counts['401 UNAUTHORIZED']).toBeGreaterThanOrEqual(20);
    expect(counts['401 UNAUTHORIZED']).toBeLessThanOrEqual(20 + refilled);
    expect((counts['401 UNAUTHORIZED'] ?? 0) + (counts['429 RATE_LIMITED'] ?? 0)).toBe(40);
  });
});

describe('a successful sign-in takes a token and gives it back', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: MOD_ENV });
  });

  afterAll(async () => {
    await t.close();
  });

  test('15 failures, 5 successes: the address still has 5 checks left, not 0', async () => {
    const started = Date.now();
    const failures = Array.from({ length: 15 }, (_, i) => ({
      email: `guess-${i}@example.org`,
      password: 'wrong',
    }));
    expect(tally(await attempts(t, failures))).toEqual({ '401 UNAUTHORIZED': 15 });
    expect(
      tally(
        await attempts(
          t,
          Array.from({ length: 5 }, () => TEST_ADMIN),
        ),
      ),
    ).toEqual({
      '200': 5,
    });
    const more = await attempts(
      t,
      Array.from({ length: 10 }, (_, i) => ({ email: `more-${i}@example.org`, password: 'x' })),
    );
    const refilled = Math.floor(((Date.now() - started) / 60_000) * 10);
    const counts = tally(more);
    expect(counts['401 UNAUTHORIZED']).toBeGreaterThanOrEqual(5);
    expect(counts['401 UNAUTHORIZED']).toBeLessThanOrEqual(5 + refilled);
    expect((counts['401 UNAUTHORIZED'] ?? 0) + (counts['429 RATE_LIMITED'] ?? 0)).toBe(10);
  });
});
