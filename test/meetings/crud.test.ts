/**
 * End-to-end: the meeting directory's write side through HTTP against the real service and a
 * real PostgreSQL (CONTRACT.md §1 login, §2 meeting shape and CRUD, reference lists).
 */
import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import { startTestApp, type TestApp } from '../support/app.js';
import { ADMIN_ENV, api, login, TEST_ADMIN } from '../support/http.js';
import { createMeeting } from '../support/meetings.js';
import {
  assignToGroup,
  assignToMeeting,
  basicMeeting,
  CONTRACT_MEETING_FIELDS,
  countGroups,
  countMeetings,
  createFacilitator,
  dataSource,
  expectError,
  expectValidationFailed,
  FULL_MEETING,
  getMeeting,
  groupIdOf,
  ISO_INSTANT,
  MEETING_GUIDE_SPEC_TYPES,
  meetingData,
  meetingIdOf,
  runImport,
  type Meeting,
} from './write-fixtures.js';

interface LoginBody {
  accessToken: string;
  expiresIn: number;
  account: { id: string; email: string; displayName: string; role: string };
}

describe('login and authorization of directory writes', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp({ env: ADMIN_ENV });
    admin = await login(t);
  });

  afterAll(async () => {
    await t.close();
  });

  test('POST /auth/login with the right password gives a bearer token and the account', async () => {
    const res = await api<LoginBody>(t, 'POST', '/auth/login', {
      body: { email: TEST_ADMIN.email, password: TEST_ADMIN.password },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      accessToken: expect.any(String) as string,
      expiresIn: expect.any(Number) as number,
      account: {
        id: expect.any(String) as string,
        email: TEST_ADMIN.email,
        displayName: expect.any(String) as string,
        role: 'admin',
      },
    });
    expect(res.body.expiresIn).toBeGreaterThan(0);
    // The token it gives is one that writes accept.
    const created = await api(t, 'POST', '/meetings', {
      token: res.body.accessToken,
      body: basicMeeting({ name: 'Login Check' }),
    });
    expect(created.status).toBe(201);
  });

  test('a wrong password and an unknown email get the same 401 UNAUTHORIZED', async () => {
    const wrongPassword = await api(t, 'POST', '/auth/login', {
      body: { email: TEST_ADMIN.email, password: 'not-the-password' },
    });
    const unknownEmail = await api(t, 'POST', '/auth/login', {
      body: { email: 'nobody@example.org', password: TEST_ADMIN.password },
    });
    const first = expectError(wrongPassword, 401, 'UNAUTHORIZED');
    const second = expectError(unknownEmail, 401, 'UNAUTHORIZED');
    // Nothing tells the caller whether the address has an account.
    expect(second).toEqual(first);
    expect(JSON.stringify(wrongPassword.body)).not.toContain('accessToken');
  });

  test.each([
    ['an empty object', {}, 'email'],
    ['no password', { email: TEST_ADMIN.email }, 'password'],
    ['an email that is not one', { email: 'admin', password: 'x' }, 'email'],
    ['a numeric password', { email: TEST_ADMIN.email, password: 12345 }, 'password'],
    ['an unknown field', { ...TEST_ADMIN, remember: true }, 'remember'],
  ])('POST /auth/login with %s is 400 VALIDATION_FAILED', async (_what, body, field) => {
    expectValidationFailed(await api(t, 'POST', '/auth/login', { body }), field);
  });

  test('POST /auth/login with a body that is not JSON is 400 VALIDATION_FAILED', async () => {
    expectValidationFailed(await api(t, 'POST', '/auth/login', { rawBody: '{"email": ' }));
  });

  test('writes without a token are 401 UNAUTHORIZED and write nothing', async () => {
    const meeting = await createMeeting(t, admin, basicMeeting({ name: 'Anonymous Target' }));
    const slug = meeting.slug as string;
    const before = await countMeetings(t);

    expectError(
      await api(t, 'POST', '/meetings', { body: basicMeeting({ name: 'Sneaky' }) }),
      401,
      'UNAUTHORIZED',
    );
    expectError(
      await api(t, 'PATCH', `/meetings/${slug}`, { body: { name: 'Defaced' } }),
      401,
      'UNAUTHORIZED',
    );
    expectError(await api(t, 'DELETE', `/meetings/${slug}`), 401, 'UNAUTHORIZED');
    // A scheme other than Bearer is no token either.
    expectError(
      await api(t, 'DELETE', `/meetings/${slug}`, {
        headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
      }),
      401,
      'UNAUTHORIZED',
    );

    expect(await countMeetings(t)).toBe(before);
    expect((await getMeeting(t, slug)).name).toBe('Anonymous Target');
  });

  test('garbage, forged, tampered and expired tokens are 401 UNAUTHORIZED', async () => {
    const meeting = await createMeeting(t, admin, basicMeeting({ name: 'Token Target' }));
    const slug = meeting.slug as string;
    const header = decodeProtectedHeader(admin);
    const claims = decodeJwt(admin);
    const realKey = new TextEncoder().encode(t.config.jwtSecret);
    const otherKey = new TextEncoder().encode('not-the-secret-of-this-service-0123456789');
    const sign = (payload: Record<string, unknown>, key: Uint8Array): Promise<string> =>
      new SignJWT(payload).setProtectedHeader({ alg: header.alg ?? 'HS256', typ: 'JWT' }).sign(key);

    const now = Math.floor(Date.now() / 1000);
    const sameClaimsRealKey = await sign({ ...claims }, realKey);
    const forged = await sign({ ...claims }, otherKey);
    const expired = await sign({ ...claims, iat: now - 7200, exp: now - 60 }, realKey);
    const [h, p, s] = admin.split('.');
    const tamperedPayload = Buffer.from(
      JSON.stringify({ ...claims, sub: '00000000-0000-4000-8000-000000000000' }),
    ).toString('base64url');
    const tampered = `${h}.${tamperedPayload}.${s}`;
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${p}.`;

    // Control: the same claims signed with the service's key are accepted, so the rejections
    // below are about the signature and the expiry, not about how the token was built.
    const control = await api(t, 'PATCH', `/meetings/${slug}`, {
      token: sameClaimsRealKey,
      body: { notes: 'control' },
    });
    expect(control.status).toBe(200);

    for (const token of ['garbage', 'a.b.c', forged, expired, tampered, unsigned]) {
      const res = await api(t, 'PATCH', `/meetings/${slug}`, { token, body: { notes: 'hacked' } });
      expectError(res, 401, 'UNAUTHORIZED');
      expectError(
        await api(t, 'POST', '/meetings', { token, body: basicMeeting({ name: 'Forged' }) }),
        401,
        'UNAUTHORIZED',
      );
    }
    expect((await getMeeting(t, slug)).notes).toBe('control');
  });

  test('a facilitator not assigned to the meeting gets 403 FORBIDDEN on PATCH, DELETE and POST', async () => {
    const meeting = await createMeeting(
      t,
      admin,
      basicMeeting({ name: 'Not Yours', group: 'Other Group' }),
    );
    const slug = meeting.slug as string;
    const { token } = await createFacilitator(t, 'unassigned@example.org');
    const before = await countMeetings(t);

    expectError(
      await api(t, 'PATCH', `/meetings/${slug}`, { token, body: { name: 'Mine Now' } }),
      403,
      'FORBIDDEN',
    );
    expectError(await api(t, 'DELETE', `/meetings/${slug}`, { token }), 403, 'FORBIDDEN');
    expectError(
      await api(t, 'POST', '/meetings', {
        token,
        body: basicMeeting({ name: 'Facilitator Made', group: 'Other Group' }),
      }),
      403,
      'FORBIDDEN',
    );
    expect(await countMeetings(t)).toBe(before);
    expect((await getMeeting(t, slug)).name).toBe('Not Yours');
  });

  test('a facilitator assigned to the group may create, edit and delete its meetings', async () => {
    const first = await createMeeting(
      t,
      admin,
      basicMeeting({ name: 'Group Meeting One', group: 'Assigned Group' }),
    );
    const second = await createMeeting(
      t,
      admin,
      basicMeeting({ name: 'Group Meeting Two', group: 'Assigned Group', day: 3 }),
    );
    const outside = await createMeeting(
      t,
      admin,
      basicMeeting({ name: 'Outside Meeting', group: 'Unrelated Group' }),
    );
    const facilitator = await createFacilitator(t, 'assigned@example.org');
    await assignToGroup(t, facilitator.id, await groupIdOf(t, first.slug as string));
    const token = facilitator.token;

    const patched = await api<Meeting>(t, 'PATCH', `/meetings/${first.slug as string}`, {
      token,
      body: { notes: 'Edited by the group facilitator' },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.notes).toBe('Edited by the group facilitator');

    const deleted = await api(t, 'DELETE', `/meetings/${second.slug as string}`, { token });
    expect(deleted.status).toBe(204);
    expect((await api(t, 'GET', `/meetings/${second.slug as string}`)).status).toBe(404);

    const created = await api<Meeting>(t, 'POST', '/meetings', {
      token,
      body: basicMeeting({ name: 'Added By Facilitator', group: 'Assigned Group', day: 5 }),
    });
    expect(created.status).toBe(201);
    expect(created.body.group).toBe('Assigned Group');

    // The assignment covers that group only.
    expectError(
      await api(t, 'PATCH', `/meetings/${outside.slug as string}`, {
        token,
        body: { notes: 'x' },
      }),
      403,
      'FORBIDDEN',
    );
  });

  test('a facilitator assigned to one meeting may edit that meeting only', async () => {
    const mine = await createMeeting(t, admin, basicMeeting({ name: 'Single Assignment' }));
    const other = await createMeeting(t, admin, basicMeeting({ name: 'Single Other' }));
    const facilitator = await createFacilitator(t, 'single@example.org');
    await assignToMeeting(t, facilitator.id, await meetingIdOf(t, mine.slug as string));

    const ok = await api<Meeting>(t, 'PATCH', `/meetings/${mine.slug as string}`, {
      token: facilitator.token,
      body: { time: '18:00' },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.time).toBe('18:00');
    expectError(
      await api(t, 'PATCH', `/meetings/${other.slug as string}`, {
        token: facilitator.token,
        body: { time: '18:00' },
      }),
      403,
      'FORBIDDEN',
    );
  });

  test('a facilitator may not move a meeting into a group they are not assigned to', async () => {
    // Creating a meeting in a group needs an assignment to that group; moving one there is the
    // same as adding it there.
    const meeting = await createMeeting(
      t,
      admin,
      basicMeeting({ name: 'Mover', group: 'Home Group' }),
    );
    await createMeeting(t, admin, basicMeeting({ name: 'Foreign', group: 'Foreign Group' }));
    const facilitator = await createFacilitator(t, 'mover@example.org');
    await assignToGroup(t, facilitator.id, await groupIdOf(t, meeting.slug as string));

    const res = await api(t, 'PATCH', `/meetings/${meeting.slug as string}`, {
      token: facilitator.token,
      body: { group: 'Foreign Group' },
    });
    expectError(res, 403, 'FORBIDDEN');
    expect((await getMeeting(t, meeting.slug as string)).group).toBe('Home Group');
  });

  test('a facilitator assigned to an imported group can edit the meeting they add to it', async () => {
    await runImport(t, admin, {
      format: 'meeting-guide',
      source: 'county-intergroup',
      data: [
        {
          slug: 'imported-group-meeting',
          name: 'Imported Group Meeting',
          fellowship: 'aa',
          day: 2,
          time: '12:00',
          timezone: 'America/New_York',
          address: '5 Oak St',
          group: 'Lunch Bunch',
        },
      ],
    });
    const importedSlug = (
      await dataSource(t).query<{ slug: string }[]>(
        `SELECT slug FROM meeting WHERE source = 'county-intergroup'`,
      )
    )[0]?.slug as string;
    const facilitator = await createFacilitator(t, 'lunch@example.org');
    await assignToGroup(t, facilitator.id, await groupIdOf(t, importedSlug));

    const created = await api<Meeting>(t, 'POST', '/meetings', {
      token: facilitator.token,
      body: basicMeeting({ name: 'Lunch Bunch Saturday', group: 'Lunch Bunch', day: 6 }),
    });
    expect(created.status).toBe(201);
    // What they were allowed to add, they can look after.
    const patched = await api(t, 'PATCH', `/meetings/${created.body.slug as string}`, {
      token: facilitator.token,
      body: { notes: 'Bring a lunch' },
    });
    expect(patched.status).toBe(200);
    expect((await getMeeting(t, created.body.slug as string)).notes).toBe('Bring a lunch');
  });

  test('disabling an account stops its token at once, and its login', async () => {
    const meeting = await createMeeting(t, admin, basicMeeting({ name: 'Disable Target' }));
    const facilitator = await createFacilitator(t, 'soon-disabled@example.org', 'pw-disabled-1');
    await assignToMeeting(t, facilitator.id, await meetingIdOf(t, meeting.slug as string));
    const before = await api(t, 'PATCH', `/meetings/${meeting.slug as string}`, {
      token: facilitator.token,
      body: { notes: 'before' },
    });
    expect(before.status).toBe(200);

    await dataSource(t).query('UPDATE account SET disabled = true WHERE id = $1', [facilitator.id]);

    expectError(
      await api(t, 'PATCH', `/meetings/${meeting.slug as string}`, {
        token: facilitator.token,
        body: { notes: 'after' },
      }),
      401,
      'UNAUTHORIZED',
    );
    expectError(
      await api(t, 'POST', '/auth/login', {
        body: { email: 'soon-disabled@example.org', password: 'pw-disabled-1' },
      }),
      401,
      'UNAUTHORIZED',
    );
    expect((await getMeeting(t, meeting.slug as string)).notes).toBe('before');
  });
});

describe('meeting CRUD', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp({ env: ADMIN_ENV });
    admin = await login(t);
  });

  afterAll(async () => {
    await t.close();
  });

  test('a meeting created with every field reads back exactly, in the contract shape', async () => {
    const res = await api<Meeting>(t, 'POST', '/meetings', { token: admin, body: FULL_MEETING });
    expect(res.status).toBe(201);
    for (const field of CONTRACT_MEETING_FIELDS) expect(res.body).toHaveProperty(field);

    const expected = meetingData({ ...FULL_MEETING });
    expect(meetingData(res.body)).toEqual(expected);
    const read = await getMeeting(t, FULL_MEETING.slug);
    expect(meetingData(read)).toEqual(expected);

    expect(read.updated).toMatch(ISO_INSTANT);
    expect(Math.abs(Date.parse(read.updated as string) - Date.now())).toBeLessThan(60_000);
    expect(read.roomId).toBeNull();
    expect(read.distanceKm).toBeNull();
    expect(typeof read.inProgress).toBe('boolean');
    expect(read.nextStart).toMatch(ISO_INSTANT);
    expect(read.nextEnd).toMatch(ISO_INSTANT);
  });

  test('nextStart, nextEnd and inProgress follow the meeting-local schedule at `now`', async () => {
    // Tuesdays and Thursdays 19:00–20:30 in New York.
    const slug = FULL_MEETING.slug;
    const winter = await getMeeting(t, slug, '2026-11-23T12:00:00Z'); // a Monday, EST
    expect(winter).toMatchObject({
      nextStart: '2026-11-25T00:00:00Z',
      nextEnd: '2026-11-25T01:30:00Z',
      inProgress: false,
    });
    const during = await getMeeting(t, slug, '2026-11-25T00:45:00Z');
    expect(during).toMatchObject({
      nextStart: '2026-11-25T00:00:00Z',
      nextEnd: '2026-11-25T01:30:00Z',
      inProgress: true,
    });
    const afterTuesday = await getMeeting(t, slug, '2026-11-25T01:30:00Z');
    expect(afterTuesday).toMatchObject({ nextStart: '2026-11-27T00:00:00Z', inProgress: false });
    const summer = await getMeeting(t, slug, '2026-07-06T12:00:00Z'); // a Monday, EDT
    expect(summer).toMatchObject({
      nextStart: '2026-07-07T23:00:00Z',
      nextEnd: '2026-07-08T00:30:00Z',
      inProgress: false,
    });
  });

  test('local times that daylight saving skips or repeats follow RFC 5545', async () => {
    // New York springs forward on Sunday 2027-03-14 at 02:00 and falls back on 2027-11-07 at 02:00.
    const skipped = await createMeeting(
      t,
      admin,
      basicMeeting({ name: 'Skipped Hour', day: 0, time: '02:30', end_time: '03:30' }),
    );
    // 02:30 does not exist that night: read with the offset before the gap (EST, UTC−5).
    expect(await getMeeting(t, skipped.slug as string, '2027-03-13T12:00:00Z')).toMatchObject({
      nextStart: '2027-03-14T07:30:00Z',
    });
    const repeated = await createMeeting(
      t,
      admin,
      basicMeeting({ name: 'Repeated Hour', day: 0, time: '01:30', end_time: '02:30' }),
    );
    // 01:30 happens twice that night: the first one (EDT, UTC−4).
    expect(await getMeeting(t, repeated.slug as string, '2027-11-06T12:00:00Z')).toMatchObject({
      nextStart: '2027-11-07T05:30:00Z',
    });
  });

  test('day is a number for one day and an array for several; approximate is "yes"/"no"', async () => {
    const single = await createMeeting(t, admin, basicMeeting({ name: 'One Day', day: 3 }));
    expect(single.day).toBe(3);
    expect(single.approximate).toBe('no');
    const several = await createMeeting(
      t,
      admin,
      basicMeeting({ name: 'Several Days', day: [1, 3, 5], approximate: 'yes' }),
    );
    expect(several.day).toEqual([1, 3, 5]);
    expect(several.approximate).toBe('yes');
  });

  test('end_time defaults to an hour after time; an earlier end_time means the next day', async () => {
    const noEnd = await createMeeting(t, admin, basicMeeting({ name: 'No End', time: '07:30' }));
    expect(noEnd).toMatchObject({ time: '07:30', end_time: '08:30' });

    const overnight = await createMeeting(
      t,
      admin,
      basicMeeting({ name: 'Night Owls', day: 5, time: '23:00', end_time: '01:00' }),
    );
    expect(overnight).toMatchObject({ time: '23:00', end_time: '01:00' });
    // Friday 23:00 EST → Saturday 01:00: two hours.
    const read = await getMeeting(t, overnight.slug as string, '2026-11-23T12:00:00Z');
    expect(read).toMatchObject({
      nextStart: '2026-11-28T04:00:00Z',
      nextEnd: '2026-11-28T06:00:00Z',
    });

    const twelveHours = await api<Meeting>(t, 'POST', '/meetings', {
      token: admin,
      body: basicMeeting({ name: 'Marathon', time: '08:00', end_time: '20:00' }),
    });
    expect(twelveHours.status).toBe(201);
    expect(twelveHours.body.end_time).toBe('20:00');
  });

  test('the slug is made from the name when absent, and kept unique', async () => {
    const first = await createMeeting(t, admin, basicMeeting({ name: 'Serenity' }));
    const second = await createMeeting(t, admin, basicMeeting({ name: 'Serenity', day: 2 }));
    expect(first.slug).toBe('serenity');
    expect(second.slug).toBe('serenity-2');
    const accented = await createMeeting(
      t,
      admin,
      basicMeeting({ name: '  Café Serenité — Noon!  ' }),
    );
    expect(accented.slug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(accented.slug).toBe('cafe-serenite-noon');
    expect(accented.name).toBe('Café Serenité — Noon!');
  });

  test('meetings created at the same moment without a slug all get one of their own', async () => {
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_unused, i) =>
        api<Meeting>(t, 'POST', '/meetings', {
          token: admin,
          body: basicMeeting({ name: 'Simultaneous', day: i % 7 }),
        }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(8).fill(201));
    const slugs = responses.map((r) => r.body.slug);
    expect(new Set(slugs).size).toBe(8);
  });

  test('an explicit slug that is taken is 409 CONFLICT and writes nothing', async () => {
    await createMeeting(t, admin, basicMeeting({ name: 'Original', slug: 'taken-slug' }));
    const meetings = await countMeetings(t);
    const groups = await countGroups(t);
    const res = await api(t, 'POST', '/meetings', {
      token: admin,
      body: basicMeeting({ name: 'Copycat', slug: 'taken-slug', group: 'Brand New Group' }),
    });
    expectError(res, 409, 'CONFLICT');
    expect(await countMeetings(t)).toBe(meetings);
    expect(await countGroups(t)).toBe(groups);
    expect((await getMeeting(t, 'taken-slug')).name).toBe('Original');
  });

  test('PATCH changes only the given fields; null clears an optional one', async () => {
    const created = await createMeeting(t, admin, { ...FULL_MEETING, slug: 'patch-me' });
    const before = meetingData(created);

    const res = await api<Meeting>(t, 'PATCH', '/meetings/patch-me', {
      token: admin,
      body: { notes: 'New notes', location_notes: null, region: null, types: ['C'] },
    });
    expect(res.status).toBe(200);
    const after = meetingData(await getMeeting(t, 'patch-me'));
    expect(after).toEqual({
      ...before,
      notes: 'New notes',
      location_notes: null,
      region: null,
      types: ['C'],
    });
    expect(Date.parse(res.body.updated as string)).toBeGreaterThanOrEqual(
      Date.parse(created.updated as string),
    );
  });

  test('PATCH time keeps the old end_time; end_time null goes back to an hour', async () => {
    await createMeeting(
      t,
      admin,
      basicMeeting({ name: 'Retimed', slug: 'retimed', time: '19:00', end_time: '20:30' }),
    );
    const moved = await api<Meeting>(t, 'PATCH', '/meetings/retimed', {
      token: admin,
      body: { time: '18:00' },
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ time: '18:00', end_time: '20:30' });

    const cleared = await api<Meeting>(t, 'PATCH', '/meetings/retimed', {
      token: admin,
      body: { end_time: null },
    });
    expect(cleared.status).toBe(200);
    expect(cleared.body).toMatchObject({ time: '18:00', end_time: '19:00' });
  });

  test('PATCH group_notes: null clears the group notes', async () => {
    await createMeeting(
      t,
      admin,
      basicMeeting({
        name: 'Group Notes',
        slug: 'group-notes',
        group: 'Notes Group',
        group_notes: 'Old notes',
      }),
    );
    const res = await api<Meeting>(t, 'PATCH', '/meetings/group-notes', {
      token: admin,
      body: { group_notes: null },
    });
    expect(res.status).toBe(200);
    expect((await getMeeting(t, 'group-notes')).group_notes).toBeNull();
  });

  test('PATCH group: null takes the meeting out of its group', async () => {
    await createMeeting(
      t,
      admin,
      basicMeeting({ name: 'Leaving Group', slug: 'leaving-group', group: 'Left Group' }),
    );
    const res = await api<Meeting>(t, 'PATCH', '/meetings/leaving-group', {
      token: admin,
      body: { group: null },
    });
    expect(res.status).toBe(200);
    expect((await getMeeting(t, 'leaving-group')).group).toBeNull();
  });

  test('PATCH can rename the slug; a taken one is 409 CONFLICT', async () => {
    await createMeeting(t, admin, basicMeeting({ name: 'Renamed', slug: 'old-slug' }));
    await createMeeting(t, admin, basicMeeting({ name: 'Occupant', slug: 'occupied' }));
    const res = await api<Meeting>(t, 'PATCH', '/meetings/old-slug', {
      token: admin,
      body: { slug: 'new-slug' },
    });
    expect(res.status).toBe(200);
    expect(res.body.slug).toBe('new-slug');
    expectError(await api(t, 'GET', '/meetings/old-slug'), 404, 'NOT_FOUND');
    expect((await getMeeting(t, 'new-slug')).name).toBe('Renamed');

    expectError(
      await api(t, 'PATCH', '/meetings/new-slug', { token: admin, body: { slug: 'occupied' } }),
      409,
      'CONFLICT',
    );
    expect((await getMeeting(t, 'occupied')).name).toBe('Occupant');
    expect((await getMeeting(t, 'new-slug')).name).toBe('Renamed');
  });

  test.each<[string, Meeting, string]>([
    ['an invalid time', { time: '25:00' }, 'time'],
    ['an unknown type code', { types: ['O', 'NOPE'] }, 'types'],
    ['an unknown fellowship', { fellowship: 'xyz' }, 'fellowship'],
    ['an invalid zone', { timezone: 'Mars/Olympus' }, 'timezone'],
    ['a required field set to null', { name: null }, 'name'],
    ['a day set to null', { day: null }, 'day'],
    ['an end making it longer than 12 hours', { end_time: '18:00' }, 'end_time'],
    ['an online meeting without a way in', { attendance_option: 'online' }, 'attendance_option'],
    ['an unknown field', { color: 'blue' }, 'color'],
  ])('a PATCH with %s is 400 and changes nothing', async (_what, body, field) => {
    const slug = `patch-reject-${field}-${Object.keys(body)[0] ?? ''}`.replace(/_/g, '-');
    await createMeeting(
      t,
      admin,
      basicMeeting({ name: 'Patch Reject', slug, time: '19:00', end_time: '20:00' }),
    );
    const before = await getMeeting(t, slug);
    expectValidationFailed(
      await api(t, 'PATCH', `/meetings/${slug}`, { token: admin, body }),
      field,
    );
    const after = await getMeeting(t, slug);
    expect(after).toEqual(before);
  });

  test('DELETE answers 204 and the meeting is gone (404 after)', async () => {
    await createMeeting(t, admin, basicMeeting({ name: 'Doomed', slug: 'doomed' }));
    const res = await api(t, 'DELETE', '/meetings/doomed', { token: admin });
    expect(res.status).toBe(204);
    expect(res.body).toBe('');
    expectError(await api(t, 'GET', '/meetings/doomed'), 404, 'NOT_FOUND');
    expectError(await api(t, 'DELETE', '/meetings/doomed', { token: admin }), 404, 'NOT_FOUND');
    expectError(
      await api(t, 'PATCH', '/meetings/doomed', { token: admin, body: { notes: 'x' } }),
      404,
      'NOT_FOUND',
    );
  });

  test('GET of an unknown slug is 404 NOT_FOUND', async () => {
    expectError(await api(t, 'GET', '/meetings/no-such-meeting'), 404, 'NOT_FOUND');
  });
});

describe('validation of POST /meetings', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp({ env: ADMIN_ENV });
    admin = await login(t);
    // Something already stored, so "nothing written" is checked against a non-empty directory.
    await createMeeting(t, admin, basicMeeting({ name: 'Existing', group: 'Existing Group' }));
  });

  afterAll(async () => {
    await t.close();
  });

  /** A valid meeting in a new group, so that a half-done write would leave a group behind. */
  const valid = (overrides: Meeting): Meeting =>
    basicMeeting({ name: 'Rejected', group: 'Never Created Group', ...overrides });

  test('the valid base itself is accepted (in a throw-away copy)', async () => {
    const res = await api<Meeting>(t, 'POST', '/meetings', {
      token: admin,
      body: valid({ slug: 'base-check', group: 'Base Check Group' }),
    });
    expect(res.status).toBe(201);
    expect((await api(t, 'DELETE', '/meetings/base-check', { token: admin })).status).toBe(204);
  });

  test.each<[string, Meeting, string | string[]]>([
    ['an unknown type code', { types: ['O', 'ZZZ'] }, 'types'],
    ['an NA-only type on an AA meeting', { fellowship: 'aa', types: ['BT'] }, 'types'],
    ['an invalid zone', { timezone: 'Mars/Olympus' }, 'timezone'],
    ['an offset instead of a zone', { timezone: '+05:00' }, 'timezone'],
    ['time 25:00', { time: '25:00' }, 'time'],
    ['time 7pm', { time: '7pm' }, 'time'],
    ['end_time 24:00', { end_time: '24:00' }, 'end_time'],
    ['20:00–19:00 (23 hours)', { time: '20:00', end_time: '19:00' }, 'end_time'],
    ['20:00–08:01 (just over 12 hours)', { time: '20:00', end_time: '08:01' }, 'end_time'],
    ['an end equal to the start', { time: '20:00', end_time: '20:00' }, 'end_time'],
    ['latitude 200', { latitude: 200, longitude: 10 }, 'latitude'],
    ['longitude -181', { latitude: 10, longitude: -181 }, 'longitude'],
    ['longitude without latitude', { longitude: -73.75 }, ['latitude', 'longitude']],
    ['latitude without longitude', { latitude: 42.65 }, ['latitude', 'longitude']],
    ['day 7', { day: 7 }, 'day'],
    ['day -1', { day: -1 }, 'day'],
    ['day 1.5', { day: 1.5 }, 'day'],
    ['day []', { day: [] }, 'day'],
    ['day as a string', { day: '2' }, 'day'],
    ['name as a number', { name: 123 }, 'name'],
    ['no name', { name: undefined }, 'name'],
    ['a blank name', { name: '   ' }, 'name'],
    ['a name over 200 characters', { name: 'x'.repeat(201) }, 'name'],
    ['no fellowship', { fellowship: undefined }, 'fellowship'],
    ['an unknown fellowship', { fellowship: 'xyz' }, 'fellowship'],
    ['fellowship as an array', { fellowship: ['aa'] }, 'fellowship'],
    ['no timezone', { timezone: undefined }, 'timezone'],
    ['no time', { time: undefined }, 'time'],
    ['time as a number', { time: 1900 }, 'time'],
    ['types as a string', { types: 'O' }, 'types'],
    ['types with a number', { types: ['O', 1] }, 'types'],
    ['latitude as a string', { latitude: '42.65', longitude: -73.75 }, 'latitude'],
    ['notes as a number', { notes: 5 }, 'notes'],
    ['group as an object', { group: { name: 'x' } }, 'group'],
    ['approximate "maybe"', { approximate: 'maybe' }, 'approximate'],
    ['an unknown attendance_option', { attendance_option: 'virtual' }, 'attendance_option'],
    [
      'an online meeting without conference_url or phone',
      { attendance_option: 'online' },
      'attendance_option',
    ],
    [
      'a hybrid meeting without conference_url or phone',
      { attendance_option: 'hybrid' },
      'attendance_option',
    ],
    ['a javascript: conference_url', { conference_url: 'javascript:alert(1)' }, 'conference_url'],
    ['a url that is not one', { url: 'not a url' }, 'url'],
    ['a conference_phone that is not one', { conference_phone: 'call me' }, 'conference_phone'],
    ['a slug with capitals and spaces', { slug: 'Bad Slug' }, 'slug'],
    ['an unknown field', { colour: 'blue' }, 'colour'],
    ['a NUL character in the name', { name: 'Bad\u0000Name' }, 'name'],
    ['a NUL character in the notes', { notes: 'Line\u0000Break' }, 'notes'],
    ['a camelCase spelling of a field', { endTime: '20:00' }, 'endTime'],
  ])(
    '%s is 400 VALIDATION_FAILED naming the field, and writes nothing',
    async (_what, overrides, field) => {
      const meetings = await countMeetings(t);
      const groups = await countGroups(t);
      const body = valid(overrides);
      for (const [key, value] of Object.entries(overrides))
        if (value === undefined) delete body[key];

      const res = await api(t, 'POST', '/meetings', { token: admin, body });
      const fields = expectValidationFailed(res);
      if (Array.isArray(field)) expect(fields.some((f) => field.includes(f))).toBe(true);
      else expect(fields).toContain(field);

      expect(await countMeetings(t)).toBe(meetings);
      expect(await countGroups(t)).toBe(groups);
    },
  );

  test('every problem of a request is reported at once', async () => {
    const res = await api(t, 'POST', '/meetings', {
      token: admin,
      body: valid({ time: '25:00', timezone: 'Mars/Olympus', latitude: 200, longitude: 0 }),
    });
    const fields = expectValidationFailed(res);
    expect(fields).toEqual(expect.arrayContaining(['time', 'timezone', 'latitude']));
  });

  test.each([
    ['an array', '[]'],
    ['a string', '"meeting"'],
    ['broken JSON', '{"name": "x",'],
    ['nothing at all', ''],
  ])('a body that is %s is 400 VALIDATION_FAILED', async (_what, rawBody) => {
    const meetings = await countMeetings(t);
    const res = await api(t, 'POST', '/meetings', { token: admin, rawBody });
    expectValidationFailed(res);
    expect(await countMeetings(t)).toBe(meetings);
  });

  test('a body over the 1 MB limit is 413 VALIDATION_FAILED', async () => {
    const meetings = await countMeetings(t);
    const res = await api(t, 'POST', '/meetings', {
      token: admin,
      body: valid({ notes: 'x'.repeat(1_100_000) }),
    });
    expectError(res, 413, 'VALIDATION_FAILED');
    expect(await countMeetings(t)).toBe(meetings);
  });
});

describe('reference lists', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  interface Fellowship {
    slug: string;
    name: string;
    program: string;
  }
  interface MeetingType {
    code: string;
    name: string;
    fellowship: string | null;
  }

  test('GET /fellowships lists the seeded fellowships with their program', async () => {
    const res = await api<Fellowship[]>(t, 'GET', '/fellowships');
    expect(res.status).toBe(200);
    expect(Array.isArray(res.body)).toBe(true);
    for (const f of res.body) {
      expect(f.slug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(['twelve-step', 'non-twelve-step']).toContain(f.program);
    }
    const expected: [RegExp, string][] = [
      [/^Alcoholics Anonymous$/, 'twelve-step'],
      [/^Narcotics Anonymous$/, 'twelve-step'],
      [/^Cocaine Anonymous$/, 'twelve-step'],
      [/^Crystal Meth Anonymous$/, 'twelve-step'],
      [/^Heroin Anonymous$/, 'twelve-step'],
      [/^Marijuana Anonymous$/, 'twelve-step'],
      [/^Celebrate Recovery$/, 'twelve-step'],
      [/^SMART Recovery$/, 'non-twelve-step'],
      [/^Recovery Dharma$/, 'non-twelve-step'],
      [/^LifeRing\b/, 'non-twelve-step'],
      [/^Women for Sobriety$/, 'non-twelve-step'],
      [/^Refuge Recovery$/, 'non-twelve-step'],
    ];
    for (const [name, program] of expected) {
      const found = res.body.filter((f) => name.test(f.name));
      expect({ name: name.source, count: found.length }).toEqual({ name: name.source, count: 1 });
      expect({ name: found[0]?.name, program: found[0]?.program }).toEqual({
        name: found[0]?.name,
        program,
      });
    }
    // The contract's own example.
    expect(res.body.find((f) => f.slug === 'na')?.name).toBe('Narcotics Anonymous');
    expect(new Set(res.body.map((f) => f.slug)).size).toBe(res.body.length);
  });

  test('GET /types lists every Meeting Guide code and the NA-specific ones', async () => {
    const res = await api<MeetingType[]>(t, 'GET', '/types');
    expect(res.status).toBe(200);
    const generic = new Map(
      res.body.filter((type) => type.fellowship === null).map((type) => [type.code, type.name]),
    );
    for (const [code, name] of Object.entries(MEETING_GUIDE_SPEC_TYPES)) {
      expect({ code, name: generic.get(code) }).toEqual({ code, name });
    }
    const na = res.body.filter((type) => type.fellowship === 'na');
    expect(na.map((type) => type.code)).toEqual(
      expect.arrayContaining(['BT', 'JT', 'IW', 'SG', 'CH']),
    );
    expect(na.find((type) => type.code === 'BT')?.name).toBe('Basic Text');
    // A fellowship-specific code never shadows a Meeting Guide one.
    for (const type of na) expect(generic.has(type.code)).toBe(false);
  });

  test('a fellowship-specific type is accepted for its fellowship', async () => {
    const t2 = await startTestApp({ env: ADMIN_ENV });
    try {
      const admin = await login(t2);
      const res = await api<Meeting>(t2, 'POST', '/meetings', {
        token: admin,
        body: basicMeeting({ name: 'Just For Today', fellowship: 'na', types: ['JT', 'O'] }),
      });
      expect(res.status).toBe(201);
      expect([...(res.body.types as string[])].sort()).toEqual(['JT', 'O']);
    } finally {
      await t2.close();
    }
  });
});
