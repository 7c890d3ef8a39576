/**
 * Headers on every response (OWASP Secure Headers): no MIME sniffing, no framing, no referrer leaking alert
 * URLs, and isolation from other origins' windows. HTML gets its own Content-Security-Policy from the static
 * file server (it knows the inline scripts' hashes); everything else may not run or embed anything.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** The dashboard's policy: its own scripts (inline ones by hash), styles, images and its own /ws. */
export function dashboardCsp(scriptHashes: readonly string[]): string {
  const scripts = ["'self'", ...scriptHashes.map((h) => `'sha256-${h}'`)].join(' ');
  return [
    "default-src 'self'",
    `script-src ${scripts}`,
    // Svelte transitions and Chart.js set style attributes; styles cannot run code.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Adds the security headers a response does not set itself. */
export function withSecurityHeaders(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = { ...SECURITY_HEADERS, ...headers };
  out['content-security-policy'] ??= API_CSP;
  return out;
}
