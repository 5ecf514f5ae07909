import { useEffect, useId, useState, type ReactNode } from 'react';
import { adminPage } from '../client.ts';
import { messageOf } from '../errors.ts';
import { ErrorBanner } from './Banner.tsx';
import { TextField } from './Fields.tsx';
import { useDebounced } from './useDebounced.ts';

/**
 * Find a record by typing and pick it: each match is a button, so the list works from the keyboard and reads
 * well with a screen reader (the number of matches is announced).
 */
export function SearchPicker<T>({ label, placeholder, pathFor, describe, keyOf, onPick, pickLabel, disabledKeys }: {
  label: string;
  placeholder?: string;
  pathFor: (term: string) => string;
  describe: (item: T) => ReactNode;
  keyOf: (item: T) => string;
  onPick: (item: T) => void;
  pickLabel: string;
  disabledKeys?: ReadonlySet<string>;
}) {
  const [term, setTerm] = useState('');
  const typed = useDebounced(term.trim(), 150);
  const [items, setItems] = useState<T[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const listId = useId();

  useEffect(() => {
    const controller = new AbortController();
    adminPage<T>(pathFor(typed)).then(
      (page) => {
        if (controller.signal.aborted) return;
        setItems(page.items);
        setError(null);
      },
      (err: unknown) => {
        if (!controller.signal.aborted) setError(messageOf(err));
      },
    );
    return () => controller.abort();
    // pathFor is the caller's inline function, new each render: the term is what changes the query.
  }, [typed]);

  return (
    <div className="picker">
      <TextField label={label} type="search" value={term} onValue={setTerm} placeholder={placeholder} autoComplete="off" aria-controls={listId} />
      <ErrorBanner message={error} />
      <p role="status" className="hint">{items === null ? 'Searching…' : items.length === 0 ? 'No matches.' : `${items.length} ${items.length === 1 ? 'match' : 'matches'}.`}</p>
      <ul id={listId} className="picker-results">
        {(items ?? []).map((item) => {
          const key = keyOf(item);
          const taken = disabledKeys?.has(key) ?? false;
          return (
            <li key={key}>
              <span id={`${listId}-${key}`}>{describe(item)}</span>
              <button type="button" className="button-secondary button-small" disabled={taken} aria-describedby={`${listId}-${key}`} onClick={() => onPick(item)}>{taken ? 'Added' : pickLabel}</button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
