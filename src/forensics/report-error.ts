/** A report that cannot be written, for a reason the operator can act on (no Chromium, a bad request). */
export class ReportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReportError';
  }
}
