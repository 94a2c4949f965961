import { useEffect, useRef } from 'react';
import type { StationApi } from '../../../shared/api';
import type { ScannerKeyMap } from '../../../shared/settings';
import { applyKeyMap } from './calibration';
import { WedgeBuffer } from './wedge-buffer';

function isTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement) return true;
  return target instanceof HTMLInputElement && !['button', 'checkbox', 'radio', 'submit'].includes(target.type);
}

/** A shift lead's approval form takes the scans made in it (a badge there is the approval). */
function inApprovalForm(target: EventTarget | null): boolean {
  return target instanceof Element && target.closest('[data-approval-form]') !== null;
}

// The bench's scanner calibration (settings `scanner.keyMap`), one per page: read at start, replaced
// when Settings saves a new one.
let keyMap: ScannerKeyMap = {};
/** Settings saved a calibration: scans are put right with it from now on. */
export function setScannerKeyMap(next: ScannerKeyMap): void {
  keyMap = next;
}

/** A scan read outside the page's wedge listener (a badge scanned into an approval form), put right the same way. */
export function correctScan(code: string): string {
  return applyKeyMap(code, keyMap);
}

// Calibration takes the next scan as it came, before any key map and instead of the core.
let capture: ((raw: string) => void) | null = null;
/** Give the next scan, as typed, to `take` (not to the core); returns the cancel. */
export function captureNextScan(take: (raw: string) => void): () => void {
  capture = take;
  return () => {
    if (capture === take) capture = null;
  };
}

/**
 * Listen for scanner bursts anywhere on the page, except while a person types in a text field or
 * works in an approval form. `via` says whether the keys came at scanner speed or by hand. Scans
 * are put right with the bench's scanner calibration (read from `station`'s settings) first.
 */
export function useWedgeScanner(onScan: (code: string, via: 'scan' | 'typed') => void, station?: StationApi): void {
  const callback = useRef(onScan);
  callback.current = onScan;
  useEffect(() => {
    if (!station) return;
    void station.call('getSettings', {}).then((result) => {
      if (result.ok) keyMap = result.value.scanner.keyMap;
    });
  }, [station]);
  useEffect(() => {
    const buffer = new WedgeBuffer();
    const listener = (event: KeyboardEvent) => {
      if (isTextField(event.target) || inApprovalForm(event.target) || event.ctrlKey || event.altKey || event.metaKey) return;
      const wasPending = buffer.pending;
      const code = buffer.key(event.key, event.timeStamp);
      // Keep scanned characters (a space, an Enter) from pressing whatever button has focus.
      if (event.key.length === 1 || (event.key === 'Enter' && wasPending)) event.preventDefault();
      if (!code) return;
      if (capture) {
        const take = capture;
        capture = null;
        take(code);
        return;
      }
      callback.current(applyKeyMap(code, keyMap), buffer.scanned ? 'scan' : 'typed');
    };
    window.addEventListener('keydown', listener, { capture: true });
    return () => window.removeEventListener('keydown', listener, { capture: true });
  }, []);
}
