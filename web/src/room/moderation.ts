// Facilitator tools inside a room: per-member and per-message actions, room controls, the
// waiting room, the report queue and the audit log.
import { api, errorText, plainError } from '../api.js';
import { announce, busy, field, h, keepChildren, notice, put, select, type Child } from '../dom.js';
import { clock, when } from '../time.js';
import type { AuditEntry, Member, Message, Page, Report, Room, RoomState } from '../types.js';
import type { RoomClient } from './client.js';
import type { MemberControls, ViewOptions } from './view.js';

const MUTE_FOR: [string, string][] = [
  ['5', '5 minutes'],
  ['15', '15 minutes'],
  ['60', '1 hour'],
  ['', 'Until unmuted'],
];
const BAN_FOR: [string, string][] = [
  ['1440', '1 day'],
  ['10080', '1 week'],
  ['43200', '30 days'],
  ['', 'Lasting'],
];

export interface ModTools extends Pick<
  ViewOptions,
  'memberControls' | 'messageControls' | 'side' | 'onState' | 'onMembers'
> {
  status: HTMLElement;
}

export function moderationTools(
  client: RoomClient,
  room: Room,
  token: () => string | null,
): ModTools {
  const status = h('div', { class: 'mod-status', role: 'status' });
  const reason = h('input', { type: 'text', maxlength: '500', autocomplete: 'off' });
  // Handles of everyone seen here, so the audit log can name people who have left.
  const seen = new Map<string, string>();
  const remember = (members: Member[]) => members.forEach((m) => seen.set(m.memberId, m.handle));
  const handleOf = (id: string) =>
    client.members.find((m) => m.memberId === id)?.handle ?? seen.get(id);

  function report(text: string, error = false): void {
    put(status, notice(error ? 'error' : 'success', text));
    announce(text);
  }

  /** Run a facilitator event; say how it went; refresh the audit log. */
  async function act<T>(event: string, payload: object, done: string): Promise<T | null> {
    const r = reason.value.trim();
    const withReason = r && 'memberId' in payload ? { ...payload, reason: r } : payload;
    const ack = await client.call<T>(event, withReason);
    if (!ack.ok) {
      report(`That didn’t work: ${plainError(ack.error.code, ack.error.message)}`, true);
      return null;
    }
    report(done);
    reason.value = '';
    void loadAudit();
    return ack.data;
  }

  // ---- members
  function memberControls(m: Member): MemberControls | null {
    if (m.role === 'facilitator') return null;
    let current = m;
    const muteFor = select({}, MUTE_FOR, '15');
    const muteBtn = h('button', { type: 'button', class: 'button-small' }, 'Mute');
    const unmuteBtn = h('button', { type: 'button', class: 'button-small' }, 'Unmute');
    const kickBtn = h('button', { type: 'button', class: 'button-small button-secondary' }, 'Kick');
    const banScope = select(
      {},
      [
        ['room', 'This room'],
        ['group', 'All the group’s rooms'],
      ],
      'room',
    );
    const banFor = select({}, BAN_FOR, '1440');
    const banBtn = h('button', { type: 'button', class: 'button-small button-danger' }, 'Ban');
    const el = h(
      'div',
      { class: 'mod-controls', role: 'group', 'aria-label': `Moderate ${m.handle}` },
      h('div', { class: 'mod-row' }, field('Mute for', muteFor), muteBtn, unmuteBtn, kickBtn),
      h('div', { class: 'mod-row' }, field('Ban from', banScope), field('Ban for', banFor), banBtn),
    );
    muteBtn.addEventListener(
      'click',
      () =>
        void busy(muteBtn, () => {
          const minutes = muteFor.value ? Number(muteFor.value) : undefined;
          return act(
            'mod:mute',
            { memberId: current.memberId, ...(minutes ? { minutes } : {}) },
            `${current.handle} is muted${minutes ? ` for ${muteFor.selectedOptions[0]?.text ?? ''}` : ' until you unmute them'}.`,
          );
        }),
    );
    unmuteBtn.addEventListener(
      'click',
      () =>
        void busy(unmuteBtn, () =>
          act(
            'mod:unmute',
            { memberId: current.memberId },
            `${current.handle} can send messages again.`,
          ),
        ),
    );
    kickBtn.addEventListener(
      'click',
      () =>
        void busy(kickBtn, () =>
          act(
            'mod:kick',
            { memberId: current.memberId },
            `${current.handle} was removed from the room. They may join again.`,
          ),
        ),
    );
    banBtn.addEventListener(
      'click',
      () =>
        void busy(banBtn, () => {
          const minutes = banFor.value ? Number(banFor.value) : undefined;
          return act(
            'mod:ban',
            { memberId: current.memberId, scope: banScope.value, ...(minutes ? { minutes } : {}) },
            `${current.handle} is banned from ${banScope.value === 'group' ? 'all the group’s rooms' : 'this room'}${minutes ? ` for ${banFor.selectedOptions[0]?.text ?? ''}` : ''}.`,
          );
        }),
    );
    const update = (next: Member) => {
      current = next;
      // Mute and Unmute take each other's place, and the keyboard's focus with it.
      const hadFocus = document.activeElement === muteBtn || document.activeElement === unmuteBtn;
      muteBtn.hidden = next.muted;
      muteFor.closest('.field')!.toggleAttribute('hidden', next.muted);
      unmuteBtn.hidden = !next.muted;
      if (hadFocus) (next.muted ? unmuteBtn : muteBtn).focus();
    };
    update(m);
    return { el, update };
  }

  // ---- messages
  function messageControls(m: Message, pinned: boolean): Child[] {
    const context = h('span', { class: 'visually-hidden' }, ` message from ${m.author.handle}`);
    const pin = h(
      'button',
      { type: 'button', class: 'link-button' },
      pinned ? 'Unpin' : 'Pin',
      context.cloneNode(true),
    );
    pin.addEventListener(
      'click',
      () =>
        void busy(pin, () =>
          act(
            'mod:pin',
            { messageId: pinned ? null : m.id },
            pinned ? 'Unpinned.' : 'Pinned for everyone.',
          ),
        ),
    );
    const del = h('button', { type: 'button', class: 'link-button danger' }, 'Delete', context);
    del.addEventListener(
      'click',
      () => void busy(del, () => act('mod:delete', { messageId: m.id }, 'Message deleted.')),
    );
    return [pin, del];
  }

  // ---- room controls
  const locked = h('input', { type: 'checkbox' });
  const waitingRoom = h('input', { type: 'checkbox' });
  const slow = select(
    {},
    [
      ['0', 'Off'],
      ['5', '5 seconds'],
      ['10', '10 seconds'],
      ['30', '30 seconds'],
      ['60', '1 minute'],
      ['120', '2 minutes'],
    ],
    '0',
  );
  const shareTime = select(
    {},
    [
      ['60', '1 minute'],
      ['120', '2 minutes'],
      ['180', '3 minutes'],
      ['300', '5 minutes'],
      ['600', '10 minutes'],
    ],
    String(room.shareSeconds ?? 180),
  );
  const update = (payload: object, done: string) => act<RoomState>('room:update', payload, done);
  locked.addEventListener(
    'change',
    () =>
      void update(
        { locked: locked.checked },
        locked.checked ? 'Room locked: newcomers can’t join.' : 'Room unlocked.',
      ),
  );
  waitingRoom.addEventListener(
    'change',
    () =>
      void update(
        { waitingRoom: waitingRoom.checked },
        waitingRoom.checked ? 'Waiting room on: you admit newcomers.' : 'Waiting room off.',
      ),
  );
  slow.addEventListener(
    'change',
    () =>
      void update(
        { slowModeSeconds: Number(slow.value) },
        slow.value === '0'
          ? 'Slow mode off.'
          : `Slow mode: one message every ${slow.selectedOptions[0]?.text ?? ''}.`,
      ),
  );
  shareTime.addEventListener(
    'change',
    () =>
      void update(
        { shareSeconds: Number(shareTime.value) },
        `Share time: ${shareTime.selectedOptions[0]?.text ?? ''}.`,
      ),
  );
  const nextBtn = h('button', { type: 'button' }, 'Give the floor to the next hand');
  const endBtn = h(
    'button',
    { type: 'button', class: 'button-secondary' },
    'End the current share',
  );
  nextBtn.addEventListener(
    'click',
    () => void busy(nextBtn, () => act('share:next', {}, 'The floor is given to the next person.')),
  );
  endBtn.addEventListener(
    'click',
    () => void busy(endBtn, () => act('share:end', {}, 'The share has ended.')),
  );
  // The room's own guidelines: what newcomers read before they pick a name.
  const rules = h('textarea', { rows: '4', maxlength: '4000' }, room.guidelines ?? '');
  const saveRules = h('button', { type: 'submit', class: 'button-secondary' }, 'Save guidelines');
  const rulesForm = h(
    'form',
    { class: 'guidelines-form' },
    field(
      'Room guidelines',
      rules,
      'Plain text, shown before anyone joins. Leave empty for the general guidelines.',
    ),
    h('div', { class: 'actions' }, saveRules),
  );
  rulesForm.addEventListener('submit', (e) => {
    e.preventDefault();
    void busy(saveRules, async () => {
      try {
        await api(`/rooms/${encodeURIComponent(room.id)}`, {
          method: 'PATCH',
          token: token(),
          body: { guidelines: rules.value.trim() || null },
        });
        report(rules.value.trim() ? 'Guidelines saved.' : 'Back to the general guidelines.');
      } catch (err) {
        report(errorText(err), true);
      }
    });
  });
  const closeArea = h('div', { class: 'close-area' });
  const closeBtn = h('button', { type: 'button', class: 'button-danger' }, 'Close room');
  closeBtn.addEventListener('click', () => {
    const yes = h('button', { type: 'button', class: 'button-danger' }, 'Yes, close the room');
    const no = h('button', { type: 'button', class: 'button-secondary' }, 'Cancel');
    const ask = h(
      'div',
      { class: 'confirm', role: 'group', 'aria-label': 'Confirm closing' },
      h(
        'p',
        null,
        'Close the room for everyone now? Everyone is sent out, and it stays closed until its next scheduled opening.',
      ),
      yes,
      ' ',
      no,
    );
    no.addEventListener('click', () => {
      put(closeArea, closeBtn);
      closeBtn.focus();
    });
    yes.addEventListener(
      'click',
      () =>
        void busy(yes, async () => {
          if ((await act('room:close', {}, 'The room is closed.')) !== null) {
            const done = h('p', { tabindex: '-1' }, 'The room is closed.');
            put(closeArea, done);
            done.focus();
          }
        }),
    );
    put(closeArea, ask);
    yes.focus();
  });
  put(closeArea, closeBtn);
  const controls = h(
    'section',
    { class: 'panel', 'aria-labelledby': 'controls-h' },
    h('h2', { id: 'controls-h' }, 'Room controls'),
    h(
      'div',
      { class: 'checks' },
      checkboxWith(locked, 'Locked (no newcomers)'),
      checkboxWith(waitingRoom, 'Waiting room (admit newcomers by hand)'),
    ),
    h('div', { class: 'row' }, field('Slow mode', slow), field('Share time', shareTime)),
    h('div', { class: 'actions' }, nextBtn, endBtn),
    field(
      'Reason for your next action (optional)',
      reason,
      'Saved in the audit log and shown to the person it concerns.',
    ),
    rulesForm,
    closeArea,
  );

  function onState(st: RoomState): void {
    if (document.activeElement !== locked) locked.checked = st.locked;
    if (document.activeElement !== waitingRoom) waitingRoom.checked = st.waitingRoom;
    if (document.activeElement !== slow) {
      slow.value = String(st.slowModeSeconds);
      if (slow.value !== String(st.slowModeSeconds)) {
        slow.append(
          h('option', { value: String(st.slowModeSeconds) }, `${st.slowModeSeconds} seconds`),
        );
        slow.value = String(st.slowModeSeconds);
      }
    }
    // A button that is disabled drops the focus: the other one takes it, when it can.
    const focused = document.activeElement;
    nextBtn.disabled = st.shareQueue.length === 0;
    endBtn.disabled = !st.floor;
    if (focused === nextBtn && nextBtn.disabled && !endBtn.disabled) endBtn.focus();
    if (focused === endBtn && endBtn.disabled && !nextBtn.disabled) nextBtn.focus();
    waitingPanel.hidden = !st.waitingRoom && client.waitingMembers.length === 0;
  }

  // ---- waiting room
  const waitingList = h('ul', { class: 'people' });
  const waitingTitle = h('h2', { id: 'waiting-h', tabindex: '-1' }, 'Waiting to be let in');
  const waitingPanel = h(
    'section',
    { class: 'panel', 'aria-labelledby': 'waiting-h', hidden: true },
    waitingTitle,
    waitingList,
  );
  let waitingCount = 0;
  client.on.waiting = (members) => {
    remember(members);
    const hadFocus = waitingList.contains(document.activeElement);
    waitingTitle.textContent = `Waiting to be let in (${members.length})`;
    waitingPanel.hidden = members.length === 0 && !client.state?.waitingRoom;
    if (members.length > waitingCount) announce(`${members.length} waiting to be let in.`);
    waitingCount = members.length;
    waitingList.replaceChildren(
      ...members.map((m) => {
        const admit = h(
          'button',
          { type: 'button', class: 'button-small' },
          'Admit',
          h('span', { class: 'visually-hidden' }, ` ${m.handle}`),
        );
        admit.addEventListener(
          'click',
          () =>
            void busy(admit, () =>
              act('mod:admit', { memberId: m.memberId }, `${m.handle} was let in.`),
            ),
        );
        return h('li', null, h('span', { class: 'author' }, m.handle), ' ', admit);
      }),
    );
    if (!members.length) waitingList.append(h('li', { class: 'hint' }, 'Nobody is waiting.'));
    // After an admission, the next person's Admit button (or the list's title) has the focus.
    if (hadFocus) (waitingList.querySelector('button') ?? waitingTitle).focus();
  };

  // ---- reports
  const reportList = h('ul', { class: 'reports' });
  const reportTitle = h('h2', { id: 'reports-h' }, 'Reports');
  const reportsPanel = h(
    'section',
    { class: 'panel', 'aria-labelledby': 'reports-h' },
    reportTitle,
    reportList,
  );
  const reportItems = new Map<string, HTMLLIElement>();
  async function loadReports(): Promise<void> {
    try {
      const page = await api<Page<Report>>('/moderation/reports', {
        token: token(),
        query: { status: 'open', roomId: room.id, limit: '100' },
      });
      const mine = page.items;
      reportTitle.textContent = `Open reports (${mine.length})`;
      // Reports already shown keep their element: a note being written is not lost to a new one.
      const shown = new Map(reportItems);
      reportItems.clear();
      for (const r of mine) reportItems.set(r.id, shown.get(r.id) ?? reportItem(r));
      keepChildren(
        reportList,
        mine.length
          ? [...reportItems.values()]
          : [h('li', { class: 'hint' }, 'No open reports. Thank you for keeping the room safe.')],
      );
    } catch (err) {
      put(reportList, h('li', null, notice('error', errorText(err))));
    }
  }
  function reportItem(r: Report): HTMLLIElement {
    const note = h('textarea', { rows: '2', maxlength: '1000' });
    const outcome = select(
      {},
      [
        ['no action', 'No action needed'],
        ['deleted', 'Deleted the message'],
        ['muted', 'Muted the person'],
        ['kicked', 'Removed the person'],
        ['banned', 'Banned the person'],
      ],
      'no action',
    );
    const resolve = h('button', { type: 'submit', class: 'button-small' }, 'Resolve');
    const form = h(
      'form',
      { class: 'stack' },
      field('Note (optional)', note),
      field('What was done', outcome),
      resolve,
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void busy(resolve, async () => {
        try {
          const n = note.value.trim();
          await api(`/moderation/reports/${encodeURIComponent(r.id)}/resolve`, {
            method: 'POST',
            token: token(),
            body: { action: outcome.value, ...(n ? { note: n } : {}) },
          });
          report('Report resolved.');
          await loadReports();
          reportTitle.setAttribute('tabindex', '-1');
          reportTitle.focus();
        } catch (err) {
          report(errorText(err), true);
        }
      });
    });
    return h(
      'li',
      { class: 'report' },
      h(
        'p',
        null,
        h('strong', null, r.message?.author.handle ?? 'Someone'),
        ` wrote at ${when(r.createdAt)}:`,
      ),
      h('blockquote', { class: 'prewrap' }, r.message?.body ?? '(message deleted)'),
      h('p', null, 'Reason: ', r.reason),
      form,
    );
  }
  client.on.report = () => {
    announce('A new report came in.');
    void loadReports();
  };
  client.on.safetyAlert = (a) => {
    const who = handleOf(a.memberId) ?? 'Someone';
    put(
      status,
      notice(
        'error',
        `${who} wrote something that may show crisis or overdose risk (${a.kinds.join(', ')}). They were shown crisis lines. Please check in with care.`,
      ),
    );
    announce(`Safety alert about ${who}.`);
  };

  // ---- audit log
  const auditList = h('ol', { class: 'audit' });
  const auditRefresh = h(
    'button',
    { type: 'button', class: 'button-small button-secondary' },
    'Refresh audit log',
  );
  auditRefresh.addEventListener('click', () => void busy(auditRefresh, loadAudit));
  const auditPanel = h(
    'section',
    { class: 'panel', 'aria-labelledby': 'audit-h' },
    h('h2', { id: 'audit-h' }, 'Audit log'),
    auditRefresh,
    auditList,
  );
  async function loadAudit(): Promise<void> {
    try {
      const page = await api<Page<AuditEntry>>('/moderation/audit', {
        token: token(),
        query: { roomId: room.id, limit: '50' },
      });
      auditList.replaceChildren(
        ...page.items.map((e) =>
          h(
            'li',
            null,
            h('time', { datetime: e.at }, clock(e.at)),
            ` ${e.actor.displayName}: ${e.action}`,
            e.memberId ? ` · ${handleOf(e.memberId) ?? 'a member'}` : '',
            e.reason ? ` · “${e.reason}”` : '',
          ),
        ),
      );
      if (!page.items.length) auditList.append(h('li', { class: 'hint' }, 'Nothing yet.'));
    } catch (err) {
      put(auditList, h('li', null, notice('error', errorText(err))));
    }
  }

  void loadReports();
  void loadAudit();

  return {
    status,
    memberControls,
    messageControls,
    onState,
    onMembers: remember,
    side: [controls, waitingPanel, reportsPanel, auditPanel],
  };
}

function checkboxWith(input: HTMLInputElement, label: string): HTMLLabelElement {
  return h('label', { class: 'check' }, input, ' ', label);
}
