// Command line entry (plain Node, no Electron):
//   packbench [--browser] [--sandbox] [--port N] [--data-dir DIR] [--printer URI]
//             [--scale PATH --scale-protocol NAME] [--odoo-url URL --odoo-db DB --odoo-login LOGIN]
//   packbench staff add --badge B --name N --role packer|lead [--pin-env VAR] [--data-dir DIR]
// The Odoo API key never comes from a flag: PACKBENCH_SECRET_ODOO_API_KEY or the secrets file.
import { parseArgs } from 'node:util';
import { Role } from '../../../shared/api';
import { StationFault } from '../../../shared/errors';
import { bootStation, parseFlags } from './boot';
import { startHost } from '../host/server';
import { defaultDataDir, rendererDir } from '../paths';
import { createStation } from '../station';

async function serve(argv: string[]): Promise<void> {
  const flags = parseFlags(argv);
  const booted = await bootStation(flags);
  const host = await startHost({
    handlers: booted.station.handlers,
    events: booted.station.events,
    staticDir: rendererDir(),
    lastResortDir: booted.station.lastResortDir,
    port: flags.port,
    log: (line) => console.log(line),
  });
  console.log(`Packbench ${booted.mode === 'training' ? 'TRAINING' : 'live'} bench. Data: ${booted.dataDir}`);
  for (const note of booted.notes) console.log(note);
  // The token travels in the fragment, which the browser never sends to the server.
  console.log(`\nOpen this address in Chromium or Chrome on this computer:\n  ${host.openUrl}\n`);
  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    await host.close();
    await booted.close();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

async function staff(argv: string[]): Promise<void> {
  const [action, ...rest] = argv;
  if (action !== 'add') throw new Error('usage: packbench staff add --badge B --name N --role packer|lead [--pin-env VAR]');
  const { values } = parseArgs({
    args: rest,
    options: {
      badge: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string', default: 'packer' },
      'pin-env': { type: 'string' },
      'data-dir': { type: 'string' },
    },
    strict: true,
  });
  if (!values.badge || !values.name) throw new Error('--badge and --name are required');
  // A PIN is read from an environment variable so it never lands in shell history.
  const pin = values['pin-env'] ? process.env[values['pin-env']] : undefined;
  const station = createStation({ dataDir: values['data-dir'] ?? defaultDataDir('live'), mode: 'live' });
  try {
    const person = station.identities.addStaff({
      badge: values.badge,
      name: values.name,
      role: Role.parse(values.role),
      ...(pin ? { pin } : {}),
    });
    console.log(`Added ${person.name} (${person.role}).`);
  } finally {
    await station.stop();
  }
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === 'staff') return staff(argv.slice(1));
  return serve(argv);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof StationFault || error instanceof Error ? error.message : String(error));
  process.exit(1);
});
