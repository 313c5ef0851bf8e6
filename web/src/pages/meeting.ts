// One meeting: when (in its zone and yours), where, how to join, what kind of meeting it is.
import { api, ApiError, errorText } from '../api.js';
import { attendance, distance } from '../cards.js';
import { h, heading, loading, notice, put, safeUrl, telHref, type Child, icon } from '../dom.js';
import type { PageContext } from '../nav.js';
import { fellowshipName, loadFellowships, loadTypes, typeName } from '../reference.js';
import {
  clockZone,
  DAYS,
  hhmm,
  longDate,
  relative,
  shift,
  viewerZone,
  zoneDelta,
  zoneLabel,
} from '../time.js';
import type { Meeting, MeetingType } from '../types.js';

function dayList(days: number[]): string {
  const names = days.map((d) => `${DAYS[d] ?? '?'}s`);
  if (days.length === 7) return 'Every day';
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1] ?? ''}`;
}

/** "Mondays and Wednesdays, 7:00 PM – 8:00 PM" for each distinct time. */
function schedule(days: number[], time: string, end: string): string {
  return `${dayList(days)}, ${hhmm(time)} – ${hhmm(end)}`;
}

function row(label: string, ...value: Child[]): HTMLElement[] {
  return [h('dt', null, label), h('dd', null, value)];
}

export async function meetingPage(ctx: PageContext): Promise<void> {
  const slug = ctx.params[0] ?? '';
  const title = heading('Meeting');
  ctx.title('Meeting');
  const body = h('div', null, loading('Loading the meeting…'));
  ctx.main.replaceChildren(
    h('p', { class: 'back' }, h('a', { href: '/' }, '← All meetings')),
    title,
    body,
  );

  let m: Meeting;
  let types: MeetingType[] = [];
  try {
    [m, types] = await Promise.all([
      api<Meeting>(`/meetings/${encodeURIComponent(slug)}`),
      loadTypes().catch(() => [] as MeetingType[]),
      loadFellowships().catch(() => []),
    ]);
  } catch (err) {
    if (!ctx.alive()) return;
    const missing = err instanceof ApiError && err.code === 'NOT_FOUND';
    title.textContent = missing ? 'We couldn’t find that meeting' : 'Meeting';
    ctx.title(missing ? 'Meeting not found' : 'Meeting');
    body.replaceChildren(
      missing
        ? h(
            'p',
            null,
            'It may have moved or ended. ',
            h('a', { href: '/' }, 'Find another meeting'),
            '.',
          )
        : notice('error', errorText(err)),
    );
    return;
  }
  if (!ctx.alive()) return;
  title.textContent = m.name;
  ctx.title(m.name);

  const days = Array.isArray(m.day) ? m.day : [m.day];
  const instant = m.nextStart ? new Date(m.nextStart) : new Date();
  const delta = zoneDelta(m.timezone, instant);
  const mine = days.map((d) => shift(d, m.time, delta));
  const myEnd = shift(0, m.end_time, delta).time;
  // Group the viewer's days by their (shifted) time: a zone change can move some to another day.
  const myDays = [...new Set(mine.map((x) => x.day))].sort();

  const facts: HTMLElement[] = [];
  facts.push(...row('Fellowship', fellowshipName(m.fellowship)));
  facts.push(
    ...row(
      'When',
      h(
        'span',
        null,
        schedule(days, m.time, m.end_time),
        ` (${zoneLabel(m.timezone, instant)}, ${m.timezone})`,
      ),
      delta === 0
        ? null
        : h(
            'span',
            { class: 'block' },
            `Your time: ${schedule(myDays, mine[0]?.time ?? m.time, myEnd)} (${viewerZone()})`,
          ),
    ),
  );
  if (m.nextStart) {
    facts.push(
      ...row(
        m.inProgress ? 'Now' : 'Next',
        m.inProgress ? h('span', { class: 'badge badge-live' }, icon('● '), 'On now') : null,
        m.inProgress ? ' ' : null,
        h('time', { datetime: m.nextStart }, longDate(m.nextStart)),
        ` (${relative(m.nextStart)})`,
        delta === 0
          ? null
          : h(
              'span',
              { class: 'block hint' },
              `Meeting time: ${longDate(m.nextStart, m.timezone)} ${zoneLabel(m.timezone, instant)}`,
            ),
        m.nextEnd ? h('span', { class: 'block hint' }, `Ends ${clockZone(m.nextEnd)}`) : null,
      ),
    );
  }
  facts.push(...row('How to attend', attendance(m.attendance_option)));

  const addressText =
    m.formatted_address ?? [m.address, m.city, m.state, m.postal_code].filter(Boolean).join(', ');
  if (m.attendance_option !== 'online' && (m.location || addressText)) {
    const exact = m.latitude !== null && m.longitude !== null && m.approximate !== 'yes';
    const directions = exact
      ? `https://www.openstreetmap.org/directions?to=${m.latitude},${m.longitude}`
      : addressText
        ? `https://www.openstreetmap.org/search?query=${encodeURIComponent(addressText)}`
        : null;
    facts.push(
      ...row(
        'Where',
        m.location ? h('span', { class: 'block' }, m.location) : null,
        addressText ? h('span', { class: 'block' }, addressText) : null,
        m.distanceKm !== null ? h('span', { class: 'block hint' }, distance(m.distanceKm)) : null,
        directions
          ? h(
              'a',
              { class: 'block', href: directions, rel: 'noopener', target: '_blank' },
              exact ? 'Directions (OpenStreetMap)' : 'Find on a map (OpenStreetMap)',
              h('span', { class: 'visually-hidden' }, ', opens in a new tab'),
            )
          : null,
      ),
    );
  }
  if (m.location_notes) facts.push(...row('About the place', m.location_notes));

  const conf = safeUrl(m.conference_url);
  if (conf || m.conference_phone) {
    facts.push(
      ...row(
        'Join online',
        conf
          ? h(
              'a',
              { class: 'block', href: conf, rel: 'noopener noreferrer', target: '_blank' },
              'Video meeting link',
              h('span', { class: 'visually-hidden' }, ', opens in a new tab'),
            )
          : null,
        m.conference_url_notes ? h('span', { class: 'block hint' }, m.conference_url_notes) : null,
        m.conference_phone
          ? h(
              'a',
              { class: 'block', href: telHref(m.conference_phone) },
              `Call in: ${m.conference_phone}`,
            )
          : null,
        m.conference_phone_notes
          ? h('span', { class: 'block hint' }, m.conference_phone_notes)
          : null,
      ),
    );
  }
  if (m.types.length) {
    facts.push(
      ...row(
        'Type',
        h(
          'ul',
          { class: 'tags' },
          m.types.map((code) => h('li', null, typeName(types, code, m.fellowship))),
        ),
      ),
    );
  }
  if (m.notes) facts.push(...row('Notes', h('span', { class: 'prewrap' }, m.notes)));
  if (m.group) {
    const site = safeUrl(m.url);
    facts.push(
      ...row(
        'Group',
        m.group,
        m.group_notes ? h('span', { class: 'block hint prewrap' }, m.group_notes) : null,
        site
          ? h(
              'a',
              { class: 'block', href: site, rel: 'noopener noreferrer', target: '_blank' },
              'Group website',
              h('span', { class: 'visually-hidden' }, ', opens in a new tab'),
            )
          : null,
      ),
    );
  }

  put(
    body,
    h(
      'div',
      { class: 'actions' },
      m.roomId
        ? h(
            'a',
            { class: 'button', href: `/rooms/${encodeURIComponent(m.roomId)}` },
            icon('💬 '),
            'Join the online room',
          )
        : null,
      h(
        'a',
        {
          class: 'button button-secondary',
          href: `/api/v1/meetings/${encodeURIComponent(m.slug)}/calendar.ics`,
          download: `${m.slug}.ics`,
        },
        icon('📅 '),
        'Add to calendar',
      ),
    ),
    h('dl', { class: 'facts' }, facts),
    m.roomId
      ? h(
          'p',
          { class: 'hint' },
          'The online room is anonymous: you choose a first name or nickname, and nothing about you is kept on this device except a private key for the room.',
        )
      : null,
    h('p', { class: 'hint' }, `Last updated ${longDate(m.updated)}.`),
  );
}
