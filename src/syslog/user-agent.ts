import { UAParser } from 'ua-parser-js';

type ClientAgent = { userAgent: { rawUserAgent: string | null; os: string; browser: string } | null; device: string | null };

const cache = new Map<string, ClientAgent>();
const CACHE_LIMIT = 1000;

/** Okta's LogClient names: browser upper-cased (`CHROME`), os as `Mac OS X` / `Windows 10`, device class. */
export function describeUserAgent(raw: string | null): ClientAgent {
  if (raw === null || raw === '') return { userAgent: null, device: null };
  const hit = cache.get(raw);
  if (hit) return hit;
  const ua = new UAParser(raw).getResult();
  const browser = ua.browser.name ? ua.browser.name.toUpperCase().replace(/\s+/g, '_') : 'UNKNOWN';
  let os = ua.os.name ?? 'Unknown';
  if (os === 'Mac OS') os = 'Mac OS X';
  else if (os === 'Windows' && ua.os.version) os = `Windows ${ua.os.version}`;
  const device = ua.device.type === 'mobile' ? 'Mobile' : ua.device.type === 'tablet' ? 'Tablet' : ua.browser.name ? 'Computer' : 'Unknown';
  const described = { userAgent: { browser, os, rawUserAgent: raw }, device };
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(raw, described);
  return described;
}
