// Runs the sandbox Odoo alone:
//   npm run sandbox:odoo -- --port N --api-key KEY [--seed N]
// Database "sandbox", login "admin". The key is a made-up sandbox key, never a real Odoo one.
import { parseArgs } from 'node:util';
import { startSandboxOdoo } from './server';

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      port: { type: 'string', default: '8069' },
      'api-key': { type: 'string' },
      seed: { type: 'string', default: '25' },
    },
    strict: true,
  });
  const port = Number(values.port);
  const seed = Number(values.seed);
  const apiKey = values['api-key'];
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port must be 0–65535');
  if (!Number.isInteger(seed) || seed < 0) throw new Error('--seed must be a whole number of deliveries');
  if (!apiKey) throw new Error('usage: npm run sandbox:odoo -- --port N --api-key KEY [--seed N]');

  const odoo = await startSandboxOdoo({ port, apiKey, seed });
  console.log(`Sandbox Odoo 17 with ${seed} deliveries`);
  console.log(`  URL:      ${odoo.url}`);
  console.log(`  database: ${odoo.db}`);
  console.log(`  login:    ${odoo.login}`);
  const shutdown = () => void odoo.close().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
