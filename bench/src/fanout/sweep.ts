import { MIN_CONNECTED_SHARE, type ServerSession } from './server-session.ts';
import { complete, THROUGHPUT_GAIN } from './step-row.ts';

/**
 * Raises the rate step by step for every session until each has fallen behind and stopped gaining
 * throughput, lost clients, or failed to deliver every alert. With several sessions the servers take
 * turns at each rate, so background load on a shared machine falls on all of them alike. Returns each
 * server's saturating rate: the first it did not keep up with (null: it kept up with every rate).
 */
export async function sweep(
  sessions: ServerSession[],
  rates: number[],
  clients: number,
): Promise<Map<ServerSession, number | null>> {
  const saturating = new Map<ServerSession, number | null>(sessions.map((s) => [s, null]));
  const best = new Map<ServerSession, number>(sessions.map((s) => [s, 0]));
  const active = new Set(sessions);
  for (const rate of rates) {
    for (const session of sessions) {
      if (!active.has(session)) continue;
      const row = await session.step(rate, 'sweep');
      const gained = row.deliveriesPerSec >= THROUGHPUT_GAIN * best.get(session)!;
      best.set(session, Math.max(best.get(session)!, row.deliveriesPerSec));
      if (!row.keptUp && saturating.get(session) === null) saturating.set(session, rate);
      const lostClients = session.open < MIN_CONNECTED_SHARE * clients;
      if (lostClients || !complete(row) || (!row.keptUp && !gained)) active.delete(session);
    }
    if (active.size === 0) break;
  }
  return saturating;
}
