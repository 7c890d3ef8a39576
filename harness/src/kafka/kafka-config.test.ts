import { describe, expect, it } from 'vitest';
import { log4jProperties, serverProperties } from './kafka-config.ts';

const layout = { port: 19092, controllerPort: 19093, dataDir: '/tmp/k/data', logFile: '/tmp/k/kafka.log' };

const parse = (text: string): Map<string, string> =>
  new Map(
    text
      .trim()
      .split('\n')
      .map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]),
  );

describe('serverProperties', () => {
  const props = parse(serverProperties(layout));

  it('runs one KRaft node as broker and controller on loopback', () => {
    expect(props.get('process.roles')).toBe('broker,controller');
    expect(props.get('controller.quorum.voters')).toBe('1@127.0.0.1:19093');
    expect(props.get('listeners')).toBe('PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093');
    expect(props.get('advertised.listeners')).toBe('PLAINTEXT://127.0.0.1:19092');
    expect(props.get('log.dirs')).toBe('/tmp/k/data');
  });

  it('sizes internal topics for a single broker', () => {
    expect(props.get('offsets.topic.replication.factor')).toBe('1');
    expect(props.get('transaction.state.log.replication.factor')).toBe('1');
    expect(props.get('transaction.state.log.min.isr')).toBe('1');
    expect(props.get('group.initial.rebalance.delay.ms')).toBe('0');
  });
});

describe('log4jProperties', () => {
  it('logs to the file only', () => {
    const props = parse(log4jProperties(layout));
    expect(props.get('log4j.rootLogger')).toBe('INFO, file');
    expect(props.get('log4j.appender.file.File')).toBe('/tmp/k/kafka.log');
  });
});
