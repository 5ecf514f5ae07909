/**
 * Where each cell's Help Center lives. A tenant's host is `{slug}.{BASE_DOMAIN}`; the Help Center of the
 * `commercial` cell is `support.{BASE_DOMAIN}` and another cell's is `support-{cell}.{BASE_DOMAIN}`, names no
 * tenant can take (src/tenants reserves `support` and the `support-` prefix). One name per cell: there is no
 * `support-commercial`.
 */
export const DEFAULT_CELL = 'commercial';

const LABEL = /^support(?:-([a-z][a-z0-9-]{0,31}))?$/;

export function helpCenterLabel(cell: string): string {
  return cell === DEFAULT_CELL ? 'support' : `support-${cell}`;
}

/** The cell whose Help Center a host's first label names, or undefined for any other host. */
export function cellOfHelpCenterHost(host: string | undefined): string | undefined {
  const label = host?.toLowerCase().split('.')[0];
  const m = label === undefined ? null : LABEL.exec(label);
  if (!m) return undefined;
  const cell = m[1] ?? DEFAULT_CELL;
  return m[1] === DEFAULT_CELL ? undefined : cell;
}

/** `origin` with its host's first label replaced: the same scheme, domain and port. */
function withFirstLabel(origin: string, label: string): string {
  const url = new URL(origin);
  url.hostname = [label, ...url.hostname.split('.').slice(1)].join('.');
  return url.origin;
}

/** The origin of the Help Center for a tenant whose provider's issuer is `issuer` (the tenant's own origin). */
export function helpCenterOriginFor(issuer: string, cell: string): string {
  return withFirstLabel(issuer, helpCenterLabel(cell));
}

/** A tenant's origin seen from its cell's Help Center, whose origin is `helpCenterOrigin`. */
export function tenantOriginFor(helpCenterOrigin: string, slug: string): string {
  return withFirstLabel(helpCenterOrigin, slug);
}
