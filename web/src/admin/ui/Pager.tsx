/** Previous / Next through a cursor-paged list; the page number is where the admin is, not a total. */
export function Pager({ label, page, hasPrevious, hasNext, onPrevious, onNext, busy }: {
  label: string;
  page: number;
  hasPrevious: boolean;
  hasNext: boolean;
  onPrevious: () => void;
  onNext: () => void;
  busy?: boolean;
}) {
  if (!hasPrevious && !hasNext) return null;
  return (
    <nav className="pager" aria-label={label}>
      <button type="button" className="button-secondary" onClick={onPrevious} disabled={!hasPrevious || busy}>Previous</button>
      <span aria-live="polite">Page {page}</span>
      <button type="button" className="button-secondary" onClick={onNext} disabled={!hasNext || busy}>Next</button>
    </nav>
  );
}
