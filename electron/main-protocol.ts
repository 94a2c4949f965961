// The desktop window's page comes from its own origin, app://packbench, not from file://: under
// file:// the page's 'self' matches every local file, and a file page carries no response headers.
// The handler serves only the built renderer folder, with a strict Content-Security-Policy header.
// It takes a fetch Request and answers a fetch Response (what Electron's protocol.handle uses), so it
// runs, and is tested, without the Electron runtime.
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { contentTypeOf } from './core/host/content-types';
import { isInside, pageContentSecurityPolicy, staticPath } from './core/host/security';
import { originOf } from './main-ipc';

export const APP_SCHEME = 'app';
export const APP_HOST = 'packbench';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_PAGE_URL = `${APP_ORIGIN}/index.html`;

/**
 * Registered before the app is ready. standard: real origins and relative URLs; secure: treated
 * like https (no mixed-content downgrade); supportFetchAPI: the page's module scripts load with it.
 * Nothing else (no bypassCSP, no service workers, no CORS).
 */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true } as const;

/** The desktop page talks to the core over IPC only; it opens no connection beyond its own origin. */
export const DESKTOP_CSP = pageContentSecurityPolicy("connect-src 'self'");

const headers = (contentType: string): Record<string, string> => ({
  'Content-Type': contentType,
  'Content-Security-Policy': DESKTOP_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-cache',
});

const notFound = () => new Response('Not found', { status: 404, headers: headers('text/plain; charset=utf-8') });

/** Serve `rendererDir` as app://packbench/: its files only, never a dot file or a path outside it. */
export function appProtocolHandler(rendererDir: string): (request: Request) => Promise<Response> {
  const rootPromise = realpath(path.resolve(rendererDir));

  async function fileIn(root: string, candidate: string): Promise<string | null> {
    try {
      const real = await realpath(candidate);
      // A symlink inside the folder must not lead outside it.
      return isInside(root, real) && (await stat(real)).isFile() ? real : null;
    } catch {
      return null;
    }
  }

  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response('Method not allowed', { status: 405, headers: headers('text/plain; charset=utf-8') });
    }
    if (originOf(request.url) !== APP_ORIGIN) return notFound();
    const root = await rootPromise.catch(() => null);
    if (root === null) return notFound();
    const pathname = new URL(request.url).pathname;
    const target = staticPath(root, pathname === '/' ? '/index.html' : pathname);
    if (target === null) return notFound();
    const file = await fileIn(root, target);
    if (file === null) return notFound();
    const body = await readFile(file);
    return new Response(request.method === 'HEAD' ? null : body, { status: 200, headers: headers(contentTypeOf(path.extname(file))) });
  };
}
