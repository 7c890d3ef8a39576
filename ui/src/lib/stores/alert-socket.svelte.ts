import type { Alert, AlertFilter } from '@vigil/core';
import { matchesFilter, WS_PATH } from '@vigil/core';
import { api } from '../api/api.ts';
import { toLogin } from '../auth/to-login.ts';
import { createFrameBatcher } from '../batching/frame-batcher.ts';
import { applyUpdates, type FeedItem, mergeLoaded, prependBatch } from '../feed/feed-list.ts';
import { LatencyWindow } from '../format/latency.ts';
import { latestById } from '../lifecycle/revisions.ts';
import { type AlertStream, createAlertStream } from '../stream/alert-stream.ts';
import type { ConnectionState } from '../stream/connection-state.ts';
import { browserSocket, sameOriginWsUrl } from '../stream/socket-like.ts';
import { session } from './session.svelte.ts';

type BatchListener = (batch: readonly FeedItem[]) => void;
/** The latest state of each episode changed in one animation frame, by id. */
export type UpdatesListener = (updates: ReadonlyMap<string, Alert>) => void;

/** What the socket hands over per frame: a new episode (`alert`) or a later state of one (`update`). */
interface StreamItem extends FeedItem {
  update: boolean;
}

/** Receive times kept for the detail page's timeline; older ones are forgotten first. */
const RECEIVED_CAPACITY = 5_000;
/** While the tab is hidden animation frames stop; flush on a timer instead so nothing piles up. */
const HIDDEN_FLUSH_MS = 500;

const sameFilter = (a: AlertFilter, b: AlertFilter) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The tab's one WebSocket, shared by every page. Alerts are handed to the UI once per animation frame
 * (a burst of 1,000 alerts is one feed update, one chart update); pages register batch listeners for new
 * episodes and update listeners for later states of episodes (`update` frames, and this tab's own status
 * changes as the gateway answered them).
 */
class AlertSocket {
  state = $state<ConnectionState>({ status: 'idle' });
  /** Newest first, capped; only alerts matching the current subscription. */
  feed = $state.raw<FeedItem[]>([]);
  filter = $state.raw<AlertFilter>({});
  latencyMedian = $state<number | null>(null);
  latencySamples = $state(0);
  receivedCount = $state(0);
  problem = $state<string | null>(null);

  #stream: AlertStream | null = null;
  #listening = false;
  /** A refused socket was followed by a successful /api/auth/me and a new socket that is not live yet. */
  #rechecked = false;
  #listeners = new Set<BatchListener>();
  #updateListeners = new Set<UpdatesListener>();
  #resyncListeners = new Set<() => void>();
  #receivedAt = new Map<string, number>();
  #latency = new LatencyWindow();
  #batcher = createFrameBatcher<StreamItem>({
    schedule: (fn) => {
      if (document.hidden) setTimeout(fn, HIDDEN_FLUSH_MS);
      else requestAnimationFrame(fn);
    },
    flush: (batch) => this.#flush(batch),
  });

  /** Opens the socket; idempotent, called by the root layout once signed in. */
  start(): void {
    if (this.#stream) return;
    this.#stream = createAlertStream({
      url: sameOriginWsUrl(location, WS_PATH),
      socket: browserSocket,
      timers: { set: (fn, ms) => setTimeout(fn, ms), clear: (h) => clearTimeout(h as number) },
      now: Date.now,
      random: Math.random,
      onAlert: (alert, receivedAt) => this.#batcher.push({ alert, receivedAt, update: false }),
      onUpdate: (alert, receivedAt) => this.#batcher.push({ alert, receivedAt, update: true }),
      onState: (state) => {
        this.state = state;
        if (state.status === 'live') {
          this.problem = null;
          this.#rechecked = false;
        }
      },
      onResync: () => {
        for (const listener of this.#resyncListeners) listener();
      },
      onProblem: (problem) => {
        // Shown in the status badge's tooltip; the stream has already recovered or will reconnect.
        this.problem = problem.code ? `${problem.code}: ${problem.message}` : problem.message;
        console.warn('vigil websocket', problem);
      },
      // 4001/4003/4011: the stream has stopped; a reconnect with the same credentials would be refused.
      onSignedOut: () => {
        this.#stream = null;
        void this.#recheck();
      },
    });
    this.#listen();
    // A socket started again after sign-in keeps the page's filter.
    this.#stream.setFilter(this.filter);
    this.#stream.setOnline(navigator.onLine);
    this.#stream.start();
  }

  /** Closes the socket (sign-out, the sign-in page); start() opens a new one. */
  stop(): void {
    this.#stream?.stop();
    this.#stream = null;
    this.feed = [];
  }

  /**
   * Whether the session really ended: a password change renews the cookie but revokes the session the
   * open socket was admitted with (4011), so ask once; signed in still, open a new socket. A second
   * refusal before that socket went live means the credentials cannot subscribe: sign in again.
   */
  async #recheck(): Promise<void> {
    if (this.#rechecked) {
      toLogin();
      return;
    }
    this.#rechecked = true;
    try {
      session.signedIn(await api.auth.me());
      this.start();
    } catch (err) {
      // A 401 has already opened the sign-in page; anything else leaves no way to tell, so sign in too.
      console.warn('vigil websocket refused and /api/auth/me failed', err);
      toLogin();
    }
  }

  #listen(): void {
    if (this.#listening) return;
    this.#listening = true;
    addEventListener('online', () => this.#stream?.setOnline(true));
    addEventListener('offline', () => this.#stream?.setOnline(false));
    document.addEventListener('visibilitychange', () => {
      if (document.hidden) this.#batcher.flushNow();
    });
  }

  /** Replaces the subscription (pages call this with their filter); the feed restarts for it. */
  setFilter(filter: AlertFilter): void {
    if (sameFilter(filter, this.filter)) return;
    this.filter = filter;
    this.feed = [];
    this.#stream?.setFilter(filter);
  }

  /** Adds REST-loaded alerts to the feed under the live ones. */
  seedFeed(alerts: readonly Alert[]): void {
    this.feed = mergeLoaded(
      this.feed,
      alerts.filter((a) => matchesFilter(this.filter, a)),
    );
  }

  /** Called once per animation frame with that frame's alerts, oldest first. */
  onBatch(listener: BatchListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Called once per animation frame with the latest state of each episode that changed (`update` frames),
   * after that frame's batch of new alerts. Listeners replace by id when the revision is higher.
   */
  onUpdates(listener: UpdatesListener): () => void {
    this.#updateListeners.add(listener);
    return () => this.#updateListeners.delete(listener);
  }

  /**
   * Hands alerts as the gateway answered a status change made in this tab to every view now, as if pushed:
   * the pushed `update` of the same revision that follows changes nothing, so the change counts once.
   */
  applyLocal(alerts: readonly Alert[]): void {
    if (alerts.length > 0) this.#applyUpdates(latestById(alerts));
  }

  /** Called when the gateway lost our cursor: alerts may be missing, pages reload from REST. */
  onResync(listener: () => void): () => void {
    this.#resyncListeners.add(listener);
    return () => this.#resyncListeners.delete(listener);
  }

  /** When this tab received the alert over the WebSocket, if it did. */
  receivedAt(id: string): number | undefined {
    return this.#receivedAt.get(id);
  }

  retryNow(): void {
    this.#stream?.retryNow();
  }

  #flush(items: StreamItem[]): void {
    const batch: FeedItem[] = [];
    const updates: Alert[] = [];
    for (const item of items) {
      if (item.update) updates.push(item.alert);
      else batch.push({ alert: item.alert, receivedAt: item.receivedAt });
    }
    // New episodes first: an update in the same frame may be a later state of one of them.
    if (batch.length > 0) this.#flushAlerts(batch);
    if (updates.length > 0) this.#applyUpdates(latestById(updates));
  }

  #applyUpdates(updates: ReadonlyMap<string, Alert>): void {
    this.feed = applyUpdates(this.feed, updates);
    for (const listener of this.#updateListeners) listener(updates);
  }

  #flushAlerts(batch: FeedItem[]): void {
    for (const { alert, receivedAt } of batch) {
      if (receivedAt !== null) {
        this.#receivedAt.set(alert.id, receivedAt);
        this.#latency.record(alert.detectedAt, receivedAt);
      }
    }
    while (this.#receivedAt.size > RECEIVED_CAPACITY) {
      this.#receivedAt.delete(this.#receivedAt.keys().next().value as string);
    }
    this.receivedCount += batch.length;
    this.latencyMedian = this.#latency.median();
    this.latencySamples = this.#latency.count;
    // Frames of the previous subscription may still arrive after a filter change; the feed shows the current one.
    this.feed = prependBatch(
      this.feed,
      batch.filter((item) => matchesFilter(this.filter, item.alert)),
    );
    for (const listener of this.#listeners) listener(batch);
  }
}

export const alertSocket = new AlertSocket();
