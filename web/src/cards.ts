// A meeting as a card in a list (home page, search results).
import { h, put, type Child, icon } from './dom.js';
import { fellowshipName } from './reference.js';
import { clock, clockZone, longDate, relative, when, zoneCity, zoneDelta } from './time.js';
import type { Meeting } from './types.js';

const ATTENDANCE: Record<string, [icon: string, text: string]> = {
  in_person: ['🏠', 'In person'],
  online: ['💻', 'Online'],
  hybrid: ['🏠💻', 'In person and online'],
  inactive: ['⏸', 'Not meeting right now'],
};

export function attendance(option: string): HTMLSpanElement {
  const [sym, text] = ATTENDANCE[option] ?? ['', option];
  return h('span', { class: 'meeting-attendance' }, icon(sym), ' ', text);
}

export function place(m: Meeting): string {
  if (m.attendance_option === 'online') return m.city ? `based in ${m.city}` : '';
  return [m.location, m.city ?? (m.location ? null : m.formatted_address)]
    .filter(Boolean)
    .join(', ');
}

export function distance(km: number): string {
  return km < 1
    ? `${Math.round(km * 1000)} m away`
    : `${km < 10 ? km.toFixed(1) : Math.round(km)} km away`;
}

/** The time element: the viewer's own clock, the meeting's zone on hover and in words when it differs. */
export function timeOf(m: Meeting, now: number): Child[] {
  if (!m.nextStart) return [h('span', { class: 'meeting-when' }, 'No upcoming time')];
  const own = clockZone(m.nextStart, m.timezone);
  const delta = zoneDelta(m.timezone, new Date(m.nextStart));
  const title = `${longDate(m.nextStart)} your time. Meeting time: ${own} (${m.timezone}).`;
  return [
    h(
      'span',
      { class: 'meeting-when' },
      icon('🕒 '),
      h('time', { datetime: m.nextStart, title }, when(m.nextStart, now)),
      ' · ',
      h('span', { class: 'relative' }, relative(m.nextStart, now)),
    ),
    delta === 0
      ? null
      : h(
          'span',
          { class: 'meeting-zone' },
          `${clock(m.nextStart, m.timezone)} ${zoneCity(m.timezone)} time`,
        ),
  ];
}

/** Fills an <li class="meeting-card"> (a new one, or the server's, which keeps its place). */
export function fillCard(li: HTMLLIElement, m: Meeting, now: number): HTMLLIElement {
  li.className = 'meeting-card' + (m.inProgress ? ' is-live' : '');
  put(
    li,
    h(
      'div',
      { class: 'card-head' },
      h(
        'a',
        { href: `/meetings/${encodeURIComponent(m.slug)}` },
        h('span', { class: 'meeting-name' }, m.name),
      ),
      m.inProgress ? h('span', { class: 'badge badge-live' }, icon('● '), 'On now') : null,
    ),
    h('span', { class: 'meeting-fellowship' }, fellowshipName(m.fellowship)),
    ...timeOf(m, now),
    h(
      'span',
      { class: 'meeting-where' },
      attendance(m.attendance_option),
      place(m) && ` · ${place(m)}`,
    ),
    m.distanceKm === null || m.distanceKm === undefined
      ? null
      : h('span', { class: 'meeting-distance' }, icon('📍 '), distance(m.distanceKm)),
    m.roomId
      ? h(
          'a',
          { class: 'button button-small', href: `/rooms/${encodeURIComponent(m.roomId)}` },
          'Join room',
          h('span', { class: 'visually-hidden' }, ` for ${m.name}`),
        )
      : null,
  );
  return li;
}

export function card(m: Meeting, now: number): HTMLLIElement {
  return fillCard(h('li', null), m, now);
}
