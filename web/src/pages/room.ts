// An anonymous room for participants: pick a name, read the guidelines, join, take part.
import { api, ApiError, errorText, plainError } from '../api.js';
import { busy, field, h, heading, loading, notice, put, announce } from '../dom.js';
import type { PageContext } from '../nav.js';
import { forgetParticipantToken, participantToken } from '../session.js';
import { longDate, relative, when } from '../time.js';
import type { Room } from '../types.js';
import { RoomClient } from '../room/client.js';
import { guidelines } from '../room/guidelines.js';
import { roomView, type EndKind } from '../room/view.js';

export function roomStatusText(room: Room): string {
  if (room.status === 'open') return `Open now · ${room.memberCount} here`;
  if (room.status === 'scheduled' && room.opensAt)
    return `Opens ${when(room.opensAt)} (${relative(room.opensAt).replace('started', 'opened')})`;
  if (room.status === 'closed' && room.opensAt && Date.parse(room.opensAt) > Date.now())
    return `Closed now · opens again ${longDate(room.opensAt)}`;
  return room.status === 'closed' ? 'Closed right now' : 'Not open yet';
}

export async function roomPage(ctx: PageContext): Promise<void> {
  const roomId = ctx.params[0] ?? '';
  const title = heading('Online room');
  ctx.title('Online room');
  const body = h('div', null, loading('Opening the room…'));
  ctx.main.replaceChildren(title, body);

  let room: Room;
  try {
    room = await api<Room>(`/rooms/${encodeURIComponent(roomId)}`);
  } catch (err) {
    if (!ctx.alive()) return;
    const missing =
      err instanceof ApiError && (err.code === 'NOT_FOUND' || err.code === 'VALIDATION_FAILED');
    title.textContent = missing ? 'We couldn’t find this room' : 'Online room';
    body.replaceChildren(
      missing
        ? h(
            'p',
            null,
            'The link may be old. ',
            h('a', { href: '/' }, 'Find a meeting'),
            ' instead.',
          )
        : notice('error', errorText(err)),
    );
    return;
  }
  if (!ctx.alive()) return;
  title.textContent = room.name;
  ctx.title(room.name);

  let client: RoomClient | null = null;
  let handle = '';
  let view: ReturnType<typeof roomView> | null = null;
  ctx.onLeave(() => {
    view?.destroy();
    client?.close();
  });

  const statusLine = h('p', { class: 'room-state' }, roomStatusText(room));
  showJoinForm();

  // Before joining, keep the room's status fresh (it may open while someone waits).
  const poll = window.setInterval(() => {
    if (view || document.hidden) return;
    api<Room>(`/rooms/${encodeURIComponent(roomId)}`).then(
      (r) => {
        if (!ctx.alive() || view) return;
        if (r.status === 'open' && room.status !== 'open') announce('The room is open now.');
        room = r;
        statusLine.textContent = roomStatusText(r);
      },
      () => undefined,
    );
  }, 30000);
  ctx.onLeave(() => window.clearInterval(poll));

  function showJoinForm(message?: HTMLElement, focusForm = false): void {
    view?.destroy();
    view = null;
    statusLine.textContent = roomStatusText(room);
    const input = h('input', {
      type: 'text',
      name: 'handle',
      maxlength: '24',
      autocomplete: 'off',
      autocapitalize: 'words',
      spellcheck: 'false',
      value: handle,
      required: true,
    });
    const error = h('div');
    const submit = h('button', { type: 'submit' }, 'Join room');
    const form = h(
      'form',
      { class: 'panel join-form', 'aria-labelledby': 'join-h', novalidate: true },
      h('h2', { id: 'join-h' }, 'Choose a name for this room'),
      field(
        'Your name in this room',
        input,
        '1 to 24 characters: a first name or a nickname. Not your full name, and no email address, phone number, link or social handle. Names like “facilitator” or “admin” are kept for the facilitators. It is not saved on this device.',
      ),
      error,
      h('div', { class: 'actions' }, submit),
      h(
        'p',
        { class: 'hint' },
        'Nothing about you is stored in this browser except a private key that lets the room recognise you if you reconnect.',
      ),
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const value = input.value.trim();
      error.replaceChildren();
      if (!value) {
        put(error, notice('error', 'Please choose a name to use in the room.'));
        input.setAttribute('aria-invalid', 'true');
        input.focus();
        return;
      }
      void busy(submit, () => join(value, error, input));
    });
    body.replaceChildren(statusLine, message ?? '', guidelines(room.guidelines), form);
    if (focusForm) (message ?? input).focus();
  }

  async function ensureClient(): Promise<RoomClient> {
    if (client) return client;
    const token = await participantToken();
    client = new RoomClient(roomId, token, {}, async () => {
      forgetParticipantToken();
      return participantToken();
    });
    await client.connect();
    return client;
  }

  async function join(value: string, error: HTMLElement, input: HTMLInputElement): Promise<void> {
    let c: RoomClient;
    try {
      c = await ensureClient();
    } catch (err) {
      client?.close();
      client = null;
      put(
        error,
        notice(
          'error',
          err instanceof ApiError
            ? errorText(err)
            : plainError(err instanceof Error ? err.message : 'NETWORK'),
        ),
      );
      return;
    }
    if (!ctx.alive()) return;
    // Build the view first: the join's answer fills it.
    const v = roomView(c, { facilitator: false, onEnd: ended });
    const ack = await c.join(value);
    if (!ctx.alive()) return;
    if (!ack.ok) {
      v.destroy();
      const code = ack.error.code;
      if (code === 'WAITING_FOR_ADMISSION') {
        handle = value;
        return showWaiting(c);
      }
      input.setAttribute(
        'aria-invalid',
        String(code === 'HANDLE_TAKEN' || code === 'VALIDATION_FAILED'),
      );
      const text =
        code === 'VALIDATION_FAILED'
          ? `That name can’t be used here. ${ack.error.message}. Please try a first name or a nickname.`
          : code === 'ROOM_CLOSED'
            ? `${plainError(code)} ${room.opensAt && Date.parse(room.opensAt) > Date.now() ? `It opens ${when(room.opensAt)}.` : ''}`
            : plainError(code, ack.error.message);
      put(error, notice('error', text));
      input.focus();
      return;
    }
    handle = value;
    view = v;
    statusLine.textContent = `You are in the room as ${value}.`;
    body.replaceChildren(statusLine, v.el);
    v.focus();
    announce(`You joined ${room.name} as ${value}. ${c.members.length} here.`);
  }

  function showWaiting(c: RoomClient): void {
    const p = h(
      'div',
      { class: 'panel waiting', tabindex: '-1' },
      h('h2', null, 'Waiting to be let in'),
      h(
        'p',
        null,
        'This room has a waiting room. A facilitator will let you in shortly. You can keep this page open; you will join automatically.',
      ),
      loading('Waiting for a facilitator…'),
    );
    const cancel = h('button', { type: 'button', class: 'button-secondary' }, 'Stop waiting');
    cancel.addEventListener('click', () => {
      c.on.moderation = undefined;
      showJoinForm(notice('info', 'You stopped waiting. You can join again any time.'), true);
    });
    p.append(cancel);
    body.replaceChildren(statusLine, p);
    p.focus();
    announce('Waiting to be let in by a facilitator.');
    c.on.moderation = (action) => {
      if (action !== 'admitted') return;
      announce('A facilitator let you in. Joining…');
      const error = h('div');
      p.append(error);
      void join(handle, error, h('input'));
    };
  }

  function ended(kind: EndKind, info: { until?: string; reason?: string; code?: string }): void {
    if (!ctx.alive()) return;
    const why = info.reason ? ` The reason given: “${info.reason}”.` : '';
    const msg =
      kind === 'left'
        ? notice('info', 'You left the room. Take care of yourself. You can join again any time.')
        : kind === 'kicked'
          ? notice(
              'info',
              `A facilitator asked you to leave the room.${why} You are welcome to join again when you are ready to follow the guidelines.`,
            )
          : kind === 'banned'
            ? notice(
                'error',
                `A facilitator removed you from this room${info.until ? ` until ${longDate(info.until)}` : ''}.${why} If you need support now, the crisis lines below are always there.`,
              )
            : kind === 'closed'
              ? notice(
                  'info',
                  'This meeting room has closed. Thank you for being here. ',
                  h('a', { href: '/' }, 'Find another meeting'),
                  '.',
                )
              : kind === 'rejoin'
                ? notice(
                    'error',
                    `We couldn’t get you back into the room. ${plainError(info.code ?? 'INTERNAL')}`,
                  )
                : notice('error', 'Your connection to the room ended. Please join again.');
    msg.setAttribute('tabindex', '-1');
    if (kind === 'closed' && view) {
      // Keep the conversation on screen, read-only, with the notice on top.
      statusLine.textContent = 'Closed';
      put(view.status, msg);
      msg.focus();
      announce('This meeting room has closed. Thank you for being here.');
      return;
    }
    if (kind === 'unauthorized' || kind === 'rejoin') {
      client?.close();
      client = null;
    }
    showJoinForm(msg, true);
    announce(msg.textContent ?? '');
  }
}
