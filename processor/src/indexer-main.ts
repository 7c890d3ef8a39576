/** Composition root of a stand-alone event indexer: `npm run indexer` (distributed mode). */
import { runMain } from '@vigil/adapters';
import { startIndexer } from './indexer/start-indexer.ts';

runMain('indexer', () => startIndexer(process.env));
