import { buildEvent } from '../../src/syslog/build-event.ts';
import { canonicalJson } from '../../src/syslog/chain.ts';
import type { AuditContext, EventInput } from '../../src/syslog/log-event.ts';

/** Who did what to whom from where: the parts that vary between otherwise alike events. */
export type Scene = {
  actorId: string;
  actorLogin: string;
  actorName: string;
  targetId: string;
  targetLogin: string;
  ip: string;
  requestId: string;
};

const USER_AGENT = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
const ADMIN_CONSOLE = { id: '0oabench0admin0console', type: 'AppInstance', alternateId: 'Okta Admin Console', displayName: 'Okta Admin Console', detailEntry: null };

function user(id: string, login: string, name: string) {
  return { id, type: 'User', alternateId: login, displayName: name, detailEntry: null };
}

/** A mix of the events a real tenant's log is made of, as the services would describe them. */
export const EVENT_KINDS: readonly { eventType: string; input(s: Scene): EventInput }[] = [
  {
    eventType: 'user.session.start',
    input: () => ({
      eventType: 'user.session.start',
      displayMessage: 'User login to Okta',
      legacyEventType: 'core.user_auth.login_success',
      target: [{ id: 'autbench0password0enr', type: 'AuthenticatorEnrollment', alternateId: 'unknown', displayName: 'Password', detailEntry: null }, ADMIN_CONSOLE],
      debugData: { behaviors: '{New Geo-Location=NEGATIVE, New Device=NEGATIVE, New IP=NEGATIVE}', threatSuspected: 'false' },
    }),
  },
  {
    eventType: 'user.authentication.sso',
    input: (s) => ({
      eventType: 'user.authentication.sso',
      displayMessage: 'User single sign on to app',
      legacyEventType: 'app.auth.sso',
      target: [ADMIN_CONSOLE, { id: s.actorId, type: 'AppUser', alternateId: s.actorLogin, displayName: s.actorName, detailEntry: null }],
      debugData: { initiationType: 'IDP_INITIATED', signOnMode: 'OpenID Connect' },
    }),
  },
  {
    eventType: 'user.account.update_profile',
    input: (s) => ({
      eventType: 'user.account.update_profile',
      displayMessage: 'Update user profile for Okta',
      target: [{ ...user(s.targetId, s.targetLogin, 'Directory User'), changeDetails: { from: { title: 'Engineer' }, to: { title: 'Senior Engineer' } } }],
      debugData: { changedAttributes: 'title' },
    }),
  },
  {
    eventType: 'group.user_membership.add',
    input: (s) => ({
      eventType: 'group.user_membership.add',
      displayMessage: 'Add user to group membership',
      legacyEventType: 'core.user_group_member.user_add',
      target: [user(s.targetId, s.targetLogin, 'Directory User'), { id: '00gbench0engineering0', type: 'UserGroup', alternateId: 'unknown', displayName: 'Engineering', detailEntry: null }],
    }),
  },
  {
    eventType: 'user.lifecycle.activate',
    input: (s) => ({
      eventType: 'user.lifecycle.activate',
      displayMessage: 'Activate Okta user',
      legacyEventType: 'core.user.config.user_activated',
      target: [user(s.targetId, s.targetLogin, 'Directory User')],
    }),
  },
];

/** An administrator's browser request, as auditContextOf builds it. */
export function webAudit(s: Scene, requestUri: string): AuditContext {
  return {
    actor: user(s.actorId, s.actorLogin, s.actorName),
    ipAddress: s.ip,
    userAgent: USER_AGENT,
    transaction: { type: 'WEB', id: s.requestId, detail: { requestApiTokenId: '00Tbench0token000000' } },
    requestUri,
  };
}

/**
 * The canonical JSON text of each kind with placeholders where rows differ, for building events in SQL:
 * `__UUID__`, `__PUBLISHED__`, `__ACTOR__`, `__LOGIN__`, `__NAME__`, `__TARGET__`, `__TLOGIN__`, `__IP__`, `__REQ__`.
 */
export function eventTemplates(): { eventTypes: string[]; templates: string[] } {
  const scene: Scene = { actorId: '__ACTOR__', actorLogin: '__LOGIN__', actorName: '__NAME__', targetId: '__TARGET__', targetLogin: '__TLOGIN__', ip: '__IP__', requestId: '__REQ__' };
  const templates = EVENT_KINDS.map((kind) => {
    const event = buildEvent(webAudit(scene, '/api/v1/users/__TARGET__'), kind.input(scene), new Date(0));
    return canonicalJson({ ...event, uuid: '__UUID__', published: '__PUBLISHED__' });
  });
  return { eventTypes: EVENT_KINDS.map((k) => k.eventType), templates };
}
