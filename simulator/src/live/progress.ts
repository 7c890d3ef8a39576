/** Counters of a simulator run, and the rate achieved between two progress reports. */
export interface SimulatorStats {
  /** Events the bus accepted. */
  sent: number;
  byTopic: Record<string, number>;
  /** Events lost because a publish failed for good or was cut short by stop(). */
  dropped: number;
  publishRetries: number;
  scenariosInjected: number;
  /** Wall-clock ms since start. */
  elapsedMs: number;
  /** Events/s achieved since the previous report (or since start for the final stats). */
  rate: number;
  /** Events/s the schedule asks for now: the requested daily mean shaped by time of day (null unpaced). */
  targetRate?: number | null;
  /** How far the sender is behind the schedule (0 on time, always 0 unpaced). */
  lagMs: number;
  /** Event time of the last event sent, ISO (simulated time in unpaced runs). */
  eventTime: string | null;
}

export interface ProgressTracker {
  readonly stats: SimulatorStats;
  recordSent(topic: string, count: number, lastEventTime: number): void;
  /** Stats with the rate since the previous snapshot. */
  snapshot(now: number, lagMs: number): SimulatorStats;
  /** Stats with the rate over the whole run. */
  total(now: number, lagMs: number): SimulatorStats;
}

export function createProgressTracker(startedAt: number): ProgressTracker {
  const stats: SimulatorStats = {
    sent: 0,
    byTopic: {},
    dropped: 0,
    publishRetries: 0,
    scenariosInjected: 0,
    elapsedMs: 0,
    rate: 0,
    lagMs: 0,
    eventTime: null,
  };
  let lastAt = startedAt;
  let lastSent = 0;
  let lastEventTime = Number.NaN;
  const view = (now: number, lagMs: number, since: number, sentSince: number): SimulatorStats => ({
    ...stats,
    byTopic: { ...stats.byTopic },
    elapsedMs: now - startedAt,
    rate: now > since ? Math.round(((stats.sent - sentSince) * 1000) / (now - since)) : 0,
    lagMs: Math.round(lagMs),
    eventTime: Number.isNaN(lastEventTime) ? null : new Date(lastEventTime).toISOString(),
  });
  return {
    stats,
    recordSent(topic, count, eventTime) {
      stats.sent += count;
      stats.byTopic[topic] = (stats.byTopic[topic] ?? 0) + count;
      lastEventTime = Math.max(Number.isNaN(lastEventTime) ? eventTime : lastEventTime, eventTime);
    },
    snapshot(now, lagMs) {
      const out = view(now, lagMs, lastAt, lastSent);
      lastAt = now;
      lastSent = stats.sent;
      return out;
    },
    total: (now, lagMs) => view(now, lagMs, startedAt, 0),
  };
}
