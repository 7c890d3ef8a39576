// Archive
export { type MakeArchive, runArchiveContract } from './archive/archive-contract.ts';
// Bus
export { runBusContract } from './bus/bus-contract.ts';
