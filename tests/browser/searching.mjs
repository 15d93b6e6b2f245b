// Searching a built site the way search.js does in the page, without a
// browser: the page's config, the term files a query needs, the ranking.
import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import vm from 'node:vm';

const require = createRequire(import.meta.url);
export const Core = require('../../themes/default/static/search.js');

export function config(out, lang) {
  const html = readFileSync(join(out, lang, 'search/index.html'), 'utf8');
  const json = html.match(/<script type="application\/json" id="search-config">([\s\S]*?)<\/script>/)[1];
  return JSON.parse(json);
}

/** The results for `q` in `lang`: address (with #section) of each, best
 * first, and the bytes of the index files read. */
export function search(out, lang, q) {
  const dir = join(out, lang, 'search');
  const core = new Core(config(out, lang));
  const shards = {};
  const texts = {};
  const PGS = { shard: (k, t) => { shards[k] = t; }, text: (n, t) => { texts[n] = t; } };
  let bytes = 0;
  const run = (file) => {
    if (!existsSync(file)) return;
    const code = readFileSync(file, 'utf8');
    bytes += Buffer.byteLength(code);
    vm.runInNewContext(code, { PGS });
  };
  const words = core.query(q);
  for (const w of words) {
    for (const key of w.pairs ?? core.keys(w.text)) run(join(dir, 's', core.fileKey(key) + '.js'));
  }
  const ranked = core.rank(words, shards).slice(0, 8);
  const termBytes = bytes;
  return {
    /** Bytes of the term files read (not search.js, not the texts). */
    bytes: termBytes,
    hits: ranked.map((r) => {
      run(join(dir, 't', r.ch + '.js'));
      const t = texts[r.ch];
      const section = core.section(t, r.section, words);
      return t.u + (section[1] ? '#' + section[1] : '');
    }),
    /** Whether the title or heading linked for result `i` has a word
     * the reader asked for. */
    headingMarked(i) {
      const r = ranked[i];
      const t = texts[r.ch];
      const section = core.section(t, r.section, words);
      return core.mark(t.t + ' · ' + section[0], words).some((p) => p[1]);
    },
    snippet(i) {
      const r = ranked[i];
      const t = texts[r.ch];
      return core.snippet(core.section(t, r.section, words)[2], words);
    },
  };
}

/** Every chapter the query finds, best first (chapter numbers). */
export function chapters(out, lang, q) {
  const dir = join(out, lang, 'search');
  const core = new Core(config(out, lang));
  const shards = {};
  const PGS = { shard: (k, t) => { shards[k] = t; } };
  const words = core.query(q);
  for (const w of words) {
    for (const key of w.pairs ?? core.keys(w.text)) {
      const file = join(dir, 's', core.fileKey(key) + '.js');
      if (existsSync(file)) vm.runInNewContext(readFileSync(file, 'utf8'), { PGS });
    }
  }
  return core.rank(words, shards).map((r) => r.ch);
}

/** Each chapter's text file of `lang`, by number. */
export function texts(out, lang) {
  const dir = join(out, lang, 'search', 't');
  const found = {};
  const PGS = { text: (n, t) => { found[n] = t; } };
  for (const f of readdirSync(dir)) vm.runInNewContext(readFileSync(join(dir, f), 'utf8'), { PGS });
  return found;
}
