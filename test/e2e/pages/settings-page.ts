// Page object for the Settings panel: what a shift lead sees and does there.
import type { Page } from 'playwright-core';

export class SettingsPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    if (!(await this.panel().isVisible())) await this.page.getByTestId('settings-open').click();
    await this.field('bench.name').waitFor();
  }
  panel() {
    return this.page.getByTestId('settings-panel');
  }
  /** A setting's input or select by "section.field", e.g. "printer.fallbackUri". */
  field(path: string) {
    return this.page.getByTestId(`setting-${path}`);
  }
  fieldError(path: string) {
    return this.page.getByTestId(`error-${path}`);
  }
  testButton(device: 'printer' | 'scale') {
    return this.page.getByTestId(`test-${device}`);
  }
  testResult(device: 'printer' | 'scale') {
    return this.page.getByTestId(`test-${device}-result`);
  }
  changes() {
    return this.page.getByTestId('settings-changes');
  }
  notice() {
    return this.page.getByTestId('settings-notice');
  }
  /** Save with a shift lead's PIN. */
  async saveWithPin(pin: string): Promise<void> {
    await this.page.getByTestId('approval-pin').fill(pin);
    await this.page.getByTestId('settings-save').click();
  }
  /** The bench name in the top bar. */
  topBarBench() {
    return this.page.getByTestId('bench-name');
  }
}
