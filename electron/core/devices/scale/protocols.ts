// The scale protocols by the name a bench's settings use.
import { adamProtocol } from './adam';
import { asciiLineProtocol, type AsciiLineOptions } from './ascii-line';
import { casProtocol } from './cas';
import { nciProtocol } from './nci';
import { sicsProtocol } from './sics';
import { smaProtocol } from './sma';
import { toledoProtocol } from './toledo-8217';
import type { Protocol } from './types';

export type ScaleProtocolName = 'sics' | 'toledo-8217' | 'nci' | 'sma' | 'cas' | 'adam' | 'ascii';

export const scaleProtocols: Record<ScaleProtocolName, Protocol> = {
  sics: sicsProtocol,
  'toledo-8217': toledoProtocol(),
  nci: nciProtocol,
  sma: smaProtocol,
  cas: casProtocol,
  adam: adamProtocol,
  ascii: asciiLineProtocol(),
};

export const scaleProtocolNames = Object.keys(scaleProtocols) as ScaleProtocolName[];

const ALIASES: Record<string, ScaleProtocolName> = {
  'mt-sics': 'sics',
  toledo: 'toledo-8217',
  '8217': 'toledo-8217',
  cas22: 'cas',
  line: 'ascii',
};

export interface ProtocolOptions {
  /** Unit for protocols whose frames carry none (Toledo 8217, ASCII lines without one). */
  unit?: string;
  /** Regex or columns for the generic ASCII line. */
  line?: AsciiLineOptions;
}

/** A protocol by name (case-insensitive, a few aliases), or null for a name we do not know. */
export function protocolByName(name: string, options: ProtocolOptions = {}): Protocol | null {
  const key = name.trim().toLowerCase();
  const canonical = (key in scaleProtocols ? key : ALIASES[key]) as ScaleProtocolName | undefined;
  if (!canonical) return null;
  if (canonical === 'toledo-8217' && options.unit) return toledoProtocol({ unit: options.unit });
  if (canonical === 'ascii' && (options.line || options.unit)) return asciiLineProtocol({ unit: options.unit, ...options.line });
  return scaleProtocols[canonical];
}
