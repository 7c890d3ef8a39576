/** Composition root of a stand-alone processor: `npm run processor` (distributed mode). */
import { runMain } from '@vigil/adapters';
import { startProcessor } from './start-processor.ts';

runMain('processor', (fail) => startProcessor(process.env, fail));
