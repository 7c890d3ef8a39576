/**
 * Ends every client of the given credentials (the revocation sweep's `closeCredentials`, for WebSocket
 * sessions and live tails alike) and returns how many. Iterates a copy: `close` removes the client from
 * its set.
 */
export function closeByCredential<C>(
  byCredential: ReadonlyMap<string, ReadonlySet<C>>,
  ids: readonly string[],
  close: (client: C) => void,
): number {
  let closed = 0;
  for (const id of ids) {
    for (const client of [...(byCredential.get(id) ?? [])]) {
      closed += 1;
      close(client);
    }
  }
  return closed;
}
