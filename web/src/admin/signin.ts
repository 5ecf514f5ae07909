/** The sign-in page for the admin console, coming back to `path` (an admin console page) afterwards. */
export function signInUrl(path = window.location.pathname): string {
  const next = path === '/admin' || path.startsWith('/admin/') ? path : '/admin';
  return `/signin?app=admin_console&next=${encodeURIComponent(next)}`;
}
