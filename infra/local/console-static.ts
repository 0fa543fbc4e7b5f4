import { createReadStream, existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { config } from '../../shared/config';

/**
 * The web console on the local API's port (`npm start` → http://localhost:3000/ and /kiosk): the
 * built files of web/dist, and index.html for every client route. API routes keep precedence:
 * the local server asks `serve` only for GET/HEAD paths no route matches. The console's CSP
 * allows only its own script files (no 'unsafe-inline' scripts); antd's CSS-in-JS needs inline
 * styles.
 */
const WEB_DIR = fileURLToPath(new URL('../../web/', import.meta.url));
export const CONSOLE_DIST = join(WEB_DIR, 'dist');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

export function consoleSecurityHeaders(apiOrigin = ''): Record<string, string> {
  return {
    'content-security-policy': [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob:",
      "font-src 'self' data:",
      `connect-src 'self'${apiOrigin ? ` ${apiOrigin}` : ''}`,
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "form-action 'self'",
      "object-src 'none'",
    ].join('; '),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
  };
}

/** The settings the page reads from <meta name="jjb-config"> (no inline script). */
export function consoleRuntimeConfig() {
  return { apiBase: '', localMode: config().localMode, sessionIdleSeconds: config().sessionIdleSeconds, kioskIdleSeconds: 60 };
}

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

/** True when web/dist is missing or older than anything it is built from. */
export function consoleBuildIsStale(): boolean {
  const built = join(CONSOLE_DIST, 'index.html');
  if (!existsSync(built)) return true;
  const sources = [join(WEB_DIR, 'src'), join(WEB_DIR, 'index.html'), join(WEB_DIR, 'vite.config.ts')].filter((p) => existsSync(p));
  return Math.max(...sources.map(newestMtime)) > statSync(built).mtimeMs;
}

/** Builds the console with Vite when the build is missing or stale; returns what it did. */
export async function ensureConsoleBuilt(opts: { quiet?: boolean } = {}): Promise<'built' | 'fresh'> {
  if (!consoleBuildIsStale()) return 'fresh';
  const { build } = await import('vite');
  await build({ configFile: join(WEB_DIR, 'vite.config.ts'), root: WEB_DIR, logLevel: opts.quiet ? 'error' : 'warn' });
  return 'built';
}

const gzipCache = new Map<string, { mtime: number; body: Buffer }>();
function gzipped(file: string): Buffer {
  const mtime = statSync(file).mtimeMs;
  const hit = gzipCache.get(file);
  if (hit?.mtime === mtime) return hit.body;
  const body = gzipSync(readFileSync(file));
  gzipCache.set(file, { mtime, body });
  return body;
}

let indexCache: { mtime: number; html: string } | undefined;
function indexHtml(): string | undefined {
  const file = join(CONSOLE_DIST, 'index.html');
  if (!existsSync(file)) return undefined;
  const mtime = statSync(file).mtimeMs;
  if (indexCache?.mtime !== mtime) {
    const settings = JSON.stringify(consoleRuntimeConfig()).replace(/&/g, '&amp;').replace(/'/g, '&#39;').replace(/</g, '&lt;');
    indexCache = { mtime, html: readFileSync(file, 'utf8').replace('<meta name="jjb-config" content="{}" />', `<meta name="jjb-config" content='${settings}' />`) };
  }
  return indexCache.html;
}

/**
 * Answers a GET/HEAD for the console; false when it is not the console's (the caller then answers
 * with the API's 404). Files under /assets are content-hashed: cached for a year.
 */
export function serveConsole(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
  } catch {
    return false;
  }
  const root = resolve(CONSOLE_DIST);
  const file = normalize(join(root, pathname));
  const head = req.method === 'HEAD';
  if (pathname !== '/' && (file === root || file.startsWith(root + sep)) && existsSync(file) && statSync(file).isFile()) {
    const immutable = pathname.startsWith('/assets/');
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    const headers = { 'content-type': type, 'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache', vary: 'accept-encoding', ...consoleSecurityHeaders() };
    // Compressed as CloudFront would send it: a village link pays for bytes on the wire.
    if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? '')) && /javascript|css|json|svg|html/.test(type)) {
      const body = gzipped(file);
      res.writeHead(200, { ...headers, 'content-encoding': 'gzip', 'content-length': body.length });
      res.end(head ? undefined : body);
      return true;
    }
    res.writeHead(200, { ...headers, 'content-length': statSync(file).size });
    if (head) res.end();
    else createReadStream(file).pipe(res);
    return true;
  }
  // A missing asset is a 404, not the app: only extension-less paths are client routes.
  if (extname(pathname) !== '') return false;
  const html = indexHtml();
  if (!html) return false;
  const body = Buffer.from(html, 'utf8');
  res.writeHead(200, { 'content-type': TYPES['.html']!, 'content-length': body.length, 'cache-control': 'no-cache', ...consoleSecurityHeaders() });
  res.end(head ? undefined : body);
  return true;
}
