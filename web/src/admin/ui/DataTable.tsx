import type { MouseEvent, ReactNode } from 'react';

export type Column<T> = { header: string; cell: (row: T) => ReactNode; className?: string };

/**
 * A table of records. `onOpen` makes a whole row open its record with a click; keyboard and screen-reader
 * users get the same from the first cell, which the caller makes a link or a button.
 */
export function DataTable<T>({ caption, columns, rows, rowKey, loading, empty, onOpen, selectedKey }: {
  caption: string;
  columns: readonly Column<T>[];
  rows: readonly T[];
  rowKey: (row: T) => string;
  loading?: boolean;
  empty: ReactNode;
  onOpen?: (row: T) => void;
  selectedKey?: string | null;
}) {
  if (rows.length === 0 && !loading) return <>{empty}</>;
  const open = (row: T, e: MouseEvent) => {
    // A click on a control inside the row is that control's, not the row's.
    if ((e.target as HTMLElement).closest('a, button, input, select, textarea, label')) return;
    onOpen?.(row);
  };
  return (
    <div className="table-wrap">
      <table className={`data-table${onOpen ? ' rows-open' : ''}`} aria-busy={loading}>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>{columns.map((c) => <th key={c.header} scope="col" className={c.className}>{c.header}</th>)}</tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr><td colSpan={columns.length} className="loading-cell">Loading…</td></tr>
          )}
          {rows.map((row) => {
            const key = rowKey(row);
            return (
              <tr key={key} className={selectedKey === key ? 'selected' : undefined} onClick={onOpen ? (e) => open(row, e) : undefined}>
                {columns.map((c) => <td key={c.header} className={c.className}>{c.cell(row)}</td>)}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
