/** Bounds of one `GET /api/alerts/{id}/events` answer; each default has its reason. */
export interface EvidenceLimits {
  /** Events in one answer: the processor records at most 20 per alert, so this only bounds odd stored alerts. */
  maxEvents: number;
  /**
   * Archive objects read for one alert: its evidence spans one object per partition and hour touched, which
   * is one or two for a window of minutes. Objects beyond it are not read and the answer says `truncated`.
   */
  maxObjects: number;
  /**
   * Decompressed bytes of one object: the processor seals objects at 8 MiB of raw events by default, so this
   * leaves room for its last event and a larger setting; a bigger object is reported `unreadable`, not read.
   */
  maxObjectBytes: number;
  /**
   * Hour folders listed to find the objects of events whose keys the alert does not carry yet (written but
   * not linked, or linked by a processor that has since restarted): the window's hours, per partition.
   */
  maxListings: number;
  /** Evidence reads at once in this gateway; more wait their turn (bounds memory: slots × maxObjectBytes). */
  maxConcurrentReads: number;
}

export const DEFAULT_EVIDENCE_LIMITS: Readonly<EvidenceLimits> = Object.freeze({
  maxEvents: 100,
  maxObjects: 4,
  maxObjectBytes: 16 * 1024 * 1024,
  maxListings: 6,
  maxConcurrentReads: 4,
});
