import { useEffect, useRef } from 'react';
import { WedgeBuffer } from './wedge-buffer';

function isTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement) return true;
  return target instanceof HTMLInputElement && !['button', 'checkbox', 'radio', 'submit'].includes(target.type);
}

/** Listen for scanner bursts anywhere on the page, except while a person types in a text field. */
export function useWedgeScanner(onScan: (code: string) => void): void {
  const callback = useRef(onScan);
  callback.current = onScan;
  useEffect(() => {
    const buffer = new WedgeBuffer();
    const listener = (event: KeyboardEvent) => {
      if (isTextField(event.target) || event.ctrlKey || event.altKey || event.metaKey) return;
      const wasPending = buffer.pending;
      const code = buffer.key(event.key, event.timeStamp);
      // Keep scanned characters (a space, an Enter) from pressing whatever button has focus.
      if (event.key.length === 1 || (event.key === 'Enter' && wasPending)) event.preventDefault();
      if (code) callback.current(code);
    };
    window.addEventListener('keydown', listener, { capture: true });
    return () => window.removeEventListener('keydown', listener, { capture: true });
  }, []);
}
