export { ids, makeAlert, newestFirst, TimeWindow, windowAllocator } from './alert-fixtures.ts';
export { type ContractContext, type OpenedStore, runAlertStoreContract } from './alert-store-contract.ts';
export { type OpenedAuditLog, runAuditLogContract } from './audit-log-contract.ts';
export { type OpenedEventStore, runEventStoreContract } from './event-store-contract.ts';
export { type OpenedIdentityStore, runIdentityStoreContract } from './identity-store-contract.ts';
export { type OpenedRuleStore, runRuleStoreContract } from './rule-store-contract.ts';
