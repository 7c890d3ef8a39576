import type { Alert } from '@vigil/core';
import type { ArchivedRange } from './raw-archiver.ts';

/** Ranges remembered per partition to resolve evidence that was archived before its alert fired. */
const RECENT_RANGES = 512;
/** Alerts waiting for their evidence to be archived; beyond this the oldest are given up (counted). */
const MAX_WAITING = 50_000;

interface Waiting {
  alertId: string;
  offset: number;
}

export interface ArchiveKeyUpdate {
  id: string;
  archiveKeys: string[];
}

/**
 * Fills `evidence.archiveKeys` of alerts: keys of objects already written are set before the alert is
 * persisted; keys of objects still buffering are reported when they are written, for a later update.
 */
export function createEvidenceLinker() {
  const recent = new Map<string, ArchivedRange[]>();
  const waiting = new Map<string, Waiting[]>();
  let waitingCount = 0;
  let dropped = 0;

  const keyFor = (topic: string, partition: number, offset: number): string | null => {
    const ranges = recent.get(`${topic}:${partition}`);
    if (!ranges) return null;
    for (let i = ranges.length - 1; i >= 0; i--) {
      const range = ranges[i]!;
      if (offset >= range.firstOffset && offset <= range.lastOffset) return range.key;
    }
    return null;
  };

  return {
    /**
     * A copy of the alert with the keys known now; refs still waiting for their object are remembered, but
     * only those `archivedHere` accepts (default all): stage two raises alerts on events another processor
     * may archive, and their keys are found by the gateway's listing instead (evidence-reader).
     */
    link(alert: Alert, archivedHere?: (topic: string, partition: number) => boolean): Alert {
      const evidence = alert.evidence;
      if (!evidence) return alert;
      const keys = new Set(evidence.archiveKeys);
      for (const ref of evidence.refs) {
        const offset = Number(ref.offset);
        const key = keyFor(ref.topic, ref.partition, offset);
        if (key) {
          keys.add(key);
          continue;
        }
        if (archivedHere && !archivedHere(ref.topic, ref.partition)) continue;
        const id = `${ref.topic}:${ref.partition}`;
        let list = waiting.get(id);
        if (!list) {
          list = [];
          waiting.set(id, list);
        }
        list.push({ alertId: alert.id, offset });
        if (++waitingCount > MAX_WAITING) {
          waiting.values().next().value?.shift();
          waitingCount--;
          dropped++;
        }
      }
      return { ...alert, evidence: { ...evidence, archiveKeys: [...keys] } };
    },

    /** Records a written object; returns the alerts that gain its key. */
    archived(range: ArchivedRange): ArchiveKeyUpdate[] {
      const id = `${range.topic}:${range.partition}`;
      let ranges = recent.get(id);
      if (!ranges) {
        ranges = [];
        recent.set(id, ranges);
      }
      ranges.push(range);
      if (ranges.length > RECENT_RANGES) ranges.shift();

      const list = waiting.get(id);
      if (!list) return [];
      const byAlert = new Map<string, string[]>();
      const still: Waiting[] = [];
      for (const item of list) {
        if (item.offset >= range.firstOffset && item.offset <= range.lastOffset) {
          byAlert.set(item.alertId, [range.key]);
          waitingCount--;
        } else if (item.offset > range.lastOffset) {
          still.push(item);
        } else {
          waitingCount--; // archived by an earlier incarnation of this partition: key unknown here
          dropped++;
        }
      }
      if (still.length > 0) waiting.set(id, still);
      else waiting.delete(id);
      return [...byAlert].map(([alertId, archiveKeys]) => ({ id: alertId, archiveKeys }));
    },

    /** Stops waiting for evidence of alerts that will never be stored (the store refused them). */
    forget(alertIds: ReadonlySet<string>): void {
      for (const [id, list] of waiting) {
        const still = list.filter((item) => !alertIds.has(item.alertId));
        waitingCount -= list.length - still.length;
        if (still.length > 0) waiting.set(id, still);
        else waiting.delete(id);
      }
    },

    stats: () => ({ waiting: waitingCount, dropped }),
  };
}
