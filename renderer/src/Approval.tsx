import { useState, type ReactElement } from 'react';
import type { Approval } from '../../shared/api';

/**
 * Shift-lead approval: a PIN typed in, or a badge scanned into the field. The third element
 * empties both fields, so an approval is not left on screen for the next change.
 */
export function useApproval(): [Approval | null, ReactElement, () => void] {
  const [pin, setPin] = useState('');
  const [badge, setBadge] = useState('');
  const approval: Approval | null = badge.trim() ? { badge: badge.trim() } : /^\d{4,12}$/.test(pin) ? { pin } : null;
  const fields = (
    <div className="approval">
      <label>
        Shift lead PIN
        <input
          type="password"
          inputMode="numeric"
          autoComplete="off"
          value={pin}
          onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))}
          data-testid="approval-pin"
        />
      </label>
      <span className="or">or scan a lead badge</span>
      <input
        aria-label="Shift lead badge"
        autoComplete="off"
        value={badge}
        onChange={(e) => setBadge(e.target.value)}
        data-testid="approval-badge"
      />
    </div>
  );
  const reset = () => {
    setPin('');
    setBadge('');
  };
  return [approval, fields, reset];
}
