// Shared by the suite and the screenshot script: build the example site,
// serve it on 127.0.0.1, and start Debian's Chromium through playwright-core.
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, normalize, extname } from 'node:path';
import { chromium } from 'playwright-core';

export const ROOT = resolve(import.meta.dirname, '../..');
export const LANGS = ['uz', 'uz-Cyrl', 'ru', 'et', 'en'];
export const CORRIDOR = 'uz-ee';

/** Builds the example site (the repository root), or a fixture site of
 * tests/fixtures, into a fresh folder. */
export function buildSite(fixture, extra = []) {
  const out = join(mkdtempSync(join(tmpdir(), 'pocketguide-browser-')), 'public');
  const site = fixture ? ['--site', join(ROOT, 'tests/fixtures', fixture)] : [];
  execFileSync('cargo', ['run', '-q', '--', 'build', ...site, ...extra, '--out', out], { cwd: ROOT, stdio: 'inherit' });
  return out;
}

const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.pdf': 'application/pdf',
  '.vcf': 'text/vcard', '.xml': 'application/xml', '.svg': 'image/svg+xml', '.png': 'image/png' };

/** A static server for `dir` on a free loopback port. */
export async function serve(dir) {
  const server = createServer((req, res) => {
    let path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
    let file = join(dir, path);
    if (!file.startsWith(dir)) { res.writeHead(404).end(); return; }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return { server, origin: `http://127.0.0.1:${server.address().port}` };
}

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Every page of one corridor in one language, as URL paths. */
export function corridorPages(out, lang) {
  const home = readFileSync(join(out, lang, CORRIDOR, 'index.html'), 'utf8');
  const slugs = [...home.matchAll(/<ol class="chapters">([\s\S]*?)<\/ol>/g)][0][1]
    .matchAll(/href="[^"]*\/([a-z0-9-]+)\/index\.html"/g);
  return [`/${lang}/${CORRIDOR}/index.html`, ...[...slugs].map((m) => `/${lang}/${CORRIDOR}/${m[1]}/index.html`)];
}
