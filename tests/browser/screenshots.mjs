// Renders every screenshot the README and docs show into docs/screenshots/
// (PNG), from a fresh build of the example: the phone view of the corridor
// home and of a chapter, light and dark, a search in Uzbek, the cover and an inner page of the
// PDF, and the first side of the A4 booklet. Run after theme or content
// changes: npm run screenshots. The browser suite runs it too, into a
// temporary folder (SHOTS_DIR), so it cannot rot.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildSite, serve, launch, ROOT, CORRIDOR } from './harness.mjs';

const dir = process.env.SHOTS_DIR || join(ROOT, 'docs/screenshots');
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
// A search in Uzbek, typed with a plain apostrophe, with JavaScript on.
{
  const context = await browser.newContext({ viewport: { width: 360, height: 640 } });
  const page = await context.newPage();
  await page.goto(`${origin}/uz/search/index.html?q=${encodeURIComponent("o'zbekiston elchixonasi")}`);
  await page.waitForSelector('#search-results li');
  await page.waitForLoadState('networkidle');
  await page.screenshot({ path: join(dir, 'phone-search-uz.png') });
  await context.close();
}
await browser.close();
server.close();

// The PDF: cover and the red-flags chapter, as a reader holds them.
const pdf = join(out, 'en', CORRIDOR, `${CORRIDOR}-en.pdf`);
for (const [page, name] of [[1, 'pdf-cover-en'], [5, 'pdf-page-en']]) {
  execFileSync('pdftoppm', ['-r', '90', '-png', '-f', String(page), '-l', String(page), '-singlefile', pdf, join(dir, name)]);
}
// A right-to-left guide (the Arabic one of tests/fixtures/scripts): its
// home and a chapter, as a phone shows them.
const rtlOut = buildSite('scripts');
const { server: rtlServer, origin: rtlOrigin } = await serve(rtlOut);
const rtlBrowser = await launch();
for (const [name, path] of [['phone-home-ar.png', '/ar/et-sa/index.html'], ['phone-chapter-ar.png', '/ar/et-sa/rights/index.html']]) {
  const context = await rtlBrowser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 640 } });
  const page = await context.newPage();
  await page.goto(rtlOrigin + path);
  await page.screenshot({ path: join(dir, name) });
  await context.close();
}
await rtlBrowser.close();
rtlServer.close();

// The booklet's first side: wallet card and cover above, two pages below.
const booklet = join(out, 'en', CORRIDOR, `${CORRIDOR}-en-booklet-a4.pdf`);
execFileSync('pdftoppm', ['-r', '40', '-png', '-f', '1', '-l', '1', '-singlefile', booklet, join(dir, 'booklet-a4-en')]);
console.log(readdirSync(dir).join('\n'));
