// Every schema change, in order. Never edit a landed migration; add the next one (steps of ten).
import type { Migration } from '../migrate';
import { m0010 } from './0010-settings';
import { m0020 } from './0020-audit-log';
import { m0030 } from './0030-staff';
import { m0040 } from './0040-outbox';
import { m0050 } from './0050-exceptions';
import { m0060 } from './0060-order-cache';
import { m0070 } from './0070-pack-sessions';
import { m0080 } from './0080-print-journal';
import { m0090 } from './0090-order-cache-lookup';
import { m0110 } from './0110-package-types';
import { m0120 } from './0120-packed-lots';
import { m0130 } from './0130-approval-guards';
import { m0170 } from './0170-scale-zero';
import { m0180 } from './0180-pack-parcels';
import { m0190 } from './0190-carrier-hints';
import { m0230 } from './0230-shipment-voids';
import { m0260 } from './0260-pack-sessions-by-order';
import { m0270 } from './0270-outbox-open-indexes';
import { m0280 } from './0280-outbox-hand-outs';

export const migrations: readonly Migration[] = [m0010, m0020, m0030, m0040, m0050, m0060, m0070, m0080, m0090, m0110, m0120, m0130, m0170, m0180, m0190, m0230, m0260, m0270, m0280];
