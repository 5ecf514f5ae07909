import { AppError } from '#src/http/errors.ts';

export const CaseErrors = {
  closed: () => new AppError(400, 'E0000001', 'Api validation failed: case', ['case: the case is closed; open a new case to go on']),
} as const;
