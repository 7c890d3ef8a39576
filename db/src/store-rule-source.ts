import type { Rule, RuleSource, VersionedRule } from '@vigil/core/rules';
import type { Logger } from 'pino';
import type { RuleStore } from './rule-store-port.ts';

/** How often a subscribed source asks the store whether a rule changed: one indexed max() per second. */
export const RULE_POLL_MS = 1_000;

export interface StoreRuleSourceOptions {
  store: Pick<RuleStore, 'loadInForce' | 'head'>;
  logger: Logger;
  pollMs?: number;
}

/**
 * The rules store as a RuleSource: `load` reads what is in force; `subscribe` polls the change feed
 * (`head`, the highest version sequence number) and, when it moved, loads the set again and hands it to
 * every subscriber, in order (one poll at a time). A poll that fails is logged and retried at the next tick.
 * This is the seam for hot reload (issue 16): the processor loads once at start today.
 */
export function createStoreRuleSource(options: StoreRuleSourceOptions): RuleSource {
  const { store } = options;
  const logger = options.logger.child({ module: 'rule-source' });
  const pollMs = options.pollMs ?? RULE_POLL_MS;
  const listeners = new Set<(rules: VersionedRule[]) => void>();
  let timer: ReturnType<typeof setInterval> | undefined;
  let seen: number | undefined;
  let polling = false;

  async function poll(): Promise<void> {
    if (polling) return;
    polling = true;
    try {
      const head = await store.head();
      if (seen === undefined || head === seen) {
        seen ??= head;
        return;
      }
      const rules = await store.loadInForce();
      seen = head;
      for (const listener of listeners) {
        try {
          listener(rules);
        } catch (err) {
          logger.error({ err }, 'rule change listener failed');
        }
      }
    } catch (err) {
      logger.warn({ err }, 'rules poll failed');
    } finally {
      polling = false;
    }
  }

  return {
    load: () => store.loadInForce(),
    subscribe(onChange) {
      listeners.add(onChange);
      if (!timer) {
        void poll(); // learns the head the changes are counted from
        timer = setInterval(() => void poll(), pollMs);
        timer.unref?.();
      }
      return () => {
        listeners.delete(onChange);
        if (listeners.size === 0 && timer) {
          clearInterval(timer);
          timer = undefined;
          seen = undefined;
        }
      };
    },
  };
}

export interface OpenStoreRuleSourceOptions extends StoreRuleSourceOptions {
  store: Pick<RuleStore, 'loadInForce' | 'head' | 'seed'>;
  /** The rules of a first start: RULES_FILE's, or the built-in defaults. */
  seed: readonly Rule[];
  /** Where `seed` came from, for the log: the file's path or `built-in defaults`. */
  origin: string;
}

/**
 * The rules store as the rules of a runnable (processor, gateway, `npm start`): seeds it on first start
 * (every runnable may; one does), then serves what is in force. Once seeded, RULES_FILE is not read again:
 * the log says so, and import (POST /api/rules/import) is how a file is applied later.
 */
export async function openStoreRuleSource(options: OpenStoreRuleSourceOptions): Promise<RuleSource> {
  const logger = options.logger.child({ module: 'rule-source' });
  const { seeded, count } = await options.store.seed(options.seed);
  if (seeded) logger.info({ rules: count, origin: options.origin }, 'rules store seeded');
  else logger.info({ origin: options.origin }, 'rules store already seeded: rules come from the store');
  return createStoreRuleSource(options);
}
