/** The sign-in page's path; a 401 anywhere sends the browser here with `?next=`. */
export const LOGIN_PATH = '/login';

/** What `?error=link` says: the gateway redirects a used or expired one-time sign-in URL there. */
export const LINK_ERROR_TEXT =
  'This sign-in link was already used or has expired. Sign in with your password, or ask an admin for a new link.';

const isLoginPath = (pathname: string) => pathname === LOGIN_PATH || pathname.startsWith(`${LOGIN_PATH}/`);

/**
 * Where to go after signing in: `next` only when it is a path on this origin (never `//evil.example`,
 * `/\evil.example` or a full URL, an open redirect), and never the login page itself, which would loop.
 */
export function safeNext(next: string | null | undefined): string {
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  let parsed: URL;
  try {
    parsed = new URL(next, 'http://origin.invalid');
  } catch {
    // Not a URL at all: the dashboard's home is the only safe answer.
    return '/';
  }
  if (parsed.origin !== 'http://origin.invalid' || isLoginPath(parsed.pathname)) return '/';
  return `${parsed.pathname}${parsed.search}${parsed.hash}`;
}

/**
 * The sign-in URL that returns to `current` afterwards; null on the login page itself, so an
 * unauthenticated call made there (GET /api/auth/me) does not redirect in a loop.
 */
export function loginHref(current: { pathname: string; search: string }): string | null {
  if (isLoginPath(current.pathname)) return null;
  const here = `${current.pathname}${current.search}`;
  return here === '/' ? LOGIN_PATH : `${LOGIN_PATH}?${new URLSearchParams({ next: here })}`;
}

/** The sign-in form's message for a failed POST /api/auth/login. */
export function loginFailureText(
  status: number,
  retryAfterSeconds: number | null,
  serverMessage: string,
): string {
  if (status === 401) return 'Wrong username or password.';
  if (status === 429) {
    return retryAfterSeconds !== null
      ? `Too many failed sign-ins. Try again in ${waitText(retryAfterSeconds)}.`
      : 'Too many failed sign-ins. Try again later.';
  }
  if (status === 400) return `The gateway refused the form: ${serverMessage}`;
  if (status === 0) return `The gateway cannot be reached: ${serverMessage}`;
  return `Sign-in failed (${status}): ${serverMessage}`;
}

function waitText(seconds: number): string {
  if (seconds < 60) return `${seconds} ${seconds === 1 ? 'second' : 'seconds'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} ${minutes === 1 ? 'minute' : 'minutes'}`;
}

/** Seconds of a `Retry-After` header (delta-seconds or an HTTP date); null when absent or unreadable. */
export function parseRetryAfter(header: string | null, now: number): number | null {
  if (header === null || header.trim() === '') return null;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}
