// The embedded system (`npm start`): simulator, processor and gateway in one process, for tests that need
// the whole of Vigil (ui/src/e2e) and for embedders. The composition root itself is embedded-main.ts.
export { EMBEDDED_RETENTION, type Embedded, type EmbeddedOptions, startEmbedded } from './embedded.ts';
