// Runs the sandbox Odoo alone:
//   npm run sandbox:odoo -- --port N --api-key KEY [--seed N] [--version 16|17|18|19]
//     [--read-only-key KEY] [--latency MS | MIN-MAX] [--error-rate 0..1] [--outage FROM-TO]...
//     [--login-cooldown FAILURES-SECONDS | off]
// Database "sandbox", login "admin" (the read-only key logs in as "viewer"). Outage windows are in
// seconds since start. The login cooldown is Odoo's (10 failures, 60 s) unless set. The keys are
// made-up sandbox keys, never real Odoo ones.
import { parseArgs } from 'node:util';
import { parseSandboxVersion, startSandboxOdoo, type SandboxChaos } from './server';

const USAGE =
  'usage: npm run sandbox:odoo -- --port N --api-key KEY [--seed N] [--version 16|17|18|19] [--read-only-key KEY] ' +
  '[--latency MS|MIN-MAX] [--error-rate 0..1] [--outage FROM-TO (seconds)]... [--login-cooldown FAILURES-SECONDS|off]';

function range(text: string, what: string): [number, number] {
  const m = /^(\d+(?:\.\d+)?)(?:-(\d+(?:\.\d+)?))?$/.exec(text);
  if (!m) throw new Error(`${what} must be N or N-M, got "${text}"`);
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  if (to < from) throw new Error(`${what}: ${to} is before ${from}`);
  return [from, to];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      port: { type: 'string', default: '8069' },
      'api-key': { type: 'string' },
      'read-only-key': { type: 'string' },
      seed: { type: 'string', default: '25' },
      version: { type: 'string', default: '17' },
      latency: { type: 'string' },
      'error-rate': { type: 'string' },
      outage: { type: 'string', multiple: true },
      'login-cooldown': { type: 'string', default: '10-60' },
    },
    strict: true,
  });
  const port = Number(values.port);
  const seed = Number(values.seed);
  const apiKey = values['api-key'];
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port must be 0–65535');
  if (!Number.isInteger(seed) || seed < 0) throw new Error('--seed must be a whole number of deliveries');
  if (!apiKey) throw new Error(USAGE);
  const version = parseSandboxVersion(values.version);
  const chaos: SandboxChaos = {};
  if (values.latency) {
    const [min, max] = range(values.latency, '--latency');
    chaos.latencyMs = min === max ? min : [min, max];
  }
  if (values['error-rate'] !== undefined) {
    const rate = Number(values['error-rate']);
    if (!(rate >= 0 && rate <= 1)) throw new Error('--error-rate must be between 0 and 1');
    chaos.errorRate = rate;
  }
  if (values.outage) {
    chaos.outages = values.outage.map((o) => {
      const [from, to] = range(o, '--outage');
      return { fromMs: from * 1000, toMs: to * 1000 };
    });
  }
  let loginCooldown: { after: number; seconds: number } | undefined;
  if (values['login-cooldown'] !== 'off') {
    const m = /^(\d+)-(\d+(?:\.\d+)?)$/.exec(values['login-cooldown']);
    if (!m) throw new Error(`--login-cooldown must be FAILURES-SECONDS (e.g. 10-60) or off, got "${values['login-cooldown']}"`);
    loginCooldown = { after: Number(m[1]), seconds: Number(m[2]) };
  }
  const readOnly = values['read-only-key'];
  const odoo = await startSandboxOdoo({
    port,
    apiKey,
    seed,
    version,
    chaos,
    ...(loginCooldown ? { loginCooldown } : {}),
    ...(readOnly ? { users: [{ login: 'viewer', apiKey: readOnly, access: 'read' as const }] } : {}),
  });
  console.log(`Sandbox Odoo ${version}.0 with ${seed} deliveries (${version >= 19 ? 'JSON-2 and JSON-RPC' : 'JSON-RPC'})`);
  console.log(`  URL:      ${odoo.url}`);
  console.log(`  database: ${odoo.db}`);
  console.log(`  login:    ${odoo.login}${readOnly ? ' (read-only key: login "viewer")' : ''}`);
  if (chaos.latencyMs || chaos.errorRate || chaos.outages) console.log(`  chaos:    ${JSON.stringify(chaos)}`);
  console.log(`  logins:   ${loginCooldown ? `locked for ${loginCooldown.seconds} s per address after ${loginCooldown.after} failures` : 'no cooldown'}`);
  const shutdown = () => void odoo.close().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
