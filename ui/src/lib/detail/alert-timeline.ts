import type { Alert } from '@vigil/core';

export interface TimelineStep {
  key: 'event' | 'ingested' | 'detected' | 'published' | 'received';
  label: string;
  description: string;
  /** Epoch ms, or null when this hop was not recorded. */
  at: number | null;
  /** Time since the previous recorded step. */
  sincePrevious: number | null;
  /** Time since the event itself. */
  sinceEvent: number | null;
}

const parse = (iso: string | null | undefined): number | null => {
  if (!iso) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
};

/** The alert's journey, event → ingested → detected → published → received in this browser. */
export function alertTimeline(alert: Alert, receivedAt: number | null | undefined): TimelineStep[] {
  const raw: Omit<TimelineStep, 'sincePrevious' | 'sinceEvent'>[] = [
    { key: 'event', label: 'Event', description: 'time in the triggering event', at: parse(alert.eventTime) },
    { key: 'ingested', label: 'Ingested', description: 'accepted onto the bus', at: parse(alert.ingestedAt) },
    {
      key: 'detected',
      label: 'Detected',
      description: 'rule fired in the processor',
      at: parse(alert.detectedAt),
    },
    {
      key: 'published',
      label: 'Published',
      description: 'written to the alerts topic',
      at: parse(alert.publishedAt),
    },
    {
      key: 'received',
      label: 'Received',
      description: 'arrived in this browser tab',
      at: receivedAt ?? null,
    },
  ];
  const event = raw[0]!.at;
  let previous: number | null = null;
  return raw.map((step) => {
    const sincePrevious = step.at !== null && previous !== null ? step.at - previous : null;
    if (step.at !== null) previous = step.at;
    return {
      ...step,
      sincePrevious,
      sinceEvent: step.at !== null && event !== null ? step.at - event : null,
    };
  });
}

/** Query string of the alerts page listing alerts of the same rule and key as this one. */
export function relatedQuery(alert: Alert): URLSearchParams {
  const params = new URLSearchParams({ ruleId: alert.ruleId, limit: '50' });
  if (alert.service && alert.key.includes(alert.service)) params.set('service', alert.service);
  else if (alert.userId && alert.key.includes(alert.userId)) params.set('userId', alert.userId);
  return params;
}
