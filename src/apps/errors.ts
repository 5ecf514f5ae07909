import { AppError, OktaErrors } from '#src/http/errors.ts';

/** The Apps API's refusals, with Okta's codes (developer.okta.com/docs/reference/error-codes). */
export const AppErrors = {
  appNotFound: (id: string) => OktaErrors.notFound(`${id} (AppInstance)`),
  secretNotFound: (id: string) => OktaErrors.notFound(`${id} (ClientSecret)`),
  assignmentNotFound: (id: string) => OktaErrors.notFound(`${id} (AppUser)`),
  groupAssignmentNotFound: (id: string) => OktaErrors.notFound(`${id} (ApplicationGroupAssignment)`),
  /** Okta deletes only a deactivated app. */
  deleteActiveApp: () => new AppError(403, 'E0000056', 'Delete application forbidden.', ['status: Deactivate the application before deleting it']),
  tooManyActiveSecrets: () => OktaErrors.wrongTransition('client_secret: An app can have at most 2 active client secrets; deactivate one first'),
  deleteActiveSecret: () => OktaErrors.wrongTransition('client_secret: Only an inactive client secret can be deleted; deactivate it first'),
  noSecretAuth: () => OktaErrors.wrongTransition('token_endpoint_auth_method: This app does not authenticate with a client secret'),
  clientIdChanged: () => OktaErrors.validation('credentials.oauthClient.client_id', ['credentials.oauthClient.client_id: The client_id of an app cannot be changed']),
} as const;
