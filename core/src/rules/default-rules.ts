import defaultRulesFile from './default-rules.json' with { type: 'json' };
import { parseRules } from './parse-rules.ts';
import type { Rule } from './rule-schema.ts';

/**
 * The built-in rules (processor/RULES.md, "Default rules"), validated like any user file: what the processor
 * evaluates and the gateway serves when RULES_FILE is unset.
 */
export const defaultRules = (): Rule[] => parseRules(defaultRulesFile);
