import { describe, expect, it } from 'vitest';
import { parseClusterArgs } from './cluster-args.ts';

const optionsOf = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
  const parsed = parseClusterArgs(argv, env);
  if (parsed.help) throw new Error('expected options, got --help');
  return parsed.options;
};

describe('parseClusterArgs', () => {
  it('defaults to the compose topology with a 50 events/s simulator on fixed ports', () => {
    expect(optionsOf([])).toMatchObject({
      gatewayPorts: [8081, 8082],
      metricsPorts: [9464, 9465],
      topicPrefix: '',
      partitions: 6,
      sessionTimeoutMs: 10_000,
      logLevel: 'info',
      simulator: { rate: 50 },
    });
  });

  it('turns the simulator off with --rate 0 and takes ports, prefix and timings', () => {
    const options = optionsOf([
      '--rate',
      '0',
      '--gateway-ports',
      '0,9000',
      '--metrics-ports',
      '9001,9002',
      '--topic-prefix',
      'demo.',
      '--partitions',
      '3',
      '--session-timeout-ms',
      '6000',
    ]);
    expect(options).toMatchObject({
      simulator: undefined,
      gatewayPorts: [0, 9000],
      metricsPorts: [9001, 9002],
      topicPrefix: 'demo.',
      partitions: 3,
      sessionTimeoutMs: 6_000,
    });
  });

  it('reads TOPIC_PREFIX from the environment when no flag is given', () => {
    expect(optionsOf(['--rate', '0'], { TOPIC_PREFIX: 'env.' }).topicPrefix).toBe('env.');
  });

  it('names every bad flag at once', () => {
    expect(() => parseClusterArgs(['--rate=-1', '--gateway-ports', '8081', '--partitions', 'x'], {})).toThrow(
      /--rate -1.*--gateway-ports 8081.*--partitions x/,
    );
  });

  it('passes a topic prefix on with the simulator running', () => {
    expect(parseClusterArgs(['--topic-prefix', 'p.'], {})).toMatchObject({ options: { topicPrefix: 'p.' } });
  });

  it('answers --help', () => {
    expect(parseClusterArgs(['-h'], {})).toEqual({ help: true });
  });
});
