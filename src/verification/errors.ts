import { AppError, OktaErrors } from '#src/http/errors.ts';

/** Verification's refusals, with Okta's codes (developer.okta.com/docs/reference/error-codes). */
export const VerificationErrors = {
  notFound: (id: string) => OktaErrors.notFound(`${id} (Verification)`),
  /** A link token that names no verification of this organization: made up, or another organization's. */
  linkNotFound: () => OktaErrors.notFound('verification link'),
  refused: (cause: string) => new AppError(403, 'E0000006', 'You do not have permission to perform the requested action', [cause]),
  invalid: (field: string, detail: string) => OktaErrors.validation(field, [`${field}: ${detail}`]),
  /** The same answer as any refused passkey (factors/webauthn.ts), whatever made it wrong. */
  passkeyRefused: () => new AppError(403, 'E0000068', 'Invalid Passcode/Answer', ['credential: The passkey did not confirm it is you. Try again with a passkey of your account.']),
} as const;
