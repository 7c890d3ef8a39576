export { type AlertStoreOptions, createAlertStore } from './alert-store.ts';
export * from './alert-store-port.ts';
export type { VigilDatabase } from './database.ts';
export { describePostgresUrl, isOutage } from './db-errors.ts';
export { MIGRATIONS_FOLDER } from './migrations-folder.ts';
export { type Database, type OpenDatabaseOptions, openDatabase } from './open-database.ts';
export * as schema from './schema.ts';
export { MAX_SEARCH_LENGTH } from './text-search.ts';
