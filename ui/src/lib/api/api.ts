import { createApiClient } from './api-client.ts';

/** The dashboard's REST client: same origin as the page (the gateway serves both). */
export const api = createApiClient({ fetch: (input, init) => fetch(input, init) });
