import { MIN_CONNECTED_SHARE, type ServerSession } from './server-session.ts';

/**
 * Raises the rate step by step for every session until each stops keeping up (or loses clients). With
 * several sessions the servers take turns at each rate, so background load on a shared machine falls
 * on all of them alike. Returns each server's saturating rate (null: it kept up with every rate).
 */
export async function sweep(
  sessions: ServerSession[],
  rates: number[],
  clients: number,
): Promise<Map<ServerSession, number | null>> {
  const saturating = new Map<ServerSession, number | null>(sessions.map((s) => [s, null]));
  const active = new Set(sessions);
  for (const rate of rates) {
    for (const session of sessions) {
      if (!active.has(session)) continue;
      const row = await session.step(rate, 'sweep');
      if (!row.keptUp) saturating.set(session, rate);
      if (!row.keptUp || session.open < MIN_CONNECTED_SHARE * clients) active.delete(session);
    }
    if (active.size === 0) break;
  }
  return saturating;
}
