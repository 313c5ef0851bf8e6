// Times in the viewer's own zone, with the meeting's zone alongside.

export const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const cache = new Map<string, Intl.DateTimeFormat>();
function fmt(options: Intl.DateTimeFormatOptions, locale?: string): Intl.DateTimeFormat {
  const key = JSON.stringify(options) + (locale ?? '');
  let f = cache.get(key);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat(locale, options);
    } catch {
      // An unknown zone name: fall back to the viewer's own.
      f = new Intl.DateTimeFormat(locale, { ...options, timeZone: undefined });
    }
    cache.set(key, f);
  }
  return f;
}

export const viewerZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;

/** "7:00 PM" (in `timeZone`, default the viewer's). */
export function clock(iso: string, timeZone?: string): string {
  return fmt({ hour: 'numeric', minute: '2-digit', timeZone }).format(new Date(iso));
}

/** "7:00 PM EST" */
export function clockZone(iso: string, timeZone?: string): string {
  return fmt({ hour: 'numeric', minute: '2-digit', timeZoneName: 'short', timeZone }).format(
    new Date(iso),
  );
}

function dayKey(d: Date, timeZone?: string): string {
  return fmt({ year: 'numeric', month: 'numeric', day: 'numeric', timeZone }).format(d);
}

/** "7:00 PM", "Tomorrow 7:00 PM", "Tue 7:00 PM" or "Tue, Dec 1, 7:00 PM", in the viewer's zone. */
export function when(iso: string, now = Date.now()): string {
  const d = new Date(iso);
  const today = dayKey(new Date(now));
  if (dayKey(d) === today) return clock(iso);
  if (dayKey(d) === dayKey(new Date(now + 86400000))) return `Tomorrow ${clock(iso)}`;
  if (Math.abs(d.getTime() - now) < 6 * 86400000) {
    return `${fmt({ weekday: 'short' }).format(d)} ${clock(iso)}`;
  }
  return fmt({
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
  }).format(d);
}

/** "Sunday, November 22, 7:00 PM" in `timeZone` (default the viewer's). */
export function longDate(iso: string, timeZone?: string): string {
  return fmt({
    weekday: 'long',
    month: 'long',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZone,
  }).format(new Date(iso));
}

function span(minutes: number): string {
  if (minutes < 60) return `${minutes} min`;
  const hrs = Math.floor(minutes / 60);
  const min = minutes % 60;
  if (hrs >= 24) {
    const days = Math.round(hrs / 24);
    return days === 1 ? '1 day' : `${days} days`;
  }
  return min === 0 || hrs >= 5 ? `${hrs} hr` : `${hrs} hr ${min} min`;
}

/** "in 25 min", "starting now", "started 10 min ago". */
export function relative(iso: string, now = Date.now()): string {
  const minutes = Math.round((new Date(iso).getTime() - now) / 60000);
  if (minutes === 0) return 'starting now';
  return minutes > 0 ? `in ${span(minutes)}` : `started ${span(-minutes)} ago`;
}

/** Minutes since Sunday 00:00 on the wall clock of `timeZone` at `instant`. */
function weekMinutes(instant: Date, timeZone?: string): number {
  const parts = fmt(
    { weekday: 'short', hour: 'numeric', minute: 'numeric', hourCycle: 'h23', timeZone },
    'en-US',
  ).formatToParts(instant);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '0';
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(get('weekday'));
  return day * 1440 + (Number(get('hour')) % 24) * 60 + Number(get('minute'));
}

/** How far the viewer's wall clock is ahead of the meeting's, in minutes, at `instant`. */
export function zoneDelta(timeZone: string, instant = new Date()): number {
  let d = weekMinutes(instant) - weekMinutes(instant, timeZone);
  if (d > 5040) d -= 10080;
  if (d < -5040) d += 10080;
  return d;
}

/** "7:00 PM" for a wall-clock "19:00". */
export function hhmm(value: string): string {
  const [h = 0, m = 0] = value.split(':').map(Number);
  return fmt({ hour: 'numeric', minute: '2-digit', timeZone: 'UTC' }).format(
    new Date(Date.UTC(2000, 0, 2, h, m)),
  );
}

/** Shift a meeting-local (day, "HH:MM") by `delta` minutes: the same moment on another clock. */
export function shift(day: number, time: string, delta: number): { day: number; time: string } {
  const [h = 0, m = 0] = time.split(':').map(Number);
  const w = (((day * 1440 + h * 60 + m + delta) % 10080) + 10080) % 10080;
  const mins = w % 1440;
  const pad = (n: number) => String(n).padStart(2, '0');
  return { day: Math.floor(w / 1440), time: `${pad(Math.floor(mins / 60))}:${pad(mins % 60)}` };
}

/** A short name for a zone: "EST", "GMT+13". */
export function zoneLabel(timeZone: string, instant = new Date()): string {
  return (
    fmt({ timeZone, timeZoneName: 'short' }, 'en-US')
      .formatToParts(instant)
      .find((p) => p.type === 'timeZoneName')?.value ?? timeZone
  );
}

/** "Toronto" from "America/Toronto". */
export function zoneCity(timeZone: string): string {
  return (timeZone.split('/').pop() ?? timeZone).replace(/_/g, ' ');
}

/** "2:05" countdown. */
export function countdown(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
