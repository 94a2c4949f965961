// Page object for the pack screen: what a packer sees and does.
import type { Page } from 'playwright-core';

export class PackPage {
  constructor(readonly page: Page) {}

  /** Type a code the way a keyboard-wedge scanner does: a fast burst of keys and Enter, no field focused. */
  async scan(code: string): Promise<void> {
    await this.page.keyboard.type(code, { delay: 5 });
    await this.page.keyboard.press('Enter');
  }

  message() {
    return this.page.getByTestId('message');
  }
  packer() {
    return this.page.getByTestId('packer');
  }
  nextAction() {
    return this.page.getByTestId('next-action');
  }
  scanCount() {
    return this.page.getByTestId('scan-count');
  }
  /** How old the local copy of orders is ("Orders synced 2 min ago", "Offline — …"). */
  orderSync() {
    return this.page.getByTestId('order-sync');
  }
}
