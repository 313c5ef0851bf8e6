// Small modal dialogs of the room: report a message, attendance certificate.
import { plainError } from '../api.js';
import { busy, field, h, notice, put, safeUrl, type Child } from '../dom.js';
import { longDate } from '../time.js';
import type { Certificate, Message } from '../types.js';
import type { RoomClient } from './client.js';

/** A <dialog> with a heading; returns focus to where it was opened from. */
export function dialog(
  title: string,
  ...content: Child[]
): { el: HTMLDialogElement; open(): void; close(): void } {
  const id = `dlg-${Math.random().toString(36).slice(2, 8)}`;
  const el = h(
    'dialog',
    { 'aria-labelledby': id, class: 'dialog' },
    h('h2', { id }, title),
    content,
  );
  let opener: Element | null = null;
  el.addEventListener('close', () => {
    if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
    el.remove();
  });
  return {
    el,
    open() {
      opener = document.activeElement;
      document.body.append(el);
      el.showModal();
    },
    close: () => el.close(),
  };
}

export function reportDialog(client: RoomClient, m: Message, done: (text: string) => void): void {
  const reason = h('textarea', { name: 'reason', rows: '3', maxlength: '500', required: true });
  const error = h('div');
  const submit = h('button', { type: 'submit' }, 'Send report');
  const cancel = h('button', { type: 'button', class: 'button-secondary' }, 'Cancel');
  const form = h(
    'form',
    { class: 'stack', novalidate: true },
    h('p', null, 'Message from ', h('strong', null, m.author.handle), ':'),
    h('blockquote', { class: 'prewrap' }, m.body),
    field(
      'What’s wrong with this message?',
      reason,
      'Only the room’s facilitators see reports. Nobody is told who reported.',
    ),
    error,
    h('div', { class: 'actions' }, submit, cancel),
  );
  const d = dialog('Report a message', form);
  cancel.addEventListener('click', () => d.close());
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = reason.value.trim();
    if (!text) {
      put(error, notice('error', 'Please say in a few words what is wrong.'));
      reason.focus();
      return;
    }
    void busy(submit, async () => {
      const ack = await client.call<{ reportId: string }>('message:report', {
        messageId: m.id,
        reason: text,
      });
      if (ack.ok) {
        d.close();
        done('Thank you. The facilitators will look at it.');
      } else {
        put(error, notice('error', plainError(ack.error.code, ack.error.message)));
      }
    });
  });
  d.open();
  reason.focus();
}

export function certificateDialog(client: RoomClient): void {
  const name = h('input', {
    type: 'text',
    name: 'nameOnCertificate',
    maxlength: '80',
    autocomplete: 'off',
  });
  const out = h('div');
  const submit = h('button', { type: 'submit' }, 'Get certificate');
  const closeBtn = h('button', { type: 'button', class: 'button-secondary' }, 'Close');
  const form = h(
    'form',
    { class: 'stack' },
    h(
      'p',
      null,
      'Proof of attendance for a court, employer or treatment program. It shows this meeting, its fellowship, when it started and how many minutes you were here. It is available once you have been in the meeting for a while (usually 45 minutes).',
    ),
    field(
      'Name on the certificate (optional)',
      name,
      'Printed on the certificate only. It is never shown to the room and not saved.',
    ),
    out,
    h('div', { class: 'actions' }, submit, closeBtn),
  );
  const d = dialog('Attendance certificate', form);
  closeBtn.addEventListener('click', () => d.close());
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void busy(submit, async () => {
      const n = name.value.trim();
      const ack = await client.call<Certificate>(
        'attendance:certificate',
        n ? { nameOnCertificate: n } : {},
      );
      if (!ack.ok) {
        const text =
          ack.error.code === 'FORBIDDEN'
            ? `Not yet. ${ack.error.message || 'Certificates are available after 45 minutes in the meeting.'}`
            : plainError(ack.error.code, ack.error.message);
        put(out, notice('error', text));
        return;
      }
      const c = ack.data;
      const link = safeUrl(c.verifyUrl);
      put(
        out,
        notice(
          'success',
          h(
            'p',
            null,
            `${c.meetingName}${c.fellowship ? ` (${c.fellowship})` : ''}, started ${longDate(c.startedAt)}; ${c.minutesPresent} ${c.minutesPresent === 1 ? 'minute' : 'minutes'} present.`,
          ),
          h('p', null, 'Your certificate code:'),
          h('code', { class: 'cert-code' }, c.code),
          link
            ? h(
                'p',
                null,
                h(
                  'a',
                  { href: link, target: '_blank', rel: 'noopener' },
                  'Verify link',
                  h('span', { class: 'visually-hidden' }, ', opens in a new tab'),
                ),
                ' (anyone you give it to can check it).',
              )
            : null,
        ),
      );
      out.querySelector('code')?.setAttribute('tabindex', '0');
    });
  });
  d.open();
  name.focus();
}
