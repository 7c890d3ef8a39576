import { goto } from '$app/navigation';
import { session } from '../stores/session.svelte.ts';
import { loginHref } from './login-flow.ts';

/**
 * The session is gone (a 401 from any REST call, a socket closed 4001/4011): forget who was signed in
 * and open the sign-in page, which returns here afterwards. Nothing happens on the sign-in page itself.
 */
export function toLogin(): void {
  session.signedOut();
  const href = loginHref(location);
  if (href !== null) void goto(href, { replaceState: true });
}
