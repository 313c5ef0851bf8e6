// The finder: meetings on now and starting soon (server-rendered, hydrated here), and a search.
import { api, errorText } from '../api.js';
import { card, fillCard } from '../cards.js';
import {
  announce,
  busy,
  checkbox,
  field,
  h,
  heading,
  loading,
  notice,
  put,
  select,
  icon,
} from '../dom.js';
import { pushUrl, type PageContext } from '../nav.js';
import { loadFellowships, loadTypes } from '../reference.js';
import { DAYS, viewerZone } from '../time.js';
import type { HomeData, Meeting, Page } from '../types.js';

/** The search parameters a shared link may carry (the API's own names). */
const FILTERS = [
  'q',
  'fellowship',
  'program',
  'day',
  'time_from',
  'time_to',
  'types',
  'attendance',
  'lat',
  'lng',
  'radius_km',
  'starting_within',
] as const;

const PAGE_SIZE = '25';

interface ListState {
  ul: HTMLUListElement;
  more: HTMLButtonElement;
  status: HTMLElement;
  items: Meeting[];
  params: Record<string, string>;
  cursor: string | null;
  empty: string;
  el: HTMLElement;
}

function hasFilters(query: URLSearchParams): boolean {
  return FILTERS.some((k) => (query.get(k) ?? '') !== '');
}

export function homePage(ctx: PageContext, initial: HomeData | null): void {
  ctx.title('');
  const main = ctx.main;
  let now = initial ? Date.parse(initial.now) : Date.now();
  const lists: ListState[] = [];

  const results = h('div', { class: 'results' });
  const form = filterForm(ctx.query, (params) => {
    const qs = new URLSearchParams(params).toString();
    pushUrl(qs ? `/?${qs}` : '/');
    void show(new URLSearchParams(params), true);
  });

  const intro = h(
    'div',
    { class: 'intro' },
    heading('Find a meeting'),
    h(
      'p',
      { class: 'lede' },
      'Meetings happening now and starting soon. Times are shown in your time zone (',
      viewerZone(),
      ').',
    ),
  );

  // Keep the server's sections (already on screen) and build the rest around them.
  const serverSections = initial ? Array.from(main.querySelectorAll('section')) : [];
  main.replaceChildren(intro, form, results);

  const refreshTimes = () => {
    now = Date.now();
    for (const l of lists) {
      l.ul.querySelectorAll('li.meeting-card').forEach((li, i) => {
        const m = l.items[i];
        if (m) fillCard(li as HTMLLIElement, m, now);
      });
    }
  };
  const timer = window.setInterval(refreshTimes, 30000);
  ctx.onLeave(() => window.clearInterval(timer));

  // Fellowship names arrive a moment later: show them on the cards already drawn.
  void loadFellowships().then(
    () => ctx.alive() && refreshTimes(),
    () => undefined,
  );

  async function show(query: URLSearchParams, announceCount: boolean): Promise<void> {
    lists.length = 0;
    if (!hasFilters(query)) {
      results.replaceChildren();
      const live = section('on-now', 'On now', 'Nothing is in progress right now.');
      const soon = section(
        'soon',
        'Starting in the next two hours',
        'No meetings start in the next two hours.',
      );
      results.append(live.el, soon.el);
      if (initial) {
        hydrate(live, initial.inProgress, { in_progress: 'true', now: initial.now });
        hydrate(soon, initial.startingSoon, { starting_within: '120', now: initial.now });
        initial = null;
      } else {
        const stamp = new Date().toISOString();
        await Promise.all([
          fetchInto(live, { in_progress: 'true', now: stamp }, false),
          fetchInto(soon, { starting_within: '120', now: stamp }, false),
        ]);
      }
      return;
    }
    const params: Record<string, string> = {};
    for (const k of FILTERS) {
      const v = query.get(k);
      if (v) params[k] = v;
    }
    if (params.lat && params.lng) params.sort = 'distance';
    const found = section(
      'results-heading',
      'Meetings that match',
      'No meetings match all of that. Try fewer filters or a wider distance.',
    );
    results.replaceChildren(
      found.el,
      h('p', null, h('a', { href: '/' }, 'Clear the search and see what’s on now')),
    );
    await fetchInto(found, { ...params, now: new Date().toISOString() }, announceCount);
  }

  function section(id: string, title: string, empty: string): ListState {
    const ul = h('ul', { class: 'meeting-list' });
    const status = h('div', { class: 'list-status' });
    const more = h(
      'button',
      { type: 'button', class: 'button-secondary', hidden: true },
      'More meetings',
    );
    const state: ListState = {
      ul,
      status,
      more,
      items: [],
      params: {},
      cursor: null,
      empty,
      el: h('section', { 'aria-labelledby': id }, h('h2', { id }, title), status, ul, more),
    };
    more.addEventListener('click', () => void loadMore(state));
    lists.push(state);
    return state;
  }

  /** Use the server's first view: reuse its <li>s (already painted) and fill them in. */
  function hydrate(l: ListState, items: Meeting[], params: Record<string, string>): void {
    l.items = items;
    l.params = params;
    const old = serverSections
      .find((s) => s.getAttribute('aria-labelledby') === l.el.getAttribute('aria-labelledby'))
      ?.querySelectorAll('li.meeting-card');
    items.forEach((m, i) => {
      const li = old?.[i] as HTMLLIElement | undefined;
      l.ul.append(li ? fillCard(li, m, now) : card(m, now));
    });
    if (items.length === 0) put(l.status, h('p', { class: 'empty' }, l.empty));
    // The server sends one page of 25 without a cursor: offer more when the page was full.
    l.cursor = items.length >= Number(PAGE_SIZE) ? '' : null;
    l.more.hidden = l.cursor === null;
  }

  async function fetchInto(
    l: ListState,
    params: Record<string, string>,
    say: boolean,
  ): Promise<void> {
    l.params = params;
    put(l.status, loading('Looking for meetings…'));
    try {
      const page = await api<Page<Meeting>>('/meetings', {
        query: { ...params, limit: PAGE_SIZE },
      });
      if (!ctx.alive()) return;
      l.items = page.items;
      l.cursor = page.nextCursor;
      l.ul.replaceChildren(...page.items.map((m) => card(m, now)));
      put(l.status, page.items.length === 0 ? h('p', { class: 'empty' }, l.empty) : null);
      l.more.hidden = !l.cursor;
      if (say) {
        announce(
          page.items.length === 0
            ? 'No meetings found.'
            : `${page.items.length}${page.nextCursor ? ' or more' : ''} meetings found.`,
        );
      }
    } catch (err) {
      if (!ctx.alive()) return;
      l.ul.replaceChildren();
      l.more.hidden = true;
      put(
        l.status,
        notice(
          'error',
          errorText(err),
          ' ',
          retryButton(() => fetchInto(l, params, say)),
        ),
      );
    }
  }

  async function loadMore(l: ListState): Promise<void> {
    if (l.cursor === null) return;
    await busy(l.more, async () => {
      try {
        let page: Page<Meeting>;
        if (l.cursor === '') {
          // After the server's first page: ask for a bigger first page and skip what we show.
          page = await api<Page<Meeting>>('/meetings', { query: { ...l.params, limit: '50' } });
          const seen = new Set(l.items.map((m) => m.slug));
          page = { ...page, items: page.items.filter((m) => !seen.has(m.slug)) };
        } else {
          page = await api<Page<Meeting>>('/meetings', {
            query: { ...l.params, limit: PAGE_SIZE, cursor: l.cursor ?? undefined },
          });
        }
        if (!ctx.alive()) return;
        const first = l.items.length;
        l.items = l.items.concat(page.items);
        l.ul.append(...page.items.map((m) => card(m, now)));
        l.cursor = page.nextCursor;
        l.more.hidden = !l.cursor;
        announce(
          page.items.length ? `${page.items.length} more meetings shown.` : 'No more meetings.',
        );
        // Keep keyboard users in place: move to the first new meeting.
        l.ul.children[first]?.querySelector('a')?.focus();
      } catch (err) {
        put(l.status, notice('error', errorText(err)));
      }
    });
    if (l.more.hidden && document.activeElement === document.body) l.ul.querySelector('a')?.focus();
  }

  void show(ctx.query, false);
}

function retryButton(fn: () => Promise<void>): HTMLButtonElement {
  return h(
    'button',
    { type: 'button', class: 'button-secondary', onClick: () => void fn() },
    'Try again',
  );
}

/** The search form. Values come from (and go back to) the page's address. */
function filterForm(
  query: URLSearchParams,
  onSearch: (params: Record<string, string>) => void,
): HTMLFormElement {
  const q = h('input', {
    type: 'search',
    name: 'q',
    value: query.get('q') ?? '',
    maxlength: '200',
    autocomplete: 'off',
  });
  const fellowship = select(
    { name: 'fellowship' },
    [['', 'Any fellowship']],
    query.get('fellowship') ?? '',
  );
  const startingWithin = select(
    { name: 'starting_within' },
    [
      ['', 'Any day or time'],
      ['60', 'Starting within an hour'],
      ['120', 'Starting within 2 hours'],
      ['240', 'Starting within 4 hours'],
    ],
    query.get('starting_within') ?? '',
  );
  const program = select(
    { name: 'program' },
    [
      ['', 'Any program'],
      ['twelve-step', 'Twelve-step'],
      ['non-twelve-step', 'Not twelve-step'],
    ],
    query.get('program') ?? '',
  );
  const days = new Set((query.get('day') ?? '').split(',').filter(Boolean));
  const dayBoxes = DAYS.map((name, i) =>
    checkbox(name, { name: 'day', value: String(i), checked: days.has(String(i)) }),
  );
  const timeFrom = h('input', {
    type: 'time',
    name: 'time_from',
    value: query.get('time_from') ?? '',
  });
  const timeTo = h('input', { type: 'time', name: 'time_to', value: query.get('time_to') ?? '' });
  const types = select({ name: 'types' }, [['', 'Any type']], query.get('types') ?? '');
  const att = new Set((query.get('attendance') ?? '').split(',').filter(Boolean));
  const attBoxes = (
    [
      ['in_person', '🏠', 'In person'],
      ['online', '💻', 'Online'],
      ['hybrid', '🏠💻', 'Hybrid (both)'],
    ] as const
  ).map(([v, sym, label]) =>
    h(
      'label',
      { class: 'check' },
      h('input', { type: 'checkbox', name: 'attendance', value: v, checked: att.has(v) }),
      ' ',
      icon(sym),
      ' ',
      label,
    ),
  );
  const lat = query.get('lat');
  const lng = query.get('lng');
  const coords = h('input', {
    type: 'text',
    name: 'near',
    inputmode: 'decimal',
    placeholder: 'e.g. 47.61, -122.33',
    value: lat && lng ? `${lat}, ${lng}` : '',
    autocomplete: 'off',
  });
  const radius = select(
    { name: 'radius_km' },
    [
      ['5', '5 km'],
      ['10', '10 km'],
      ['25', '25 km'],
      ['50', '50 km'],
      ['', 'Any distance'],
    ],
    query.get('radius_km') ?? (lat ? '' : '25'),
  );
  const locStatus = h('p', { class: 'hint', role: 'status' });
  const formError = h('div', { class: 'form-error' });

  const useLocation = h(
    'button',
    { type: 'button', class: 'button-secondary' },
    icon('📍 '),
    'Use my location',
  );
  useLocation.addEventListener('click', () => {
    if (!('geolocation' in navigator)) {
      locStatus.textContent =
        'This browser can’t share a location. You can type latitude and longitude instead.';
      return;
    }
    locStatus.textContent = 'Finding your location…';
    void busy(
      useLocation,
      () =>
        new Promise<void>((done) =>
          navigator.geolocation.getCurrentPosition(
            (pos) => {
              done();
              coords.value = `${pos.coords.latitude.toFixed(4)}, ${pos.coords.longitude.toFixed(4)}`;
              locStatus.textContent =
                'Using your location. It stays on this device and in the page address only.';
              form.requestSubmit();
            },
            () => {
              done();
              locStatus.textContent =
                'We couldn’t get your location. That’s okay: you can type a latitude and longitude, or search by city name.';
            },
            { enableHighAccuracy: false, timeout: 15000, maximumAge: 300000 },
          ),
        ),
    );
  });

  const more = h(
    'details',
    {
      class: 'more-filters',
      open: ['program', 'day', 'time_from', 'time_to', 'types', 'attendance'].some((k) =>
        query.get(k),
      ),
    },
    h('summary', null, 'More filters'),
    field('Program', program),
    h(
      'fieldset',
      { class: 'days' },
      h('legend', null, 'Days'),
      h('div', { class: 'checks' }, dayBoxes),
      h('p', { class: 'hint' }, 'In the meeting’s own time zone.'),
    ),
    h(
      'div',
      { class: 'row' },
      field('Starting from', timeFrom, 'Meeting’s local time'),
      field('Starting until', timeTo, 'Meeting’s local time'),
    ),
    field('Meeting type', types),
    h(
      'fieldset',
      null,
      h('legend', null, 'How to attend'),
      h('div', { class: 'checks' }, attBoxes),
    ),
    field(
      'Latitude, longitude',
      coords,
      'Search near a place other than where you are. “Use my location” fills this in.',
    ),
  );

  const form = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Find meetings', novalidate: true },
    h(
      'div',
      { class: 'row' },
      field('Search by name, place or group', q),
      field('Fellowship', fellowship),
      field('When', startingWithin),
    ),
    h(
      'fieldset',
      { class: 'near' },
      h('legend', { class: 'visually-hidden' }, 'Near you'),
      h('div', { class: 'row row-end' }, useLocation, field('Within', radius)),
      locStatus,
    ),
    more,
    formError,
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit' }, icon('🔎 '), 'Search'),
      h('a', { href: '/', class: 'button button-secondary' }, 'Clear'),
    ),
  );

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    formError.replaceChildren();
    const data = new FormData(form);
    const str = (k: string): string => {
      const v = data.get(k);
      return typeof v === 'string' ? v : '';
    };
    const params: Record<string, string> = {};
    const text = str('q').trim();
    if (text) params.q = text;
    for (const k of [
      'fellowship',
      'program',
      'types',
      'time_from',
      'time_to',
      'starting_within',
    ] as const) {
      const v = str(k);
      if (v) params[k] = v;
    }
    const dayList = data.getAll('day').map(String);
    if (dayList.length) params.day = dayList.join(',');
    const attList = data.getAll('attendance').map(String);
    if (attList.length) params.attendance = attList.join(',');
    const near = str('near').trim();
    if (near) {
      const m = /^\s*(-?\d+(?:\.\d+)?)\s*[,\s]\s*(-?\d+(?:\.\d+)?)\s*$/.exec(near);
      const la = Number(m?.[1]);
      const ln = Number(m?.[2]);
      if (!m || Math.abs(la) > 90 || Math.abs(ln) > 180) {
        formError.append(
          notice(
            'error',
            'Please write the place as latitude, longitude, for example 47.61, -122.33. Or leave it empty.',
          ),
        );
        coords.setAttribute('aria-invalid', 'true');
        more.open = true;
        coords.focus();
        return;
      }
      coords.removeAttribute('aria-invalid');
      params.lat = String(la);
      params.lng = String(ln);
      const r = str('radius_km');
      if (r) params.radius_km = r;
    }
    onSearch(params);
  });

  // Fill the lists from the reference data; selected values from the address are kept.
  void loadFellowships().then(
    (list) => {
      const want = query.get('fellowship') ?? '';
      for (const f of list)
        fellowship.append(h('option', { value: f.slug, selected: f.slug === want }, f.name));
    },
    () => undefined,
  );
  void loadTypes().then(
    (list) => {
      const want = query.get('types') ?? '';
      const sorted = [...list].sort((a, b) => a.name.localeCompare(b.name));
      for (const t of sorted) {
        types.append(
          h(
            'option',
            { value: t.code, selected: t.code === want },
            t.fellowship ? `${t.name} (${t.fellowship.toUpperCase()})` : t.name,
          ),
        );
      }
    },
    () => undefined,
  );
  return form;
}
