/** The four event sources (core/README.md, "Events"), in a fixed order shared by topics, UI and bench. */
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
  /** Internal to the processor: events re-keyed by a windowed rule's key (processor/README.md, "Exact windows"). */
  repartition: 'processor.repartition',
} as const;

export const EVENT_TOPICS = SOURCES.map(eventTopic);

export function isSource(value: unknown): value is Source {
  return typeof value === 'string' && (SOURCES as readonly string[]).includes(value);
}

const EVENT_TOPIC = /(?:^|\.)events\.(logs|metrics|transactions|security)$/;

/** The source whose events a topic carries (`events.logs`, or with a prefix `acme.events.logs`), else null. */
export function sourceOfTopic(topic: string): Source | null {
  const match = EVENT_TOPIC.exec(topic);
  return match ? (match[1] as Source) : null;
}

export interface TopicNames {
  events: Record<Source, string>;
  dlq: string;
  alerts: string;
  repartition: string;
}

/**
 * Topic names under an optional prefix (TOPIC_PREFIX), so several Vigil installations or test runs can
 * share one Kafka cluster: `topicNames('t1.')` → `t1.events.logs`, …, `t1.events.dlq`, `t1.alerts`.
 */
export function topicNames(prefix = ''): TopicNames {
  return {
    events: {
      logs: `${prefix}${TOPICS.logs}`,
      metrics: `${prefix}${TOPICS.metrics}`,
      transactions: `${prefix}${TOPICS.transactions}`,
      security: `${prefix}${TOPICS.security}`,
    },
    dlq: `${prefix}${TOPICS.dlq}`,
    alerts: `${prefix}${TOPICS.alerts}`,
    repartition: `${prefix}${TOPICS.repartition}`,
  };
}

/**
 * Every topic Vigil uses with its partition count. The alerts topic has exactly one partition on purpose:
 * its offset is the global order that WebSocket cursors are built on, identical on every gateway. The
 * repartition topic has as many partitions as an event topic: it spreads the windowed rules' keys over the
 * processors as the event topics spread the events.
 */
export function vigilTopics(eventPartitions: number, prefix = ''): { topic: string; partitions: number }[] {
  const names = topicNames(prefix);
  return [
    ...Object.values(names.events).map((topic) => ({ topic, partitions: eventPartitions })),
    { topic: names.dlq, partitions: 1 },
    { topic: names.alerts, partitions: 1 },
    { topic: names.repartition, partitions: eventPartitions },
  ];
}
