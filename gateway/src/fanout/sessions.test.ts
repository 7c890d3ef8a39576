import type { Alert } from '@vigil/core';
import { waitFor } from '@vigil/harness';
import { describe, expect, it } from 'vitest';
import { makeAlert } from '../feed/testing/alerts.ts';
import { alertIds, frames, setup } from './testing/fanout-fixture.ts';
import { testPrincipal } from './testing/principals.ts';

const SOURCES: Alert['source'][] = ['logs', 'metrics', 'transactions', 'security'];
/** Alert n of source n mod 4: every source in turn. */
const mixed = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => makeAlert(from + i, { source: SOURCES[(from + i) % 4]! }));
const securityIds = (from: number, count: number) =>
  mixed(from, count)
    .filter((a) => a.source === 'security')
    .map((a) => a.id);

const viewer = testPrincipal({ name: 'tool' });
const ingest = testPrincipal({ role: 'ingest' });
const scoped = testPrincipal({ scope: { source: ['security'] } });
const tokens = {
  vgl_viewer: viewer,
  vgl_ingest: ingest,
  vgl_scoped: scoped,
  vgl_outage: new Error('connection terminated'),
};

describe('sessions', () => {
  describe('a socket opened without credentials', () => {
    it('is told `unauthorized` and closed with 4001 when no auth frame comes within authTimeoutMs', async () => {
      const { connect } = setup({ tokens, limits: { authTimeoutMs: 20 } });
      const conn = connect({ principal: null });
      await waitFor(() => conn.closed, { message: 'closed after the auth timeout' });
      expect(conn.closedWith?.code).toBe(4001);
      expect(frames(conn)).toEqual([
        expect.objectContaining({
          op: 'error',
          code: 'unauthorized',
          message: expect.stringMatching(/20 ms/),
        }),
      ]);
    });

    it('is refused with `unauthorized` and 4001 at any frame other than auth', () => {
      for (const frame of [{ op: 'subscribe' }, { op: 'ping' }, { op: 'unsubscribe' }]) {
        const { connect, say } = setup({ tokens });
        const conn = connect({ principal: null });
        say(conn, frame);
        expect(frames(conn).map((f) => f.code)).toEqual(['unauthorized']);
        expect(conn.closedWith?.code).toBe(4001);
      }
    });

    it('answers a valid auth frame with `authenticated`, then subscribes and delivers', async () => {
      const { connect, say, feed } = setup({ tokens, limits: { authTimeoutMs: 30 } });
      const conn = connect({ principal: null });
      say(conn, { op: 'auth', token: 'vgl_viewer' });
      await waitFor(() => frames(conn, 'authenticated').length === 1, { message: 'authenticated' });
      expect(frames(conn, 'authenticated')[0]).toEqual({
        op: 'authenticated',
        name: 'tool',
        role: 'viewer',
        scope: null,
      });
      say(conn, { op: 'subscribe' });
      feed(mixed(0, 2));
      expect(alertIds(conn)).toEqual(['alert-0', 'alert-1']);
      // Past the auth timeout the authenticated socket stays open (the timer was cleared).
      const late = connect({ principal: null });
      await waitFor(() => late.closed, { message: 'a second, silent socket times out' });
      expect(conn.closed).toBe(false);
    });

    it('closes with 4001 on an auth frame with a token that is unknown, expired or revoked', async () => {
      const { connect, say, auth } = setup({ tokens });
      const conn = connect({ principal: null });
      say(conn, { op: 'auth', token: 'vgl_nobody' });
      await waitFor(() => conn.closed, { message: 'closed' });
      expect(auth.calls).toEqual(['vgl_nobody']);
      expect(conn.closedWith?.code).toBe(4001);
      expect(frames(conn).map((f) => f.code)).toEqual(['unauthorized']);
    });

    it('closes with 4003 (`forbidden`) on an auth frame with an ingest token', async () => {
      const { connect, say } = setup({ tokens });
      const conn = connect({ principal: null });
      say(conn, { op: 'auth', token: 'vgl_ingest' });
      await waitFor(() => conn.closed, { message: 'closed' });
      expect(conn.closedWith?.code).toBe(4003);
      expect(frames(conn).map((f) => f.code)).toEqual(['forbidden']);
    });

    it('answers a frame sent while its auth frame is being checked with `unauthorized`, without closing', async () => {
      const { connect, say } = setup({ tokens });
      const conn = connect({ principal: null });
      say(conn, { op: 'auth', token: 'vgl_viewer' });
      say(conn, { op: 'subscribe' });
      say(conn, { op: 'auth', token: 'vgl_viewer' });
      expect(frames(conn).map((f) => f.code)).toEqual(['unauthorized', 'bad_request']);
      await waitFor(() => frames(conn, 'authenticated').length === 1, { message: 'authenticated' });
      expect(conn.closed).toBe(false);
    });

    it('closes with 4029 (`too_many_requests`) when the auth frame names a credential at its socket cap', async () => {
      const { connect, say } = setup({ tokens, maxSocketsPerCredential: 1 });
      connect({ principal: viewer });
      const extra = connect({ principal: null });
      say(extra, { op: 'auth', token: 'vgl_viewer' });
      await waitFor(() => extra.closed, { message: 'closed at the cap' });
      expect(extra.closedWith?.code).toBe(4029);
      expect(frames(extra).map((f) => f.code)).toEqual(['too_many_requests']);
    });
  });

  describe('a socket authenticated on the upgrade', () => {
    it('needs no auth frame, and a second one is a bad request', async () => {
      const { connect, say } = setup({ tokens, limits: { authTimeoutMs: 10 } });
      const conn = connect();
      say(conn, { op: 'auth', token: 'vgl_viewer' });
      expect(frames(conn).map((f) => f.code)).toEqual(['bad_request']);
      const silent = connect({ principal: null });
      await waitFor(() => silent.closed, { message: 'the unauthenticated one timed out' });
      expect(conn.closed).toBe(false);
    });
  });

  describe("a token's scope", () => {
    it('is ANDed into every subscription: everything, another source, or a resume', async () => {
      const { connect, say, feed, history } = setup();
      const everything = connect({ principal: scoped });
      const logs = connect({ principal: scoped });
      const unscoped = connect();
      say(everything, { op: 'subscribe' });
      say(logs, { op: 'subscribe', filter: { source: ['logs'] } });
      say(unscoped, { op: 'subscribe' });
      feed(mixed(0, 8));
      expect(alertIds(unscoped)).toHaveLength(8);
      expect(alertIds(everything)).toEqual(securityIds(0, 8));
      // Subscribed (the request is valid) to a set the scope excludes: nothing, ever.
      expect(frames(logs, 'subscribed')).toHaveLength(1);
      expect(alertIds(logs)).toEqual([]);
      // A resume from the start of the ring replays only what the scope lets through.
      const resumed = connect({ principal: scoped });
      const since = history.codec.encode(0);
      say(resumed, { op: 'subscribe', filter: { source: ['logs', 'security'] }, since });
      await waitFor(() => alertIds(resumed).length === 2, { message: 'replayed' });
      feed(mixed(8, 4));
      expect(alertIds(resumed)).toEqual(securityIds(0, 12));
      expect(alertIds(logs)).toEqual([]);
      expect(alertIds(everything)).toEqual(securityIds(0, 12));
    });
  });

  describe('the subscribe rate', () => {
    it('answers subscribes past subscribesPerSecond with `too_many_requests`, and the socket stays usable', () => {
      let now = 1_000_000;
      const { connect, say, feed } = setup({ now: () => now, limits: { subscribesPerSecond: 3 } });
      const conn = connect();
      for (let i = 0; i < 6; i += 1) say(conn, { op: 'subscribe', filter: { severity: ['high'] } });
      expect(frames(conn, 'subscribed')).toHaveLength(3);
      expect(frames(conn, 'error').map((f) => f.code)).toEqual(Array(3).fill('too_many_requests'));
      say(conn, { op: 'ping' });
      expect(frames(conn, 'pong')).toHaveLength(1);
      // The third accepted subscription is live; a new second brings a new allowance.
      feed([makeAlert(0, { severity: 'high' })]);
      expect(alertIds(conn)).toEqual(['alert-0']);
      now += 1_000;
      say(conn, { op: 'subscribe' });
      expect(frames(conn, 'subscribed')).toHaveLength(4);
    });
  });

  describe('credentials', () => {
    it('counts sockets per address and per credential, and forgets them on close', () => {
      const { connect, fanout } = setup({ tokens });
      const one = testPrincipal();
      const a = connect({ ip: '10.0.0.1', principal: one });
      connect({ ip: '10.0.0.1', principal: one });
      connect({ ip: '10.0.0.2', principal: null });
      expect(fanout.sockets.countByIp('10.0.0.1')).toBe(2);
      expect(fanout.sockets.countByIp('10.0.0.2')).toBe(1);
      expect(fanout.sockets.countByCredential(one.credentialId)).toBe(2);
      expect(fanout.sockets.credentials()).toEqual([one.credentialId]);
      a.close(1000, 'bye');
      expect(fanout.sockets.countByIp('10.0.0.1')).toBe(1);
      expect(fanout.sockets.countByCredential(one.credentialId)).toBe(1);
    });

    it('closes every socket of a revoked credential with 4011, and only those', async () => {
      const { connect, say, fanout } = setup({ tokens });
      const revoked = testPrincipal();
      const upgraded = connect({ principal: revoked });
      const byFrame = connect({ principal: null });
      say(byFrame, { op: 'auth', token: 'vgl_viewer' });
      await waitFor(() => frames(byFrame, 'authenticated').length === 1, { message: 'authenticated' });
      const other = connect();
      say(upgraded, { op: 'subscribe' });
      expect(fanout.sockets.closeCredentials([revoked.credentialId, viewer.credentialId], 'revoked')).toBe(2);
      expect(upgraded.closedWith).toEqual({ code: 4011, reason: 'revoked' });
      expect(byFrame.closedWith).toEqual({ code: 4011, reason: 'revoked' });
      expect(other.closed).toBe(false);
      expect(fanout.stats()).toMatchObject({ connections: 1, subscriptions: 0 });
      expect(fanout.sockets.credentials()).toEqual([other.principal!.credentialId]);
    });

    it('closes with 1011 when an auth frame cannot be checked (the database is down): retry later', async () => {
      const { connect, say } = setup({ tokens });
      const conn = connect({ principal: null });
      say(conn, { op: 'auth', token: 'vgl_outage' });
      await waitFor(() => conn.closed, { message: 'closed' });
      expect(conn.closedWith?.code).toBe(1011);
      expect(frames(conn).map((f) => f.code)).toEqual(['internal']);
    });
  });
});
