import { readFile } from 'node:fs/promises';
import { ERROR_CODES, ValidationError, VigilError } from '@vigil/core';
import { defaultRules, parseRules, type Rule } from '@vigil/core/rules';

/**
 * Reads and validates a rules file (RULES_FILE), or returns the built-in defaults when no path is given:
 * the one loader of the processor, the gateway and `npm start`, which seed the rules store with it on first
 * start (@vigil/db openStoreRuleSource). An unreadable file is a configuration error; a readable but wrong one throws parseRules'
 * ValidationError, prefixed with the path so the start-up log says which file to fix.
 */
export async function loadRules(path?: string): Promise<Rule[]> {
  if (path === undefined) return defaultRules();
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new VigilError(ERROR_CODES.config, `cannot read rules file ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  try {
    return parseRules(text);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    throw new ValidationError(`${path}: ${err.message}`, { details: err.details, cause: err });
  }
}
