import type { TokenRole } from '@vigil/core';
import { describe, expect, it } from 'vitest';
import type { Me } from './me.ts';
import { actionForPath, can, navLinksFor, UI_ACTIONS, type UiAction } from './permissions.ts';

const as = (role: TokenRole): Me => ({
  kind: 'user',
  id: `u-${role}`,
  name: role,
  role,
  scope: null,
  sources: null,
  expiresAt: null,
  hasPassword: true,
});
const actions = Object.keys(UI_ACTIONS) as UiAction[];
const allowed = (me: Me | null) => actions.filter((action) => can(me, action));

describe('can', () => {
  it('lets a viewer read and nothing else', () => {
    expect(allowed(as('viewer'))).toEqual(['read']);
  });

  it('lets an operator also change alert statuses and silence, but not administer', () => {
    expect(allowed(as('operator'))).toEqual(['read', 'changeStatus', 'silence']);
  });

  it('lets an admin do everything', () => {
    expect(allowed(as('admin'))).toEqual(actions);
  });

  it('lets nobody signed out, and an ingest token nothing on the dashboard', () => {
    expect(allowed(null)).toEqual([]);
    expect(allowed(as('ingest'))).toEqual([]);
  });
});

describe('navLinksFor', () => {
  const labels = (me: Me | null) => navLinksFor(me).map((link) => link.label);

  it('shows Users, Tokens, Channels, Routing and Audit only to admins', () => {
    const everyone = ['Overview', 'Alerts', 'Events', 'Rules', 'Services', 'Silences'];
    expect(labels(as('viewer'))).toEqual(everyone);
    expect(labels(as('operator'))).toEqual(everyone);
    expect(labels(as('admin'))).toEqual([
      'Overview',
      'Alerts',
      'Events',
      'Rules',
      'Services',
      'Silences',
      'Users',
      'Tokens',
      'Channels',
      'Routing',
      'Audit',
    ]);
  });
});

describe('actionForPath', () => {
  it('names what an admin page needs, and read for every other page', () => {
    expect(actionForPath('/admin/tokens')).toBe('manageTokens');
    expect(actionForPath('/admin/audit')).toBe('readAudit');
    expect(actionForPath('/alerts/abc')).toBe('read');
    expect(actionForPath('/')).toBe('read');
  });
});
