/** What the client is doing about its WebSocket; drives the status badge. */
export type ConnectionState =
  | { status: 'idle' }
  | { status: 'connecting'; attempt: number }
  | { status: 'live'; since: number }
  | { status: 'reconnecting'; attempt: number; retryAt: number; closeCode: number | null }
  | { status: 'offline' }
  /** Closed 4001/4003/4011: no reconnect until the user signs in again. */
  | { status: 'signed-out'; closeCode: number };

export interface ConnectionLabel {
  text: string;
  tone: 'ok' | 'warn' | 'muted';
}

/** Human text for a state; `now` turns retryAt into "reconnecting in 3 s". */
export function describeConnection(state: ConnectionState, now: number): ConnectionLabel {
  switch (state.status) {
    case 'live':
      return { text: 'Live', tone: 'ok' };
    case 'connecting':
      return { text: state.attempt === 0 ? 'Connecting…' : 'Reconnecting…', tone: 'warn' };
    case 'reconnecting': {
      const seconds = Math.max(0, Math.ceil((state.retryAt - now) / 1000));
      return { text: seconds > 0 ? `Reconnecting in ${seconds} s` : 'Reconnecting…', tone: 'warn' };
    }
    case 'offline':
      return { text: 'Offline', tone: 'muted' };
    case 'signed-out':
      return { text: 'Signed out', tone: 'muted' };
    case 'idle':
      return { text: 'Not connected', tone: 'muted' };
  }
}
