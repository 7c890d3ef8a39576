import { type Bus, UnavailableError } from '@vigil/core';

/** A bus wrapper that makes the alert feed meet gaps, for tests of its repair and of what follows a loss. */
export interface GappyBus extends Bus {
  /** Offsets the live consumer loses, each once (as after an offset reset); range reads still see them. */
  readonly skipLive: Set<string>;
  /** While true, every range read (a consumer whose group has `-range-`) fails to start. */
  rangeBroken: boolean;
  /** When set, the oldest offset the bus reports, as if retention had deleted everything below it. */
  low: number | null;
}

export function gappyBus(bus: Bus): GappyBus {
  const gappy: GappyBus = {
    ...bus,
    skipLive: new Set(),
    rangeBroken: false,
    low: null,
    consumer: (options) => {
      const consumer = bus.consumer(options);
      if (options.groupId.includes('-range-')) {
        return {
          ...consumer,
          run: (handler) =>
            gappy.rangeBroken
              ? Promise.reject(new UnavailableError('range reads broken by the test'))
              : consumer.run(handler),
        };
      }
      return {
        ...consumer,
        run: (handler) =>
          consumer.run((batch) => {
            const messages = batch.messages.filter((m) => !gappy.skipLive.delete(m.offset));
            return handler({ ...batch, messages });
          }),
      };
    },
    topicOffsets: async (topic) =>
      (await bus.topicOffsets(topic)).map((p) => {
        const low = gappy.low === null ? p.low : String(Math.max(Number(p.low), gappy.low));
        return { ...p, low };
      }),
  };
  return gappy;
}
