// One JSON request to a provider's API, for both clients: a timeout on every call, no answer is an
// outage worth retrying (the request may or may not have been done, so the purchase is looked up
// before it is made again), and a reply is read as JSON where it is JSON. Each client adds its own
// auth header and reads its own error shapes.
import { CarrierError } from './carrier-result';

export interface JsonReply {
  status: number;
  ok: boolean;
  /** The body as JSON; null when empty or not JSON. */
  json: unknown;
  headers: Headers;
}

export async function callJson(
  fetchFn: typeof fetch,
  url: URL,
  request: { method: string; headers: Record<string, string>; body?: unknown; timeoutMs: number; provider: string },
): Promise<JsonReply> {
  let res: Response;
  try {
    res = await fetchFn(url, {
      method: request.method,
      headers: { ...request.headers, ...(request.body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      signal: AbortSignal.timeout(request.timeoutMs),
    });
  } catch (error) {
    throw new CarrierError('outage', `${request.provider} could not be reached; the label will be tried again`, {
      retry: true,
      providerCode: error instanceof Error ? error.name : 'network',
    });
  }
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: res.status, ok: res.ok, json, headers: res.headers };
}
