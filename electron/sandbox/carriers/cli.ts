// Runs one carrier sandbox alone, for trying a client against it:
//   npm run sandbox:carrier -- --provider shipengine|shippo --port N [--api-key KEY]
//     [--latency MS] [--reject-address postal_code|city|street1|country]
// Every request is checked against the provider's OpenAPI document (test/contracts); a request
// that does not validate gets the provider's 400. Labels are served from the same address.
import { parseArgs } from 'node:util';
import type { CarrierKnobs } from './http';
import { startSandboxShipEngine } from './shipengine';
import { startSandboxShippo } from './shippo';

const USAGE = 'usage: npm run sandbox:carrier -- --provider shipengine|shippo --port N [--api-key KEY] [--latency MS] [--reject-address FIELD]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      provider: { type: 'string' },
      port: { type: 'string', default: '0' },
      'api-key': { type: 'string' },
      latency: { type: 'string' },
      'reject-address': { type: 'string' },
    },
    strict: true,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port must be 0–65535');
  const knobs: CarrierKnobs = {};
  if (values.latency) knobs.latencyMs = Number(values.latency);
  const field = values['reject-address'];
  if (field) {
    if (!['postal_code', 'city', 'street1', 'country'].includes(field)) throw new Error(USAGE);
    knobs.rejectAddress = { field: field as 'postal_code' };
  }
  let server;
  if (values.provider === 'shipengine') {
    server = await startSandboxShipEngine({ port, apiKey: values['api-key'] ?? 'TEST_sandbox', knobs });
    console.log(`Sandbox ShipEngine at ${server.url} (header API-Key: ${server.apiKey})`);
  } else if (values.provider === 'shippo') {
    server = await startSandboxShippo({ port, apiKey: values['api-key'] ?? 'shippo_test_sandbox', knobs });
    console.log(`Sandbox Shippo at ${server.url} (header Authorization: ShippoToken ${server.apiKey})`);
  } else throw new Error(USAGE);
  const shutdown = () => void server.close().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
