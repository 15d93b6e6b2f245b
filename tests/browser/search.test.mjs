// The search script's folding and matching, run in node on the index files
// of real builds: the example site (uz, uz-Cyrl, ru, et, en) and the
// scripts fixture (SPEC 9). Each query is typed as a migrant might type
// it; each expects the page (and section) a reader needs among the first
// three results, and a word of the shown sentence or heading marked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSite } from './harness.mjs';
import { search, config, Core, chapters, texts } from './searching.mjs';

const example = buildSite(undefined, ['--no-pdf']);
const scripts = buildSite('scripts', ['--no-pdf']);

// [language, query, expected address (a part of it), why]
const EXAMPLE = [
  ['uz', "o'zbekiston", 'contacts/index.html#contact-uz-embassy-riga', 'a plain apostrophe finds oʻ (U+02BB)'],
  ['uz', 'Oʻzbekiston', 'contacts/index.html#contact-uz-embassy-riga', 'the text as written'],
  ['uz', 'ozbekiston', 'contacts/index.html#contact-uz-embassy-riga', 'no apostrophe at all'],
  ['uz', 'ПАСПОРТ', 'your-passport/', 'Cyrillic and capitals in the Latin guide'],
  ['uz', 'pasport', 'your-passport/', 'a prefix of pasportingizni'],
  ['uz', 'pasprot', 'your-passport/', 'one typo in a long word'],
  ['uz', 'ish haqi', 'rights-at-work/index.html#ish-haqi', 'two words in one section'],
  ['uz-Cyrl', 'pasport', 'your-passport/', 'Latin in the Cyrillic guide'],
  ['uz-Cyrl', 'Ўзбекистон', 'contacts/index.html#contact-uz-embassy-riga', 'the Cyrillic guide in its script'],
  ['ru', 'паспорта', 'your-passport/', 'another case of the same word (Snowball)'],
  ['ru', 'договором', 'your-contract/', 'the instrumental finds the nominative'],
  ['ru', 'зарплаты', 'rights-at-work/index.html#оплата', 'a form of зарплата'],
  ['et', 'lepingut', 'your-contract/', 'the partitive finds leping'],
  ['et', 'tööandja', 'rights-at-work/', 'employer'],
  ['et', 'toandja', 'rights-at-work/', 'no umlauts on the keyboard: one letter off'],
  ['en', 'overtme', 'rights-at-work/index.html#working-time-and-overtime', 'one typo'],
  ['en', 'passports', 'your-passport/', 'the plural'],
  ['en', '112', 'contacts/index.html#contact-ee-emergency', 'a number finds its contact'],
  ['en', '6406000', 'contacts/index.html#contact-ee-labour-inspectorate', 'a number typed without spaces'],
  ['en', '640 6000', 'contacts/index.html#contact-ee-labour-inspectorate', 'a number typed as printed'],
];

const SCRIPTS = [
  ['ne', 'अधिकार', 'np-qa/rights/', 'Devanagari with its vowel signs'],
  ['ne', 'स्वतन्त्र', 'np-qa/rights/', 'a virama inside the word'],
  ['ne', '७९४६', 'np-qa/', 'Devanagari digits find ASCII ones'],
  ['ar', 'الكرامة', 'et-sa/rights/', 'Arabic as written'],
  ['ar', 'كرامة', 'et-sa/rights/', 'without the article'],
  ['ar', 'احرارا', 'et-sa/rights/', 'without tanwin and hamza'],
  ['ur', 'حقوق', 'pk-ae/rights/', 'Urdu'],
  ['am', 'መብት', 'et-sa/rights/', 'Amharic: a right finds rights (መብቶች)'],
  ['th', 'เสมอภาค', 'mm-th/rights/', 'Thai, inside a run without spaces'],
  ['km', 'សិទ្ធិ', 'kh-th/rights/', 'Khmer, inside a run without spaces'],
  ['my', 'လူ', 'mm-th/rights/', 'Burmese'],
  ['bn', 'অধিকার', 'bd-my/rights/', 'Bengali'],
  ['si', 'අයිතිවාසිකම්', 'lk-kw/rights/', 'Sinhala: a prefix of the word in the text'],
  ['ta', 'உரிமை', 'lk-kw/rights/', 'Tamil: a prefix of the word in the text'],
];

function check(out, [lang, q, expected, why]) {
  const r = search(out, lang, q);
  const top = r.hits.slice(0, 3);
  assert.ok(top.some((h) => h.includes(expected)), `${lang} “${q}” (${why}): ${top.join(' | ') || 'nothing'}`);
  // The sentence shown, or the heading linked, marks what was asked.
  const i = r.hits.findIndex((h) => h.includes(expected));
  const marked = r.snippet(i).some((p) => p[1]) || r.headingMarked(i);
  assert.ok(marked, `${lang} “${q}”: nothing marked in the result`);
}

for (const row of EXAMPLE) test(`example ${row[0]}: ${row[1]} (${row[3]})`, () => check(example, row));
for (const row of SCRIPTS) test(`scripts ${row[0]}: ${row[1]} (${row[3]})`, () => check(scripts, row));

test('what is not there finds nothing', () => {
  for (const [lang, q] of [['en', 'zzyzx'], ['ru', 'ъъъъъ'], ['uz', 'qqqqqq'], ['th', 'ฆฆฆ']]) {
    const out = lang === 'th' ? scripts : example;
    assert.deepEqual(search(out, lang, q).hits, [], `${lang} ${q}`);
  }
});

test('folding: the script folds as the build does', () => {
  const uz = new Core(config(example, 'uz'));
  for (const s of ["O'zbekiston", 'Oʻzbekiston', 'O‘zbekiston', 'O`zbekiston', 'Ўзбекистон']) {
    assert.equal(uz.fold(s), 'ozbekiston', s);
  }
  const ru = new Core(config(example, 'ru'));
  assert.equal(ru.fold('Ёлка'), 'елка');
  const ne = new Core(config(scripts, 'ne'));
  assert.equal(ne.fold('नेपाल ११२'), 'नेपाल 112');
  // Thai query words are pairs of letters, all of which must be found.
  const th = new Core(config(scripts, 'th'));
  assert.deepEqual(th.query('สิทธิ')[0].pairs, ['สิ', 'ิท', 'ทธ', 'ธิ']);
});

test('matching: prefixes, stems and one typo, and no more', () => {
  const core = new Core(config(example, 'en'));
  assert.equal(core.match('passport', 'passport'), 1);
  assert.equal(core.match('pass', 'passport'), 0.8);
  assert.equal(core.match('contracts', 'contract'), 0.9);
  assert.equal(core.match('overtme', 'overtim'), 0.5);
  assert.equal(core.match('ovrtme', 'overtim'), 0, 'two typos');
  assert.equal(core.match('cat', 'cut'), 0, 'short words must be exact');
});

test('sentences: cut after the full stops of every script', () => {
  const core = new Core(config(example, 'en'));
  assert.deepEqual(core.sentences('One. Two? ३.५ stays\nनेपाल। अर्को॥ سلام؟ بعد ሰላም። ቀጥሎ'),
    ['One.', 'Two?', '३.५ stays', 'नेपाल।', 'अर्को॥', 'سلام؟', 'بعد ሰላም።', 'ቀጥሎ']);
});

// Every word as printed finds its chapter: in each language of the example
// and of the scripts fixture, every word of every chapter's title, headings
// and text, typed exactly (and in NFD, as some keyboards send it).
test('every word of every chapter finds that chapter, as printed and decomposed', () => {
  const lost = [];
  for (const [out, langs] of [[example, ['uz', 'uz-Cyrl', 'ru', 'et', 'en']], [scripts, ['ar', 'ur', 'ne', 'am', 'my', 'th', 'km', 'bn', 'si', 'ta']]]) {
    for (const lang of langs) {
      const core = new Core(config(out, lang));
      const all = texts(out, lang);
      for (const [n, t] of Object.entries(all)) {
        const text = [t.t, ...t.s.map((s) => s[0] + ' ' + s[2])].join(' ');
        const seen = new Set();
        // Words as the reader sees them: the apostrophe in worker’s and
        // the joiner inside a Sinhala conjunct are part of the word.
        for (const word of core.words(core.fold(text))) {
          if (seen.has(word) || core.query(word).length !== 1) continue;
          seen.add(word);
          for (const typed of [word, word.normalize('NFD')]) {
            if (!chapters(out, lang, typed).includes(Number(n))) lost.push(`${lang} ${typed} (${t.u})`);
          }
        }
      }
    }
  }
  assert.deepEqual(lost.slice(0, 20), [], `${lost.length} words lost`);
});

test('past the 31st section of a chapter, a result shows the section that matched', () => {
  const core = new Core(config(example, 'en'));
  const s = [];
  for (let i = 0; i < 40; i++) s.push([`Office ${i}`, `contact-c${i}`, `+358 9 00000${i}`]);
  const words = core.query('Office 38');
  assert.deepEqual(core.section({ s }, 31, words), s[38]);
  assert.deepEqual(core.section({ s }, 3, words), s[3]);
});

test('a pasted paragraph asks for its first six different words', () => {
  const core = new Core(config(example, 'en'));
  assert.deepEqual(core.query('pay pay pay one two three four five six seven').map((w) => w.text),
    ['pay', 'one', 'two', 'three', 'four', 'five']);
});

test('numbers in a result stand apart, to be shown left to right and unbroken', () => {
  const core = new Core(config(scripts, 'ar'));
  assert.deepEqual(core.numbers('للمساعدة اتصل بالرقم +44 20 7946 0018 في أي وقت، أو ١١٢.'), [
    ['للمساعدة اتصل بالرقم ', false], ['+44 20 7946 0018', true], [' في أي وقت، أو ', false], ['١١٢', true], ['.', false],
  ]);
});
