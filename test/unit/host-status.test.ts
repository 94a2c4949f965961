// The ~HS host-status parser and its mapping to what the bench shows.
import { describe, expect, it } from 'vitest';
import {
  formatHostStatus,
  hostStatusStrings,
  HostStatusParseError,
  parseHostStatus,
  printerStatusOf,
} from '../../electron/core/devices/printer/host-status';
import { createTranslator, sayIn } from '../../electron/core/i18n/translator';

// A ZD-series answer as the Zebra manual lays it out: paper out and paused, head closed.
const PAPER_OUT = '\x02030,1,1,1218,000,0,0,0,000,0,0,0\x03\r\n\x02001,0,0,0,0,2,6,0,00000000,1,000\x03\r\n\x021234,0\x03\r\n';
const HEAD_OPEN = '\x02030,0,0,1218,002,0,0,0,000,0,0,0\x03\r\n\x02001,0,1,0,1,2,6,1,00000003,1,004\x03\r\n\x021234,1\x03\r\n';

describe('~HS parser', () => {
  it('reads the flags of string 1 and string 2', () => {
    const hs = parseHostStatus(PAPER_OUT);
    expect(hs).toMatchObject({ paperOut: true, paused: true, headOpen: false, ribbonOut: false, labelLengthDots: 1218, formatsInBuffer: 0 });
    const open = parseHostStatus(Buffer.from(HEAD_OPEN, 'latin1'));
    expect(open).toMatchObject({
      paperOut: false,
      paused: false,
      headOpen: true,
      thermalTransfer: true,
      formatsInBuffer: 2,
      labelWaiting: true,
      labelsRemaining: 3,
      graphicsStored: 4,
      printMode: 2,
    });
  });

  it('tolerates spaces and leading noise, and counts complete strings for a reader', () => {
    const spaced = PAPER_OUT.replace('030,1,1', ' 030 , 1 , 1 ');
    expect(parseHostStatus(`garbage${spaced}`).paperOut).toBe(true);
    expect(hostStatusStrings(Buffer.from(PAPER_OUT.slice(0, 40), 'latin1'))).toBe(1);
    expect(hostStatusStrings(Buffer.from(PAPER_OUT, 'latin1'))).toBe(3);
    expect(hostStatusStrings(Buffer.from('\x03\x03\x03'))).toBe(0); // ETX without STX is not a string
  });

  it('refuses what is not a full ~HS answer', () => {
    expect(() => parseHostStatus(PAPER_OUT.split('\r\n').slice(0, 2).join('\r\n'))).toThrow(HostStatusParseError);
    expect(() => parseHostStatus('\x02030,1,1\x03\r\n\x02001,0,0\x03\r\n\x021234,0\x03\r\n')).toThrow(/string 1 has 3 of 12/);
    expect(() => parseHostStatus(PAPER_OUT.replace('030,1,1', '030,x,1'))).toThrow(/flag b/);
    expect(() => parseHostStatus('')).toThrow(HostStatusParseError);
  });

  it('round-trips what the printer sink answers', () => {
    for (const flags of [{}, { paperOut: true }, { headOpen: true }, { paused: true }, { ribbonOut: true, labelsRemaining: 12 }]) {
      expect(parseHostStatus(formatHostStatus(flags))).toMatchObject(flags);
    }
  });
});

describe('printer status from ~HS', () => {
  // What the packer reads, in English (the status carries it as a key).
  const { t } = createTranslator('en');
  const status = (flags: Parameters<typeof formatHostStatus>[0]) => {
    const s = printerStatusOf(parseHostStatus(formatHostStatus(flags)));
    return { ...s, message: s.message ? sayIn(t, s.message) : null };
  };

  it('maps each condition to a bench status with a sentence for the packer', () => {
    expect(status({})).toMatchObject({ status: 'ready', message: null });
    expect(status({ paperOut: true })).toMatchObject({ status: 'paper_out', message: 'The printer is out of labels. Load a roll and scan PRINT.' });
    expect(status({ headOpen: true }).status).toBe('head_open');
    expect(status({ headOpen: true }).message).toMatch(/head is open/);
    expect(status({ paused: true })).toMatchObject({ status: 'paused', message: expect.stringMatching(/paused.*scan PRINT/) });
    expect(status({ ribbonOut: true })).toMatchObject({ status: 'error', message: expect.stringMatching(/ribbon/) });
    expect(status({ overTemperature: true }).message).toMatch(/too hot/);
    const headOpen = printerStatusOf(parseHostStatus(formatHostStatus({ headOpen: true }))).message!;
    expect(sayIn(createTranslator('de').t, headOpen)).toBe('Der Druckkopf ist offen. Schließen, bis er einrastet, dann PRINT scannen.');
  });

  it('names the cause, not its side effect: paper out also pauses a Zebra', () => {
    expect(printerStatusOf(parseHostStatus(PAPER_OUT)).status).toBe('paper_out');
    expect(status({ headOpen: true, paperOut: true, paused: true }).status).toBe('head_open');
  });

  it('keeps the parsed answer for logs and diagnostics', () => {
    expect(status({ labelsRemaining: 7 }).host?.labelsRemaining).toBe(7);
  });
});
