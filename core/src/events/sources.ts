/** The four event sources of DESIGN.md, in a fixed order shared by topics, UI and bench. */
export const SOURCES = ['logs', 'metrics', 'transactions', 'security'] as const;
export type Source = (typeof SOURCES)[number];

/** Kafka topic that carries one source's events, e.g. `events.logs`. */
export const eventTopic = (source: Source): `events.${Source}` => `events.${source}`;

export const TOPICS = {
  logs: 'events.logs',
  metrics: 'events.metrics',
  transactions: 'events.transactions',
  security: 'events.security',
  dlq: 'events.dlq',
  alerts: 'alerts',
} as const;

export const EVENT_TOPICS = SOURCES.map(eventTopic);

export function isSource(value: unknown): value is Source {
  return typeof value === 'string' && (SOURCES as readonly string[]).includes(value);
}

/** The source whose events a topic carries, or null for any other topic. */
export function sourceOfTopic(topic: string): Source | null {
  const name = topic.startsWith('events.') ? topic.slice('events.'.length) : '';
  return isSource(name) ? name : null;
}

/**
 * Every topic Vigil uses with its partition count. The alerts topic has exactly one partition on purpose:
 * its offset is the global order that WebSocket cursors are built on, identical on every gateway.
 */
export function vigilTopics(eventPartitions: number): { topic: string; partitions: number }[] {
  return [
    ...EVENT_TOPICS.map((topic) => ({ topic, partitions: eventPartitions })),
    { topic: TOPICS.dlq, partitions: 1 },
    { topic: TOPICS.alerts, partitions: 1 },
  ];
}
