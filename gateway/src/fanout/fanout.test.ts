import { waitFor } from '@vigil/harness';
import { describe, expect, it } from 'vitest';
import { makeAlert } from '../feed/testing/alerts.ts';
import { fakeHistory } from './testing/fake-history.ts';
import { alertIds, alerts, frames, ids, MAX, setup } from './testing/fanout-fixture.ts';

describe('fan-out', () => {
  describe('frames', () => {
    it('answers ping with pong', () => {
      const { connect, say } = setup();
      const conn = connect();
      say(conn, { op: 'ping' });
      expect(conn.parsed()).toEqual([{ op: 'pong' }]);
    });

    it('answers every bad frame with an error frame and keeps the connection', async () => {
      const { connect, fanout, metric } = setup();
      const conn = connect();
      fanout.message(conn, 'garbage');
      fanout.message(conn, null);
      fanout.message(conn, '{"op":"dance"}');
      fanout.message(conn, '{"op":"subscribe","filter":{"severity":["urgent"]}}');
      fanout.message(conn, JSON.stringify({ op: 'subscribe', filter: { service: ids(0, 51) } }));
      fanout.message(conn, '{"op":"subscribe","since":"not-a-cursor"}');
      expect(frames(conn).map((f) => f.code)).toEqual([
        'bad_request',
        'bad_request',
        'bad_request',
        'bad_request',
        'too_many_values',
        'bad_request',
      ]);
      expect(conn.closed).toBe(false);
      expect(await metric('vigil_ws_errors_total')).toContainEqual(
        expect.objectContaining({ labels: { code: 'bad_request' }, value: 5 }),
      );
    });
  });

  describe('live subscriptions', () => {
    it('announce the head cursor, then deliver the alerts after it', () => {
      const { connect, say, feed, history } = setup();
      feed(alerts(0, 2));
      const conn = connect();
      say(conn, { op: 'subscribe' });
      expect(frames(conn)[0]).toEqual({ op: 'subscribed', filter: {}, cursor: history.codec.encode(2) });
      feed(alerts(2, 2));
      expect(alertIds(conn)).toEqual(ids(2, 2));
      expect(frames(conn, 'alert')[1]!.cursor).toBe(history.codec.encode(4));
    });

    it('deliver only what matches the filter', () => {
      const { connect, say, feed } = setup();
      const critical = connect();
      const payments = connect();
      say(critical, { op: 'subscribe', filter: { severity: ['critical'] } });
      say(payments, { op: 'subscribe', filter: { service: ['payments'], source: ['logs'] } });
      feed([
        makeAlert(0, { severity: 'critical', service: 'api' }),
        makeAlert(1),
        makeAlert(2, { source: 'metrics' }),
      ]);
      expect(alertIds(critical)).toEqual(['alert-0']);
      expect(alertIds(payments)).toEqual(['alert-1']);
    });

    it('publish each alert once per matching distinct filter, not once per client', () => {
      const { connect, say, feed, pubsub, fanout } = setup();
      const clients = Array.from({ length: 10 }, () => connect());
      for (const conn of clients) say(conn, { op: 'subscribe', filter: { severity: ['high', 'critical'] } });
      say(connect(), { op: 'subscribe', filter: { severity: ['low'] } });
      feed(alerts(0, 3));
      expect(pubsub.published).toBe(3);
      expect(fanout.stats()).toMatchObject({ connections: 11, subscriptions: 11, groups: 2 });
      for (const conn of clients) expect(alertIds(conn)).toEqual(ids(0, 3));
    });

    it('replace the subscription on a new subscribe and drop empty groups', () => {
      const { connect, say, feed, fanout } = setup();
      const conn = connect();
      say(conn, { op: 'subscribe', filter: { severity: ['high'] } });
      say(conn, { op: 'subscribe', filter: { severity: ['low'] } });
      expect(fanout.stats()).toMatchObject({ subscriptions: 1, groups: 1 });
      feed([makeAlert(0), makeAlert(1, { severity: 'low' })]);
      expect(alertIds(conn)).toEqual(['alert-1']);
    });

    it('stop on unsubscribe', () => {
      const { connect, say, feed, fanout } = setup();
      const conn = connect();
      say(conn, { op: 'subscribe' });
      say(conn, { op: 'unsubscribe' });
      feed(alerts(0, 1));
      expect(frames(conn).map((f) => f.op)).toEqual(['subscribed', 'unsubscribed']);
      expect(fanout.stats()).toMatchObject({ subscriptions: 0, groups: 0 });
    });

    it('forget a closed connection and its group', () => {
      const { connect, say, fanout } = setup();
      const conn = connect();
      say(conn, { op: 'subscribe' });
      conn.close(1000, 'bye');
      expect(fanout.stats()).toEqual({ connections: 0, subscriptions: 0, groups: 0, replaying: 0 });
    });

    it('keep a malformed-cursor subscribe from changing the current subscription', () => {
      const { connect, say, feed } = setup();
      const conn = connect();
      say(conn, { op: 'subscribe' });
      say(conn, { op: 'subscribe', since: 'nonsense' });
      feed(alerts(0, 1));
      expect(alertIds(conn)).toEqual(['alert-0']);
    });
  });

  describe('slow consumers', () => {
    it('are closed with 4008 after a chunk pushes them over the bound; others keep receiving', async () => {
      const { connect, say, feed, sweep, metric } = setup();
      const slow = connect();
      const fine = connect();
      say(slow, { op: 'subscribe' });
      say(fine, { op: 'subscribe' });
      feed(alerts(0, 2));
      slow.buffered = MAX + 1;
      sweep();
      expect(slow.closedWith).toEqual({ code: 4008, reason: 'slow consumer' });
      expect(fine.closed).toBe(false);
      feed(alerts(2, 1));
      expect(alertIds(fine)).toEqual(ids(0, 3));
      expect(await metric('vigil_ws_slow_clients_dropped_total')).toEqual([
        expect.objectContaining({ labels: { reason: 'live' }, value: 1 }),
      ]);
    });

    it('are checked on the next turn once checkBytes went out, else checkIntervalMs after a publish', () => {
      const frameBytes = fakeHistory().append(alerts(0, 1))[0]!.frame.length;
      const { connect, say, feed, sweep, delays } = setup({
        limits: { checkBytes: 3 * frameBytes, checkIntervalMs: 100 },
      });
      const slow = connect();
      const fine = connect();
      say(slow, { op: 'subscribe' });
      say(fine, { op: 'subscribe' });
      feed(alerts(0, 1));
      feed(alerts(1, 1));
      expect(delays).toEqual([100]); // one pending check for both, on the timer
      feed(alerts(2, 4)); // past checkBytes: a check on the next turn replaces the timer's
      expect(delays).toEqual([100, 0]);
      slow.buffered = MAX + 1;
      sweep(); // the stale timer task runs too, and does nothing more
      expect(slow.closedWith?.code).toBe(4008);
      expect(fine.closed).toBe(false);
      feed(alerts(6, 1));
      expect(delays).toEqual([100, 0, 100]); // counting starts again after a check
    });

    it('are closed when a direct frame takes them over the bound', () => {
      const { connect, say } = setup();
      const conn = connect();
      conn.buffered = MAX + 1;
      say(conn, { op: 'ping' });
      expect(conn.closedWith?.code).toBe(4008);
    });
  });

  describe('after the feed lost a gap', () => {
    it('closes live subscribers with 4010 and leaves replaying and unsubscribed clients alone', async () => {
      const { connect, say, feed, history, fanout, metric } = setup({ ringMaxAlerts: 4 });
      feed(alerts(0, 10));
      const live = connect();
      say(live, { op: 'subscribe' });
      const replaying = connect();
      say(replaying, { op: 'subscribe', since: history.codec.encode(1) }); // from the bus: still reading
      const idle = connect();
      fanout.lost({ from: 10, to: 12 });
      expect(live.closedWith).toEqual({ code: 4010, reason: 'alerts missed; resume from your last cursor' });
      expect(replaying.closed).toBe(false);
      expect(idle.closed).toBe(false);
      expect((await metric('vigil_ws_resume_required_total'))[0]?.value).toBe(1);
      // The replaying client re-plans from the feed's window by itself and goes live.
      await waitFor(() => fanout.stats().replaying === 0, { message: 'replay done' });
      expect(alertIds(replaying)).toEqual(ids(1, 9));
    });
  });

  describe('resume with since', () => {
    it('replays the missed alerts from the ring, then continues live with no gap or duplicate', () => {
      const { connect, say, feed, history } = setup();
      const seen = feed(alerts(0, 5));
      const conn = connect();
      say(conn, { op: 'subscribe', since: JSON.parse(seen[1]!.frame).cursor });
      expect(alertIds(conn)).toEqual(ids(2, 3));
      expect(frames(conn)[0]).toMatchObject({ op: 'subscribed', cursor: history.codec.encode(5) });
      feed(alerts(5, 2));
      expect(alertIds(conn)).toEqual(ids(2, 5));
      expect(history.busReads).toEqual([]);
    });

    it('applies the filter to the replay', () => {
      const { connect, say, feed, history } = setup();
      feed([makeAlert(0), makeAlert(1, { severity: 'low' }), makeAlert(2)]);
      const conn = connect();
      say(conn, { op: 'subscribe', filter: { severity: ['low'] }, since: history.codec.encode(0) });
      expect(alertIds(conn)).toEqual(['alert-1']);
    });

    it('at the head replays nothing and goes live', () => {
      const { connect, say, feed, history } = setup();
      feed(alerts(0, 3));
      const conn = connect();
      say(conn, { op: 'subscribe', since: history.headCursor() });
      feed(alerts(3, 1));
      expect(alertIds(conn)).toEqual(['alert-3']);
    });

    it('reads what the ring has evicted from the bus, while live alerts keep arriving', async () => {
      const { connect, say, feed, history, fanout } = setup({ ringMaxAlerts: 4 });
      feed(alerts(0, 10));
      const conn = connect();
      say(conn, { op: 'subscribe', since: history.codec.encode(1) });
      // Live alerts during the bus read: the ring keeps them until the replay gets there.
      feed(alerts(10, 3));
      await waitFor(() => fanout.stats().replaying === 0, { message: 'replay done' });
      feed(alerts(13, 2));
      expect(alertIds(conn)).toEqual(ids(1, 14));
      expect(history.busReads[0]).toEqual({ from: 1, to: 6 });
    });

    it('goes back to the bus when the ring overtakes a slow replay', async () => {
      const { connect, say, feed, history, fanout } = setup({ ringMaxAlerts: 3 });
      feed(alerts(0, 6));
      const conn = connect();
      say(conn, { op: 'subscribe', since: history.codec.encode(0) });
      feed(alerts(6, 6)); // the ring (3) moves past where the bus read will stop (3)
      await waitFor(() => fanout.stats().replaying === 0, { message: 'replay done' });
      expect(alertIds(conn)).toEqual(ids(0, 12));
      expect(history.busReads.length).toBeGreaterThan(1);
    });

    it('pauses at the high-water mark and continues on drain', async () => {
      const { connect, say, feed, history, fanout } = setup();
      feed(alerts(0, 6));
      const conn = connect();
      conn.buffered = MAX / 2; // every send now looks like it filled the buffer
      say(conn, { op: 'subscribe', since: history.codec.encode(0) });
      expect(alertIds(conn)).toEqual(['alert-0']);
      fanout.drain(conn); // still above the low-water mark: keeps waiting
      expect(alertIds(conn)).toEqual(['alert-0']);
      conn.buffered = 0;
      fanout.drain(conn);
      await waitFor(() => fanout.stats().replaying === 0, { message: 'replay done' });
      expect(alertIds(conn)).toEqual(ids(0, 6));
    });

    it('cuts off a replaying client that does not drain', async () => {
      const { connect, say, feed, history } = setup({ limits: { drainTimeoutMs: 10 } });
      feed(alerts(0, 3));
      const conn = connect();
      conn.buffered = MAX / 2;
      say(conn, { op: 'subscribe', since: history.codec.encode(0) });
      await waitFor(() => conn.closed, { message: 'cut off' });
      expect(conn.closedWith?.code).toBe(4008);
    });

    it('answers cursor_expired for a cursor of another epoch', () => {
      const { connect, say } = setup();
      const conn = connect();
      say(conn, { op: 'subscribe', since: 'other-epoch.0000000000001' });
      expect(frames(conn)).toEqual([expect.objectContaining({ op: 'error', code: 'cursor_expired' })]);
    });

    it('answers cursor_expired for a cursor older than the bus retains, and leaves no subscription', async () => {
      const { connect, say, feed, history, fanout } = setup({ ringMaxAlerts: 2 });
      feed(alerts(0, 5));
      history.low = 2;
      const conn = connect();
      say(conn, { op: 'subscribe' });
      say(conn, { op: 'subscribe', since: history.codec.encode(1) });
      await waitFor(() => frames(conn, 'error').length > 0, { message: 'error frame' });
      expect(frames(conn, 'error')[0]!.code).toBe('cursor_expired');
      expect(fanout.stats().subscriptions).toBe(0);
    });

    it('waits for this gateway to reach a cursor from one ahead of it', async () => {
      const { connect, say, feed, history, fanout } = setup();
      feed(alerts(0, 2));
      history.aheadBy = 5;
      const conn = connect();
      say(conn, { op: 'subscribe', since: history.codec.encode(4) });
      await waitFor(() => frames(conn, 'subscribed').length > 0, { message: 'subscribed' });
      feed(alerts(2, 2)); // offsets 2 and 3: the client had them from the other gateway
      await waitFor(() => fanout.stats().replaying === 0, { message: 'caught up' });
      feed(alerts(4, 1));
      expect(alertIds(conn)).toEqual(['alert-4']);
    });

    it('answers cursor_expired for a cursor beyond anything the topic holds', async () => {
      const { connect, say, history } = setup();
      const conn = connect();
      say(conn, { op: 'subscribe', since: history.codec.encode(99) });
      await waitFor(() => frames(conn, 'error').length > 0, { message: 'error frame' });
      expect(frames(conn, 'error')[0]!.code).toBe('cursor_expired');
    });

    it('cancels a replay when the client subscribes again', async () => {
      const { connect, say, feed, history, fanout } = setup({ ringMaxAlerts: 2 });
      feed(alerts(0, 20));
      const conn = connect();
      say(conn, { op: 'subscribe', since: history.codec.encode(0) });
      say(conn, { op: 'subscribe', filter: { severity: ['low'] } });
      await waitFor(() => fanout.stats().replaying === 0, { message: 'replay cancelled' });
      const before = alertIds(conn).length;
      feed(alerts(20, 1));
      await new Promise((resolve) => setImmediate(resolve));
      expect(alertIds(conn).length).toBe(before);
      expect(fanout.stats()).toMatchObject({ subscriptions: 1, groups: 1 });
    });
  });

  it('counts a frame over the size limit, which uWS closes on', async () => {
    const { connect, fanout, metric } = setup();
    const conn = connect();
    fanout.close(conn, 1006, 'Received too big message');
    expect(await metric('vigil_ws_errors_total')).toContainEqual(
      expect.objectContaining({ labels: { code: 'too_large' }, value: 1 }),
    );
  });
});
