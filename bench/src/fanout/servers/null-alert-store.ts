import { UnavailableError } from '@vigil/core';
import type { AlertStore } from '@vigil/db';

const absent = async (): Promise<never> => {
  throw new UnavailableError('the fan-out bench stores no alerts');
};

/**
 * The gateway service needs an alert store for its REST side; the fan-out path never touches it, so
 * the bench gives it one that answers the health probe and refuses everything else (a REST request
 * would get a 503; none is made). A proxy, so methods the store port gains later need no change here.
 */
export const nullAlertStore: AlertStore = new Proxy({} as AlertStore, {
  get: (_, name) => (name === 'ping' ? async () => undefined : name === 'then' ? undefined : absent),
});
