/**
 * Which Host names this gateway answers to and which browser origins may act on it: the defence against
 * DNS rebinding (a hostile name resolving to 127.0.0.1 sends its own Host) and cross-site requests.
 */
export interface OriginPolicy {
  /** Whether the request's Host header names this gateway. */
  hostAllowed(host: string | undefined): boolean;
  /** Whether a browser request comes from the dashboard's own origin (or a configured one). */
  sameOrigin(headers: Readonly<Record<string, string>>): boolean;
  /** For a WebSocket upgrade: no Origin (not a browser) passes; a browser's must be the dashboard's. */
  originAllowed(headers: Readonly<Record<string, string>>): boolean;
}

export interface OriginPolicyOptions {
  /** Host names (no port) besides the loopback ones; ALLOWED_HOSTS. `*` accepts any. */
  allowedHosts: readonly string[];
  /** Extra origins allowed to use the API and /ws from a browser (e.g. `https://tools.example`); VIGIL_ALLOWED_ORIGINS. */
  allowedOrigins: readonly string[];
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/** The host name of a Host header value: `Example.com:8080` → `example.com`, `[::1]:80` → `[::1]`. */
export function hostName(host: string): string | null {
  const match = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::\d{1,5})?$/i.exec(host.trim());
  return match?.[1]?.toLowerCase().replace(/\.$/, '') ?? null;
}

export function createOriginPolicy(options: OriginPolicyOptions): OriginPolicy {
  const anyHost = options.allowedHosts.includes('*');
  const names = new Set([...LOOPBACK_NAMES, ...options.allowedHosts.map((h) => h.toLowerCase())]);
  const extraOrigins = new Set(options.allowedOrigins.map((o) => o.toLowerCase().replace(/\/$/, '')));

  const hostAllowed = (host: string | undefined): boolean => {
    if (host === undefined) return false; // HTTP/1.1 requires it; uWS passes what the client sent
    const name = hostName(host);
    return name !== null && (anyHost || names.has(name));
  };
  const ownOrigin = (origin: string, host: string | undefined): boolean => {
    if (host === undefined || !hostAllowed(host)) return false;
    const own = host.toLowerCase();
    return origin === `http://${own}` || origin === `https://${own}`;
  };
  const originOk = (origin: string, host: string | undefined) => {
    const normalized = origin.toLowerCase();
    return ownOrigin(normalized, host) || extraOrigins.has(normalized);
  };

  return {
    hostAllowed,
    sameOrigin(headers) {
      const site = headers['sec-fetch-site'];
      const origin = headers.origin;
      // The browser's own verdict (Fetch Metadata) first; a configured origin is cross-site by definition.
      if (site === 'same-origin') return true;
      if (site === 'same-site' || site === 'cross-site') {
        return origin !== undefined && extraOrigins.has(origin.toLowerCase());
      }
      if (site !== undefined) return false; // `none`: typed in the address bar, never a write
      // Older browsers: Origin is sent on every POST and cross-origin request. A write with neither header
      // is not from a browser page, and a cookie is a browser's credential: refuse it.
      return origin !== undefined && originOk(origin, headers.host);
    },
    originAllowed(headers) {
      const origin = headers.origin;
      if (origin === undefined || origin === '') return true;
      return originOk(origin, headers.host);
    },
  };
}
