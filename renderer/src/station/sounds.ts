// The bench's short sounds, made with Web Audio (no files): success two rising beeps, warning one
// middle tone, error a low double buzz. Volume from the settings (`sound.volume`); 0 is silent.
import type { BenchMessage } from '../../../shared/api';

export type Sound = 'success' | 'warning' | 'error';

/** Which sound a message on the message line makes; info makes none. */
export function soundOf(tone: BenchMessage['tone']): Sound | null {
  return tone === 'info' ? null : tone;
}

const NOTES: Record<Sound, { type: OscillatorType; steps: { hz: number; at: number; ms: number }[] }> = {
  success: { type: 'sine', steps: [{ hz: 880, at: 0, ms: 90 }, { hz: 1320, at: 100, ms: 110 }] },
  warning: { type: 'triangle', steps: [{ hz: 620, at: 0, ms: 220 }] },
  error: { type: 'square', steps: [{ hz: 200, at: 0, ms: 160 }, { hz: 160, at: 200, ms: 220 }] },
};

let context: AudioContext | null = null;

/** Play `sound` at `volume` (0 to 100); returns whether anything was played. */
export function playSound(sound: Sound, volume: number): boolean {
  if (volume <= 0 || typeof AudioContext === 'undefined') return false;
  context ??= new AudioContext();
  // Browsers start a context suspended until the page was used; a scan or click counts.
  if (context.state === 'suspended') void context.resume();
  const { type, steps } = NOTES[sound];
  const start = context.currentTime;
  // A square wave sounds much louder than a sine at the same gain.
  const peak = (volume / 100) * (type === 'square' ? 0.12 : 0.35);
  for (const step of steps) {
    const osc = context.createOscillator();
    const gain = context.createGain();
    osc.type = type;
    osc.frequency.value = step.hz;
    const t0 = start + step.at / 1000;
    const t1 = t0 + step.ms / 1000;
    gain.gain.setValueAtTime(0, t0);
    gain.gain.linearRampToValueAtTime(peak, t0 + 0.01);
    gain.gain.setValueAtTime(peak, t1 - 0.02);
    gain.gain.linearRampToValueAtTime(0, t1);
    osc.connect(gain).connect(context.destination);
    osc.start(t0);
    osc.stop(t1 + 0.01);
  }
  return true;
}
