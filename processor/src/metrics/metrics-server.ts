// Moved to @vigil/adapters (the notifier serves /metrics and /health the same way); kept for the processor's imports.
export { createMetricsServer } from '@vigil/adapters';
