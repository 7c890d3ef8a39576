import type { Alert } from '@vigil/core';
import type { NotificationContent } from '@vigil/core/notifications';

/** The alert a test message carries, so every channel type renders it as it would a real one. */
export function testContent(notificationId: string, now: number): NotificationContent {
  const at = new Date(now).toISOString();
  const alert: Alert = {
    id: notificationId,
    ruleId: 'vigil.test',
    severity: 'info',
    source: 'logs',
    title: 'Test notification from Vigil',
    message: 'This channel is set up: Vigil can reach it.',
    service: null,
    userId: null,
    key: 'test',
    value: 0,
    threshold: null,
    eventTime: at,
    detectedAt: at,
    status: 'open',
    firstSeenAt: at,
    lastSeenAt: at,
    occurrences: 1,
    revision: 1,
    silencedBy: [],
  };
  return {
    kind: 'test',
    status: 'firing',
    groupKey: 'test',
    groupLabels: {},
    alerts: [alert],
    truncatedAlerts: 0,
  };
}
