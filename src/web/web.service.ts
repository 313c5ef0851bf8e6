import { Injectable, Logger } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MeetingResponseDto } from '../meetings/dto/meeting-response.dto.js';
import { SearchMeetingsDto } from '../meetings/dto/search-meetings.dto.js';
import { MeetingsService } from '../meetings/meetings.service.js';

const logger = new Logger('Web');

/**
 * Where `npm run build` puts the web app: dist/web under the package root. Found by walking up
 * to package.json, because this file runs both compiled (dist/src/web) and from source (tests).
 */
export const WEB_DIST = `${packageRoot(dirname(fileURLToPath(import.meta.url)))}/dist/web/`;

function packageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return from;
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON inside a <script> element: never let a value close it. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/** "7:00 PM" in the meeting's own zone: what the server can say before the page knows yours. */
function localTime(iso: string, timezone: string): string {
  return new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(new Date(iso));
}

export interface StartingSoon {
  now: string;
  inProgress: MeetingResponseDto[];
  startingSoon: MeetingResponseDto[];
}

/**
 * Serves the web app's page. The home page comes with the meetings on now and starting within
 * two hours already in the HTML, so the first view needs no second round trip; the script then
 * shows the times in the visitor's own zone.
 */
@Injectable()
export class WebService {
  private readonly template: string | undefined;

  constructor(private readonly meetings: MeetingsService) {
    try {
      this.template = readFileSync(`${WEB_DIST}index.html`, 'utf8');
    } catch {
      logger.warn('the web app is not built (dist/web missing): run npm run build');
      this.template = undefined;
    }
  }

  get built(): boolean {
    return this.template !== undefined;
  }

  /** The app's shell, with `app` HTML and `data` for the first view. */
  page(app = '', data: unknown = null): string {
    const template =
      this.template ?? '<!doctype html><title>Meetinghouse</title><p>The web app is not built.</p>';
    // Replacer functions: a replacement string would expand `$&`, `$'` and `` $` `` found in
    // stored text (a meeting's name), pasting parts of the page into the page.
    return template.replace('<!--app-->', () => app).replace('<!--data-->', () => scriptJson(data));
  }

  async home(): Promise<string> {
    const now = new Date();
    const search = (query: Record<string, string>) =>
      this.meetings.search(
        plainToInstance(SearchMeetingsDto, { ...query, now: now.toISOString(), limit: '25' }),
      );
    const [live, soon] = await Promise.all([
      search({ in_progress: 'true' }),
      search({ starting_within: '120' }),
    ]);
    const data: StartingSoon = {
      now: now.toISOString(),
      inProgress: live.items,
      startingSoon: soon.items,
    };
    return this.page(renderStartingSoon(data), { page: 'home', ...data });
  }
}

function card(m: MeetingResponseDto, label: string): string {
  const when = m.nextStart === null ? '' : localTime(m.nextStart, m.timezone);
  const where = m.attendance_option === 'online' ? 'Online' : (m.city ?? m.formatted_address ?? '');
  return `<li class="meeting-card"><a href="/meetings/${escapeHtml(m.slug)}"><span class="meeting-name">${escapeHtml(m.name)}</span></a>
    <span class="meeting-when">${escapeHtml(label)} <time datetime="${escapeHtml(m.nextStart ?? '')}">${escapeHtml(when)}</time></span>
    <span class="meeting-where">${escapeHtml(where)}</span></li>`;
}

export function renderStartingSoon(data: StartingSoon): string {
  const list = (items: MeetingResponseDto[], label: string, empty: string): string =>
    items.length === 0
      ? `<p class="empty">${empty}</p>`
      : `<ul class="meeting-list">${items.map((m) => card(m, label)).join('')}</ul>`;
  return `<h1>Find a meeting</h1><p class="lede">Meetings happening now and starting soon.</p>
    <section aria-labelledby="on-now"><h2 id="on-now">On now</h2>${list(data.inProgress, 'Started', 'Nothing is in progress right now.')}</section>
    <section aria-labelledby="soon"><h2 id="soon">Starting in the next two hours</h2>${list(data.startingSoon, 'Starts', 'No meetings start in the next two hours.')}</section>`;
}
