import type { Alert, Bus, BusMessage } from '@vigil/core';
import type { ArchiveKeyUpdate } from '../archive/evidence-linker.ts';
import type { ProcessorMetrics } from '../metrics/processor-metrics.ts';
import { type Refused, writeIsolatingRefusals } from './isolate-refusals.ts';
import type { PublishMark, PublishMarks } from './publish-marks.ts';

/** One firing as the store folds it (@vigil/db Firing). */
export interface Firing {
  alert: Alert;
  resolveAfterMs: number;
}

/** What folding did with each firing (@vigil/db FoldResult), the episode's full state after it. */
export interface FoldResult {
  firings: { firingId: string; outcome: 'opened' | 'updated' | 'duplicate'; episode: Alert }[];
  resolved: Alert[];
}

interface EvidenceWriter {
  addArchiveKeys(updates: ArchiveKeyUpdate[]): Promise<void>;
  /** The revisions now on the alerts topic (@vigil/db: what the unpublished-change sweep skips). */
  markPublished(published: readonly PublishMark[], publishedAt: string): Promise<void>;
}

/** The alert store (@vigil/db): firings are folded into episodes, atomically and idempotently by firing id. */
export interface EpisodeWriter extends EvidenceWriter {
  foldFirings(firings: Firing[], now?: number): Promise<FoldResult>;
}

/** A store without episodes (test doubles of other stages): each firing is stored and published as its own alert. */
export interface FiringWriter extends EvidenceWriter {
  /** Idempotent on alert id; resolves with the number of new rows. */
  insertAlerts(alerts: Alert[]): Promise<number>;
}

/** What the processor needs from the alert store. */
export type AlertWriter = EpisodeWriter | FiringWriter;

const foldsEpisodes = (store: AlertWriter): store is EpisodeWriter => 'foldFirings' in store;

/**
 * An alert with the message whose evaluation raised it: where a refusal is dead-lettered. Null for alerts no
 * message raised (absence seen on wall-clock idleness, idle-alerts.ts).
 */
export interface RaisedAlert {
  alert: Alert;
  message: BusMessage | null;
}

/** The processor's transient-failure retry, bound to the partition the alerts came from (for its health). */
export type Retry = <T>(what: string, op: () => Promise<T>) => Promise<T>;

export interface AlertOutputOptions {
  store: AlertWriter;
  bus: Bus;
  alertsTopic: string;
  metrics: ProcessorMetrics;
  now: () => number;
  /** The resolveAfterMs of a rule by id (the rules' defaults filled in by parseRules). */
  resolveAfterMs: (ruleId: string) => number;
  /** Where what was published is marked in the store, off the hot path (publish-marks.ts). */
  marks: Pick<PublishMarks, 'mark'>;
}

/**
 * The episodes a fold touched, each once in its latest state, episodes it resolved first: what is published.
 * Duplicates are included, so an episode whose publish a crash lost is published when its firing comes again
 * (the same revision twice is harmless: gateways drop it by id and revision, clients replace by revision).
 */
export function episodesToPublish(result: FoldResult): Alert[] {
  const latest = new Map<string, Alert>();
  for (const episode of [...result.resolved, ...result.firings.map((f) => f.episode)]) {
    const seen = latest.get(episode.id);
    if (!seen || (episode.revision ?? 1) > (seen.revision ?? 1)) latest.set(episode.id, episode);
  }
  const resolvedIds = new Set(result.resolved.map((e) => e.id));
  return [...latest.values()].sort((a, b) => Number(resolvedIds.has(b.id)) - Number(resolvedIds.has(a.id)));
}

/** Publishes episodes in their full state (one partition: its offset is the gateways' global cursor). */
export async function publishEpisodes(
  options: Pick<AlertOutputOptions, 'bus' | 'alertsTopic' | 'marks'>,
  episodes: readonly Alert[],
  publishedAt: number,
  retry: Retry,
): Promise<void> {
  if (episodes.length === 0) return;
  const at = new Date(publishedAt).toISOString();
  // Gateways send `alert` for revision 1 (a new episode) and `update` for any later revision.
  const messages = episodes.map((episode) => ({
    key: null,
    value: JSON.stringify({ ...episode, publishedAt: at }),
  }));
  await retry('bus.publish.alerts', () => options.bus.publish(options.alertsTopic, messages));
  options.marks.mark(
    episodes.map((episode) => ({ id: episode.id, revision: episode.revision ?? 1, publishedAt: at })),
  );
}

/** Firings folded, not yet published (createAlertOutput's two steps). */
export interface FoldedAlerts {
  raised: readonly RaisedAlert[];
  /** Firings the store refused for their data: not published, their events to be dead-lettered. */
  refused: Refused<RaisedAlert>[];
  result: FoldResult;
}

/**
 * Folds a batch's firings into episodes, then publishes every episode the fold touched. One fold for the
 * whole batch; only when the store refuses it for its data are the refused firings found by bisecting and
 * returned, unpublished, for their events to be dead-lettered. Failures that are not the data's fault reject.
 * `fold` and `publish` are the two steps, for a caller that overlaps one batch's publish with the next fold;
 * `write` does both.
 */
export function createAlertOutput(options: AlertOutputOptions) {
  const { store, metrics, now } = options;
  const firingOf = (alert: Alert): Firing => ({
    alert,
    resolveAfterMs: options.resolveAfterMs(alert.ruleId),
  });

  async function foldOne(batch: RaisedAlert[], retry: Retry): Promise<FoldResult> {
    const alerts = batch.map((r) => r.alert);
    if (foldsEpisodes(store))
      return retry('store.foldFirings', () => store.foldFirings(alerts.map(firingOf), now()));
    await retry('store.insertAlerts', () => store.insertAlerts(alerts));
    return { firings: alerts.map((a) => ({ firingId: a.id, outcome: 'opened', episode: a })), resolved: [] };
  }

  async function fold(raised: readonly RaisedAlert[], retry: Retry): Promise<FoldedAlerts> {
    const results: FoldResult[] = [];
    const refused = await writeIsolatingRefusals(raised, async (batch) => {
      results.push(await foldOne(batch, retry));
    });
    const result: FoldResult = {
      firings: results.flatMap((r) => r.firings),
      resolved: results.flatMap((r) => r.resolved),
    };
    return { raised, refused, result };
  }

  async function publish(folded: FoldedAlerts, retry: Retry): Promise<Refused<RaisedAlert>[]> {
    const { raised, refused, result } = folded;
    if (result.firings.length === 0) return refused;
    const publishedAt = now();
    await publishEpisodes(options, episodesToPublish(result), publishedAt, retry);
    for (const { outcome, episode } of result.firings) {
      metrics.alerts.inc({ rule: episode.ruleId, severity: episode.severity });
      metrics.episodes.inc({ rule: episode.ruleId, outcome });
    }
    for (const episode of result.resolved)
      metrics.episodes.inc({ rule: episode.ruleId, outcome: 'resolved' });
    const rejected = new Set(refused.map((r) => r.item));
    for (const { alert } of raised.filter((r) => !rejected.has(r))) {
      if (alert.ingestedAt) metrics.latency.observe((publishedAt - Date.parse(alert.ingestedAt)) / 1000);
    }
    return refused;
  }

  return {
    fold,
    publish,
    write: async (raised: readonly RaisedAlert[], retry: Retry) => publish(await fold(raised, retry), retry),
  };
}
