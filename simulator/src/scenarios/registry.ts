import { bruteForce } from './brute-force.ts';
import { cpuSaturation } from './cpu-saturation.ts';
import { dataExfiltration } from './data-exfiltration.ts';
import { errorSpike } from './error-spike.ts';
import { fraudBurst } from './fraud-burst.ts';
import { hostSilent } from './host-silent.ts';
import { latencyStorm } from './latency-storm.ts';
import { passwordSpray } from './password-spray.ts';
import { retryStorm } from './retry-storm.ts';
import type { Scenario } from './scenario.ts';

export const SCENARIO_NAMES = [
  'error-spike',
  'cpu-saturation',
  'latency-storm',
  'fraud-burst',
  'brute-force',
  'data-exfiltration',
  'retry-storm',
  'password-spray',
  'host-silent',
] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

export const SCENARIOS: Readonly<Record<ScenarioName, Scenario>> = {
  'error-spike': errorSpike,
  'cpu-saturation': cpuSaturation,
  'latency-storm': latencyStorm,
  'fraud-burst': fraudBurst,
  'brute-force': bruteForce,
  'data-exfiltration': dataExfiltration,
  'retry-storm': retryStorm,
  'password-spray': passwordSpray,
  'host-silent': hostSilent,
};

export const isScenarioName = (value: string): value is ScenarioName =>
  (SCENARIO_NAMES as readonly string[]).includes(value);
