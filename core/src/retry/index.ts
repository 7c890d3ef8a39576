export { abortableSleep } from './abortable-sleep.ts';
export { type Backoff, backoffDelay, DEFAULT_JITTER } from './backoff.ts';
export * from './policies.ts';
export { type RetryOptions, type RetryPolicy, retry } from './retry.ts';
