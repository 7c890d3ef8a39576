/** Composition root of a stand-alone notifier: `npm run notifier` (distributed mode). */
import { runMain } from '@vigil/adapters';
import { startNotifier } from './start-notifier.ts';

runMain('notifier', (fail) => startNotifier(process.env, fail));
