import { h } from '../dom.js';

/** Always shown, whatever a room's own guidelines say. */
function crisisLine(): HTMLLIElement {
  return h(
    'li',
    null,
    h('strong', null, 'If you are in crisis, '),
    'you can call or text ',
    h('a', { href: 'tel:988' }, '988'),
    ' (Suicide & Crisis Lifeline) or call ',
    h('a', { href: 'tel:18006624357' }, '1-800-662-4357'),
    ' (SAMHSA Helpline). In an emergency or overdose, call ',
    h('a', { href: 'tel:911' }, '911'),
    '.',
  );
}

/** The room's own guidelines (plain text from its facilitators), or short, kind general ones. */
export function guidelines(own: string | null | undefined): HTMLElement {
  const general = [
    h(
      'li',
      null,
      h('strong', null, 'Anonymity. '),
      'Use a first name or a nickname. What is said here stays here.',
    ),
    h(
      'li',
      null,
      h('strong', null, 'No contact details. '),
      'Please don’t share phone numbers, emails, links or social media. They are removed automatically.',
    ),
    h(
      'li',
      null,
      h('strong', null, 'Share time. '),
      'Raise your hand to share, and let others have their turn. Listening is welcome too.',
    ),
    h(
      'li',
      null,
      h('strong', null, 'Be kind. '),
      'Speak from your own experience. No advice-giving, cross-talk or judgement.',
    ),
  ];
  return h(
    'section',
    { class: 'panel guidelines', 'aria-labelledby': 'guidelines-h' },
    h('h2', { id: 'guidelines-h' }, own ? 'This room’s guidelines' : 'Before you join'),
    own ? h('p', { class: 'prewrap room-guidelines' }, own) : null,
    h('ul', null, own ? null : general, crisisLine()),
  );
}
