import { useEffect, useId, useRef, type ReactNode } from 'react';
import { hasNavigated } from '../navigation.tsx';
import { statusLabel } from '../status.ts';

/**
 * A page's heading and its main actions. The heading takes focus when the admin moves to the page, so a
 * screen reader announces where a link led (on the first page, focus stays at the top, before the skip link);
 * the document title follows it.
 */
export function PageHeader({ title, description, actions, children }: { title: string; description?: ReactNode; actions?: ReactNode; children?: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (hasNavigated()) heading.current?.focus({ preventScroll: true });
  }, []);
  useEffect(() => {
    document.title = `${title} · Admin console · Bulwark`;
  }, [title]);
  return (
    <header className="page-header">
      <div>
        {children}
        <h1 ref={heading} tabIndex={-1}>{title}</h1>
        {description && <p className="page-description">{description}</p>}
      </div>
      {actions && <div className="page-actions">{actions}</div>}
    </header>
  );
}

/** A titled part of a page. */
export function Section({ title, description, actions, children }: { title: string; description?: ReactNode; actions?: ReactNode; children: ReactNode }) {
  const id = useId();
  return (
    <section className="card" aria-labelledby={id}>
      <div className="card-head">
        <div>
          <h2 id={id}>{title}</h2>
          {description && <p className="card-description">{description}</p>}
        </div>
        {actions && <div className="card-actions">{actions}</div>}
      </div>
      {children}
    </section>
  );
}

/** A status as a coloured label; the words carry the meaning, the colour only repeats it. */
export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${status.toLowerCase().replace(/_/g, '-')}`}>{statusLabel(status)}</span>;
}

export function Facts({ items, className = 'facts' }: { items: readonly [string, ReactNode][]; className?: string }) {
  return (
    <dl className={className}>
      {items.map(([term, value]) => (
        <div key={term}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
