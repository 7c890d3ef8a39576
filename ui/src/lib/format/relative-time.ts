const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * "just now", "12 s ago", "5 min ago", "3 h ago", "2 d ago". Times slightly in the future (clock skew
 * between the gateway and this browser) read as "just now" rather than "in 1 s".
 */
export function relativeTime(iso: string | number, now: number): string {
  const at = typeof iso === 'number' ? iso : Date.parse(iso);
  if (Number.isNaN(at)) return '—';
  const ago = now - at;
  if (ago < 5 * SECOND) return 'just now';
  if (ago < MINUTE) return `${Math.floor(ago / SECOND)} s ago`;
  if (ago < HOUR) return `${Math.floor(ago / MINUTE)} min ago`;
  if (ago < DAY) return `${Math.floor(ago / HOUR)} h ago`;
  return `${Math.floor(ago / DAY)} d ago`;
}

/** Compact duration: "850 ms", "1.2 s", "3 min", "2 h 30 min", "1 d". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  const abs = Math.abs(ms);
  const sign = ms < 0 ? '−' : '';
  if (abs < SECOND) return `${sign}${Math.round(abs)} ms`;
  if (abs < MINUTE) return `${sign}${(abs / SECOND).toFixed(abs < 10 * SECOND ? 1 : 0)} s`;
  if (abs < HOUR) {
    const s = Math.round((abs % MINUTE) / SECOND);
    return `${sign}${Math.floor(abs / MINUTE)} min${s ? ` ${s} s` : ''}`;
  }
  if (abs < DAY) {
    const m = Math.round((abs % HOUR) / MINUTE);
    return `${sign}${Math.floor(abs / HOUR)} h${m ? ` ${m} min` : ''}`;
  }
  const h = Math.round((abs % DAY) / HOUR);
  return `${sign}${Math.floor(abs / DAY)} d${h ? ` ${h} h` : ''}`;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Local wall-clock time with milliseconds, for timelines: "14:03:07.412". */
export function clockTime(iso: string | number): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** Local date and time to the second, for tables: "2026-01-05 14:03:07". */
export function dateTime(iso: string | number): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Local "HH:MM", for chart axes. */
export function minuteLabel(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
