import autocannon from 'autocannon';

export type LoadRequest = { path: string; method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string };

export type LoadSpec = { url: string; connections: number; seconds: number; requests?: LoadRequest[] };

export type LoadResult = { rps: number; ok: number; failed: number; p50Ms: number; p99Ms: number };

/**
 * One autocannon run. Only 2xx answers count towards the rate; every request is prebuilt (no per-request
 * callback), so the load generator costs the same whichever server it drives.
 */
export async function load(spec: LoadSpec): Promise<LoadResult> {
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.seconds,
    ...(spec.requests ? { requests: spec.requests.map((r) => ({ method: 'GET', ...r })) } : {}),
  });
  return {
    rps: result['2xx'] / result.duration,
    ok: result['2xx'],
    failed: result.non2xx + result.errors + result.timeouts,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
  };
}
