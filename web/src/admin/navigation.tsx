import { useEffect, useState, type AnchorHTMLAttributes, type MouseEvent } from 'react';

/**
 * The admin console's routing: one page per path under /admin, switched with history.pushState; the server
 * answers every /admin path with the same document, so a reload or a shared link opens the same page.
 */
const NAVIGATED = 'bulwark:navigated';

/** Whether the admin has moved within the console since it loaded (then a new page takes focus; the first does not). */
let moved = false;

export function hasNavigated(): boolean {
  return moved;
}

export function navigate(to: string): void {
  if (to === `${window.location.pathname}${window.location.search}`) return;
  window.history.pushState(null, '', to);
  window.dispatchEvent(new Event(NAVIGATED));
}

/** The current path and query, updated on navigate() and on the browser's back and forward. */
export function useLocation(): { path: string; search: URLSearchParams } {
  const read = () => ({ path: window.location.pathname, search: new URLSearchParams(window.location.search) });
  const [location, setLocation] = useState(read);
  useEffect(() => {
    const update = () => {
      moved = true;
      setLocation(read());
    };
    window.addEventListener('popstate', update);
    window.addEventListener(NAVIGATED, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(NAVIGATED, update);
    };
  }, []);
  return location;
}

/** A real link (it opens in a new tab with a modifier key, and reads as a link), followed in place otherwise. */
export function Link({ to, onClick, ...rest }: { to: string } & Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'>) {
  const follow = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return <a href={to} {...rest} onClick={follow} />;
}
