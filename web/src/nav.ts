// Navigation shared by the pages; main.ts plugs in the router.

export interface PageContext {
  main: HTMLElement;
  params: string[];
  query: URLSearchParams;
  /** False once the visitor has moved to another page: late responses must not render. */
  alive(): boolean;
  /** Run when leaving the page (sockets, timers). */
  onLeave(fn: () => void): void;
  /** Set document.title ("… · Meetinghouse"). */
  title(text: string): void;
}

let render: (replace: boolean) => void = () => location.reload();

export function setRenderer(fn: (replace: boolean) => void): void {
  render = fn;
}

/** Go to a page of the app without reloading. */
export function navigate(url: string, replace = false): void {
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  render(replace);
}

/** Change the address (e.g. a search's query) without rendering again. */
export function pushUrl(url: string): void {
  history.pushState(null, '', url);
}
