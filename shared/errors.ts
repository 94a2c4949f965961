// Typed faults that cross the StationApi as { code, message, detail? }.
import type { StationError } from './api';

/** A failure the core reports to the bench. `message` is for the packer, `detail` for support. */
export class StationFault extends Error {
  readonly code: string;
  readonly detail: unknown;

  constructor(code: string, message: string, detail?: unknown) {
    super(message);
    this.name = 'StationFault';
    this.code = code;
    this.detail = detail;
  }

  toError(): StationError {
    return this.detail === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, detail: this.detail };
  }
}

export const INTERNAL_MESSAGE =
  'Something went wrong inside Packbench. Try again; if it keeps happening, call the shift lead.';
