/**
 * Request smuggling defence for the uWS transport (no uWS import: plain logic, unit-tested).
 *
 * uWS frames a body by the first Content-Length it sees. A lenient proxy in front may have framed it by
 * another one, so the bytes between the two would be read here as a second request the proxy never saw.
 * Such a request is answered 400 with the connection closed, but uWS has already parsed the rest of that
 * read and dispatches the smuggled request right after (microtasks run in between, so no flag set by the
 * first handler survives until the second one, and uWS gives no connection identity). So the remote address
 * is quarantined until the current event-loop turn ends (`defer`, setImmediate in production): every request
 * from it in that turn is refused with a 400 and a close, unrun. Another client behind the same proxy whose request lands in the
 * same turn is refused too: rare, retriable, and the price of never running a smuggled request.
 */
export interface FramingGuard {
  /** Whether the (comma-joined) Content-Length values conflict: more than one distinct value, or not digits. */
  conflicting(contentLength: string | undefined): boolean;
  /** Refuses every request from `address` until the current loop turn ends. */
  quarantine(address: string): void;
  isQuarantined(address: string): boolean;
}

export function createFramingGuard(defer: (run: () => void) => void = setImmediate): FramingGuard {
  const quarantined = new Set<string>();
  return {
    conflicting(contentLength) {
      if (contentLength === undefined) return false;
      // Repeats of one value are allowed (RFC 9110 §8.6); anything else is a framing error (RFC 9112 §6.3).
      const values = contentLength.split(',').map((v) => v.trim());
      return !values.every((v) => /^\d+$/.test(v) && v === values[0]);
    },
    quarantine(address) {
      if (quarantined.has(address)) return;
      quarantined.add(address);
      defer(() => quarantined.delete(address));
    },
    isQuarantined: (address) => quarantined.has(address),
  };
}
