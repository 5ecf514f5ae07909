/**
 * What an event changed, in words a customer's administrator reads without knowing Okta's event types. The
 * wording states the effect on the target, since that is what the customer has to undo. Types not listed
 * fall back to the event's own displayMessage. A Map, not an object: event types come from imported files, and
 * `constructor` must not find Object's.
 */
const CHANGES: ReadonlyMap<string, string> = new Map(Object.entries({
  'user.account.reset_password': "Password reset: the user's password was cleared and a reset link sent",
  'user.account.update_password': 'Password changed',
  'user.account.expire_password': 'Password expired: the user must choose a new one at the next sign-in',
  'user.account.update_profile': 'Profile changed',
  'user.account.update_primary_email': 'Primary email address changed',
  'user.account.lock': 'Account locked',
  'user.account.unlock': 'Account unlocked',
  'user.account.unlock_by_admin': 'Account unlocked by an administrator',
  'user.account.privilege.grant': 'Administrator role granted',
  'user.account.privilege.revoke': 'Administrator role removed',
  'user.mfa.factor.reset_all': 'All MFA factors removed',
  'user.mfa.factor.deactivate': 'An MFA factor removed',
  'user.mfa.factor.activate': 'An MFA factor enrolled',
  'user.mfa.factor.update': 'An MFA factor changed',
  'user.session.clear': 'All sessions ended',
  'user.session.end': 'A session ended',
  'user.session.start': 'Signed in (nothing changed)',
  'user.session.impersonation.initiate': 'Impersonation of the user started',
  'user.session.impersonation.grant': 'Impersonation access granted',
  'user.session.impersonation.extend': 'Impersonation access extended',
  'user.session.impersonation.revoke': 'Impersonation access revoked',
  'user.session.impersonation.end': 'Impersonation of the user ended',
  'user.lifecycle.create': 'User created',
  'user.lifecycle.activate': 'User activated',
  'user.lifecycle.reactivate': 'User reactivated',
  'user.lifecycle.deactivate': 'User deactivated: cannot sign in',
  'user.lifecycle.suspend': 'User suspended: cannot sign in',
  'user.lifecycle.unsuspend': 'User unsuspended',
  'user.lifecycle.delete.initiated': 'User deletion started',
  'user.lifecycle.delete.completed': 'User deleted',
  'group.user_membership.add': 'Added to a group',
  'group.user_membership.remove': 'Removed from a group',
  'group.lifecycle.create': 'Group created',
  'group.lifecycle.delete': 'Group deleted',
  'group.profile.update': 'Group changed',
  'group.application_assignment.add': 'Application assigned to a group',
  'group.application_assignment.remove': 'Application removed from a group',
  'group.application_assignment.update': 'Application assignment of a group changed',
  'application.user_membership.add': 'Application assigned to the user',
  'application.user_membership.remove': 'Application removed from the user',
  'system.api_token.create': 'API token created',
  'system.api_token.revoke': 'API token revoked',
  'policy.lifecycle.update': 'Policy changed',
  'policy.rule.update': 'Policy rule changed',
  'zone.create': 'Network zone created',
  'zone.update': 'Network zone changed',
  'zone.delete': 'Network zone deleted',
  'bulwark.user.enrollment_link.issue': 'Enrollment link issued: whoever holds it can set up a factor',
  'bulwark.user.recovery_token.use': 'Account recovered with a recovery link',
  'bulwark.support.api.read': 'Support staff read data (nothing changed)',
  'bulwark.support.access.request': 'Support access requested',
  'bulwark.support.access.policy.update': 'Support access policy changed',
}));

/** The words for one event: its type's entry, else what the event itself says, else its type. */
export function describeChange(eventType: string, displayMessage: string | null): string {
  return CHANGES.get(eventType) ?? (displayMessage === null || displayMessage.trim() === '' ? eventType : displayMessage);
}
