import { useState, type ReactNode } from 'react';
import { download } from './client.ts';
import { ProblemAlert } from './ProblemAlert.tsx';

/**
 * A staff download: a link to the file (`path`), followed through a single-use ticket taken by a proved call,
 * since the session's device proof cannot ride on a navigation (client.ts `download`).
 */
export function DownloadLink({ path, children }: { path: string; children: ReactNode }) {
  const [error, setError] = useState<unknown>();
  return (
    <>
      <a href={path} download onClick={(event) => {
        event.preventDefault();
        setError(undefined);
        download(path).catch(setError);
      }}>{children}</a>
      {error !== undefined && <ProblemAlert error={error} />}
    </>
  );
}
