import { type Alert, ERROR_CODES, UnavailableError, ValidationError, VigilError } from '@vigil/core';
import {
  type AlertPage,
  type AlertSummary,
  type Rule,
  readAlertPage,
  readRules,
  readServices,
  readSummary,
  readTimeline,
  type ServiceSummary,
  type TimelinePoint,
} from './normalize.ts';

export interface ApiClientOptions {
  fetch: typeof fetch;
  /** Prefix of every path; '' for the page's own origin (the gateway serves both). */
  base?: string;
}

const problemText = async (response: Response): Promise<string> => {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { error?: unknown };
    return typeof body.error === 'string' ? body.error : text;
  } catch (err) {
    // Not JSON (a proxy's HTML error page): show the start of it, and why it was not parsed.
    return text.slice(0, 200) || (err as Error).message;
  }
};

/** Maps an HTTP failure to core's taxonomy: 4xx are the request's fault, the rest may pass on retry. */
async function httpError(response: Response): Promise<VigilError> {
  const message = `${response.status} ${await problemText(response)}`;
  if (response.status === 404) return new VigilError(ERROR_CODES.notFound, message);
  if (response.status >= 400 && response.status < 500) return new ValidationError(message);
  return new UnavailableError(message);
}

/** The REST API (gateway/README.md, "HTTP: REST API"). Every call is made on a user action or page load, never on a timer. */
export function createApiClient({ fetch: doFetch, base = '' }: ApiClientOptions) {
  async function getJson(path: string, params?: URLSearchParams, signal?: AbortSignal): Promise<unknown> {
    const query = params && params.size > 0 ? `?${params}` : '';
    let response: Response;
    try {
      response = await doFetch(`${base}${path}${query}`, { headers: { accept: 'application/json' }, signal });
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      throw new UnavailableError(`gateway unreachable: ${(err as Error).message}`, { cause: err });
    }
    if (!response.ok) throw await httpError(response);
    return response.json();
  }

  const range = (from?: string, to?: string) => {
    const params = new URLSearchParams();
    if (from) params.set('from', from);
    if (to) params.set('to', to);
    return params;
  };

  return {
    async listAlerts(params: URLSearchParams, signal?: AbortSignal): Promise<AlertPage> {
      return readAlertPage(await getJson('/api/alerts', params, signal));
    },
    /** The alert, or null when the gateway answers 404. */
    async getAlert(id: string, signal?: AbortSignal): Promise<Alert | null> {
      try {
        return (await getJson(`/api/alerts/${encodeURIComponent(id)}`, undefined, signal)) as Alert;
      } catch (err) {
        if (err instanceof VigilError && err.code === ERROR_CODES.notFound) return null;
        throw err;
      }
    },
    async summary(from?: string, to?: string, signal?: AbortSignal): Promise<AlertSummary> {
      return readSummary(await getJson('/api/stats/summary', range(from, to), signal));
    },
    async timeline(from: string, to: string, bucket = '1m', signal?: AbortSignal): Promise<TimelinePoint[]> {
      const params = range(from, to);
      params.set('bucket', bucket);
      return readTimeline(await getJson('/api/stats/timeline', params, signal));
    },
    async services(from?: string, signal?: AbortSignal): Promise<ServiceSummary[]> {
      return readServices(await getJson('/api/services', range(from), signal));
    },
    async rules(signal?: AbortSignal): Promise<Rule[]> {
      return readRules(await getJson('/api/rules', undefined, signal));
    },
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;
