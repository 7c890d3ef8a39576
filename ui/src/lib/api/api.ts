import { toLogin } from '../auth/to-login.ts';
import { createApiClient } from './api-client.ts';

/** The dashboard's REST client: same origin as the page (the gateway serves both); a 401 opens sign-in. */
export const api = createApiClient({ fetch: (input, init) => fetch(input, init), onUnauthorized: toLogin });
