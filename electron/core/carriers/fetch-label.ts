// Fetching a label file a provider named by URL, for both clients (each decides which headers go).
import { CarrierError } from './carrier-result';

export async function fetchLabelFile(fetchFn: typeof fetch, href: string, headers: Record<string, string>, timeoutMs: number): Promise<Buffer> {
  let res: Response;
  try {
    res = await fetchFn(href, { headers, signal: AbortSignal.timeout(timeoutMs) });
  } catch {
    throw new CarrierError('outage', 'The label file could not be fetched; it will be tried again', { retry: true });
  }
  if (!res.ok) throw new CarrierError(res.status >= 500 ? 'outage' : 'unknown', `The label file could not be fetched (HTTP ${res.status})`, { status: res.status });
  return Buffer.from(await res.arrayBuffer());
}
