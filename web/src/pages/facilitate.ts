// Facilitators: sign in, see live rooms and open reports, moderate a room.
import { api, ApiError, errorText, plainError } from '../api.js';
import {
  announce,
  busy,
  checkbox,
  field,
  focusedKey,
  h,
  heading,
  icon,
  loading,
  notice,
  put,
  refocus,
} from '../dom.js';
import { navigate, type PageContext } from '../nav.js';
import { signIn, signOut, staffSession, type StaffSession } from '../session.js';
import type { Page, Report, Room } from '../types.js';
import { RoomClient } from '../room/client.js';
import { moderationTools } from '../room/moderation.js';
import { roomView, type EndKind } from '../room/view.js';
import { roomStatusText } from './room.js';

/** The sign-in form; calls `done` with the new session. */
export function signInForm(done: (s: StaffSession) => void, message?: string): HTMLFormElement {
  const email = h('input', {
    type: 'email',
    name: 'email',
    autocomplete: 'username',
    required: true,
    maxlength: '254',
  });
  const password = h('input', {
    type: 'password',
    name: 'password',
    autocomplete: 'current-password',
    required: true,
    maxlength: '200',
  });
  const error = h('div');
  const submit = h('button', { type: 'submit' }, 'Sign in');
  const form = h(
    'form',
    { class: 'panel stack narrow', 'aria-labelledby': 'signin-h', novalidate: true },
    h('h2', { id: 'signin-h' }, 'Sign in'),
    message ? notice('info', message) : null,
    field('Email', email),
    field('Password', password),
    error,
    h('div', { class: 'actions' }, submit),
    h(
      'p',
      { class: 'hint' },
      'For volunteer facilitators and admins. You stay signed in until you close this tab or for 30 minutes.',
    ),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    error.replaceChildren();
    if (!email.value.trim() || !password.value) {
      put(error, notice('error', 'Please enter your email and password.'));
      (email.value.trim() ? password : email).focus();
      return;
    }
    void busy(submit, async () => {
      try {
        const s = await signIn(email.value.trim(), password.value);
        announce(`Signed in as ${s.account.displayName}.`);
        done(s);
      } catch (err) {
        const text =
          err instanceof ApiError && err.code === 'UNAUTHORIZED'
            ? 'That email and password don’t match an active account. Please try again.'
            : errorText(err);
        put(error, notice('error', text));
        password.focus();
      }
    });
  });
  return form;
}

/** The signed-in session, or a sign-in form that reloads the page when done. */
export function requireStaff(
  ctx: PageContext,
  pageTitle: string,
  message?: string,
): StaffSession | null {
  const s = staffSession();
  if (s) return s;
  ctx.title(pageTitle);
  ctx.main.replaceChildren(
    heading(pageTitle),
    signInForm(() => navigate(location.pathname + location.search, true), message),
  );
  return null;
}

export function accountBar(s: StaffSession): HTMLElement {
  const out = h('button', { type: 'button', class: 'button-secondary button-small' }, 'Sign out');
  out.addEventListener('click', () => {
    signOut();
    announce('Signed out.');
    navigate('/facilitate');
  });
  return h(
    'div',
    { class: 'account-bar' },
    h('span', null, `Signed in as ${s.account.displayName} (${s.account.role})`),
    h('a', { href: '/facilitate' }, 'Dashboard'),
    s.account.role === 'admin' ? h('a', { href: '/admin' }, 'Admin') : null,
    out,
  );
}

export async function dashboardPage(ctx: PageContext): Promise<void> {
  const session = requireStaff(ctx, 'Facilitator sign-in');
  if (!session) return;
  const s: StaffSession = session;
  ctx.title('Facilitator dashboard');
  const reportsEl = h('div', null, loading('Counting open reports…'));
  const roomsEl = h('div', null, loading('Loading rooms…'));
  ctx.main.replaceChildren(
    heading('Facilitator dashboard'),
    accountBar(s),
    h(
      'section',
      { 'aria-labelledby': 'reports-h', class: 'panel' },
      h('h2', { id: 'reports-h' }, 'Open reports'),
      reportsEl,
    ),
    h('section', { 'aria-labelledby': 'rooms-h' }, h('h2', { id: 'rooms-h' }, 'Rooms'), roomsEl),
    createRoomForm(s, () => void loadRooms()),
  );

  const [reports] = await Promise.allSettled([
    api<Page<Report>>('/moderation/reports', {
      token: s.accessToken,
      query: { status: 'open', limit: '100' },
    }),
    loadRooms(),
  ]);
  if (!ctx.alive()) return;
  if (reports.status === 'fulfilled') {
    const items = reports.value.items;
    const count = `${items.length}${reports.value.nextCursor ? '+' : ''}`;
    const byRoom = new Map<string, { name: string; n: number }>();
    for (const r of items)
      byRoom.set(r.roomId, { name: r.roomName, n: (byRoom.get(r.roomId)?.n ?? 0) + 1 });
    put(
      reportsEl,
      h(
        'p',
        { class: 'big-number' },
        items.length === 0
          ? 'No open reports.'
          : `${count} open ${items.length === 1 ? 'report' : 'reports'}`,
      ),
      byRoom.size
        ? h(
            'ul',
            null,
            [...byRoom].map(([id, r]) =>
              h(
                'li',
                null,
                // The room's name is part of the link: a list of links read out alone says it.
                h(
                  'a',
                  { href: `/facilitate/rooms/${id}` },
                  `${r.name}: review ${r.n} open ${r.n === 1 ? 'report' : 'reports'}`,
                ),
              ),
            ),
          )
        : null,
    );
  } else {
    put(reportsEl, notice('error', errorText(reports.reason)));
  }

  async function loadRooms(): Promise<void> {
    // Opening or closing a room draws the list again: the focus goes back to that room's button.
    const key = focusedKey(roomsEl);
    try {
      const page = await api<Page<Room>>('/rooms', { query: { limit: '100' } });
      if (!ctx.alive()) return;
      const order = { open: 0, scheduled: 1, closed: 2 };
      const rooms = [...page.items].sort((a, b) => order[a.status] - order[b.status]);
      put(
        roomsEl,
        rooms.length === 0
          ? h('p', null, 'No rooms yet. Create one below.')
          : h(
              'ul',
              { class: 'room-list' },
              rooms.map((r) =>
                h(
                  'li',
                  { class: 'panel' },
                  h('a', { href: `/facilitate/rooms/${r.id}`, class: 'room-name' }, r.name),
                  h('span', { class: `room-state state-${r.status}` }, roomStatusText(r)),
                  r.locked ? h('span', { class: 'tag' }, icon('🔒 '), 'locked') : null,
                  openCloseButton(s, r, () => void loadRooms()),
                ),
              ),
            ),
      );
      refocus(roomsEl, key);
    } catch (err) {
      put(roomsEl, notice('error', errorText(err)));
    }
  }
}

function openCloseButton(s: StaffSession, r: Room, done: () => void): HTMLButtonElement {
  const open = r.status !== 'open';
  const b = h(
    'button',
    { type: 'button', class: 'button-small button-secondary', 'data-key': `room-${r.id}` },
    open ? 'Open now' : 'Close now',
    h('span', { class: 'visually-hidden' }, ` ${r.name}`),
  );
  b.addEventListener(
    'click',
    () =>
      void busy(b, async () => {
        try {
          await api(`/rooms/${r.id}`, {
            method: 'PATCH',
            token: s.accessToken,
            body: { status: open ? 'open' : 'closed' },
          });
          announce(`${r.name} is ${open ? 'open' : 'closed'}.`);
          done();
        } catch (err) {
          announce(errorText(err));
          b.after(notice('error', errorText(err)));
        }
      }),
  );
  return b;
}

function createRoomForm(s: StaffSession, done: () => void): HTMLElement {
  const name = h('input', { type: 'text', name: 'name', maxlength: '120', required: true });
  const slug = h('input', {
    type: 'text',
    name: 'meetingSlug',
    maxlength: '100',
    autocomplete: 'off',
  });
  const waiting = checkbox('Waiting room (admit newcomers by hand)', { name: 'waitingRoom' });
  const out = h('div');
  const submit = h('button', { type: 'submit' }, 'Create room');
  const form = h(
    'form',
    { class: 'panel stack', 'aria-labelledby': 'create-h' },
    h('h2', { id: 'create-h' }, 'Create a room'),
    field('Room name', name),
    field(
      'Meeting it hosts (slug, optional)',
      slug,
      'The room then opens 15 minutes before each meeting and closes 15 minutes after.',
    ),
    waiting,
    out,
    submit,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!name.value.trim()) {
      put(out, notice('error', 'Please give the room a name.'));
      name.focus();
      return;
    }
    void busy(submit, async () => {
      try {
        const room = await api<Room>('/rooms', {
          method: 'POST',
          token: s.accessToken,
          body: {
            name: name.value.trim(),
            ...(slug.value.trim() ? { meetingSlug: slug.value.trim() } : {}),
            waitingRoom: (waiting.querySelector('input') as HTMLInputElement).checked,
          },
        });
        put(
          out,
          notice(
            'success',
            'Room created: ',
            h('a', { href: `/facilitate/rooms/${room.id}` }, room.name),
            '.',
          ),
        );
        form.reset();
        done();
      } catch (err) {
        put(out, notice('error', errorText(err)));
      }
    });
  });
  return form;
}

export async function facilitatorRoomPage(ctx: PageContext): Promise<void> {
  const s = requireStaff(ctx, 'Facilitator sign-in', 'Sign in to moderate this room.');
  if (!s) return;
  const roomId = ctx.params[0] ?? '';
  const title = heading('Room');
  ctx.title('Moderate room');
  const body = h('div', null, loading('Opening the room…'));
  ctx.main.replaceChildren(title, accountBar(s), body);

  let room: Room;
  try {
    room = await api<Room>(`/rooms/${encodeURIComponent(roomId)}`);
  } catch (err) {
    if (!ctx.alive()) return;
    body.replaceChildren(
      notice('error', errorText(err)),
      h('p', null, h('a', { href: '/facilitate' }, 'Back to the dashboard')),
    );
    return;
  }
  if (!ctx.alive()) return;
  title.textContent = `Moderating: ${room.name}`;
  ctx.title(`Moderate ${room.name}`);

  let client: RoomClient | null = null;
  let view: ReturnType<typeof roomView> | null = null;
  ctx.onLeave(() => {
    view?.destroy();
    client?.close();
  });
  const statusLine = h('p', { class: 'room-state' }, roomStatusText(room));

  const name = h('input', {
    type: 'text',
    name: 'handle',
    maxlength: '24',
    value: s.account.displayName.slice(0, 24),
    required: true,
  });
  const error = h('div');
  const submit = h('button', { type: 'submit' }, 'Join room');
  const form = h(
    'form',
    { class: 'panel stack narrow', 'aria-labelledby': 'join-h' },
    h('h2', { id: 'join-h' }, 'Join as facilitator'),
    field('Your name in this room', name, 'Shown to everyone in the room, marked as facilitator.'),
    error,
    submit,
  );
  body.replaceChildren(statusLine, form);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void busy(submit, () => join(name.value.trim()));
  });

  async function join(handle: string): Promise<void> {
    error.replaceChildren();
    const session = staffSession();
    if (!session) return void navigate(location.pathname, true);
    try {
      if (!client) {
        client = new RoomClient(room.id, session.accessToken, {});
        await client.connect();
      }
    } catch (err) {
      client?.close();
      client = null;
      const code = err instanceof Error ? err.message : 'NETWORK';
      if (code === 'UNAUTHORIZED') {
        signOut();
        return void navigate(location.pathname, true);
      }
      put(error, notice('error', plainError(code)));
      return;
    }
    const c = client;
    const tools = moderationTools(c, room, () => staffSession()?.accessToken ?? null);
    const v = roomView(c, { facilitator: true, onEnd: ended, ...tools });
    const ack = await c.join(handle);
    if (!ctx.alive()) return;
    if (!ack.ok) {
      v.destroy();
      put(error, notice('error', plainError(ack.error.code, ack.error.message)));
      return;
    }
    view = v;
    statusLine.textContent = `You are in the room as ${handle} (facilitator).`;
    body.replaceChildren(statusLine, tools.status, v.el);
    v.focus();
    announce(`You joined ${room.name} as facilitator.`);
  }

  function ended(kind: EndKind, info: { code?: string }): void {
    if (!ctx.alive()) return;
    if (kind === 'unauthorized') {
      client?.close();
      client = null;
      signOut();
      ctx.main.replaceChildren(
        heading('Please sign in again'),
        signInForm(
          () => navigate(location.pathname, true),
          'Your sign-in has ended (they last 30 minutes). Sign in again to keep moderating.',
        ),
      );
      return;
    }
    const text =
      kind === 'closed'
        ? 'The room is closed.'
        : kind === 'left'
          ? 'You left the room.'
          : `You are no longer in the room. ${plainError(info.code ?? 'INTERNAL')}`;
    const msg = notice('info', text, ' ', h('a', { href: '/facilitate' }, 'Back to the dashboard'));
    if (kind === 'closed' && view) {
      statusLine.textContent = 'The room is closed.';
      put(view.status, msg);
    } else {
      body.replaceChildren(statusLine, msg, form);
    }
    announce(text);
  }
}
