// The station's structured log: JSON lines (pino) in <data folder>/logs/station.log, rotating by
// size, scrubbed of secrets on the way in. Lines about an order carry its correlation id (`order`,
// the outbox's order key: the same for every effect of one picking), so a support person can follow
// one order from scan to label to Odoo through the file.
import pino, { type Logger } from 'pino';
import { REDACT_PATHS, REDACTED, scrubText, scrubValue, SecretValues } from './redact';
import type { SecretStore } from '../store/secret-store';
import { RotatingFile, type RotatingFileOptions } from './rotating-file';

export interface StationLogOptions extends Omit<RotatingFileOptions, 'name'> {
  level?: pino.LevelWithSilent;
}

export interface StationLog {
  readonly logger: Logger;
  /** Secret values read by the station: scrubbed from every line (and from a support bundle). */
  readonly secrets: SecretValues;
  readonly file: RotatingFile;
  /** A logger whose lines carry the order's correlation id. */
  forOrder(orderKey: string): Logger;
  close(): void;
}

export function createStationLog(options: StationLogOptions): StationLog {
  const secrets = new SecretValues();
  const file = new RotatingFile(options);
  const logger = pino(
    {
      level: options.level ?? 'info',
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      formatters: {
        // Every field and every string, whatever it is called, before it is written.
        log: (object) => scrubValue(object, secrets) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((arg) => (typeof arg === 'string' ? scrubText(arg, secrets) : arg));
          return method.apply(this, scrubbed as Parameters<typeof method>);
        },
      },
    },
    file,
  );
  return {
    logger,
    secrets,
    file,
    forOrder: (orderKey) => logger.child({ order: orderKey }),
    close: () => file.close(),
  };
}

/** The same store, remembering each value it hands out so the log can scrub it. */
export function watchedSecrets(store: SecretStore, values: SecretValues): SecretStore {
  return {
    async get(name) {
      const value = await store.get(name);
      values.add(value);
      return value;
    },
    async set(name, value) {
      values.add(value);
      await store.set(name, value);
    },
    delete: (name) => store.delete(name),
  };
}
