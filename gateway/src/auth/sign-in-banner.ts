/**
 * What a start prints under its URL about signing in: the one-time link of a first run, or how to sign in
 * otherwise. Printed on stdout by the composition roots, not through the logger: its redaction would
 * (rightly) hide the link's secret.
 */
export function signInBanner(signInUrl: string | null): string {
  if (signInUrl === null) {
    return "  Sign in with your username and password (VIGIL_ADMIN_PASSWORD sets admin's).\n";
  }
  return [
    '  Sign in as admin with this one-time link (24 hours):',
    '',
    `      ${signInUrl}`,
    '',
    '  then set a password on the Account page (or start with VIGIL_ADMIN_PASSWORD).',
    '',
  ].join('\n');
}
