import { parseRules, type Rule } from '@vigil/core/rules';

/** Two rules as main would load them: validated by core's parser, defaults filled in. */
export const sampleRules = (): Rule[] =>
  parseRules({
    version: 1,
    rules: [
      {
        id: 'logs.error-spike',
        title: 'Error spike',
        source: 'logs',
        severity: 'high',
        kind: 'count',
        where: { field: 'level', in: ['ERROR', 'CRITICAL'] },
        keyBy: ['service'],
        threshold: 20,
        windowMs: 180_000,
      },
      {
        id: 'metrics.latency-high',
        title: 'High latency',
        source: 'metrics',
        severity: 'medium',
        kind: 'threshold',
        field: 'latencyMs',
        op: 'gt',
        threshold: 1000,
      },
    ],
  });
