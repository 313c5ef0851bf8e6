// Admins: facilitator accounts and their assignments, and directory imports.
import { api, errorText } from '../api.js';
import {
  announce,
  busy,
  checkbox,
  field,
  focusedKey,
  h,
  heading,
  loading,
  notice,
  put,
  refocus,
  select,
} from '../dom.js';
import type { PageContext } from '../nav.js';
import { loadFellowships } from '../reference.js';
import type { StaffSession } from '../session.js';
import type { Assignment, Facilitator, ImportResult, Page } from '../types.js';
import { accountBar, requireStaff } from './facilitate.js';

export async function adminPage(ctx: PageContext): Promise<void> {
  const session = requireStaff(
    ctx,
    'Admin sign-in',
    'The admin pages are for admins. Please sign in.',
  );
  if (!session) return;
  const s: StaffSession = session;
  ctx.title('Admin');
  if (s.account.role !== 'admin') {
    ctx.main.replaceChildren(
      heading('Admin'),
      accountBar(s),
      notice(
        'info',
        'These pages are for admins. Your account is a facilitator account. ',
        h('a', { href: '/facilitate' }, 'Go to the facilitator dashboard'),
        '.',
      ),
    );
    return;
  }
  const listEl = h('div', null, loading('Loading facilitators…'));
  ctx.main.replaceChildren(
    heading('Admin'),
    accountBar(s),
    h('section', { 'aria-labelledby': 'fac-h' }, h('h2', { id: 'fac-h' }, 'Facilitators'), listEl),
    createForm(s, () => void load()),
    importForm(s),
  );

  async function load(): Promise<void> {
    // A change draws the list again: the focus goes back to the same control, or to the
    // facilitator's name when that control is gone (a removed assignment).
    const key = focusedKey(listEl);
    try {
      const page = await api<Page<Facilitator>>('/facilitators', { token: s.accessToken });
      if (!ctx.alive()) return;
      put(
        listEl,
        page.items.length
          ? h(
              'ul',
              { class: 'fac-list' },
              page.items.map((f) => facilitatorItem(s, f, () => void load())),
            )
          : h('p', null, 'No accounts yet.'),
      );
      refocus(listEl, key);
    } catch (err) {
      put(listEl, notice('error', errorText(err)));
    }
  }
  await load();
}

function facilitatorItem(s: StaffSession, f: Facilitator, reload: () => void): HTMLLIElement {
  const out = h('div');
  const patch = (body: object, done: string) => async () => {
    try {
      await api(`/facilitators/${f.id}`, { method: 'PATCH', token: s.accessToken, body });
      announce(done);
      reload();
    } catch (err) {
      put(out, notice('error', errorText(err)));
    }
  };
  const roleBtn = h(
    'button',
    { type: 'button', class: 'button-small button-secondary', 'data-key': `role-${f.id}` },
    f.role === 'admin' ? 'Make facilitator' : 'Make admin',
  );
  roleBtn.addEventListener(
    'click',
    () =>
      void busy(
        roleBtn,
        patch(
          { role: f.role === 'admin' ? 'facilitator' : 'admin' },
          `${f.displayName}’s role changed.`,
        ),
      ),
  );
  const disableBtn = h(
    'button',
    {
      type: 'button',
      class: `button-small ${f.disabled ? '' : 'button-danger'}`,
      'data-key': `disable-${f.id}`,
    },
    f.disabled ? 'Enable' : 'Disable',
  );
  disableBtn.addEventListener(
    'click',
    () =>
      void busy(
        disableBtn,
        patch(
          { disabled: !f.disabled },
          `${f.displayName} ${f.disabled ? 'enabled' : 'disabled'}.`,
        ),
      ),
  );
  const self = f.id === s.account.id;

  const kind = select(
    {},
    [
      ['meetingSlug', 'Meeting (slug)'],
      ['roomId', 'Room (id)'],
      ['groupId', 'Group (id)'],
    ],
    'meetingSlug',
  );
  const value = h('input', { type: 'text', autocomplete: 'off', maxlength: '100' });
  const add = h(
    'button',
    { type: 'submit', class: 'button-small', 'data-key': `add-${f.id}` },
    'Add assignment',
  );
  const addForm = h(
    'form',
    { class: 'row row-end', 'aria-label': `Add an assignment for ${f.displayName}` },
    field('Assign to', kind),
    field('Slug or id', value),
    add,
  );
  addForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const v = value.value.trim();
    if (!v) {
      put(out, notice('error', 'Please enter the meeting slug, room id or group id.'));
      value.focus();
      return;
    }
    void busy(add, async () => {
      try {
        await api(`/facilitators/${f.id}/assignments`, {
          method: 'POST',
          token: s.accessToken,
          body: { [kind.value]: v },
        });
        announce('Assignment added.');
        reload();
      } catch (err) {
        put(out, notice('error', errorText(err)));
      }
    });
  });

  return h(
    'li',
    { class: 'panel' },
    h('h3', { tabindex: '-1', 'data-key': `fac-${f.id}` }, f.displayName, self ? ' (you)' : ''),
    h(
      'p',
      null,
      f.email,
      ' · ',
      f.role === 'admin' ? 'Admin' : 'Facilitator',
      ' · ',
      f.disabled ? h('strong', null, '⛔ Disabled') : 'Active',
    ),
    self ? null : h('div', { class: 'actions' }, roleBtn, disableBtn),
    h('h4', null, 'Assignments'),
    f.role === 'admin' ? h('p', { class: 'hint' }, 'Admins moderate every room.') : null,
    f.assignments.length
      ? h(
          'ul',
          null,
          f.assignments.map((a) => assignmentItem(s, f, a, reload, out)),
        )
      : h('p', { class: 'hint' }, 'None yet: this facilitator can’t moderate any room.'),
    addForm,
    out,
  );
}

function assignmentItem(
  s: StaffSession,
  f: Facilitator,
  a: Assignment,
  reload: () => void,
  out: HTMLElement,
): HTMLLIElement {
  const label = a.meetingSlug
    ? `Meeting ${a.meetingSlug}`
    : a.roomId
      ? `Room ${a.roomId}`
      : `Group ${a.groupName ?? a.groupId ?? ''}`;
  const remove = h(
    'button',
    // Once removed, the focus goes to the facilitator's name (the same key).
    { type: 'button', class: 'button-small button-secondary', 'data-key': `fac-${f.id}` },
    'Remove',
    h('span', { class: 'visually-hidden' }, ` ${label}`),
  );
  remove.addEventListener(
    'click',
    () =>
      void busy(remove, async () => {
        try {
          await api(`/facilitators/${f.id}/assignments/${a.id}`, {
            method: 'DELETE',
            token: s.accessToken,
          });
          announce('Assignment removed.');
          reload();
        } catch (err) {
          put(out, notice('error', errorText(err)));
        }
      }),
  );
  return h('li', null, label, ' ', remove);
}

function createForm(s: StaffSession, done: () => void): HTMLFormElement {
  const email = h('input', {
    type: 'email',
    autocomplete: 'off',
    required: true,
    maxlength: '254',
  });
  const name = h('input', { type: 'text', autocomplete: 'off', required: true, maxlength: '80' });
  const password = h('input', {
    type: 'password',
    autocomplete: 'new-password',
    required: true,
    minlength: '12',
    maxlength: '200',
  });
  const role = select(
    {},
    [
      ['facilitator', 'Facilitator'],
      ['admin', 'Admin'],
    ],
    'facilitator',
  );
  const out = h('div');
  const submit = h('button', { type: 'submit' }, 'Create facilitator');
  const form = h(
    'form',
    { class: 'panel stack', 'aria-labelledby': 'new-fac-h', novalidate: true },
    h('h2', { id: 'new-fac-h' }, 'Add a facilitator'),
    field('Email', email),
    field('Display name', name, 'Shown in the audit log.'),
    field('Password', password, 'At least 12 characters. Share it with them privately.'),
    field('Role', role),
    out,
    submit,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!email.value.trim() || !name.value.trim() || password.value.length < 12) {
      put(
        out,
        notice(
          'error',
          'Please fill in the email, the display name and a password of at least 12 characters.',
        ),
      );
      return;
    }
    void busy(submit, async () => {
      try {
        const f = await api<Facilitator>('/facilitators', {
          method: 'POST',
          token: s.accessToken,
          body: {
            email: email.value.trim(),
            displayName: name.value.trim(),
            password: password.value,
            role: role.value,
          },
        });
        put(out, notice('success', `${f.displayName} can now sign in.`));
        form.reset();
        done();
      } catch (err) {
        put(out, notice('error', errorText(err)));
      }
    });
  });
  return form;
}

function importForm(s: StaffSession): HTMLFormElement {
  const format = select(
    {},
    [
      ['meeting-guide', 'Meeting Guide JSON'],
      ['bmlt', 'BMLT (GetSearchResults JSON)'],
      ['csv', 'CSV (TSML import layout)'],
    ],
    'meeting-guide',
  );
  const source = h('input', {
    type: 'text',
    required: true,
    maxlength: '100',
    autocomplete: 'off',
    placeholder: 'e.g. seattle-intergroup',
  });
  const url = h('input', {
    type: 'url',
    autocomplete: 'off',
    maxlength: '2000',
    placeholder: 'https://…',
  });
  const data = h('textarea', { rows: '6', spellcheck: 'false' });
  const fellowship = select({}, [['', 'None (rows name it)']], '');
  void loadFellowships().then(
    (list) => {
      for (const f of list) fellowship.append(h('option', { value: f.slug }, f.name));
    },
    () => undefined,
  );
  const tz = h('input', {
    type: 'text',
    autocomplete: 'off',
    maxlength: '64',
    list: 'tz-list',
    placeholder: 'e.g. America/New_York',
  });
  const zones =
    (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.(
      'timeZone',
    ) ?? [];
  const tzList = h(
    'datalist',
    { id: 'tz-list' },
    zones.map((z) => h('option', { value: z })),
  );
  const prune = checkbox('Remove this source’s meetings that are not in the data (prune)', {});
  const out = h('div', { class: 'import-result' });
  const submit = h('button', { type: 'submit' }, 'Import');
  const form = h(
    'form',
    { class: 'panel stack', 'aria-labelledby': 'import-h', novalidate: true },
    h('h2', { id: 'import-h' }, 'Import meetings'),
    field('Format', format),
    field(
      'Source name',
      source,
      'Letters, digits and . _ : @ / -. Importing the same source again updates its meetings instead of adding copies.',
    ),
    field('Fetch from URL', url, 'Either a URL or pasted data below.'),
    field('Or paste the data', data, 'JSON for Meeting Guide and BMLT, or the CSV text.'),
    field('Fellowship for rows that name none', fellowship),
    field('Time zone for rows that name none', tz),
    tzList,
    prune,
    submit,
    out,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    out.replaceChildren();
    const body: Record<string, unknown> = { format: format.value, source: source.value.trim() };
    if (!body.source) {
      put(out, notice('error', 'Please name the source, for example seattle-intergroup.'));
      source.focus();
      return;
    }
    const text = data.value.trim();
    if (url.value.trim()) body.url = url.value.trim();
    if (text) {
      if (format.value === 'csv') body.data = text;
      else {
        try {
          body.data = JSON.parse(text) as unknown;
        } catch {
          put(
            out,
            notice(
              'error',
              'The pasted data is not valid JSON. Please check it, or choose CSV if it is CSV.',
            ),
          );
          data.focus();
          return;
        }
      }
    }
    if (!body.url && body.data === undefined) {
      put(out, notice('error', 'Please give a URL or paste the data.'));
      url.focus();
      return;
    }
    if (fellowship.value) body.fellowship = fellowship.value;
    if (tz.value.trim()) body.timezone = tz.value.trim();
    if ((prune.querySelector('input') as HTMLInputElement).checked) body.prune = true;
    void busy(submit, async () => {
      put(out, loading('Importing…'));
      try {
        const r = await api<ImportResult>('/imports', {
          method: 'POST',
          token: s.accessToken,
          body,
        });
        const summary = `Import finished: ${r.created} created, ${r.updated} updated, ${r.unchanged} unchanged, ${r.removed} removed, ${r.errors.length} ${r.errors.length === 1 ? 'row' : 'rows'} with errors.`;
        put(
          out,
          notice(r.errors.length ? 'info' : 'success', h('p', null, summary)),
          h(
            'dl',
            { class: 'counts' },
            (['created', 'updated', 'unchanged', 'removed'] as const).map((k) => [
              h('dt', null, k[0]!.toUpperCase() + k.slice(1)),
              h('dd', null, String(r[k])),
            ]),
          ),
          r.errors.length
            ? h(
                'section',
                { 'aria-labelledby': 'row-errors-h' },
                h('h3', { id: 'row-errors-h' }, 'Rows that were not imported'),
                h(
                  'ul',
                  null,
                  r.errors.map((er) =>
                    h(
                      'li',
                      null,
                      `Row ${er.index + 1}${er.slug ? ` (${er.slug})` : ''}: ${er.message}`,
                    ),
                  ),
                ),
              )
            : null,
        );
        announce(summary);
      } catch (err) {
        put(out, notice('error', errorText(err)));
      }
    });
  });
  return form;
}
