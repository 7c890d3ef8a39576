export {
  allVars,
  authVars,
  commonVars,
  gatewayVars,
  processorVars,
  simulatorVars,
  validators,
} from './config-vars.ts';
export { ConfigError, loadConfig } from './load-config.ts';
export { isSecretName, REDACTED, redactConfigValue, redactSecrets } from './redact.ts';
