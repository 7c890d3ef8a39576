import { type Me, readMe } from '../auth/me.ts';
import { ApiError } from './api-error.ts';
import type { Http } from './http.ts';

/** The signed-in principal's own routes: /api/auth/* (gateway/README.md, "Auth"). */
export function createAuthClient(http: Http) {
  return {
    /** Signs in (sets the session cookie). A 401 here is a wrong password, not a lost session. */
    async login(username: string, password: string): Promise<void> {
      await http('/api/auth/login', { method: 'POST', body: { username, password }, sessionRequired: false });
    },
    async logout(): Promise<void> {
      await http('/api/auth/logout', { method: 'POST', sessionRequired: false });
    },
    /** Who is signed in; a 401 sends the browser to sign in (the client's onUnauthorized). */
    async me(signal?: AbortSignal): Promise<Me> {
      const me = readMe(await http('/api/auth/me', { signal }));
      if (!me)
        throw new ApiError(502, 'the gateway answered /api/auth/me with something that is not a principal');
      return me;
    },
    /**
     * Sets the signed-in user's own password; `currentPassword` is required once one is set (a wrong one
     * answers 400). The gateway revokes the user's sessions and renews this one's cookie.
     */
    async changePassword(newPassword: string, currentPassword?: string): Promise<void> {
      const body = currentPassword === undefined ? { newPassword } : { currentPassword, newPassword };
      await http('/api/auth/password', { method: 'POST', body });
    },
  };
}
