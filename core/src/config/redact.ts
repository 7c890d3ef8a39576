/** What a secret value is shown as in errors and logs. */
export const REDACTED = '[redacted]';

// Names whose whole value is a secret: VIGIL_ADMIN_PASSWORD, VIGIL_ADMIN_TOKEN, AWS_SECRET_ACCESS_KEY, …
const SECRET_NAME = /PASSWORD|PASSWD|TOKEN|SECRET|CREDENTIAL|PRIVATE_KEY/i;
// The password of a URL's userinfo, `scheme://user:password@host`. Greedy up to the last `@` of the run,
// so a password with an unencoded `@` (a typical typo) is hidden whole; over-redacting is the safe side.
const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^\s:/?#@"'<>]*:)[^\s"'<>]*@/gi;
// The same without a well-formed scheme (`http//user:pw@host`, `user:pw@host`): the password stops at a
// slash here, so paths such as `file:///app/node_modules/@aws-sdk/…` in stack traces stay as they are.
const BARE_USERINFO = /((?:^|[\s/"'=(])[^\s:/?#@"'<>=()]+:)[^\s"'<>/]*@/g;
// Secret-named query parameters, `?password=…` or `&sslpassword=…` (libpq connection strings take them).
const QUERY_SECRET = /([?&][^\s=&"']*(?:password|passwd|token|secret)[^\s=&"']*=)[^\s&"'<>]*/gi;

/** Whether a variable or field name says its value is a secret. */
export const isSecretName = (name: string): boolean => SECRET_NAME.test(name);

/**
 * Text with every URL password and secret query parameter replaced, for messages that may quote a
 * connection string: `postgres://vigil:hunter2@db/x` → `postgres://vigil:[redacted]@db/x`.
 */
export function redactSecrets(text: string): string {
  if (!text.includes('@') && !text.includes('=')) return text; // the common case, kept cheap for logs
  return text
    .replace(URL_PASSWORD, `$1${REDACTED}@`)
    .replace(BARE_USERINFO, `$1${REDACTED}@`)
    .replace(QUERY_SECRET, `$1${REDACTED}`);
}

/** A configuration value as it may be shown: hidden whole under a secret name, else without URL passwords. */
export const redactConfigValue = (name: string, value: string): string =>
  isSecretName(name) ? REDACTED : redactSecrets(value);
