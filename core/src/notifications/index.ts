// Notification contracts (issue 15; notifier/README.md): channel configs, the routing policy and the pure
// routing and grouping decisions, shared by the notifier, the store, the gateway and the dashboard.
export * from './channel-config.ts';
export * from './channel-input.ts';
export * from './field-problems.ts';
export * from './notification-content.ts';
export * from './notification-policy.ts';
export * from './plan-flush.ts';
export * from './route-alert.ts';
