// Byte-stream framing shared by the drivers: split on terminators, resync on start bytes, bound memory.
import type { FrameFault, ScaleReading } from './types';

export const malformed = (fault: FrameFault): ScaleReading => ({ kind: 'malformed', fault });

export const deviceError = (code: string, message: string): ScaleReading => ({ kind: 'error', code, message });

/**
 * A chunk the splitter produced: a frame body (without start and end markers) or a fault. `cut` marks a
 * frame whose beginning was dropped because the line ran past the longest frame: only the last
 * maxLength bytes before its terminator are kept, and the driver must find where a frame starts in them.
 */
export type Piece = { frame: string; cut?: true } | { fault: FrameFault };

export interface Splitter {
  push(bytes: Buffer): Piece[];
}

/**
 * Frames that end in `end` (e.g. CR LF). Without a start marker, everything since the previous
 * terminator is the frame. A run longer than maxLength is reported once as overlong; its last
 * maxLength bytes are kept, so an intact frame after a long burst of line noise is still read.
 */
export function terminatedSplitter(end: string, maxLength: number): Splitter {
  let pending = '';
  let cut = false;
  return {
    push(bytes) {
      // latin1, never UTF-8: a stray high byte must stay one character.
      pending += bytes.toString('latin1');
      const out: Piece[] = [];
      let at: number;
      while ((at = pending.indexOf(end)) >= 0) {
        let frame = pending.slice(0, at);
        pending = pending.slice(at + end.length);
        if (frame.length > maxLength) {
          if (!cut) out.push({ fault: 'overlong' });
          frame = frame.slice(-maxLength);
          cut = true;
        }
        out.push(cut ? { frame, cut } : { frame });
        cut = false;
      }
      if (pending.length > maxLength) {
        if (!cut) out.push({ fault: 'overlong' });
        cut = true;
        // Memory stays bounded; the tail may be the start of a real frame.
        pending = pending.slice(-maxLength);
      }
      return out;
    },
  };
}

/**
 * Frames that begin with `start` and end with `end` (e.g. STX … CR). Bytes before a start are
 * noise; a new start before the end means the frame was cut short.
 */
export function delimitedSplitter(start: string, end: string, maxLength: number): Splitter {
  let pending = '';
  return {
    push(bytes) {
      pending += bytes.toString('latin1');
      const out: Piece[] = [];
      for (;;) {
        const s = pending.indexOf(start);
        if (s < 0) {
          if (pending.length > 0) out.push({ fault: 'noise' });
          pending = '';
          break;
        }
        if (s > 0) {
          out.push({ fault: 'noise' });
          pending = pending.slice(s);
        }
        const e = pending.indexOf(end, start.length);
        const next = pending.indexOf(start, start.length);
        if (next >= 0 && (e < 0 || next < e)) {
          out.push({ fault: next - start.length > maxLength ? 'overlong' : 'truncated' });
          pending = pending.slice(next);
          continue;
        }
        if (e < 0) {
          if (pending.length > maxLength) {
            // No other start in it (checked above): nothing here can still become a frame.
            out.push({ fault: 'overlong' });
            pending = '';
          }
          break;
        }
        const body = pending.slice(start.length, e);
        pending = pending.slice(e + end.length);
        out.push(body.length > maxLength ? { fault: 'overlong' } : { frame: body });
      }
      return out;
    },
  };
}

/**
 * Line noise (NUL, XON/XOFF, high bytes from a wrong baud rate) cannot be part of a text frame, so a
 * frame starts after the last non-printable byte of its line. Returns the text and whether noise went.
 * In a cut line (its start dropped) only text after noise can be trusted to be a whole frame: printable
 * bytes alone could be the tail of anything, so they give no text.
 */
export function afterNoise(line: string, cut = false): { text: string; noise: boolean } {
  const text = line.replace(/^[^]*[^\x20-\x7e]/, '');
  const noise = text.length !== line.length;
  return { text: cut && !noise ? '' : text, noise };
}

/** Parser over a splitter: each frame goes through parseFrame; faults pass through as 'malformed'. */
export function frameParser(splitter: Splitter, parseFrame: (frame: string, cut: boolean) => ScaleReading[]): { push(bytes: Buffer): ScaleReading[] } {
  return {
    push(bytes) {
      const out: ScaleReading[] = [];
      for (const piece of splitter.push(bytes)) {
        if ('fault' in piece) out.push(malformed(piece.fault));
        else out.push(...parseFrame(piece.frame, piece.cut === true));
      }
      return out;
    },
  };
}
