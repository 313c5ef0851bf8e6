// The inside of a room: chat, composer, who is here, the share queue and the floor.
import { plainError } from '../api.js';
import {
  announce,
  busy,
  h,
  keepChildren,
  put,
  safeUrl,
  telHref,
  type Child,
  icon,
} from '../dom.js';
import { clock, countdown, when } from '../time.js';
import type { Member, Message, ModerationAction, RoomState, SafetyResource } from '../types.js';
import type { Pending, RoomClient } from './client.js';
import { certificateDialog, reportDialog } from './dialogs.js';

export type EndKind = 'left' | 'kicked' | 'banned' | 'closed' | 'unauthorized' | 'rejoin';

export interface MemberControls {
  el: HTMLElement;
  update(m: Member): void;
}

export interface ViewOptions {
  facilitator: boolean;
  onEnd(kind: EndKind, info: { until?: string; reason?: string; code?: string }): void;
  memberControls?(m: Member): MemberControls | null;
  messageControls?(m: Message, pinned: boolean): Child[];
  side?: HTMLElement[];
  onState?(st: RoomState): void;
  onMembers?(members: Member[]): void;
}

export interface RoomView {
  el: HTMLElement;
  status: HTMLElement;
  focus(): void;
  destroy(): void;
}

const MAX = 2000;

export function roomView(client: RoomClient, opt: ViewOptions): RoomView {
  const status = h('div', { class: 'room-status', role: 'status' });
  const safety = h('section', { class: 'safety', hidden: true, 'aria-labelledby': 'safety-h' });
  const pinned = h('section', { class: 'pinned', hidden: true, 'aria-labelledby': 'pinned-h' });
  const list = h('ol', {
    class: 'messages',
    'aria-live': 'off',
    'aria-relevant': 'additions',
    'aria-label': 'Messages',
  });
  // Own messages on their way: outside the live list, so each is read out once, when delivered.
  const pendingList = h('ol', {
    class: 'pending-messages',
    'aria-label': 'Being sent',
    hidden: true,
  });
  const typingEl = h('p', { class: 'typing' });
  const earlier = h(
    'button',
    { type: 'button', class: 'button-secondary button-small', hidden: true },
    'Show earlier messages',
  );
  const chatTitle = h('h2', { id: 'chat-h', tabindex: '-1' }, 'Conversation');

  // Composer
  const input = h('textarea', {
    id: 'composer',
    name: 'body',
    rows: '3',
    maxlength: String(MAX),
    'aria-describedby': 'composer-count composer-hint',
  });
  const counter = h('span', { id: 'composer-count', class: 'counter' }, `0 / ${MAX} characters`);
  const sendBtn = h('button', { type: 'submit' }, 'Send');
  const sendError = h('div', { class: 'send-error' });
  const slowNote = h('p', { class: 'hint', hidden: true });
  const composer = h(
    'form',
    { class: 'composer', 'aria-label': 'Send a message' },
    h('label', { for: 'composer' }, 'Your message'),
    input,
    h(
      'div',
      { class: 'composer-bar' },
      h(
        'span',
        { id: 'composer-hint', class: 'hint' },
        'Enter sends; Shift+Enter starts a new line.',
      ),
      counter,
      sendBtn,
    ),
    sendError,
    slowNote,
  );
  // The composer sticks to the bottom of the screen: the page keeps that much room below
  // whatever the keyboard moves to, so a focused control never sits under it.
  if (typeof ResizeObserver === 'function')
    new ResizeObserver(() =>
      document.documentElement.style.setProperty('--composer-h', `${composer.offsetHeight}px`),
    ).observe(composer);

  // Sharing
  const floorEl = h('p', { class: 'floor' });
  const queueEl = h('ol', { class: 'queue' });
  const handBtn = h(
    'button',
    { type: 'button', class: 'button-secondary' },
    icon('✋ '),
    'Raise hand',
  );
  const handInfo = h('p', { class: 'hint' });
  const share = h(
    'section',
    { class: 'panel', 'aria-labelledby': 'share-h' },
    h('h2', { id: 'share-h' }, 'Sharing'),
    floorEl,
    h('p', { class: 'hint' }, 'Raise your hand to share. Facilitators give the floor in order.'),
    queueEl,
    opt.facilitator ? null : handBtn,
    handInfo,
  );

  // People
  const peopleTitle = h('h2', { id: 'people-h', tabindex: '-1' }, 'Here now');
  const people = h('ul', { class: 'people' });
  const peopleRows = new Map<
    string,
    { li: HTMLLIElement; info: HTMLElement; controls: MemberControls | null }
  >();

  const certBtn = h(
    'button',
    { type: 'button', class: 'button-secondary' },
    'Attendance certificate',
  );
  const leaveBtn = h('button', { type: 'button', class: 'button-secondary' }, 'Leave room');

  const el = h(
    'div',
    { class: 'room' },
    status,
    safety,
    h(
      'div',
      { class: 'room-grid' },
      h(
        'div',
        { class: 'room-main' },
        pinned,
        h(
          'section',
          { class: 'chat', 'aria-labelledby': 'chat-h' },
          chatTitle,
          earlier,
          list,
          pendingList,
          typingEl,
        ),
        composer,
      ),
      h(
        'div',
        { class: 'room-side' },
        share,
        h('section', { class: 'panel', 'aria-labelledby': 'people-h' }, peopleTitle, people),
        opt.side ?? [],
        h('div', { class: 'panel actions' }, opt.facilitator ? null : certBtn, leaveBtn),
      ),
    ),
  );

  const items = new Map<string, HTMLLIElement>(); // message id or "p:"+clientId → li
  let pinnedId: string | null = null;
  let floorTimer: number | undefined;
  let lastFloor: string | null = null;
  const typers = new Map<string, { handle: string; timer: number }>();

  const handleOf = (memberId: string): string =>
    client.members.find((m) => m.memberId === memberId)?.handle ?? 'Someone';

  // ---- messages
  function messageItem(m: Message): HTMLLIElement {
    const mine = m.author.memberId === client.self?.memberId;
    const isPinned = pinnedId === m.id;
    const actions: Child[] = opt.messageControls
      ? opt.messageControls(m, isPinned)
      : mine
        ? []
        : [
            h(
              'button',
              {
                type: 'button',
                class: 'link-button',
                onClick: () => reportDialog(client, m, (t) => say(t, true)),
              },
              'Report',
              h('span', { class: 'visually-hidden' }, ` message from ${m.author.handle}`),
            ),
          ];
    const li = h(
      'li',
      {
        class: `message${mine ? ' own' : ''}${m.author.role === 'facilitator' ? ' by-facilitator' : ''}${isPinned ? ' is-pinned' : ''}`,
        'data-seq': String(m.seq),
      },
      h(
        'div',
        { class: 'meta' },
        h('span', { class: 'author' }, m.author.handle),
        m.author.role === 'facilitator' ? h('span', { class: 'role' }, ' (facilitator)') : null,
        mine ? h('span', { class: 'role' }, ' (you)') : null,
        ' ',
        h('time', { datetime: m.createdAt }, clock(m.createdAt)),
        isPinned ? h('span', { class: 'role' }, ' · ', icon('📌 '), 'pinned') : null,
      ),
      h('p', { class: 'body' }, m.body),
      actions.length ? h('div', { class: 'msg-actions' }, actions) : null,
    );
    return li;
  }

  function place(li: HTMLLIElement, seq: number): void {
    for (const child of list.children) {
      if (Number((child as HTMLElement).dataset.seq) > seq) {
        list.insertBefore(li, child);
        return;
      }
    }
    list.append(li);
  }

  function renderMessages(added: Message[], initial: boolean): void {
    for (const m of added) {
      const li = messageItem(m);
      const old = items.get(m.id);
      if (old) swap(old, li);
      else place(li, m.seq);
      items.set(m.id, li);
    }
    if (initial) {
      // The first load is not read out; new messages after it are.
      list.setAttribute('aria-live', 'polite');
      list.lastElementChild?.scrollIntoView({ block: 'end' });
    } else if (added.length) {
      scrollIfNear();
    }
    earlier.hidden =
      Math.min(...[...client.messages.values()].map((m) => m.seq)) <= 1 ||
      client.messages.size === 0;
  }

  /**
   * Redraw a message in place. A control of it that had the focus hands it on to the control in
   * the same place (Pin becomes Unpin), or to the message itself.
   */
  function swap(old: HTMLLIElement, li: HTMLLIElement): void {
    const at = [...old.querySelectorAll('button')].indexOf(
      document.activeElement as HTMLButtonElement,
    );
    old.replaceWith(li);
    if (at < 0) return;
    const next = li.querySelectorAll('button')[at];
    if (next) return next.focus();
    li.tabIndex = -1;
    li.focus();
  }

  function scrollIfNear(): void {
    const last = list.lastElementChild;
    if (!last) return;
    const rect = last.getBoundingClientRect();
    if (rect.top < window.innerHeight + 200) last.scrollIntoView({ block: 'nearest' });
  }

  function renderPending(p: Pending | null, clientId: string): void {
    const key = `p:${clientId}`;
    const old = items.get(key);
    if (!p) {
      const hadFocus = !!old?.contains(document.activeElement);
      old?.remove();
      items.delete(key);
      pendingList.hidden = !pendingList.firstChild;
      if (hadFocus) input.focus();
      return;
    }
    const text =
      p.state === 'sending'
        ? 'Sending…'
        : p.state === 'waiting'
          ? 'Waiting for the connection, will send…'
          : `Not sent. ${plainError(p.error ?? 'INTERNAL')}`;
    const li = h(
      'li',
      { class: `message own pending${p.state === 'failed' ? ' failed' : ''}` },
      h(
        'div',
        { class: 'meta' },
        h('span', { class: 'author' }, client.handle),
        h('span', { class: 'role' }, ' (you)'),
      ),
      h('p', { class: 'body' }, p.body),
      h('p', { class: 'pending-state' }, p.state === 'failed' ? icon('⚠️ ') : null, text),
      p.state === 'failed'
        ? h(
            'div',
            { class: 'msg-actions' },
            h(
              'button',
              { type: 'button', class: 'link-button', onClick: () => client.retry(clientId) },
              'Try again',
            ),
            h(
              'button',
              { type: 'button', class: 'link-button', onClick: () => client.discard(clientId) },
              'Discard',
            ),
          )
        : null,
    );
    if (old) swap(old, li);
    else pendingList.append(li);
    pendingList.hidden = false;
    items.set(key, li);
    if (p.state === 'failed')
      put(sendError, h('p', { role: 'alert' }, plainError(p.error ?? 'INTERNAL')));
    if (!old) li.scrollIntoView({ block: 'nearest' });
  }

  function deleted(id: string): void {
    const li = items.get(id);
    if (!li) return;
    li.classList.add('deleted');
    li.querySelector('.body')!.textContent = 'This message was removed by a facilitator.';
    const actions = li.querySelector('.msg-actions');
    const hadFocus = !!actions?.contains(document.activeElement);
    actions?.remove();
    if (hadFocus) {
      li.tabIndex = -1;
      li.focus();
    }
  }

  // ---- state: pinned reading, floor, queue
  function renderState(st: RoomState): void {
    const newPinned = st.pinned?.id ?? null;
    if (newPinned !== pinnedId) {
      const before = pinnedId;
      pinnedId = newPinned;
      for (const id of [before, newPinned]) {
        const m = id ? client.messages.get(id) : undefined;
        if (m) renderMessages([m], false);
      }
    }
    pinned.hidden = !st.pinned;
    if (st.pinned) {
      put(
        pinned,
        h('h2', { id: 'pinned-h' }, icon('📌 '), 'Pinned reading'),
        h('p', { class: 'prewrap' }, st.pinned.body),
        h('p', { class: 'hint' }, `Pinned from ${st.pinned.author.handle}`),
      );
    }
    renderShare();
    slowNote.hidden = !st.slowModeSeconds;
    slowNote.textContent = `Slow mode is on: one message every ${st.slowModeSeconds} seconds.`;
    if (st.status === 'closed') closedNotice();
    opt.onState?.(st);
  }

  function renderShare(): void {
    const st = client.state;
    if (!st) return;
    const selfId = client.self?.memberId;
    window.clearInterval(floorTimer);
    if (st.floor) {
      const f = st.floor;
      const who = f.memberId === selfId ? 'You have' : `${handleOf(f.memberId)} has`;
      const tick = () => {
        const left = Date.parse(f.endsAt) - Date.now();
        put(
          floorEl,
          icon('🎙 '),
          `${who} the floor · `,
          h('span', { class: 'countdown' }, `${countdown(left)} left`),
        );
        if (left <= 0) window.clearInterval(floorTimer);
      };
      tick();
      floorTimer = window.setInterval(tick, 1000);
      const key = `${f.memberId}|${f.endsAt}`;
      if (key !== lastFloor)
        say(
          f.memberId === selfId
            ? 'It’s your turn to share. You have the floor.'
            : `${who} the floor.`,
        );
      lastFloor = key;
    } else {
      floorEl.textContent = 'Nobody has the floor right now.';
      lastFloor = null;
    }
    queueEl.replaceChildren(
      ...st.shareQueue.map((id) => h('li', null, handleOf(id), id === selfId ? ' (you)' : '')),
    );
    if (!st.shareQueue.length) queueEl.append(h('li', { class: 'hint' }, 'No hands raised.'));
    const pos = selfId ? st.shareQueue.indexOf(selfId) : -1;
    const raised = pos >= 0 || !!client.self?.handRaised;
    handBtn.lastChild!.textContent = raised ? 'Lower hand' : 'Raise hand';
    handInfo.textContent =
      pos >= 0 ? `Your hand is raised. You are number ${pos + 1} in line.` : '';
  }

  handBtn.addEventListener('click', () => {
    const raised = handBtn.textContent?.includes('Lower');
    void busy(handBtn, () =>
      client.call<{ position?: number }>(raised ? 'hand:lower' : 'hand:raise', {}).then((ack) => {
        if (!ack.ok) return say(plainError(ack.error.code, ack.error.message), true);
        if (client.self) client.self.handRaised = !raised;
        if (!raised && ack.data.position) {
          handBtn.lastChild!.textContent = 'Lower hand';
          handInfo.textContent = `Your hand is raised. You are number ${ack.data.position} in line.`;
          say(`Hand raised. You are number ${ack.data.position} in line.`);
        } else {
          handBtn.lastChild!.textContent = 'Raise hand';
          handInfo.textContent = '';
          say('Hand lowered.');
        }
      }),
    );
  });

  // ---- people
  function renderPeople(members: Member[]): void {
    peopleTitle.textContent = `Here now (${members.length})`;
    const seen = new Set(members.map((m) => m.memberId));
    for (const [id, row] of peopleRows) {
      if (!seen.has(id)) {
        // Someone left: a facilitator whose focus was on their controls goes to the list's title.
        const hadFocus = row.li.contains(document.activeElement);
        row.li.remove();
        peopleRows.delete(id);
        if (hadFocus) peopleTitle.focus();
      }
    }
    for (const m of members) {
      let row = peopleRows.get(m.memberId);
      if (!row) {
        const info = h('span', { class: 'who' });
        const controls =
          m.memberId === client.self?.memberId ? null : (opt.memberControls?.(m) ?? null);
        row = { li: h('li', null, info, controls?.el), info, controls };
        peopleRows.set(m.memberId, row);
      }
      const tags: string[] = [];
      if (m.memberId === client.self?.memberId) tags.push('you');
      if (m.role === 'facilitator') tags.push('facilitator');
      put(
        row.info,
        h('span', { class: 'author' }, m.handle),
        tags.length ? ` (${tags.join(', ')})` : '',
        m.handRaised ? h('span', { class: 'tag' }, icon('✋ '), 'hand raised') : null,
        m.muted ? h('span', { class: 'tag' }, icon('🔇 '), 'muted') : null,
      );
      row.controls?.update(m);
    }
    // The server's order; rows already in place stay put, so a facilitator keeps the focus.
    keepChildren(
      people,
      members.map((m) => peopleRows.get(m.memberId)!.li),
    );
    renderShare();
    setMuted(!!client.self?.muted);
    opt.onMembers?.(members);
  }

  // ---- typing
  function typing(memberId: string, handle: string): void {
    const old = typers.get(memberId);
    if (old) window.clearTimeout(old.timer);
    typers.set(memberId, {
      handle,
      timer: window.setTimeout(() => {
        typers.delete(memberId);
        renderTyping();
      }, 4000),
    });
    renderTyping();
  }
  function renderTyping(): void {
    const names = [...typers.values()].map((t) => t.handle);
    typingEl.textContent =
      names.length === 0
        ? ''
        : names.length === 1
          ? `${names[0]} is typing…`
          : names.length === 2
            ? `${names[0]} and ${names[1]} are typing…`
            : 'Several people are typing…';
  }

  // ---- status and notices
  function say(text: string, visible = false): void {
    announce(text);
    if (visible) put(status, h('p', null, text));
  }

  let muted = false;
  function setMuted(on: boolean): void {
    if (on === muted) return;
    muted = on;
    sendBtn.disabled = on;
    input.setAttribute(
      'aria-describedby',
      on ? 'composer-count composer-hint muted-note' : 'composer-count composer-hint',
    );
    composer.querySelector('#muted-note')?.remove();
    if (on)
      composer.append(
        h(
          'p',
          { id: 'muted-note', class: 'notice notice-info' },
          icon('🔇 '),
          'You are muted for now, so you can’t send messages. You can still read along.',
        ),
      );
  }

  function moderation(action: ModerationAction, until?: string, reason?: string): void {
    const why = reason ? ` The reason given: “${reason}”.` : '';
    const till = until ? ` until ${when(until)}` : '';
    switch (action) {
      case 'muted':
        setMuted(true);
        say(`A facilitator has muted you${till}. You can still read along.${why}`, true);
        break;
      case 'unmuted':
        setMuted(false);
        say('You can send messages again.', true);
        break;
      case 'kicked':
      case 'banned':
        opt.onEnd(action, { until, reason });
        break;
      case 'admitted':
        break;
    }
  }

  function showSafety(resources: SafetyResource[]): void {
    safety.hidden = false;
    const close = h(
      'button',
      { type: 'button', class: 'button-secondary' },
      'Hide these resources',
    );
    close.addEventListener('click', () => {
      safety.hidden = true;
      input.focus();
    });
    put(
      safety,
      h('h2', { id: 'safety-h' }, icon('💛 '), 'You don’t have to go through this alone'),
      h(
        'p',
        null,
        'It sounds like things may be really hard right now. These people are there for you, any time of day, free and confidential:',
      ),
      h(
        'ul',
        { class: 'resources' },
        resources.map((r) => {
          const url = safeUrl(r.url);
          return h(
            'li',
            null,
            h('strong', null, r.name),
            h(
              'span',
              { class: 'resource-links' },
              r.phone
                ? h(
                    'a',
                    { class: 'button', href: telHref(r.phone) },
                    icon('📞 '),
                    `Call ${r.phone}`,
                  )
                : null,
              r.sms
                ? h(
                    'a',
                    {
                      class: 'button button-secondary',
                      href: `sms:${r.sms.replace(/[^\d+]/g, '')}`,
                    },
                    icon('💬 '),
                    `Text ${r.sms}`,
                  )
                : null,
              url
                ? h(
                    'a',
                    { href: url, target: '_blank', rel: 'noopener noreferrer' },
                    'Website',
                    h('span', { class: 'visually-hidden' }, ` of ${r.name}, opens in a new tab`),
                  )
                : null,
            ),
          );
        }),
      ),
      h('p', null, 'If someone may have overdosed or is in danger, call emergency services now.'),
      close,
    );
    announce('Support is available. Crisis phone and text lines are shown at the top of the room.');
    safety.scrollIntoView({ block: 'start' });
  }

  function closedNotice(): void {
    input.disabled = true;
    sendBtn.disabled = true;
    handBtn.disabled = true;
  }

  // ---- composer
  const updateCount = () => {
    const left = MAX - input.value.length;
    // Near the limit it says so in words too, not only in red.
    counter.textContent = `${input.value.length} / ${MAX} characters${left < 100 ? ` (only ${left} left)` : ''}`;
    counter.classList.toggle('warn', left < 100);
  };
  input.addEventListener('input', () => {
    updateCount();
    if (input.value) client.typing();
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      composer.requestSubmit();
    }
  });
  composer.addEventListener('submit', (e) => {
    e.preventDefault();
    const body = input.value.trim();
    sendError.replaceChildren();
    if (!body || muted) return;
    client.send(body);
    input.value = '';
    updateCount();
    input.focus();
  });

  earlier.addEventListener('click', () => {
    void busy(earlier, () =>
      client.history().then((n) => {
        say(n ? `${n} earlier messages shown.` : 'No earlier messages.');
        // Hidden once the start is reached: the first message takes the focus from it then.
        const first = list.firstElementChild as HTMLElement | null;
        if (earlier.hidden && document.activeElement === earlier && first) {
          first.tabIndex = -1;
          first.focus();
        }
      }),
    );
  });
  certBtn.addEventListener('click', () => certificateDialog(client));
  leaveBtn.addEventListener('click', () => {
    void busy(leaveBtn, () => client.leave().then(() => opt.onEnd('left', {})));
  });

  client.on = {
    ...client.on,
    messages: renderMessages,
    pending: renderPending,
    deleted,
    state: renderState,
    presence: renderPeople,
    typing,
    moderation,
    safety: showSafety,
    closed: () => {
      closedNotice();
      opt.onEnd('closed', {});
    },
    redacted: (kinds) =>
      say(
        `To keep everyone anonymous, we took contact details (${kinds.join(', ')}) out of your message.`,
        true,
      ),
    connection: (s) => {
      if (s === 'offline')
        say(
          'Connection lost. Trying to reconnect… Your messages will be sent when we are back.',
          true,
        );
      if (s === 'unauthorized') opt.onEnd('unauthorized', {});
    },
    rejoined: () => say('Reconnected. You are back in the room.', true),
    rejoinFailed: (code) => opt.onEnd('rejoin', { code }),
  };

  return {
    el,
    status,
    focus: () => chatTitle.focus(),
    destroy: () => {
      window.clearInterval(floorTimer);
      for (const t of typers.values()) window.clearTimeout(t.timer);
    },
  };
}
