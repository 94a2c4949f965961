// The scale protocols a bench can be set to, by their setting name, with the words a lead reads.
/** Every protocol electron/core/devices/scale/protocols.ts knows (a unit test keeps the two lists equal). */
export const SCALE_PROTOCOLS = [
  { name: 'sics', label: 'MT-SICS (Mettler Toledo)' },
  { name: 'toledo-8217', label: 'Toledo 8217' },
  { name: 'nci', label: 'NCI / Weigh-Tronix / Brecknell' },
  { name: 'sma', label: 'SMA (SCP-0499)' },
  { name: 'cas', label: 'CAS (continuous)' },
  { name: 'adam', label: 'Adam Equipment' },
  { name: 'ascii', label: 'Plain text lines (ASCII)' },
] as const;

/** The words for a protocol's setting name; the name itself when it is not one of these. */
export function scaleProtocolLabel(name: string): string {
  return SCALE_PROTOCOLS.find((p) => p.name === name)?.label ?? name;
}
