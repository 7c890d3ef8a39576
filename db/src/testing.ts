export { ids, makeAlert, newestFirst, TimeWindow, windowAllocator } from './alert-fixtures.ts';
export { type ContractContext, type OpenedStore, runAlertStoreContract } from './alert-store-contract.ts';
