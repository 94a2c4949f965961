// The app:// handler over a real folder: the built renderer's files with their types and the CSP
// header, nothing outside it (parent steps, encoded separators, symlinks leading out, dot files).
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appProtocolHandler, DESKTOP_CSP } from '../../electron/main-protocol';
import { tempDir } from '../support/temp-dir';

const dir = tempDir('packbench-app-protocol-');
const renderer = join(dir.path, 'renderer');
mkdirSync(join(renderer, 'assets'), { recursive: true });
writeFileSync(join(renderer, 'index.html'), '<!doctype html><div id="root"></div>');
writeFileSync(join(renderer, 'assets', 'index-abc.js'), 'console.log(1)');
writeFileSync(join(renderer, '.env'), 'SECRET=1');
writeFileSync(join(dir.path, 'secrets.json'), '{"odoo":"key"}');
symlinkSync(join(dir.path, 'secrets.json'), join(renderer, 'assets', 'linked.json'));
const handler = appProtocolHandler(renderer);
afterAll(() => dir.remove());

describe('app:// protocol', () => {
  it('serves the page at / and by name, and its assets with their types, each with the CSP header', async () => {
    for (const url of ['app://packbench/', 'app://packbench/index.html']) {
      const page = await handler(new Request(url));
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('id="root"');
      expect(page.headers.get('content-security-policy')).toBe(DESKTOP_CSP);
    }
    const script = await handler(new Request('app://packbench/assets/index-abc.js'));
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('content-security-policy')).toBe(DESKTOP_CSP);
  });

  it('answers 404 for anything outside the folder or hidden, and for another host', async () => {
    for (const url of [
      'app://packbench/assets/linked.json',
      'app://packbench/%2e%2e/secrets.json',
      'app://packbench/assets%2f..%2f..%2fsecrets.json',
      'app://packbench/.env',
      'app://packbench/missing.js',
      'app://elsewhere/index.html',
    ]) {
      const response = await handler(new Request(url));
      expect(response.status, url).toBe(404);
      expect(await response.text()).not.toContain('key');
    }
  });
});
