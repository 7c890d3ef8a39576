/** Bounds of the HTTP side; each protects the process or the database from one oversized request. */
export interface HttpLimits {
  /** Most items one ingest request may carry (413 beyond): bounds the memory of one decoded body. */
  maxIngestItems: number;
  /** How long one health probe may take before its component counts as down. */
  healthTimeoutMs: number;
  /** Most buckets one timeline request may span (400 beyond): a chart has no use for more points. */
  maxTimelineBuckets: number;
  /** `retry-after` of a 503 when a dependency (bus, database) is unavailable. */
  retryAfterSeconds: number;
}

export const DEFAULT_HTTP_LIMITS: Readonly<HttpLimits> = Object.freeze({
  maxIngestItems: 10_000,
  healthTimeoutMs: 1_000,
  maxTimelineBuckets: 1_500,
  retryAfterSeconds: 5,
});
