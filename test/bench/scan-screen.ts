// Scan → screen at one bench, as the packer sees it: the sandbox bench in browser mode in headless
// Chromium, codes typed as a keyboard-wedge scanner types them, timed in the page from the Enter key
// to the first painted frame that shows the answer (an order opened, an item counted, an order put
// aside). Figures, not pass/fail (issue 15: goal p95 ≤ 50 ms).
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { TRAINING_PACKER_BADGE } from '../../electron/core/entry/boot';
import { startSandboxBench } from '../support/sandbox-bench';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface TimedScan {
  kind: 'order' | 'item' | 'put aside';
  ms: number;
}

/**
 * Types `code` and Enter; resolves with the time from the Enter keydown to the first frame after the
 * element `testId` appeared or changed its text (a MutationObserver sees the DOM change, the next
 * requestAnimationFrame is when it is painted).
 */
async function timedScan(page: Page, code: string, testId: string): Promise<number> {
  // A string, not a function: tsx would wrap named inner functions in a helper the page lacks.
  await page.evaluate(ARM_SCRIPT.replace('__ID__', JSON.stringify(testId)));
  await page.keyboard.type(code, { delay: 2 });
  await page.keyboard.press('Enter');
  return page.evaluate(() => (window as unknown as { scanScreen: Promise<number> }).scanScreen);
}

const ARM_SCRIPT = `(() => {
  const id = __ID__;
  const text = () => document.querySelector('[data-testid="' + id + '"]')?.textContent ?? null;
  const before = text();
  window.scanScreen = new Promise((resolve) => {
    let pressed = 0;
    const onKey = (event) => { if (event.key === 'Enter') pressed = performance.now(); };
    window.addEventListener('keydown', onKey, true);
    const observer = new MutationObserver(() => {
      const now = text();
      if (pressed === 0 || now === null || now === before) return;
      observer.disconnect();
      window.removeEventListener('keydown', onKey, true);
      requestAnimationFrame(() => resolve(performance.now() - pressed));
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true });
  });
})()`;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function benchScanScreen(options: { scans: number }): Promise<void> {
  // Browser mode serves the built renderer.
  if (!existsSync(join(ROOT, 'dist', 'renderer', 'index.html'))) execFileSync('node', ['scripts/build.mjs'], { cwd: ROOT, stdio: 'ignore' });
  const { bench } = await startSandboxBench();
  const page = bench.page;
  await page.setViewportSize({ width: 1366, height: 768 });
  const scans: TimedScan[] = [];
  try {
    await timedScan(page, TRAINING_PACKER_BADGE, 'packer');
    await page.getByTestId('training-start').locator('.line-barcode-text').first().waitFor();
    const orders = await page.getByTestId('training-order').locator('.line-barcode-text').allTextContents();
    for (let round = 0; scans.length < options.scans; round++) {
      const order = orders[round % orders.length]!;
      scans.push({ kind: 'order', ms: await timedScan(page, order, 'order-name') });
      // Every item but the last unit (the last would send the parcel to the scale): the count moves.
      const codes: string[] = [];
      const rows = page.getByTestId('order-line');
      for (let i = 0; i < (await rows.count()); i++) {
        const row = rows.nth(i);
        const code = await row.locator('.line-barcode-text').textContent();
        const [packed, quantity] = ((await row.getByTestId('line-count').textContent()) ?? '').split('/').map((n) => Number.parseInt(n, 10));
        if (code && (await row.getByTestId('line-lots').count()) === 0) for (let n = packed!; n < quantity!; n++) codes.push(code);
      }
      for (const code of codes.slice(0, -1)) scans.push({ kind: 'item', ms: await timedScan(page, code, 'next-action') });
      scans.push({ kind: 'put aside', ms: await timedScan(page, '*PB*CANCEL', 'training-start') });
    }
  } finally {
    await bench.close();
  }
  const line = (label: string, all: number[]) => {
    const sorted = [...all].sort((a, b) => a - b);
    return `  ${label.padEnd(10)} p50 ${percentile(sorted, 50).toFixed(1)} ms, p95 ${percentile(sorted, 95).toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms (n=${sorted.length})`;
  };
  console.log('scan → screen at one bench (sandbox in browser mode, headless Chromium, wedge typing, Enter → painted frame; goal p95 ≤ 50 ms):');
  console.log(line('all', scans.map((s) => s.ms)));
  for (const kind of ['order', 'item', 'put aside'] as const) {
    const of = scans.filter((s) => s.kind === kind).map((s) => s.ms);
    if (of.length) console.log(line(kind, of));
  }
}
