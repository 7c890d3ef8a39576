import { type DestinationStream, pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createBus } from './create-bus.ts';

const capture = () => {
  const lines: Record<string, unknown>[] = [];
  const stream: DestinationStream = { write: (line: string) => lines.push(JSON.parse(line)) };
  return { lines, logger: pino({ level: 'info' }, stream) };
};

describe('createBus', () => {
  it('picks the memory bus when no brokers are given', async () => {
    const { lines, logger } = capture();
    const bus = createBus({ clientId: 'vigil', logger, brokers: [] });
    await bus.start([{ topic: 't', partitions: 1 }]);
    expect(await bus.topicOffsets('t')).toEqual([{ partition: 0, low: '0', high: '0' }]);
    await bus.stop();
    expect(lines.map((l) => l.msg)).toContain('bus: in-process (embedded mode)');
  });

  it('picks Kafka when brokers are given, without connecting before start()', async () => {
    const { lines, logger } = capture();
    const bus = createBus({ clientId: 'vigil', logger, brokers: ['127.0.0.1:1'] });
    expect(lines.map((l) => l.msg)).toContain('bus: Kafka');
    await bus.stop();
  });
});
