// A shift lead's approval as the screen sends it: made fresh each time it is given (the core spends
// each one on a single action), a badge as a scan.
import { randomUUID } from 'node:crypto';

export const leadPin = (pin: string) => ({ pin, nonce: randomUUID() });
export const leadBadge = (badge: string) => ({ badge, via: 'scan' as const, nonce: randomUUID() });
