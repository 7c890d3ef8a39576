import type { EventBySource, Source, SourcedEvent } from '@vigil/core';

/** An event before the generator stamps its `id` and `ts`. */
export type EventBody<S extends Source = Source> = Omit<EventBySource[S], 'id' | 'ts'>;

/** A body tagged with its source. */
export type SourcedBody = { [K in Source]: { source: K; body: EventBody<K> } }[Source];

/** A body due at an event time (epoch ms): what scenarios plan. */
export type TimedBody = SourcedBody & { time: number };

/** What the generator yields: a complete event with its source, plus its event time as epoch ms. */
export type GeneratedEvent = SourcedEvent & { time: number };
