// The built example site in headless Chromium with JavaScript off, as a
// migrant's phone, a volunteer's laptop and a phone in dark mode, plus print.
// Run: npm test (in tests/browser), after `npm ci`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { buildSite, serve, launch, corridorPages, LANGS, CORRIDOR } from './harness.mjs';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const MODES = [
  { name: 'phone', viewport: { width: 360, height: 640 }, colorScheme: 'light' },
  { name: 'laptop', viewport: { width: 1280, height: 800 }, colorScheme: 'light' },
  { name: 'phone-dark', viewport: { width: 360, height: 640 }, colorScheme: 'dark' },
];

let out, server, origin, browser;
before(async () => {
  out = buildSite();
  ({ server, origin } = await serve(out));
  browser = await launch();
});
after(async () => {
  await browser?.close();
  server?.close();
});

/** Layout facts of the page, measured in the page (the page's own scripts stay off). */
function measure() {
  const facts = { problems: [] };
  const de = document.documentElement;
  if (de.scrollWidth > window.innerWidth) facts.problems.push(`scrolls sideways: ${de.scrollWidth}px > ${window.innerWidth}px`);
  const visible = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0 && r.right > 0; };
  // Body text at least 16px (footnote markers in <sup> are not body text).
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!node.textContent.trim() || !visible(el) || el.closest('sup')) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < 16) facts.problems.push(`text at ${size}px: <${el.tagName.toLowerCase()} class="${el.className}"> "${node.textContent.trim().slice(0, 40)}"`);
  }
  // Tap targets at least 44 x 44, except links inline in running text.
  for (const a of document.querySelectorAll('a[href], button')) {
    if (!visible(a) || a.classList.contains('skip') || a.closest('article p, article li, article td, .footnote, sup')) continue;
    const r = a.getBoundingClientRect();
    if (r.width < 44 || r.height < 44) facts.problems.push(`tap target ${Math.round(r.width)}x${Math.round(r.height)}: "${a.textContent.trim().slice(0, 40)}"`);
    // A short label is as wide as the reader's font makes it ("Eesti" was
    // 41 px on a phone): it must ask for its 44 px itself.
    if (a.textContent.trim().length <= 6 && parseFloat(getComputedStyle(a).minWidth || '0') < 44) {
      facts.problems.push(`tap target "${a.textContent.trim()}" is only as wide as its font makes it (no min-width: 44px)`);
    }
  }
  const tel = document.querySelector('.sos a[href^="tel:"]');
  facts.emergency = tel && { href: tel.getAttribute('href'), top: tel.getBoundingClientRect().top, bottom: tel.getBoundingClientRect().bottom };
  facts.innerHeight = window.innerHeight;
  facts.switcher = [...document.querySelectorAll('.langs a')].map((a) => ({ lang: a.getAttribute('lang'), href: a.href }));
  facts.fontFaces = document.fonts.size;
  // No tofu: each letter below must not render as the box an unassigned code point gets.
  const font = getComputedStyle(document.body).font;
  const canvas = document.createElement('canvas'); canvas.width = canvas.height = 48;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const draw = (ch) => { ctx.clearRect(0, 0, 48, 48); ctx.font = font.replace(/\d+(\.\d+)?px/, '32px'); ctx.fillText(ch, 4, 36); return ctx.getImageData(0, 0, 48, 48).data.join(); };
  const tofu = draw('\u0378');
  facts.tofu = ['ʻ', 'Ж', 'ы', 'ў', 'қ', 'ғ', 'ҳ', 'õ', 'ä', 'š', 'ž', 'ü'].filter((ch) => document.body.textContent.includes(ch) && draw(ch) === tofu);
  return facts;
}

/** axe-core needs timers, which do not run while a page's scripts are off;
 * the pages have no scripts of their own, so a script-enabled load of the
 * same URL has the same DOM. */
async function axe(context, url) {
  const page = await context.newPage();
  await page.goto(url);
  await page.evaluate((src) => { (0, eval)(src); }, AXE);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const violations = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  await page.close();
  return violations;
}

for (const mode of MODES) {
  for (const lang of LANGS) {
    test(`${mode.name}: every page of ${CORRIDOR} in ${lang}`, async () => {
      const options = { viewport: mode.viewport, colorScheme: mode.colorScheme };
      const context = await browser.newContext({ ...options, javaScriptEnabled: false });
      const axeContext = await browser.newContext(options);
      const requests = [];
      for (const c of [context, axeContext]) c.on('request', (r) => requests.push(r.url()));
      const page = await context.newPage();
      const failures = [];
      for (const path of corridorPages(out, lang)) {
        const response = await page.goto(origin + path);
        assert.equal(response.status(), 200, path);
        assert.equal(await page.getAttribute('html', 'lang'), lang, path);
        const facts = await page.evaluate(measure);
        failures.push(...facts.problems.map((p) => `${path}: ${p}`));
        if (!facts.emergency) failures.push(`${path}: no emergency tel: link one tap away`);
        else if (path.endsWith(`${CORRIDOR}/index.html`) && (facts.emergency.top < 0 || facts.emergency.bottom > facts.innerHeight)) {
          failures.push(`${path}: emergency number not visible without scrolling`);
        }
        const others = facts.switcher.filter((s) => s.lang !== lang);
        if (others.length !== LANGS.length - 1) failures.push(`${path}: switcher has ${others.length} other languages`);
        for (const s of others) {
          const expected = origin + path.replace(`/${lang}/`, `/${s.lang}/`);
          if (s.href !== expected) failures.push(`${path}: switcher ${s.lang} → ${s.href}, expected ${expected}`);
        }
        if (facts.fontFaces !== 0) failures.push(`${path}: loads web fonts`);
        if (facts.tofu.length) failures.push(`${path}: no glyph for ${facts.tofu.join(' ')}`);
        failures.push(...(await axe(axeContext, origin + path)).map((v) => `${path}: axe ${v}`));
      }
      const foreign = requests.filter((u) => !u.startsWith(origin));
      assert.deepEqual(foreign, [], 'requests to other hosts');
      await context.close();
      await axeContext.close();
      assert.deepEqual(failures, []);
    });
  }
}

for (const mode of MODES) {
  test(`${mode.name}: the language chooser and every language's list of guides`, async () => {
    const options = { viewport: mode.viewport, colorScheme: mode.colorScheme };
    const context = await browser.newContext({ ...options, javaScriptEnabled: false });
    const axeContext = await browser.newContext(options);
    const requests = [];
    for (const c of [context, axeContext]) c.on('request', (r) => requests.push(r.url()));
    const page = await context.newPage();
    const failures = [];
    for (const path of ['/index.html', ...LANGS.map((l) => `/${l}/index.html`)]) {
      const response = await page.goto(origin + path);
      assert.equal(response.status(), 200, path);
      const facts = await page.evaluate(measure);
      failures.push(...facts.problems.map((p) => `${path}: ${p}`));
      if (path !== '/index.html' && !(await page.$('a[href^="tel:"]'))) failures.push(`${path}: no emergency tel: link`);
      failures.push(...(await axe(axeContext, origin + path)).map((v) => `${path}: axe ${v}`));
    }
    assert.deepEqual(requests.filter((u) => !u.startsWith(origin)), [], 'requests to other hosts');
    await context.close();
    await axeContext.close();
    assert.deepEqual(failures, []);
  });
}

test('one-file guide: opened from file:// at 360 px with JavaScript off, it asks for nothing', async () => {
  const failures = [];
  for (const lang of LANGS) {
    const url = pathToFileURL(join(out, lang, CORRIDOR, `${CORRIDOR}-${lang}.html`)).href;
    const options = { viewport: { width: 360, height: 640 } };
    const context = await browser.newContext({ ...options, javaScriptEnabled: false });
    const axeContext = await browser.newContext(options);
    const requests = [];
    for (const c of [context, axeContext]) c.on('request', (r) => requests.push(r.url()));
    const page = await context.newPage();
    await page.goto(url);
    const facts = await page.evaluate(measure);
    failures.push(...facts.problems.map((p) => `${lang}: ${p}`));
    if (!facts.emergency) failures.push(`${lang}: no emergency tel: link`);
    failures.push(...(await axe(axeContext, url)).map((v) => `${lang}: axe ${v}`));
    const others = requests.filter((u) => u !== url && !u.startsWith('data:'));
    if (others.length) failures.push(`${lang}: requests ${others.join(', ')}`);
    await context.close();
    await axeContext.close();
  }
  assert.deepEqual(failures, []);
});

test('print: print.html at A6 clips no text or table, and prints every chapter', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const dir = mkdtempSync(join(tmpdir(), 'pocketguide-print-'));
  for (const lang of LANGS) {
    const path = `/${lang}/${CORRIDOR}/print.html`;
    await page.goto(origin + path);
    await page.emulateMedia({ media: 'print' });
    // The A6 page's text area: 105 mm less 2 x 8 mm margins = 89 mm ≈ 336 CSS px.
    await page.setViewportSize({ width: 336, height: 500 });
    const overflow = await page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      return [...document.querySelectorAll('main *')]
        .filter((el) => el.getBoundingClientRect().right > width + 1 || el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflow === 'visible' && el.clientWidth > 0)
        .map((el) => `<${el.tagName.toLowerCase()}> ${el.textContent.trim().slice(0, 40)}`);
    });
    assert.deepEqual(overflow, [], `${path}: clipped`);
    const pdf = join(dir, `${lang}.pdf`);
    await page.pdf({ path: pdf, preferCSSPageSize: true, printBackground: true });
    const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
    // A6 is 297.64 x 419.53 pt; Chromium rounds the page to whole CSS pixels.
    const [, w, h] = info.match(/Page size:\s+([\d.]+) x ([\d.]+) pts/);
    assert.ok(Math.abs(w - 297.64) < 1.5 && Math.abs(h - 419.53) < 1.5, `${path}: ${w} x ${h} pt is not A6`);
    const text = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    const html = readFileSync(join(out, lang, CORRIDOR, 'print.html'), 'utf8');
    for (const [, title] of html.matchAll(/<section class="chapter" id="ch-[^"]+">[\s\S]*?<h2>([^<]+)<\/h2>/g)) {
      assert.ok(text.includes(title.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&')), `${path}: "${title}" missing from the printout`);
    }
  }
  await context.close();
});

// The README's screenshots come from one script; it must keep working.
test('the screenshots script makes every screenshot from a build', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shots-'));
  execFileSync('node', ['screenshots.mjs'], { env: { ...process.env, SHOTS_DIR: dir }, stdio: 'pipe' });
  const made = readdirSync(dir).sort();
  for (const name of readdirSync(join(import.meta.dirname, '../../docs/screenshots')).filter((f) => f.endsWith('.png'))) {
    assert.ok(made.includes(name), `${name} is not made by screenshots.mjs: ${made}`);
    assert.ok(statSync(join(dir, name)).size > 1000, `${name} is empty`);
  }
});

// Right to left (tests/fixtures/scripts): Arabic and Urdu pages mirror as a
// whole, and a phone number inside their text reads left to right.
test('right to left: Arabic and Urdu pages at 360 px, numbers in reading order', async () => {
  const rtlOut = buildSite('scripts');
  const { server: rtlServer, origin: rtlOrigin } = await serve(rtlOut);
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 640 } });
  const axeContext = await browser.newContext({ viewport: { width: 360, height: 640 } });
  const page = await context.newPage();
  const failures = [];
  try {
    for (const [lang, corridor] of [['ar', 'et-sa'], ['ur', 'pk-ae']]) {
      for (const path of [`/${lang}/${corridor}/index.html`, `/${lang}/${corridor}/rights/index.html`, `/${lang}/${corridor}/contacts/index.html`]) {
        await page.goto(rtlOrigin + path);
        assert.equal(await page.getAttribute('html', 'dir'), 'rtl', path);
        const facts = await page.evaluate(measure);
        failures.push(...facts.problems.map((p) => `${path}: ${p}`));
        failures.push(...(await axe(axeContext, rtlOrigin + path)).map((v) => `${path}: axe ${v}`));
        // The page mirrors: the first chapter link and the notice start on the right.
        const start = await page.evaluate(() => getComputedStyle(document.body).direction);
        if (start !== 'rtl') failures.push(`${path}: body direction ${start}`);
      }
      // Each digit group of +44 20 7946 0018 in the Arabic or Urdu sentence
      // stands to the right of the one before it.
      await page.goto(rtlOrigin + `/${lang}/${corridor}/rights/index.html`);
      const xs = await page.evaluate(() => {
        const walker = document.createTreeWalker(document.querySelector('article'), NodeFilter.SHOW_TEXT);
        while (walker.nextNode()) {
          const node = walker.currentNode, text = node.textContent, at = text.indexOf('+44 20 7946 0018');
          if (at < 0) continue;
          return ['+44', '20', '7946', '0018'].map((group) => {
            const i = text.indexOf(group, at), range = document.createRange();
            range.setStart(node, i); range.setEnd(node, i + group.length);
            return range.getBoundingClientRect().left;
          });
        }
        return null;
      });
      assert.ok(xs, `${lang}: the number is in the text`);
      assert.ok(xs[0] < xs[1] && xs[1] < xs[2] && xs[2] < xs[3], `${lang}: digit groups out of order: ${xs}`);
      // And it is not broken across lines: all groups on one line.
      const tops = await page.evaluate(() => [...document.querySelectorAll('article bdi')].map((b) => b.getClientRects().length));
      assert.ok(tops.length > 0 && tops.every((n) => n === 1), `${lang}: a number spans lines: ${tops}`);
      // The same number in a search result, with JavaScript on.
      const searching = await browser.newContext({ viewport: { width: 360, height: 640 } });
      const results = await searching.newPage();
      await results.goto(`${rtlOrigin}/${lang}/search/index.html?q=7946`);
      await results.waitForSelector('#search-results bdi');
      const groups = await results.evaluate(() => {
        const bdi = [...document.querySelectorAll('#search-results p bdi')].find((b) => b.textContent.includes('7946'));
        if (!bdi) return null;
        // Each group's left edge (each word is a text node of its own,
        // the query's inside a <mark>; `+` is one apart from 44).
        const range = document.createRange(), xs = [], tops = new Set();
        for (const group of ['44', '20', '7946', '0018']) {
          const walker = document.createTreeWalker(bdi, NodeFilter.SHOW_TEXT);
          while (walker.nextNode()) {
            const at = walker.currentNode.textContent.indexOf(group);
            if (at < 0) continue;
            range.setStart(walker.currentNode, at); range.setEnd(walker.currentNode, at + group.length);
            xs.push(range.getBoundingClientRect().left);
            tops.add(Math.round(range.getBoundingClientRect().top));
            break;
          }
        }
        return { lines: tops.size, xs };
      });
      await searching.close();
      assert.ok(groups, `${lang}: the number is not isolated in the search result`);
      assert.equal(groups.lines, 1, `${lang}: the number spans lines in the search result`);
      assert.ok(groups.xs.length === 4 && groups.xs[0] < groups.xs[1] && groups.xs[1] < groups.xs[2] && groups.xs[2] < groups.xs[3],
        `${lang}: digit groups out of order in the search result: ${groups.xs}`);
    }
  } finally {
    await context.close();
    await axeContext.close();
    rtlServer.close();
  }
  assert.deepEqual(failures, []);
});

// Search (SPEC 10) on a phone: typed into the form of a guide's page, as a
// reader would; with JavaScript the results come below the emergency
// numbers, without it the same page is a keyword index.
const QUERIES = [
  ['uz', "o'zbekiston", 'contact-uz-embassy-riga'],
  ['uz-Cyrl', 'pasport', '/your-passport/'],
  ['ru', 'паспорта', '/your-passport/'],
  ['et', 'lepingut', '/your-contract/'],
  ['en', 'overtme', '#working-time-and-overtime'],
];

/** Types `q` into the search form of `path` and waits for the search page.
 * Returns the bytes of every response after that page's own HTML. */
async function searchFrom(page, base, path, q) {
  await page.goto(base + path);
  await page.fill('#search-q', q);
  let bytes = 0, seenPage = false;
  const sizes = [];
  page.on('response', async (r) => {
    const body = await r.body().catch(() => Buffer.alloc(0));
    if (!seenPage) { seenPage = r.url().includes('/search/index.html'); return; }
    bytes += body.length;
    sizes.push(body.length);
  });
  await Promise.all([page.waitForURL(/\/search\/index\.html\?q=/), page.press('#search-q', 'Enter')]);
  return () => bytes;
}

test('search at 360 px with JavaScript: results below the emergency numbers, words marked', async () => {
  const failures = [];
  for (const [lang, q, expected] of QUERIES) {
    const context = await browser.newContext({ viewport: { width: 360, height: 640 } });
    const requests = [];
    context.on('request', (r) => requests.push(r.url()));
    const page = await context.newPage();
    const bytes = await searchFrom(page, origin, `/${lang}/${CORRIDOR}/index.html`, q);
    await page.waitForSelector('#search-results li a');
    await page.waitForLoadState('networkidle');
    const facts = await page.evaluate(measure);
    failures.push(...facts.problems.map((p) => `${lang} ${q}: ${p}`));
    const first = await page.$$eval('#search-results li a', (as) => as.slice(0, 3).map((a) => a.getAttribute('href')));
    if (!first.some((h) => h.includes(expected))) failures.push(`${lang} ${q}: top results ${first.join(' | ')}`);
    if (!(await page.$('#search-results mark'))) failures.push(`${lang} ${q}: no word marked`);
    const [sos, results] = await page.evaluate(() => [document.querySelector('.sos').getBoundingClientRect().bottom,
      document.querySelector('#search-results').getBoundingClientRect().top]);
    if (!(sos <= results)) failures.push(`${lang} ${q}: emergency numbers not above the results`);
    if (await page.textContent('#search-status') === '') failures.push(`${lang} ${q}: no status for screen readers`);
    if (bytes() > 100_000) failures.push(`${lang} ${q}: ${bytes()} bytes after the page`);
    await page.evaluate((src) => { (0, eval)(src); }, AXE);
    const axeResult = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
    for (const v of axeResult.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')) {
      failures.push(`${lang} ${q}: axe ${v.id}`);
    }
    // A result leads to its page.
    const response = await Promise.all([page.waitForNavigation(), page.click('#search-results li a')]).then(([r]) => r);
    if (response.status() !== 200) failures.push(`${lang} ${q}: result leads to ${response.status()}`);
    const foreign = requests.filter((u) => !u.startsWith(origin));
    if (foreign.length) failures.push(`${lang}: requests ${foreign.join(', ')}`);
    await context.close();
  }
  assert.deepEqual(failures, []);
});

test('search at 360 px without JavaScript: the form leads to a keyword index whose links land', async () => {
  const failures = [];
  for (const [lang, q] of QUERIES) {
    const context = await browser.newContext({ viewport: { width: 360, height: 640 }, javaScriptEnabled: false });
    const page = await context.newPage();
    await searchFrom(page, origin, `/${lang}/${CORRIDOR}/your-passport/index.html`, q);
    if (!(await page.isHidden('#search-results'))) failures.push(`${lang}: an empty result list shows`);
    const facts = await page.evaluate(measure);
    failures.push(...facts.problems.map((p) => `${lang} index: ${p}`));
    const links = await page.$$eval('.keywords a', (as) => as.map((a) => a.href));
    if (links.length < 10) failures.push(`${lang}: only ${links.length} keywords`);
    // Every keyword lands on its page, at its heading.
    for (const href of links.filter((h) => h.includes('#')).slice(0, 8)) {
      await page.goto(href);
      const id = decodeURIComponent(new URL(href).hash.slice(1));
      if (!(await page.$(`[id="${id}"]`))) failures.push(`${lang}: ${href} has no #${id}`);
    }
    await context.close();
    failures.push(...(await axe(await browser.newContext({ viewport: { width: 360, height: 640 } }), `${origin}/${lang}/search/index.html`)).map((v) => `${lang} index: axe ${v}`));
  }
  assert.deepEqual(failures, []);
});

// The 4,000-page generated site (benches/gen_site.rs): one search fetches
// at most 100 KB after the page, even for a word on every page.
test('search on the 4,000-page generated site fetches at most 100 KB', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pocketguide-gen-'));
  execFileSync('cargo', ['run', '-q', '--example', 'gen_site', '--', '--corridors', '50', '--chapters', '20', '--out', dir],
    { cwd: join(import.meta.dirname, '../..'), stdio: 'inherit' });
  const genOut = join(dir, 'public');
  execFileSync('cargo', ['run', '-q', '--', 'build', '--no-pdf', '--site', join(dir, 'pocketguide'), '--out', genOut],
    { cwd: join(import.meta.dirname, '../..'), stdio: 'inherit' });
  const { server: genServer, origin: genOrigin } = await serve(genOut);
  const context = await browser.newContext({ viewport: { width: 360, height: 640 } });
  const page = await context.newPage();
  const measured = [];
  try {
    for (const [lang, q] of [['en', 'contract'], ['en', 'emergency numbers'], ['en', '7946'], ['uz', "o'qiy"],
      ['uz', 'шартнома'], ['ru', 'договора'], ['et', 'tööandja'], ['en', 'contrct']]) {
      const bytes = await searchFrom(page, genOrigin, `/${lang}/uz-ee/index.html`, q);
      await page.waitForSelector('#search-results li a');
      await page.waitForLoadState('networkidle');
      measured.push(`${lang} ${q}: ${bytes()} B`);
      assert.ok(bytes() <= 100_000, `${lang} “${q}” fetched ${bytes()} bytes after the page`);
    }
  } finally {
    await context.close();
    genServer.close();
  }
  console.log(`bytes per search on the generated site: ${measured.join('; ')}`);
});
