import { problemOf } from './types.ts';

/** The server's error object as it wrote it (Okta's: errorSummary, then each of errorCauses), announced as an alert. */
export function ProblemAlert({ error }: { error: unknown }) {
  const { summary, causes } = problemOf(error);
  return (
    <div className="error" role="alert">
      <p>{summary}</p>
      {causes.length > 0 && <ul>{causes.map((c) => <li key={c}>{c}</li>)}</ul>}
    </div>
  );
}
