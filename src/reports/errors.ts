import { AppError, OktaErrors } from '#src/http/errors.ts';

export const ReportErrors = {
  invalid: (field: string, detail: string) => OktaErrors.validation('report', [`${field}: ${detail}`]),
  selfApproval: () => new AppError(403, 'E0000006', 'You do not have permission to perform the requested action',
    ['approval: a bulk export needs a second person with the security role; nobody decides on their own request']),
  notPending: (status: string) => OktaErrors.validation('report', [`status: the run is ${status}, not waiting for approval`]),
  notDownloadable: (status: string) => new AppError(403, 'E0000006', 'You do not have permission to perform the requested action',
    [status === 'PENDING_APPROVAL'
      ? 'run: a bulk export gives no file until a second person with the security role approves it'
      : `run: the run is ${status}; run the report again`]),
  templateChanged: () => OktaErrors.validation('report', ['template: the template has changed since this run; run the report again']),
} as const;
