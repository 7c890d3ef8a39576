import type { ChannelType } from '@vigil/core/notifications';
import type { Http } from './http.ts';

// The notification routes' answers (gateway/README.md, "HTTP: notifications"), read leniently: items the
// dashboard cannot show are left out.

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const itemsOf = (body: unknown): Record<string, unknown>[] =>
  isObject(body) && Array.isArray(body.items) ? body.items.filter(isObject) : [];

export interface ChannelHealthView {
  failing: boolean;
  failuresSinceSuccess: number;
  lastError: string | null;
  lastAttemptAt: string | null;
  lastSuccessAt: string | null;
  queued: number;
}
export interface ChannelView {
  id: string;
  name: string;
  type: ChannelType;
  config: Record<string, unknown>;
  enabled: boolean;
  updatedAt: string;
  updatedBy: string;
  health: ChannelHealthView | null;
}
export interface ChannelTestView {
  outcome: 'sent' | 'failed';
  ok: boolean;
  statusCode: number | null;
  response: string;
  durationMs: number;
}
export interface AttemptView {
  at: string;
  outcome: string;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}
export interface NotificationView {
  id: string;
  channelId: string;
  channelName: string | null;
  channelType: ChannelType;
  kind: string;
  status: 'pending' | 'sending' | 'sent' | 'failed';
  createdAt: string;
  sentAt: string | null;
  lastError: string | null;
  attempts: AttemptView[];
}
export interface AlertRoutesView {
  silenced: boolean;
  channels: { id: string; name: string; type: ChannelType; enabled: boolean }[];
}
/** A route as the policy page edits it (every field as the gateway filled it in). */
export interface RouteView {
  matchers: Record<string, unknown>;
  channels: string[];
  groupBy: string[];
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
  sendResolved: boolean;
  bypassGroupWaitAtLeast: string | null;
  continue: boolean;
}
export interface PolicyView {
  routes: RouteView[];
  version: number;
  updatedAt: string | null;
  updatedBy: string | null;
}

const readChannel = (c: Record<string, unknown>): ChannelView | null =>
  typeof c.id === 'string' && typeof c.name === 'string' && typeof c.type === 'string'
    ? ({
        ...c,
        config: isObject(c.config) ? c.config : {},
        health: isObject(c.health) ? c.health : null,
      } as unknown as ChannelView)
    : null;

const path = (id: string) => `/api/channels/${encodeURIComponent(id)}`;

/** `/api/channels…` (admin), `/api/notification-policy` (read: viewer, save: admin), the delivery log (viewer). */
export function createNotificationClient(http: Http) {
  return {
    async channels(signal?: AbortSignal): Promise<ChannelView[]> {
      return itemsOf(await http('/api/channels', { signal }))
        .map(readChannel)
        .filter((c): c is ChannelView => c !== null);
    },
    async createChannel(input: unknown): Promise<ChannelView | null> {
      return readChannel(
        (await http('/api/channels', { method: 'POST', body: input })) as Record<string, unknown>,
      );
    },
    async updateChannel(id: string, input: unknown): Promise<ChannelView | null> {
      return readChannel((await http(path(id), { method: 'PUT', body: input })) as Record<string, unknown>);
    },
    async deleteChannel(id: string): Promise<void> {
      await http(path(id), { method: 'DELETE' });
    },
    async testChannel(id: string): Promise<ChannelTestView> {
      return (await http(`${path(id)}/test`, { method: 'POST' })) as ChannelTestView;
    },
    async policy(signal?: AbortSignal): Promise<PolicyView> {
      const body = await http('/api/notification-policy', { signal });
      const routes = isObject(body) && Array.isArray(body.routes) ? body.routes : [];
      return { ...(body as PolicyView), routes: routes.filter(isObject) as unknown as RouteView[] };
    },
    async putPolicy(policy: { routes: unknown[] }): Promise<PolicyView> {
      return (await http('/api/notification-policy', { method: 'PUT', body: policy })) as PolicyView;
    },
    async deliveries(alertId: string, signal?: AbortSignal): Promise<NotificationView[]> {
      const params = new URLSearchParams({ alertId, limit: '100' });
      return itemsOf(await http('/api/notifications', { params, signal })) as unknown as NotificationView[];
    },
    async alertRoutes(alertId: string, signal?: AbortSignal): Promise<AlertRoutesView> {
      const body = await http(`/api/alerts/${encodeURIComponent(alertId)}/routes`, { signal });
      return isObject(body) && Array.isArray(body.channels)
        ? (body as unknown as AlertRoutesView)
        : { silenced: false, channels: [] };
    },
  };
}

export type NotificationClient = ReturnType<typeof createNotificationClient>;
