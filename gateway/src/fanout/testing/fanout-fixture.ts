import type { Alert, Principal } from '@vigil/core';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { makeAlert } from '../../feed/testing/alerts.ts';
import { createLiveMetrics } from '../../live/live-metrics.ts';
import { createFanout, type Fanout } from '../fanout.ts';
import type { FanoutLimits } from '../fanout-limits.ts';
import {
  type FakeConnection,
  type FakeConnectionOptions,
  fakeConnection,
  fakePubSub,
} from './fake-connection.ts';
import { fakeHistory } from './fake-history.ts';
import { fakeAuthenticate } from './principals.ts';

const logger = pino({ level: 'silent' });
/** The fixture's maxBufferedBytes: small, so tests reach it with a few alerts. */
export const MAX = 1000;

/**
 * A fan-out over fake connections, a fake history and a fake pub/sub, with the slow-client checks run by
 * the test (sweep), `tokens` the secrets an `auth` frame may carry, and `now` the clock (default Date.now).
 */
export function setup(
  options: {
    ringMaxAlerts?: number;
    limits?: Partial<FanoutLimits>;
    tokens?: Record<string, Principal | Error>;
    now?: () => number;
    maxSocketsPerCredential?: number;
  } = {},
) {
  const history = fakeHistory({ ringMaxAlerts: options.ringMaxAlerts });
  const pubsub = fakePubSub();
  const registry = new Registry();
  const scheduled: (() => void)[] = [];
  const delays: number[] = [];
  const auth = fakeAuthenticate(options.tokens);
  const fanout: Fanout = createFanout({
    history,
    publish: pubsub.publish,
    metrics: createLiveMetrics(registry),
    logger,
    now: options.now,
    limits: { maxBufferedBytes: MAX, drainTimeoutMs: 5_000, ...options.limits },
    authenticate: auth.authenticate,
    maxSocketsPerCredential: options.maxSocketsPerCredential,
    schedule: (task, delayMs) => {
      scheduled.push(task);
      delays.push(delayMs);
    },
  });
  const connect = (connection?: FakeConnectionOptions): FakeConnection => {
    const conn = fakeConnection(() => fanout, connection);
    pubsub.connections.add(conn);
    fanout.open(conn);
    return conn;
  };
  const feed = (alerts: Alert[]) => {
    const entries = history.append(alerts);
    fanout.deliver(entries);
    return entries;
  };
  const say = (conn: FakeConnection, frame: unknown) => fanout.message(conn, JSON.stringify(frame));
  const sweep = () => {
    for (const task of scheduled.splice(0)) task();
  };
  const metric = async (name: string) => (await registry.getSingleMetric(name)!.get()).values;
  return { history, pubsub, fanout, connect, feed, say, sweep, metric, delays, auth };
}

export const frames = (conn: FakeConnection, op?: string) =>
  conn.parsed().filter((f) => op === undefined || f.op === op);
export const alertIds = (conn: FakeConnection) => frames(conn, 'alert').map((f) => (f.alert as Alert).id);
export const alerts = (from: number, count: number, overrides: Partial<Alert> = {}) =>
  Array.from({ length: count }, (_, i) => makeAlert(from + i, overrides));
export const ids = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => `alert-${from + i}`);
