// Browser-mode security rules as pure helpers: who may talk to the host (Host and Origin checks
// against DNS rebinding and cross-site requests), how a page proves it was opened by the person
// (single-use start token traded for an HttpOnly cookie), and which file a URL path may name.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import path from 'node:path';

/**
 * The session cookie's name, one per port: cookies are not kept apart by port, so two stations on one
 * computer (or a station restarted on another port) would otherwise overwrite each other's session.
 */
export const sessionCookieName = (port: number) => `pb_session_${port}`;

/** 32 random bytes, base64url: the start token and session ids. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Constant-time string equality; hashing first makes the lengths equal and hides them. */
export function secretsEqual(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

export function allowedOrigins(port: number): string[] {
  return allowedHosts(port).map((host) => `http://${host}`);
}

/** The Host header must name us exactly; anything else may be a rebound DNS name. */
export function hostAllowed(host: string | undefined, port: number): boolean {
  return typeof host === 'string' && allowedHosts(port).includes(host.toLowerCase());
}

/**
 * Origin, when sent, must be ours. `required` is for state-changing requests and WebSocket
 * upgrades, where browsers always send it, so its absence means a non-browser or a stripped header.
 */
export function originAllowed(origin: string | undefined, port: number, required: boolean): boolean {
  if (origin === undefined) return !required;
  return allowedOrigins(port).includes(origin.toLowerCase());
}

/** Every value a Cookie header gives `name` (another app on localhost may set the same name). */
export function cookieValues(header: string | undefined, name: string): string[] {
  if (!header) return [];
  const values: string[] = [];
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    let value = part.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    values.push(value);
  }
  return values;
}

export function sessionCookie(port: number, id: string): string {
  return `${sessionCookieName(port)}=${id}; HttpOnly; SameSite=Strict; Path=/`;
}

/** The only connections the browser-mode page makes besides its own HTTP: the event socket. */
export const connectSources = (port: number) => `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`;

export function contentSecurityPolicy(port: number): string {
  return pageContentSecurityPolicy(connectSources(port));
}

/** The page's policy, served by the browser-mode host and the desktop window's app:// protocol alike. */
export function pageContentSecurityPolicy(connectSrc: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    connectSrc,
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].join('; ');
}

/** Headers on every response, static or API. */
export function securityHeaders(port: number): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(port),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  };
}

/**
 * Only application/json: a cross-site form or "simple" fetch cannot send it without a CORS
 * preflight, which this host never answers.
 */
export function isJsonContentType(header: string | undefined): boolean {
  return typeof header === 'string' && header.split(';')[0]!.trim().toLowerCase() === 'application/json';
}

/** The start token (usable once) and the one session it buys. */
export class SessionGate {
  private token: string | null;
  private session: Buffer | null = null;
  /** Set once the port is known (the gate is made before the server listens). */
  cookieName = sessionCookieName(0);

  constructor(token: string) {
    this.token = token;
  }

  /** Trade the token for a new session id; null when it is wrong or already used. */
  exchange(candidate: unknown): string | null {
    if (this.token === null || typeof candidate !== 'string') return null;
    if (!secretsEqual(candidate, this.token)) return null;
    this.token = null;
    const id = newSecret();
    this.session = digest(id);
    return id;
  }

  /** Whether a Cookie header carries the live session. */
  authorised(cookieHeader: string | undefined): boolean {
    const session = this.session;
    if (session === null) return false;
    return cookieValues(cookieHeader, this.cookieName).some((value) => timingSafeEqual(digest(value), session));
  }
}

export function isInside(root: string, candidate: string): boolean {
  return candidate === root || candidate.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

/**
 * Map a URL path onto a path under `root`, or null when it would leave root, names a hidden
 * file, or is malformed. Each segment is decoded on its own so `%2e%2e` and `%2f` cannot smuggle
 * a parent step or a separator past the check.
 */
export function staticPath(root: string, pathname: string): string | null {
  if (!pathname.startsWith('/')) return null;
  const segments: string[] = [];
  for (const raw of pathname.slice(1).split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (segment === '') continue;
    if (segment.startsWith('.') || /[\\/:\0]/.test(segment)) return null;
    segments.push(segment);
  }
  const resolved = path.resolve(root, ...segments);
  return isInside(root, resolved) ? resolved : null;
}
