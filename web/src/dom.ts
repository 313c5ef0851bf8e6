// A tiny element helper: every string becomes a text node, so nothing a user or the server
// wrote is ever parsed as HTML. Events are attached with addEventListener (CSP: no inline handlers).

export type Child = Node | string | number | null | undefined | false | Child[];

type Handler<E extends Event = Event> = (event: E) => void;

export interface Props {
  class?: string | undefined;
  onClick?: Handler<MouseEvent>;
  onSubmit?: Handler<SubmitEvent>;
  onInput?: Handler;
  onChange?: Handler;
  onKeydown?: Handler<KeyboardEvent>;
  onToggle?: Handler;
  [attr: string]: unknown;
}

/** Set as properties, not attributes, so they reflect the live state. */
const PROPS = new Set(['value', 'checked', 'selected', 'disabled', 'hidden', 'open', 'required']);

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props?: Props | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props) {
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined || value === null || value === false) continue;
      if (key.startsWith('on') && typeof value === 'function') {
        el.addEventListener(key.slice(2).toLowerCase(), value as EventListener);
      } else if (PROPS.has(key)) {
        (el as unknown as Record<string, unknown>)[key] = value;
      } else {
        el.setAttribute(key, value === true ? '' : (value as string));
      }
    }
  }
  append(el, children);
  return el;
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else
      parent.appendChild(
        typeof child === 'object' ? child : document.createTextNode(String(child)),
      );
  }
}

/** Replace all children of `el`. */
export function put(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

let announceTimer: number | undefined;

/** Say something to screen readers through the page's polite live region. */
export function announce(text: string): void {
  const region = document.getElementById('announcer');
  if (!region) return;
  region.textContent = '';
  window.clearTimeout(announceTimer);
  // A fresh text node after a tick, so the same words said twice are still read out.
  announceTimer = window.setTimeout(() => (region.textContent = text), 50);
}

let idCounter = 0;
export function uid(prefix: string): string {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

/** A labelled form field: <div class="field"><label for>…</label>control hint</div>. */
export function field(
  label: string,
  control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement,
  hint?: string,
): HTMLDivElement {
  control.id ||= uid('f');
  let hintEl: HTMLElement | null = null;
  if (hint) {
    hintEl = h('p', { class: 'hint', id: uid('hint') }, hint);
    control.setAttribute('aria-describedby', hintEl.id);
  }
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control, hintEl);
}

/** A checkbox with its label after it. */
export function checkbox(label: string, props: Props): HTMLLabelElement {
  return h('label', { class: 'check' }, h('input', { type: 'checkbox', ...props }), ' ', label);
}

export function select(
  props: Props,
  options: [value: string, label: string][],
  selected?: string,
): HTMLSelectElement {
  return h(
    'select',
    props,
    options.map(([value, label]) => h('option', { value, selected: value === selected }, label)),
  );
}

/** The page's main heading: focused on navigation so screen readers start there. */
export function heading(text: string): HTMLHeadingElement {
  return h('h1', { tabindex: '-1', class: 'page-title' }, text);
}

/** A kind, visible message block. */
export function notice(kind: 'info' | 'error' | 'success', ...children: Child[]): HTMLDivElement {
  const icon = kind === 'error' ? '⚠️' : kind === 'success' ? '✅' : 'ℹ️';
  return h(
    'div',
    { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status' },
    h('span', { class: 'notice-icon', 'aria-hidden': 'true' }, icon),
    h('div', null, children),
  );
}

export function loading(text = 'Loading…'): HTMLParagraphElement {
  return h(
    'p',
    { class: 'loading', role: 'status' },
    h('span', { class: 'spinner', 'aria-hidden': 'true' }),
    text,
  );
}

/**
 * Mark a button busy while `work` runs, and ignore it meanwhile. It stays focusable (aria-disabled,
 * not disabled): a disabled button drops the keyboard's focus to the page's start.
 */
export async function busy(button: HTMLButtonElement, work: () => Promise<unknown>): Promise<void> {
  if (button.getAttribute('aria-busy') === 'true') return;
  button.setAttribute('aria-busy', 'true');
  button.setAttribute('aria-disabled', 'true');
  try {
    await work();
  } finally {
    button.removeAttribute('aria-busy');
    button.removeAttribute('aria-disabled');
  }
}

/**
 * Make `parent`'s children exactly `nodes`, in order, moving only those out of place: a node
 * that is moved (or replaced) loses the keyboard's focus, and what was typed into it.
 */
export function keepChildren(parent: Element, nodes: Element[]): void {
  const keep = new Set(nodes);
  for (const child of [...parent.children]) if (!keep.has(child)) child.remove();
  nodes.forEach((node, i) => {
    if (parent.children[i] !== node) parent.insertBefore(node, parent.children[i] ?? null);
  });
}

/** The data-key of the control in `root` that has the focus, to find it again after a redraw. */
export function focusedKey(root: Element): string | null {
  const el = document.activeElement;
  return el && root.contains(el)
    ? (el.closest('[data-key]')?.getAttribute('data-key') ?? null)
    : null;
}

/** After a redraw took the focus away: back to the control with the same key, or `fallback`. */
export function refocus(root: Element, key: string | null, fallback?: HTMLElement | null): void {
  const el = document.activeElement;
  if (!key || (el && el !== document.body && el.isConnected)) return;
  (root.querySelector<HTMLElement>(`[data-key="${CSS.escape(key)}"]`) ?? fallback)?.focus();
}

/** A link only when the URL is http(s): a stored link is never trusted to be safe. */
export function safeUrl(raw: string | null | undefined): string | null {
  if (!raw) return null;
  try {
    const url = new URL(raw, location.origin);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

export function telHref(phone: string): string {
  return 'tel:' + phone.replace(/[^\d+*#,]/g, '');
}

/** A decorative icon, hidden from screen readers (the words next to it say the same). */
export function icon(text: string): HTMLSpanElement {
  return h('span', { 'aria-hidden': 'true' }, text);
}
