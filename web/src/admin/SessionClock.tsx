import { useEffect, useState } from 'react';
import type { AdminSession } from './types.ts';

const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/**
 * When the admin session ends at the latest (its lifetime; idleness may end it sooner), counted down in
 * its last hour so an admin is not surprised mid-task.
 */
export function SessionClock({ session }: { session: AdminSession }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 30_000);
    return () => window.clearInterval(timer);
  }, []);
  const ends = new Date(session.expiresAt);
  const minutes = Math.max(0, Math.round((ends.getTime() - now) / 60_000));
  return (
    <span className={`session-clock${minutes <= 10 ? ' session-clock-soon' : ''}`} title={`Signed in ${new Date(session.created).toLocaleString()}; the session also ends after a period without activity.`}>
      {minutes <= 60 ? `Session ends in ${minutes} min` : `Session ends at ${time.format(ends)}`}
    </span>
  );
}
