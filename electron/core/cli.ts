// Command line entry for browser mode and station administration (plain Node, no Electron).
//   packbench [--port N] [--data-dir DIR] [--training]      serve the bench on 127.0.0.1
//   packbench staff add --badge B --name N --role packer|lead [--pin-env VAR]
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { Role } from '../../shared/api';
import { StationFault } from '../../shared/errors';
import { startHost } from './host/server';
import { defaultDataDir, rendererDir } from './paths';
import { createStation } from './station';

const Port = z.coerce.number().int().min(0).max(65535);

async function serve(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '4280' },
      'data-dir': { type: 'string' },
      training: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const mode = values.training ? 'training' : 'live';
  const dataDir = values['data-dir'] ?? defaultDataDir(mode);
  const station = createStation({ dataDir, mode });
  await station.start();
  const host = await startHost({
    handlers: station.handlers,
    events: station.events,
    staticDir: rendererDir(),
    port: Port.parse(values.port),
    log: (line) => console.log(line),
  });
  console.log(`Packbench (${mode}) data: ${dataDir}`);
  // The token travels in the fragment, which the browser never sends to the server.
  console.log(`Open this address in Chromium or Chrome on this computer:\n  ${host.openUrl}`);
  const shutdown = async () => {
    await host.close();
    await station.stop();
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
      training: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (!values.badge || !values.name) throw new Error('--badge and --name are required');
  const mode = values.training ? 'training' : 'live';
  // A PIN is read from an environment variable so it never lands in shell history.
  const pin = values['pin-env'] ? process.env[values['pin-env']] : undefined;
  const station = createStation({ dataDir: values['data-dir'] ?? defaultDataDir(mode), mode });
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
