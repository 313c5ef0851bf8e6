// The router: path-based pages, same-origin links handled without reloads, focus on the heading.
import { h, heading } from './dom.js';
import { setRenderer, type PageContext } from './nav.js';
import { adminPage } from './pages/admin.js';
import { dashboardPage, facilitatorRoomPage } from './pages/facilitate.js';
import { homePage } from './pages/home.js';
import { meetingPage } from './pages/meeting.js';
import { roomPage } from './pages/room.js';
import type { HomeData } from './types.js';

type Page = (ctx: PageContext, initial: HomeData | null) => void | Promise<void>;

const routes: [RegExp, Page][] = [
  [/^\/$/, homePage],
  [/^\/meetings\/([^/]+)\/?$/, meetingPage],
  [/^\/rooms\/([^/]+)\/?$/, roomPage],
  [/^\/facilitate\/?$/, dashboardPage],
  [/^\/facilitate\/rooms\/([^/]+)\/?$/, facilitatorRoomPage],
  [/^\/admin(\/.*)?$/, adminPage],
];

function notFound(ctx: PageContext): void {
  ctx.title('Page not found');
  ctx.main.replaceChildren(
    heading('We couldn’t find that page'),
    h(
      'p',
      null,
      'The link may be old or mistyped. ',
      h('a', { href: '/' }, 'Find a meeting'),
      ' instead.',
    ),
  );
}

function readInitialData(): HomeData | null {
  const el = document.getElementById('initial-data');
  try {
    const data = JSON.parse(el?.textContent ?? 'null') as HomeData | null;
    return data && data.page === 'home' ? data : null;
  } catch {
    return null;
  }
}

let leave: (() => void)[] = [];
let generation = 0;
let initial = readInitialData();

function render(focus: boolean): void {
  const main = document.getElementById('main');
  if (!main) return;
  for (const fn of leave) fn();
  leave = [];
  const mine = ++generation;
  const path = decodeURI(location.pathname);
  let page: Page = notFound;
  let params: string[] = [];
  for (const [re, p] of routes) {
    const m = re.exec(path);
    if (m) {
      page = p;
      params = m.slice(1).map((s) => s ?? '');
      break;
    }
  }
  const ctx: PageContext = {
    main,
    params,
    query: new URLSearchParams(location.search),
    alive: () => mine === generation,
    onLeave: (fn) => leave.push(fn),
    title: (text) => {
      if (mine === generation) document.title = text ? `${text} · Meetinghouse` : 'Meetinghouse';
    },
  };
  // The server's first view (home page lists) is used once, on the page it was made for.
  const data = initial;
  initial = null;
  if (!data) main.replaceChildren();
  void Promise.resolve(page(ctx, data)).catch(() => {
    if (ctx.alive())
      main.append(
        h('p', { role: 'alert' }, 'Something went wrong showing this page. Please reload.'),
      );
  });
  markCurrentNav();
  if (focus) {
    const title = main.querySelector<HTMLElement>('h1');
    (title ?? main).focus();
    window.scrollTo(0, 0);
  }
}

function markCurrentNav(): void {
  for (const a of document.querySelectorAll<HTMLAnchorElement>('.site-header nav a')) {
    const href = a.getAttribute('href') ?? '';
    const current = href === '/' ? location.pathname === '/' : location.pathname.startsWith(href);
    if (current) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

function isAppPath(path: string): boolean {
  return routes.some(([re]) => re.test(path));
}

document.addEventListener('click', (event) => {
  if (event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const a = (event.target as Element | null)?.closest?.('a');
  if (!a || a.hasAttribute('download') || (a.target && a.target !== '_self')) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || !isAppPath(url.pathname)) return;
  if (url.pathname === location.pathname && url.search === location.search && url.hash) return;
  event.preventDefault();
  if (url.href === location.href) return render(true);
  history.pushState(null, '', url.href);
  render(true);
});

window.addEventListener('popstate', () => render(true));
setRenderer(() => render(true));
render(false);
