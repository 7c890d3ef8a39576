import type { Me } from '../auth/me.ts';

/**
 * Who this tab is signed in as. The root layout fills it from GET /api/auth/me; the REST client and the
 * socket mark it signed out on a 401 or a close 4001/4011. It imports nothing, so both can use it.
 */
class Session {
  me = $state.raw<Me | null>(null);
  status = $state<'unknown' | 'loading' | 'signed-in' | 'signed-out' | 'error'>('unknown');
  error = $state<string | null>(null);

  loading(): void {
    this.status = 'loading';
    this.error = null;
  }

  signedIn(me: Me): void {
    this.me = me;
    this.status = 'signed-in';
    this.error = null;
  }

  signedOut(): void {
    this.me = null;
    this.status = 'signed-out';
  }

  /** GET /api/auth/me failed for another reason than 401 (gateway down): the layout offers a retry. */
  failed(message: string): void {
    this.status = 'error';
    this.error = message;
  }
}

export const session = new Session();
