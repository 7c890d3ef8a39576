import { decide, type Permission, type Principal } from '@vigil/core';
import type { Me } from './me.ts';

/**
 * What the dashboard shows or hides, each with the permission the gateway declares on the routes behind
 * it (gateway/README.md, "Auth", role per route). Hiding is a courtesy: the gateway answers 403 regardless.
 */
export const UI_ACTIONS = {
  /** Alerts, stats, rules, services, the live feed. */
  read: 'viewer',
  /** Acknowledge, resolve, reopen, comment: PATCH /api/alerts/{id}, POST /api/alerts/bulk, POST …/comments. */
  changeStatus: 'operator',
  /** Create, preview and expire silences: POST /api/silences, POST /api/silences/preview, DELETE /api/silences/{id}. */
  silence: 'operator',
  /** Create, change, disable, delete, restore and backtest rules: PUT/PATCH/DELETE /api/rules/{id}, POST /api/rules/backtest. */
  manageRules: 'admin',
  /** /admin/users: the /api/users routes. */
  manageUsers: 'admin',
  /** /admin/tokens: the /api/tokens routes. */
  manageTokens: 'admin',
  /** /admin/audit: GET /api/audit. */
  readAudit: 'admin',
  /** /admin/channels and saving /admin/notification-policy: the /api/channels routes, PUT /api/notification-policy. */
  manageNotifications: 'admin',
} as const satisfies Record<string, Permission>;
export type UiAction = keyof typeof UI_ACTIONS;

// decide() takes the gateway's principal; the fields it does not look at are filled with neutral values.
const principalOf = (me: Me): Principal => ({
  kind: me.kind,
  id: me.id,
  name: me.name,
  role: me.role,
  credentialId: me.id,
  expiresAt: null,
  scope: me.scope,
  sources: me.sources,
});

/** Whether the signed-in principal (null: nobody) may do `action`, by core's one rule (decide). */
export function can(me: Me | null, action: UiAction): boolean {
  return decide(me ? principalOf(me) : null, UI_ACTIONS[action]) === 'allowed';
}

export interface NavLink {
  href: string;
  label: string;
  /** Shown only to a principal that may do this. */
  needs: UiAction;
}

export const NAV_LINKS: readonly NavLink[] = [
  { href: '/', label: 'Overview', needs: 'read' },
  { href: '/alerts', label: 'Alerts', needs: 'read' },
  { href: '/events', label: 'Events', needs: 'read' },
  { href: '/rules', label: 'Rules', needs: 'read' },
  { href: '/services', label: 'Services', needs: 'read' },
  { href: '/silences', label: 'Silences', needs: 'read' },
  { href: '/admin/users', label: 'Users', needs: 'manageUsers' },
  { href: '/admin/tokens', label: 'Tokens', needs: 'manageTokens' },
  { href: '/admin/channels', label: 'Channels', needs: 'manageNotifications' },
  { href: '/admin/notification-policy', label: 'Routing', needs: 'manageNotifications' },
  { href: '/admin/audit', label: 'Audit', needs: 'readAudit' },
];

/** The header's links for this principal: admin pages only for admins. */
export const navLinksFor = (me: Me | null): NavLink[] => NAV_LINKS.filter((link) => can(me, link.needs));

/** The action a page path needs, so a deep link to an admin page by a viewer says why it shows nothing. */
export function actionForPath(pathname: string): UiAction {
  const match = NAV_LINKS.find((link) => link.href !== '/' && pathname.startsWith(link.href));
  return match?.needs ?? 'read';
}
