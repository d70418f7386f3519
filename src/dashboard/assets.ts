/**
 * The built pages (Vite's output: index.html and hashed files under assets/), read once at start and served
 * from memory. Pages carry a Content-Security-Policy that allows this origin only: no page can make a
 * third-party request, even a note's image (those are shown from downloaded media or as links).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
  ".json": "application/json; charset=utf-8",
};

export const PAGE_HEADERS: Record<string, string> = {
  "content-security-policy":
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; " +
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
};

export interface Asset {
  body: Uint8Array;
  type: string;
}

/** Where `npm run build` puts the pages: dist/web beside dist/dashboard (this file's folder once built). */
export function defaultAssetsDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "web");
}

/** Every file under `dir`, by URL path ("/index.html", "/assets/index-abc.js"). */
export function loadAssets(dir: string): Map<string, Asset> {
  const out = new Map<string, Asset>();
  const walk = (folder: string): void => {
    for (const name of readdirSync(folder)) {
      const full = path.join(folder, name);
      if (statSync(full).isDirectory()) walk(full);
      else {
        const url = `/${path.relative(dir, full).split(path.sep).join("/")}`;
        out.set(url, { body: readFileSync(full), type: TYPES[path.extname(name)] ?? "application/octet-stream" });
      }
    }
  };
  walk(dir);
  return out;
}
