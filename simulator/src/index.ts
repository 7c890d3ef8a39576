export { SERVICES, type ServiceProfile } from './catalog/services.ts';
export {
  createEventGenerator,
  type EventGenerator,
  type Injection,
  SOURCE_WEIGHTS,
  take,
} from './generator/create-event-generator.ts';
export type { EventBody, GeneratedEvent } from './generator/event-types.ts';
export { type EventGeneratorOptions, MAX_RATE } from './generator/options.ts';
export {
  createSimulator,
  DEFAULT_MAX_BATCH,
  type Simulator,
  type SimulatorOptions,
} from './live/create-simulator.ts';
export { batchByTopic, messageKey, PARTITION_KEY_FIELD, toMessage } from './live/keying.ts';
export { createNdjsonPublisher, type NdjsonPublisherOptions } from './live/ndjson-publisher.ts';
export type { SimulatorStats } from './live/progress.ts';
export type { Publisher } from './live/publisher.ts';
export { isScenarioName, SCENARIO_NAMES, SCENARIOS, type ScenarioName } from './scenarios/registry.ts';
export type { Scenario } from './scenarios/scenario.ts';
export type { ScenarioScheduleOptions } from './scenarios/scenario-schedule.ts';
