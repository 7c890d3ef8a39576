import { cleanEnv } from 'envalid';
import { ERROR_CODES, VigilError } from '../errors/vigil-error.ts';
import { isSecretName, REDACTED, redactConfigValue, redactSecrets } from './redact.ts';

/** One problem per bad variable, each naming it, so start-up can list them all at once. */
export class ConfigError extends VigilError {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(ERROR_CODES.config, `invalid configuration: ${problems.join('; ')}`, { details: problems });
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

type Specs = Parameters<typeof cleanEnv>[1];

// A bad value is echoed so the operator sees the typo, but never a secret in it: a mistyped DATABASE_URL
// would otherwise print its password to the terminal and the log collector.
const showValue = (key: string, raw: string): string =>
  isSecretName(key) ? REDACTED : JSON.stringify(redactConfigValue(key, raw));

/** The validator's reason without the value's secret: envalid's own messages quote the value. */
function redactReason(key: string, raw: string, reason: string): string {
  const quoted = reason.replaceAll(raw, redactConfigValue(key, raw));
  return redactSecrets(quoted);
}

/**
 * Parses environment variables against a spec object (see config-vars.ts) into a frozen typed object.
 * Throws ConfigError listing every bad variable; empty strings count as unset.
 *
 * @example const config = loadConfig({ ...commonVars, ...gatewayVars }, process.env);
 */
export function loadConfig<S extends Specs>(specs: S, env: Record<string, string | undefined>) {
  const present: Record<string, string> = {};
  for (const [key, value] of Object.entries(env))
    if (value !== undefined && value !== '') present[key] = value;
  const problems: string[] = [];
  const cleaned = cleanEnv(present, specs, {
    reporter: ({ errors }) => {
      for (const [key, error] of Object.entries(errors) as [string, Error][]) {
        const raw = present[key];
        if (raw === undefined) {
          problems.push(`${key} is required`);
          continue;
        }
        problems.push(`${key}=${showValue(key, raw)}: ${redactReason(key, raw, error.message)}`);
      }
    },
  });
  if (problems.length > 0) throw new ConfigError(problems);
  const crossProblems = crossCheck(specs as Record<string, unknown>, cleaned as Record<string, unknown>);
  if (crossProblems.length > 0) throw new ConfigError(crossProblems);
  return cleaned;
}

/** Rules that involve more than one variable. */
function crossCheck(specs: Record<string, unknown>, config: Record<string, unknown>): string[] {
  const problems: string[] = [];
  // envalid's result throws on keys outside the spec: only check what this runnable declared.
  if (
    'S3_ENDPOINT' in specs &&
    'S3_BUCKET' in specs &&
    config.S3_ENDPOINT !== undefined &&
    config.S3_BUCKET === undefined
  ) {
    problems.push('S3_ENDPOINT is set but S3_BUCKET is not: set S3_BUCKET to archive to S3');
  }
  return problems;
}
