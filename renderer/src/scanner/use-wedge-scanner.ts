import { useEffect, useRef } from 'react';
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

/**
 * Listen for scanner bursts anywhere on the page, except while a person types in a text field or
 * works in an approval form. `via` says whether the keys came at scanner speed or by hand.
 */
export function useWedgeScanner(onScan: (code: string, via: 'scan' | 'typed') => void): void {
  const callback = useRef(onScan);
  callback.current = onScan;
  useEffect(() => {
    const buffer = new WedgeBuffer();
    const listener = (event: KeyboardEvent) => {
      if (isTextField(event.target) || inApprovalForm(event.target) || event.ctrlKey || event.altKey || event.metaKey) return;
      const wasPending = buffer.pending;
      const code = buffer.key(event.key, event.timeStamp);
      // Keep scanned characters (a space, an Enter) from pressing whatever button has focus.
      if (event.key.length === 1 || (event.key === 'Enter' && wasPending)) event.preventDefault();
      if (code) callback.current(code, buffer.scanned ? 'scan' : 'typed');
    };
    window.addEventListener('keydown', listener, { capture: true });
    return () => window.removeEventListener('keydown', listener, { capture: true });
  }, []);
}
