// Renders what an NGO gets into docs/screenshots/ (PNG): the phone view of
// the corridor home and of a chapter, light and dark, and the cover and an
// inner page of the PDF. Run after theme changes: npm run screenshots
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildSite, serve, launch, ROOT, CORRIDOR } from './harness.mjs';

const dir = join(ROOT, 'docs/screenshots');
mkdirSync(dir, { recursive: true });
const out = buildSite();
const { server, origin } = await serve(out);
const browser = await launch();
const shots = [
  ['phone-home-uz.png', `/uz/${CORRIDOR}/index.html`, 'light'],
  ['phone-chapter-ru.png', `/ru/${CORRIDOR}/recruitment-red-flags/index.html`, 'light'],
  ['phone-contacts-et-dark.png', `/et/${CORRIDOR}/contacts/index.html`, 'dark'],
];
for (const [name, path, colorScheme] of shots) {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 640 }, colorScheme });
  const page = await context.newPage();
  await page.goto(origin + path);
  await page.screenshot({ path: join(dir, name) });
  await context.close();
}
await browser.close();
server.close();

// The PDF: cover and the red-flags chapter, as a reader holds them.
const pdf = join(out, 'en', CORRIDOR, `${CORRIDOR}-en.pdf`);
for (const [page, name] of [[1, 'pdf-cover-en'], [5, 'pdf-page-en']]) {
  execFileSync('pdftoppm', ['-r', '90', '-png', '-f', String(page), '-l', String(page), '-singlefile', pdf, join(dir, name)]);
}
console.log(readdirSync(dir).join('\n'));
