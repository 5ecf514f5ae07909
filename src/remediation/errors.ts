import { AppError, OktaErrors } from '#src/http/errors.ts';

const forbidden = (cause: string) => new AppError(403, 'E0000006', 'You do not have permission to perform the requested action', [cause]);

export const RemediationErrors = {
  invalid: (causes: readonly string[]) => OktaErrors.validation('remediation', causes),
  tooManyUsers: (max: number) => OktaErrors.validation('remediation', [`criteria: the criteria select more than ${max} users; narrow the window or the criteria`]),
  selfApproval: () => forbidden('approval: a remediation is approved by a super admin other than the one who planned it'),
  notApproved: () => forbidden('remediation: the plan is not approved yet; a super admin other than the one who planned it approves it first'),
  stale: (hours: number) => OktaErrors.validation('remediation', [`remediation: the dry run is more than ${hours} hours old and may no longer be right; plan it again`]),
  wrongStatus: (status: string, doing: string) => OktaErrors.validation('remediation', [`status: the remediation is ${status}; it cannot be ${doing}`]),
} as const;
