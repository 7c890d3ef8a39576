export {
  ALERTS_PER_ENTITY,
  ENTITY_KINDS,
  type EntityKind,
  type EntityQuery,
  type EntityRisk,
  MAX_ENTITIES,
  RISK,
} from './alert-entities.ts';
export { DEFAULT_RESOLVE_LIMIT } from './alert-episodes.ts';
export { type AlertStoreOptions, createAlertStore } from './alert-store.ts';
export * from './alert-store-port.ts';
export { type AuditLogOptions, createAuditLog } from './audit-log.ts';
export * from './audit-log-port.ts';
export type { VigilDatabase } from './database.ts';
export { describePostgresUrl, isOutage } from './db-errors.ts';
export { createEventStore, type EventStoreOptions } from './event-store.ts';
export * from './event-store-port.ts';
export { createIdentityStore, type IdentityStoreOptions } from './identity-store.ts';
export * from './identity-store-port.ts';
export { MIGRATIONS_FOLDER } from './migrations-folder.ts';
export { type Database, type OpenDatabaseOptions, openDatabase } from './open-database.ts';
export { createRuleStore, type RuleStoreOptions } from './rule-store.ts';
export * from './rule-store-port.ts';
export * as schema from './schema.ts';
export { DEFAULT_SWEEP_LIMIT } from './silence-effects.ts';
export { createSilenceStore, type SilenceStoreOptions } from './silence-store.ts';
export * from './silence-store-port.ts';
export {
  createStoreRuleSource,
  type OpenStoreRuleSourceOptions,
  openStoreRuleSource,
  RULE_POLL_MS,
  type StoreRuleSourceOptions,
} from './store-rule-source.ts';
export { MAX_SEARCH_LENGTH } from './text-search.ts';
