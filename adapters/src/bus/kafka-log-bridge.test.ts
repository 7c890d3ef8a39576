import { type DestinationStream, pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { kafkaLogLevel, KAFKA_LOG_LEVELS as logLevel, pinoLogCreator } from './kafka-log-bridge.ts';

type Level = (typeof logLevel)[keyof typeof logLevel];

const capture = (level: string) => {
  const lines: Record<string, unknown>[] = [];
  const stream: DestinationStream = { write: (line: string) => lines.push(JSON.parse(line)) };
  return { lines, logger: pino({ level }, stream) };
};

const entry = (namespace: string, level: Level, message: string, extra: Record<string, unknown> = {}) => ({
  namespace,
  level,
  label: 'x',
  log: { timestamp: 'kafkajs time', logger: 'kafkajs', message, ...extra },
});

describe('kafkajs log bridge', () => {
  it('asks kafkajs for no more than pino will print', () => {
    expect(kafkaLogLevel(capture('debug').logger)).toBe(logLevel.DEBUG);
    expect(kafkaLogLevel(capture('info').logger)).toBe(logLevel.INFO);
    expect(kafkaLogLevel(capture('error').logger)).toBe(logLevel.ERROR);
    expect(kafkaLogLevel(capture('silent').logger)).toBe(logLevel.NOTHING);
  });

  it('writes structured pino lines with the kafkajs fields', () => {
    const { lines, logger } = capture('debug');
    const log = pinoLogCreator(logger)();
    log(entry('Consumer', logLevel.INFO, 'Starting', { groupId: 'g' }));
    log(entry('Runner', logLevel.ERROR, 'Crash', { retryCount: 2 }));
    expect(lines[0]).toMatchObject({
      level: 30,
      module: 'kafkajs',
      namespace: 'Consumer',
      groupId: 'g',
      msg: 'Starting',
    });
    expect(lines[1]).toMatchObject({ level: 50, namespace: 'Runner', retryCount: 2, msg: 'Crash' });
    expect(lines[0]).not.toHaveProperty('timestamp');
    expect(lines[0]).not.toHaveProperty('logger');
  });

  it('downgrades error codes a broker answered with to warnings', () => {
    const { lines, logger } = capture('info');
    pinoLogCreator(logger)()(entry('Connection', logLevel.ERROR, 'Response Heartbeat(key: 12, version: 3)'));
    expect(lines[0]).toMatchObject({ level: 40, namespace: 'Connection' });
  });
});
