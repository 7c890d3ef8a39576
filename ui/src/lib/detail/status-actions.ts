import type { AlertStatus } from '@vigil/core';

export interface StatusAction {
  /** The status PATCH /api/alerts/{id} sets. */
  to: AlertStatus;
  label: 'Acknowledge' | 'Resolve' | 'Reopen';
}

/** The status changes that make sense from `status`: open → acknowledge/resolve, then resolve or reopen. */
export function statusActions(status: AlertStatus): StatusAction[] {
  switch (status) {
    case 'open':
      return [
        { to: 'acknowledged', label: 'Acknowledge' },
        { to: 'resolved', label: 'Resolve' },
      ];
    case 'acknowledged':
      return [
        { to: 'resolved', label: 'Resolve' },
        { to: 'open', label: 'Reopen' },
      ];
    case 'resolved':
      return [{ to: 'open', label: 'Reopen' }];
  }
}
