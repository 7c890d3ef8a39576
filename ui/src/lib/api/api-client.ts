import {
  type ActivityPage,
  type Alert,
  type AlertStatus,
  type BulkResult,
  ERROR_CODES,
  VigilError,
} from '@vigil/core';
import { createAdminClient } from './admin-client.ts';
import { createAuthClient } from './auth-client.ts';
import { type AlertEvents, readAlertEvents } from './evidence-reader.ts';
import {
  type EntityKind,
  type EventPage,
  type MetricPoint,
  type RiskEntity,
  readEntities,
  readEventPage,
  readTimeseries,
} from './explorer-readers.ts';
import { createHttp, type HttpOptions } from './http.ts';
import { readActivityPage, readBulkResult } from './lifecycle-readers.ts';
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
import { createNotificationClient } from './notification-client.ts';
import { createRuleClient } from './rule-client.ts';
import { createSilenceClient } from './silence-client.ts';

export type ApiClientOptions = HttpOptions;

/**
 * The dashboard's one REST client (gateway/README.md, "HTTP: REST API" and "Auth"): every call
 * goes through one createHttp, so a 401 anywhere sends the user to sign in. Every call is made on a user
 * action or page load, never on a timer.
 */
export function createApiClient(options: ApiClientOptions) {
  const http = createHttp(options);
  const getJson = (path: string, params?: URLSearchParams, signal?: AbortSignal) =>
    http(path, { params, signal });

  const range = (from?: string, to?: string) => {
    const params = new URLSearchParams();
    if (from) params.set('from', from);
    if (to) params.set('to', to);
    return params;
  };

  const updateStatus = async (id: string, status: AlertStatus, note?: string): Promise<Alert> =>
    (await http(`/api/alerts/${encodeURIComponent(id)}`, {
      method: 'PATCH',
      body: note ? { status, note } : { status },
    })) as Alert;

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
    /** The raw events behind the alert, from the archive; null when the gateway answers 404. */
    async alertEvents(id: string, signal?: AbortSignal): Promise<AlertEvents | null> {
      try {
        return readAlertEvents(
          await getJson(`/api/alerts/${encodeURIComponent(id)}/events`, undefined, signal),
        );
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
    /** `GET /api/events`: raw events newest first, one page per call (params from explorer/event-view.ts). */
    async events(params: URLSearchParams, signal?: AbortSignal): Promise<EventPage> {
      return readEventPage(await getJson('/api/events', params, signal));
    },
    /** `GET /api/metrics/timeseries`: one metric per bucket for a service and/or host. */
    async timeseries(params: URLSearchParams, signal?: AbortSignal): Promise<MetricPoint[]> {
      return readTimeseries(await getJson('/api/metrics/timeseries', params, signal));
    },
    /** `GET /api/entities`: entities of a kind ranked by risk score, each with its recent alerts. */
    async entities(kind: EntityKind, limit = 10, signal?: AbortSignal): Promise<RiskEntity[]> {
      const params = new URLSearchParams({ kind, limit: String(limit) });
      return readEntities(await getJson('/api/entities', params, signal), kind);
    },
    async rules(signal?: AbortSignal): Promise<Rule[]> {
      return readRules(await getJson('/api/rules', undefined, signal));
    },
    /** Acknowledge, resolve or reopen (operators and admins), with an optional note; answers the updated alert. */
    updateStatus,
    /** One status for many alerts in one transaction (`POST /api/alerts/bulk`): one result per id, in order. */
    async bulkStatus(ids: readonly string[], status: AlertStatus, note?: string): Promise<BulkResult> {
      const body = note ? { ids, status, note } : { ids, status };
      return readBulkResult(await http('/api/alerts/bulk', { method: 'POST', body }));
    },
    /** `POST /api/alerts/{id}/comments` (operators and admins). */
    async comment(id: string, note: string): Promise<void> {
      await http(`/api/alerts/${encodeURIComponent(id)}/comments`, { method: 'POST', body: { note } });
    },
    /** The alert's activity trail, newest first; null when the gateway answers 404. */
    async activity(id: string, cursor?: string | null, signal?: AbortSignal): Promise<ActivityPage | null> {
      const params = cursor ? new URLSearchParams({ cursor }) : undefined;
      try {
        return readActivityPage(
          await getJson(`/api/alerts/${encodeURIComponent(id)}/activity`, params, signal),
        );
      } catch (err) {
        if (err instanceof VigilError && err.code === ERROR_CODES.notFound) return null;
        throw err;
      }
    },
    auth: createAuthClient(http),
    admin: createAdminClient(http),
    silences: createSilenceClient(http),
    notifications: createNotificationClient(http),
    ruleStore: createRuleClient(http),
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;
