import { type Alert, WS_CLOSE_CODES } from '@vigil/core';
import { beforeEach, describe, expect, it } from 'vitest';
import { type AlertStream, createAlertStream, type StreamProblem } from './alert-stream.ts';
import type { ConnectionState } from './connection-state.ts';
import { FakeTimers, fakeSocketFactory, makeAlert } from './stream-test-kit.ts';

describe('createAlertStream', () => {
  let timers: FakeTimers;
  let net: ReturnType<typeof fakeSocketFactory>;
  let received: Alert[];
  let states: ConnectionState[];
  let problems: StreamProblem[];
  let resyncs: number;
  let signedOut: number[];
  let stream: AlertStream;

  const socket = (i: number) => {
    const s = net.sockets[i];
    if (!s) throw new Error(`no socket ${i}`);
    return s;
  };
  const alertFrame = (id: string, cursor: string) => ({ op: 'alert', cursor, alert: makeAlert({ id }) });
  const connectLive = (i: number, head = '0') => {
    socket(i).open();
    socket(i).serverSend({ op: 'subscribed', filter: {}, cursor: head });
  };

  beforeEach(() => {
    timers = new FakeTimers();
    net = fakeSocketFactory();
    received = [];
    states = [];
    problems = [];
    resyncs = 0;
    signedOut = [];
    stream = createAlertStream({
      url: 'ws://gateway/ws',
      socket: net.factory,
      timers,
      now: timers.now,
      random: () => 0.5,
      onAlert: (alert) => received.push(alert),
      onState: (state) => states.push(state),
      onResync: () => resyncs++,
      onProblem: (problem) => problems.push(problem),
      onSignedOut: (code) => signedOut.push(code),
    });
  });

  describe('subscribing', () => {
    it('subscribes with its filter once the socket opens, without since the first time', () => {
      stream.setFilter({ severity: ['high'] });
      stream.start();
      expect(stream.state.status).toBe('connecting');
      socket(0).open();
      expect(socket(0).sent).toEqual([{ op: 'subscribe', filter: { severity: ['high'] } }]);
      socket(0).serverSend({ op: 'subscribed', filter: {}, cursor: 'c5' });
      expect(stream.state.status).toBe('live');
      expect(stream.cursor).toBe('c5');
    });

    it('delivers alerts in order and advances the cursor', () => {
      stream.start();
      connectLive(0);
      socket(0).serverSend(alertFrame('a', 'c1'));
      socket(0).serverSend(alertFrame('b', 'c2'));
      expect(received.map((a) => a.id)).toEqual(['a', 'b']);
      expect(stream.cursor).toBe('c2');
    });

    it('re-subscribes from its cursor when the filter changes', () => {
      stream.start();
      connectLive(0);
      socket(0).serverSend(alertFrame('a', 'c1'));
      stream.setFilter({ source: ['metrics'] });
      expect(socket(0).lastSent()).toEqual({ op: 'subscribe', filter: { source: ['metrics'] }, since: 'c1' });
    });

    it('sends a changed filter even before the first subscribed answer', () => {
      stream.start();
      socket(0).open();
      stream.setFilter({ ruleId: ['r'] });
      expect(socket(0).lastSent()).toEqual({ op: 'subscribe', filter: { ruleId: ['r'] } });
    });
  });

  describe('reconnecting', () => {
    it('reconnects after a close and resumes from the last cursor', () => {
      stream.start();
      connectLive(0);
      socket(0).serverSend(alertFrame('a', 'c1'));
      socket(0).serverClose(1001);
      expect(stream.state).toMatchObject({ status: 'reconnecting', attempt: 1, closeCode: 1001 });
      timers.advance(1_000);
      expect(net.sockets).toHaveLength(2);
      socket(1).open();
      expect(socket(1).sent[0]).toEqual({ op: 'subscribe', filter: {}, since: 'c1' });
    });

    it('drops an alert replayed twice across the seam (dedupe by id)', () => {
      stream.start();
      connectLive(0);
      socket(0).serverSend(alertFrame('a', 'c1'));
      socket(0).serverClose();
      timers.advance(1_000);
      connectLive(1, 'c9');
      socket(1).serverSend(alertFrame('a', 'c1'));
      socket(1).serverSend(alertFrame('b', 'c2'));
      expect(received.map((a) => a.id)).toEqual(['a', 'b']);
    });

    it('backs off exponentially while the gateway stays down, capped', () => {
      stream.start();
      const delays: number[] = [];
      for (let i = 0; i < 10; i++) {
        socket(i).serverClose();
        const state = stream.state;
        if (state.status !== 'reconnecting') throw new Error('expected reconnecting');
        delays.push(state.retryAt - timers.time);
        timers.advance(state.retryAt - timers.time);
      }
      expect(delays.slice(0, 4)).toEqual([375, 750, 1500, 3000]);
      expect(Math.max(...delays)).toBe(22_500);
    });

    it('resets the backoff once a reconnect is subscribed', () => {
      stream.start();
      socket(0).serverClose();
      timers.advance(375);
      socket(1).serverClose();
      timers.advance(750);
      connectLive(2);
      socket(2).serverClose();
      expect(stream.state).toMatchObject({ attempt: 1, retryAt: timers.time + 375 });
    });

    it('retries at once on retryNow', () => {
      stream.start();
      socket(0).serverClose();
      stream.retryNow();
      expect(net.sockets).toHaveLength(2);
      expect(stream.state.status).toBe('connecting');
    });

    it('replaces a socket that stops answering pings', () => {
      stream.start();
      connectLive(0);
      timers.advance(25_000);
      expect(socket(0).lastSent()).toEqual({ op: 'ping' });
      timers.advance(10_000);
      expect(socket(0).closed?.code).toBe(WS_CLOSE_CODES.clientTimeout);
      expect(stream.state.status).toBe('reconnecting');
    });

    it('keeps a socket that answers pings', () => {
      stream.start();
      connectLive(0);
      timers.advance(25_000);
      socket(0).serverSend({ op: 'pong' });
      timers.advance(10_000);
      expect(socket(0).closed).toBeNull();
      expect(stream.state.status).toBe('live');
    });

    it('ignores events from a socket it already abandoned', () => {
      stream.start();
      connectLive(0);
      socket(0).serverClose();
      socket(0).serverSend(alertFrame('late', 'c7'));
      expect(received).toEqual([]);
    });
  });

  describe('signed out (4001 unauthorized, 4003 forbidden, 4011 credentials revoked)', () => {
    for (const code of [4001, 4003, 4011]) {
      it(`stops on close ${code} instead of reconnecting in a loop, and says so once`, () => {
        stream.start();
        connectLive(0);
        socket(0).serverClose(code);
        expect(stream.state).toEqual({ status: 'signed-out', closeCode: code });
        expect(signedOut).toEqual([code]);
        timers.advance(120_000);
        expect(net.sockets).toHaveLength(1);
        expect(timers.pendingCount).toBe(0);
        stream.retryNow();
        expect(net.sockets).toHaveLength(1);
      });
    }

    it('stops too when the gateway refuses the socket before it is subscribed', () => {
      stream.start();
      socket(0).open();
      socket(0).serverSend({ op: 'error', code: 'unauthorized', message: 'sign in' });
      socket(0).serverClose(4001);
      expect(stream.state.status).toBe('signed-out');
      timers.advance(60_000);
      expect(net.sockets).toHaveLength(1);
    });

    it('connects again when started after signing in', () => {
      stream.start();
      socket(0).serverClose(4001);
      stream.start();
      expect(net.sockets).toHaveLength(2);
      expect(stream.state.status).toBe('connecting');
    });

    it('still reconnects after any other close', () => {
      stream.start();
      connectLive(0);
      socket(0).serverClose(WS_CLOSE_CODES.policyViolation);
      expect(stream.state.status).toBe('reconnecting');
      expect(signedOut).toEqual([]);
    });
  });

  describe('offline and stop', () => {
    it('stops retrying while the browser is offline and reconnects when it returns', () => {
      stream.start();
      connectLive(0);
      stream.setOnline(false);
      expect(stream.state.status).toBe('offline');
      expect(socket(0).closed).not.toBeNull();
      timers.advance(60_000);
      expect(net.sockets).toHaveLength(1);
      stream.setOnline(true);
      expect(net.sockets).toHaveLength(2);
    });

    it('closes normally and schedules nothing on stop', () => {
      stream.start();
      connectLive(0);
      stream.stop();
      expect(socket(0).closed?.code).toBe(1000);
      expect(timers.pendingCount).toBe(0);
      expect(states.at(-1)).toEqual({ status: 'idle' });
    });
  });

  describe('server errors', () => {
    it('re-subscribes without since and asks for a resync when the cursor expired', () => {
      stream.start();
      connectLive(0);
      socket(0).serverSend(alertFrame('a', 'c1'));
      socket(0).serverSend({ op: 'error', code: 'cursor_expired', message: 'gone' });
      expect(socket(0).lastSent()).toEqual({ op: 'subscribe', filter: {} });
      expect(resyncs).toBe(1);
    });

    it('reports other errors and bad frames without dropping the connection', () => {
      stream.start();
      connectLive(0);
      socket(0).serverSend({ op: 'error', code: 'bad_request', message: 'nope' });
      socket(0).handlers.message('not json');
      expect(problems.map((p) => p.kind)).toEqual(['server', 'protocol']);
      expect(stream.state.status).toBe('live');
    });

    it('treats a socket factory that throws as a failed attempt', () => {
      const failing = createAlertStream({
        url: 'bad',
        socket: () => {
          throw new Error('SyntaxError');
        },
        timers,
        now: timers.now,
        random: () => 0,
        onAlert: () => {},
        onState: () => {},
      });
      failing.start();
      expect(failing.state.status).toBe('reconnecting');
    });
  });
});
