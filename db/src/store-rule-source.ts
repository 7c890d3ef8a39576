import type { RuleSource, VersionedRule } from '@vigil/core/rules';
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
