import { WebSocket } from 'ws';
import { benchAuthHeaders } from '../lib/bench-auth.ts';
import { nowMs } from '../lib/clock.ts';

interface Frame {
  op: string;
  cursor?: string;
  code?: string;
  message?: string;
  alert?: { benchSeq?: number };
}

const parse = (data: Buffer) => JSON.parse(data.toString('utf8')) as Frame;

/** A Vigil socket authenticated as a tool is: the admin token as `Authorization: Bearer` on the upgrade. */
const openSocket = (url: string) =>
  new WebSocket(url, { perMessageDeflate: false, headers: benchAuthHeaders() });

export interface LiveClient {
  /** Cursor of the last alert received (the `subscribed` head before any). */
  readonly cursor: string;
  readonly lastSeq: number;
  waitForSeq(seq: number, timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/** A Vigil client subscribed to everything from now on, remembering its last cursor. */
export function openLiveClient(url: string): Promise<LiveClient> {
  return new Promise((resolve, reject) => {
    const ws = openSocket(url);
    let cursor = '';
    let lastSeq = 0;
    let waiter: { seq: number; done: () => void } | null = null;
    ws.on('error', reject);
    // Settles nothing once subscribed; before, a refusal (`unauthorized`, `forbidden`) must not hang the suite.
    ws.on('close', (code) => reject(new Error(`the gateway closed the live client (code ${code})`)));
    ws.on('open', () => ws.send('{"op":"subscribe","filter":{}}'));
    ws.on('message', (data: Buffer) => {
      const frame = parse(data);
      if (frame.op === 'error') reject(new Error(`subscribe refused: ${frame.code}: ${frame.message}`));
      else if (frame.op === 'subscribed') {
        cursor = frame.cursor ?? '';
        resolve(client);
      } else if (frame.op === 'alert') {
        cursor = frame.cursor ?? cursor;
        lastSeq = frame.alert?.benchSeq ?? lastSeq;
        if (waiter && lastSeq >= waiter.seq) waiter.done();
      }
    });
    const client: LiveClient = {
      get cursor() {
        return cursor;
      },
      get lastSeq() {
        return lastSeq;
      },
      waitForSeq: (seq, timeoutMs) =>
        new Promise<void>((done, fail) => {
          if (lastSeq >= seq) return done();
          const timer = setTimeout(
            () => fail(new Error(`live client never got alert ${seq} (last ${lastSeq})`)),
            timeoutMs,
          );
          waiter = {
            seq,
            done: () => {
              clearTimeout(timer);
              waiter = null;
              done();
            },
          };
        }),
      close: () =>
        new Promise<void>((done) => {
          ws.once('close', () => done());
          ws.close(1000);
        }),
    };
  });
}

export interface ResumeTiming {
  /** From opening the connection to the last missed alert received. */
  totalMs: number;
  /** From sending the subscribe with `since` to the last missed alert. */
  replayMs: number;
  /** From sending the subscribe to the first missed alert. */
  firstAlertMs: number;
  received: number;
  duplicates: number;
  outOfOrder: number;
  complete: boolean;
}

/**
 * Reconnects, subscribes with `since`, and times the catch-up: done when every alert after `afterSeq`
 * up to `afterSeq + count` has arrived. Order and duplicates are checked on the way (benchSeq).
 */
export function resumeFrom(url: string, since: string, afterSeq: number, count: number, timeoutMs: number) {
  return new Promise<ResumeTiming>((resolve, reject) => {
    const t0 = nowMs();
    let subscribedAt = t0;
    let firstAt = 0;
    let previous = afterSeq;
    const seen = new Set<number>();
    let duplicates = 0;
    let outOfOrder = 0;
    const ws = openSocket(url);
    const finish = (complete: boolean) => {
      clearTimeout(timer);
      const end = nowMs();
      ws.terminate();
      resolve({
        totalMs: Math.round((end - t0) * 10) / 10,
        replayMs: Math.round((end - subscribedAt) * 10) / 10,
        firstAlertMs: firstAt ? Math.round((firstAt - subscribedAt) * 10) / 10 : 0,
        received: seen.size,
        duplicates,
        outOfOrder,
        complete,
      });
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    ws.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    ws.on('open', () => {
      subscribedAt = nowMs();
      ws.send(JSON.stringify({ op: 'subscribe', filter: {}, since }));
    });
    ws.on('message', (data: Buffer) => {
      const frame = parse(data);
      if (frame.op === 'error') {
        clearTimeout(timer);
        ws.terminate();
        reject(new Error(`resume refused: ${frame.code}: ${frame.message}`));
        return;
      }
      if (frame.op !== 'alert') return;
      const seq = frame.alert?.benchSeq ?? -1;
      if (firstAt === 0) firstAt = nowMs();
      if (seen.has(seq)) duplicates += 1;
      else if (seq !== previous + 1) outOfOrder += 1;
      seen.add(seq);
      previous = Math.max(previous, seq);
      if (seen.size >= count && previous >= afterSeq + count) finish(true);
    });
  });
}
