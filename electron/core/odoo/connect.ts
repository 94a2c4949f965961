// From settings to a transport: ask the server its version, then speak JSON-2 to 19+ and
// JSON-RPC to 16–18. The version travels with the transport so the model mapping follows it.
import { OdooError } from './errors';
import { Json2Transport } from './json-2';
import { JsonRpcTransport, parseCommonVersion } from './json-rpc';
import type { OdooTransport, RetryPolicy } from './transport';
import { dialectFor, type OdooDialect, type OdooServerVersion } from './versions';

export interface OdooConnectOptions {
  url: string;
  db: string;
  login: string;
  apiKey: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
  retry?: RetryPolicy;
}

export interface OdooConnection {
  transport: OdooTransport;
  version: OdooServerVersion;
  dialect: OdooDialect;
}

/**
 * Detect the version with `common.version` over /jsonrpc (every version up to 19 answers it; it
 * needs no credentials). Where /jsonrpc is gone (404), `GET /web/version` answers instead.
 * Credentials are checked by the first real call, never retried.
 */
export async function connectOdoo(options: OdooConnectOptions): Promise<OdooConnection> {
  const common = { url: options.url, db: options.db, timeoutMs: options.timeoutMs, fetch: options.fetch, retry: options.retry };
  const probe = new JsonRpcTransport({ ...common, login: options.login, apiKey: options.apiKey });
  let version: OdooServerVersion;
  try {
    version = parseCommonVersion(await probe.rpc('common', 'version', []));
  } catch (error) {
    if (!(error instanceof OdooError && error.status === 404)) throw error;
    version = await new Json2Transport({ ...common, apiKey: options.apiKey }).version();
  }
  const dialect = dialectFor(version);
  const transport =
    dialect.protocol === 'json-2'
      ? new Json2Transport({ ...common, apiKey: options.apiKey, version })
      : new JsonRpcTransport({ ...common, login: options.login, apiKey: options.apiKey, version });
  return { transport, version, dialect };
}
