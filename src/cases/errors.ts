import { AppError } from '#src/http/errors.ts';

export const CaseErrors = {
  closed: () => new AppError(400, 'E0000001', 'Api validation failed: case', ['case: the case is closed; open a new case to go on']),
  assignOthers: () => new AppError(403, 'E0000006', 'You do not have permission to perform the requested action',
    ['assigneeId: an agent takes cases for themselves and gives back their own; a senior agent assigns others']),
  noSuchWorker: (id: string) => new AppError(400, 'E0000001', 'Api validation failed: assigneeId', [`assigneeId: ${id} is no agent of this cell`]),
} as const;
