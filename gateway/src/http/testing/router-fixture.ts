import { type Alert, topicNames } from '@vigil/core';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { testEventTail } from '../../tail/testing/test-tail.ts';
import { createHttpRouter, type HttpRouterOptions } from '../create-http-router.ts';
import { createRecordingBus } from './recording-bus.ts';
import { seededStore, testSilences } from './test-alert-store.ts';
import { fixtureArchive } from './test-archive.ts';
import { testAuth } from './test-auth.ts';
import { testExplorer } from './test-explorer-store.ts';
import { testNotifications } from './test-notifications.ts';
import { testRuleStore } from './test-rule-store.ts';

/** Fixed wall clock of the unit tests: 2030-01-01T12:00:00Z. */
export const NOW = Date.UTC(2030, 0, 1, 12);

/** A router over the real store on an in-memory PGlite holding `alerts`, and a recording bus; any option can be overridden. */
export function makeRouter(overrides: Partial<HttpRouterOptions> & { alerts?: Alert[] } = {}) {
  const { alerts = [], ...options } = overrides;
  const store = options.store ?? seededStore(alerts);
  const bus = createRecordingBus();
  const registry = new Registry();
  const router = createHttpRouter({
    bus,
    alertsTopic: topicNames().alerts,
    rules: [],
    ruleStore: testRuleStore(),
    health: {},
    registry,
    logger: pino({ level: 'silent' }),
    now: () => NOW,
    topicOf: (source) => topicNames().events[source],
    auth: options.auth ?? testAuth({ now: () => NOW }),
    archive: fixtureArchive(),
    explorer: testExplorer(),
    eventTail: testEventTail(),
    silences: testSilences(),
    notifications: testNotifications(),
    ...options,
    store,
  });
  return { router, store, bus, registry };
}
