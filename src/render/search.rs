//! Search (SPEC 10): for each language, `<lang>/search/index.html` and the
//! index its script reads. The page is a keyword index without JavaScript
//! (every chapter heading and contact name, A–Z in the language's
//! collation); with JavaScript, the theme's `search.js` shows the results
//! for `?q=`. The index is built here, at build time, and split so that a
//! search fetches only what its words need:
//!
//! * `s/<key>.js`: the terms that begin with `key` (their first two
//!   letters, or more where that file would be too big), each with the
//!   chapters and sections it is in;
//! * `t/<n>.js`: chapter `n`'s title, address and sentences, for the
//!   results shown.
//!
//! Every file is a script that hands its data to `PGS`, so the search works
//! from any static host and from `file://`, where a page may not fetch.
//! Text is folded the same way here and in `search.js` ([`Fold`]): case,
//! the apostrophe family, digits of every script, Uzbek Latin and Cyrillic
//! as one; Russian, English and Estonian words are reduced to their
//! Snowball stems; Thai, Lao, Khmer and Burmese, written without spaces
//! between words, are indexed by pairs of letters so any part of a word
//! finds it.

use super::{Done, Made, Output, Purpose, RenderContext, Scope, Target};
use crate::diagnostic::Diagnostic;
use crate::doc::{inlines_text, Block, Doc};
use crate::view::{Body, ChapterView, ContactView, GuideView};
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;
use std::collections::BTreeMap;

pub struct Search;

/// A term file bigger than this is split by one more letter of its terms.
pub const SHARD_BYTES: usize = 12_000;
/// Terms longer than this are never split further: a prefix this long
/// holds few terms.
const MAX_KEY: usize = 6;
/// A section past this many in a chapter shares the last one's bit.
const MAX_SECTIONS: usize = 31;

impl Output for Search {
    fn name(&self) -> &'static str {
        "search"
    }

    fn scope(&self) -> Scope {
        Scope::Language
    }

    fn deferred(&self) -> bool {
        true
    }

    fn render(&self, cx: &RenderContext, target: Target) -> Result<Done, Diagnostic> {
        let Target::Language(l) = target else {
            unreachable!("search renders per language")
        };
        Ok(Done {
            files: language(cx, &cx.site.languages[l].code)?,
            ..Done::default()
        })
    }
}

/// The search page and index of one language.
fn language(cx: &RenderContext, lang: &str) -> Result<Vec<Made>, Diagnostic> {
    let guides: Vec<(usize, &GuideView)> = cx
        .site
        .guides
        .iter()
        .enumerate()
        .filter(|(_, g)| g.code() == lang)
        .collect();
    let fold = Fold::for_language(lang);
    // check renders the page for what its template says, and needs the
    // headings of the keyword index, not the text.
    let text = cx.purpose != Purpose::Check;
    let chapters: Vec<Chapter> = guides
        .par_iter()
        .flat_map_iter(|(_, g)| g.chapters.iter().map(move |ch| chapter(g, ch, text)))
        .collect();
    let dir = crate::paths::search_dir(lang);
    let mut files = Vec::new();
    let split = if cx.purpose == Purpose::Check {
        BTreeMap::new()
    } else {
        let index = Index::build(&chapters, &fold);
        let (shards, split) = index.shards();
        for (key, js) in shards {
            files.push(Made {
                path: format!("{dir}s/{}.js", file_key(&key)),
                bytes: js.into_bytes(),
            });
        }
        for (n, ch) in chapters.iter().enumerate() {
            files.push(Made {
                path: format!("{dir}t/{n}.js"),
                bytes: ch.script(n).into_bytes(),
            });
        }
        split
    };
    files.push(page(cx, lang, &guides, &chapters, &fold, &split)?);
    Ok(files)
}

/// How a language's text is folded for search, here and in `search.js`
/// (which gets the same table): lower case; the apostrophe family, soft
/// hyphens and joiners removed; digits of every script as ASCII; then the
/// language's own letters (Uzbek Cyrillic as Latin, Russian ё as е) and
/// replacements (Uzbek `ye` → `e`, `ts` → `s`, where the two scripts
/// spell one sound two ways).
#[derive(Debug, Clone, Serialize)]
pub struct Fold {
    pub map: BTreeMap<char, String>,
    pub replace: Vec<(String, String)>,
    /// Prefixes written onto a word (Arabic al-, wa-al-, bi-al-, li-l-):
    /// a word is also found without one.
    pub articles: Vec<String>,
    /// Letters a keyboard without them spells plain (Estonian õ ä ö ü š
    /// ž), folded in terms after stemming, which needs them.
    pub plain: BTreeMap<char, char>,
    /// The Snowball algorithm for the language's words, if one helps.
    #[serde(skip)]
    stemmer: Option<frostem::Algorithm>,
}

/// Characters a reader may or may not type, dropped before words are cut:
/// the apostrophe family (Uzbek oʻ, gʻ), soft hyphen, ZWNJ and ZWJ, and
/// Arabic script's optional marks (short vowels, tanwin, shadda, sukun,
/// the superscript alef) and tatweel, which phone keyboards rarely type
/// and texts write or leave out at will. Marks that are letters (a
/// Devanagari vowel sign, a virama) stay.
pub const DROPPED: &[char] = &[
    '\'', 'ʻ', 'ʼ', '‘', '’', '`', '´', '\u{ad}', '\u{200c}', '\u{200d}', '\u{640}', '\u{64b}',
    '\u{64c}', '\u{64d}', '\u{64e}', '\u{64f}', '\u{650}', '\u{651}', '\u{652}', '\u{653}',
    '\u{654}', '\u{655}', '\u{656}', '\u{657}', '\u{658}', '\u{659}', '\u{65a}', '\u{65b}',
    '\u{65c}', '\u{65d}', '\u{65e}', '\u{65f}', '\u{670}',
];

/// An Ethiopic syllable (Amharic, Tigrinya) as its consonant: the fidel
/// writes consonant and vowel as one character, in rows of eight, and a
/// word's ending changes its last vowel (መብት, መብቶች), so search compares
/// consonants. `search.js` has the same rule.
fn ethiopic_consonant(c: char) -> char {
    match c as u32 {
        n @ 0x1200..=0x1357 => char::from_u32((n & !7) + 5).unwrap_or(c),
        _ => c,
    }
}

/// Where each script's digits 0–9 start, as [`crate::numbers`] reads them.
pub const DIGIT_ZEROS: [u32; 24] = [
    0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66,
    0xDE6, 0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0xFF10,
];

/// Scripts written without spaces between words (Thai, Lao, Myanmar,
/// Khmer), as code point ranges: indexed by pairs of letters.
pub const NO_SPACES: [(u32, u32); 4] = [
    (0x0E00, 0x0E7F),
    (0x0E80, 0x0EFF),
    (0x1000, 0x109F),
    (0x1780, 0x17FF),
];

fn no_spaces(c: char) -> bool {
    NO_SPACES
        .iter()
        .any(|&(a, b)| (a..=b).contains(&(c as u32)))
}

impl Fold {
    pub fn for_language(code: &str) -> Fold {
        let base = code.split('-').next().unwrap_or(code).to_ascii_lowercase();
        let mut map = BTreeMap::new();
        let mut replace = Vec::new();
        let mut articles = Vec::new();
        let mut plain = BTreeMap::new();
        // Alef with hamza or madda is often typed as a bare alef.
        for from in ['أ', 'إ', 'آ', 'ٱ'] {
            map.insert(from, "ا".into());
        }
        match base.as_str() {
            "uz" => {
                // The transliteration's own letters (Cyrillic → Latin, each
                // letter's rule that holds anywhere in a word), so a query
                // in either script finds both.
                for (from, to) in crate::translit::letter_table("uz", "Cyrl") {
                    map.insert(from, to);
                }
                replace.push(("ye".into(), "e".into()));
                replace.push(("ts".into(), "s".into()));
            }
            "ru" | "uk" | "be" => {
                map.insert('ё', "е".into());
            }
            "et" => {
                plain.extend([
                    ('õ', 'o'),
                    ('ä', 'a'),
                    ('ö', 'o'),
                    ('ü', 'u'),
                    ('š', 's'),
                    ('ž', 'z'),
                ]);
            }
            "ar" => {
                // Spelled either way at a word's end.
                map.insert('ى', "ي".into());
                map.insert('ة', "ه".into());
                articles.extend(["وال", "بال", "فال", "كال", "لل", "ال"].map(String::from));
            }
            _ => {}
        }
        let stemmer = match base.as_str() {
            "en" => Some(frostem::Algorithm::English),
            "ru" => Some(frostem::Algorithm::Russian),
            "et" => Some(frostem::Algorithm::Estonian),
            _ => None,
        };
        Fold {
            map,
            replace,
            articles,
            plain,
            stemmer,
        }
    }

    /// `text` folded: what both sides compare.
    pub fn apply(&self, text: &str) -> String {
        // One spelling of each letter: a keyboard may type ো as two
        // characters (ে + া) where the text has one.
        let text = if text.is_ascii() {
            std::borrow::Cow::Borrowed(text)
        } else {
            icu_normalizer::ComposingNormalizerBorrowed::new_nfc().normalize(text)
        };
        let mut out = String::with_capacity(text.len());
        for c in text.chars() {
            if c.is_ascii() {
                // The common case, without tables.
                if c != '\'' && c != '`' {
                    out.push(c.to_ascii_lowercase());
                }
                continue;
            }
            // Cyrillic capitals, the other common case.
            let lower = match c {
                'А'..='Я' => char::from_u32(c as u32 + 0x20),
                'Ѐ'..='Џ' => char::from_u32(c as u32 + 0x50),
                'а'..='џ' => Some(c),
                _ => None,
            };
            if let Some(c) = lower {
                match self.map.get(&c) {
                    Some(s) => out.push_str(s),
                    _ => out.push(c),
                }
                continue;
            }
            for c in c.to_lowercase() {
                if DROPPED.contains(&c) {
                    continue;
                }
                if let Some(d) = crate::numbers::decimal_digit(c) {
                    out.push(char::from_digit(d, 10).unwrap_or('0'));
                } else if let Some(s) = self.map.get(&c) {
                    out.push_str(s);
                } else {
                    out.push(ethiopic_consonant(c));
                }
            }
        }
        for (from, to) in &self.replace {
            if out.contains(from.as_str()) {
                out = out.replace(from.as_str(), to);
            }
        }
        out
    }

    /// Calls `f` with each word of folded `text` and whether it is one to
    /// stem, pairs of letters standing for a word without spaces.
    fn each_word(&self, folded: &str, f: &mut dyn FnMut(&str, bool)) {
        for w in crate::words::words(folded) {
            if w.chars().next().is_some_and(no_spaces) {
                let starts: Vec<usize> = w.char_indices().map(|(i, _)| i).collect();
                if starts.len() < 2 {
                    f(w, false);
                }
                for k in 0..starts.len().saturating_sub(1) {
                    let end = starts.get(k + 2).copied().unwrap_or(w.len());
                    f(&w[starts[k]..end], false);
                }
            } else {
                f(w, self.stemmer.is_some());
                if let Some(rest) = self.without_article(w) {
                    f(rest, false);
                }
            }
        }
    }

    /// `word` without the article written onto it, if it has one and
    /// something of two letters or more is left.
    fn without_article<'w>(&self, word: &'w str) -> Option<&'w str> {
        self.articles
            .iter()
            .find_map(|a| word.strip_prefix(a.as_str()))
            .filter(|rest| rest.chars().nth(1).is_some())
    }

    /// A word's term: its stem where the language has a stemmer (and
    /// `stem` is true), in plain letters.
    fn term(&self, word: &str, stem: bool) -> String {
        let stemmed = match self.stemmer {
            Some(a) if stem => frostem::Stemmer::new(a).stem(word),
            _ => std::borrow::Cow::Borrowed(word),
        };
        if self.plain.is_empty() {
            return stemmed.into_owned();
        }
        stemmed
            .chars()
            .map(|c| self.plain.get(&c).copied().unwrap_or(c))
            .collect()
    }

    /// The terms of folded `text`: its words (stemmed where the language
    /// has a stemmer), and pairs of letters of words in scripts without
    /// spaces.
    pub fn terms(&self, folded: &str, out: &mut Vec<String>) {
        self.each_word(folded, &mut |w, stem| out.push(self.term(w, stem)));
    }
}

/// A chapter as search sees it.
struct Chapter {
    corridor: String,
    /// From the search page.
    url: String,
    title: String,
    guide: String,
    sections: Vec<Section>,
}

struct Section {
    heading: String,
    anchor: String,
    /// Text the reader sees, a line per block (`search.js` cuts it into
    /// sentences for the results it shows).
    text: String,
    /// What else finds this section (a contact's number without spaces).
    extra: Vec<String>,
}

fn chapter(g: &GuideView, ch: &ChapterView, text: bool) -> Chapter {
    let url = crate::paths::from_search_page(&g.corridor, &crate::paths::chapter_file(&ch.slug));
    let mut sections = vec![Section {
        heading: String::new(),
        anchor: String::new(),
        text: ch.summary.clone().unwrap_or_default(),
        extra: Vec::new(),
    }];
    match &ch.body {
        Body::Text { doc, .. } if text => doc_sections(doc, &mut sections),
        Body::Text { doc, .. } => sections.extend(doc.headings().into_iter().map(
            |(_, heading, anchor)| Section {
                heading,
                anchor,
                text: String::new(),
                extra: Vec::new(),
            },
        )),
        Body::Contacts => sections.extend(g.contacts.iter().map(contact_section)),
    }
    Chapter {
        corridor: g.corridor.clone(),
        url,
        title: ch.title.text.clone(),
        guide: g.title.text.clone(),
        sections,
    }
}

fn contact_section(c: &ContactView) -> Section {
    let mut text = Vec::new();
    text.extend(c.description.as_ref().map(|d| d.text.clone()));
    text.extend(c.hours.as_ref().map(|h| h.text.clone()));
    let ways: Vec<String> = [&c.phone, &c.whatsapp, &c.email]
        .into_iter()
        .flatten()
        .cloned()
        .chain(c.telegram.iter().map(|t| format!("@{t}")))
        .collect();
    let mut extra = Vec::new();
    for number in [&c.phone, &c.whatsapp].into_iter().flatten() {
        let digits: String = number.chars().filter(char::is_ascii_digit).collect();
        if let Ok(n) = phonenumber::parse(None, number.trim()) {
            extra.push(n.national().value().to_string());
            // As dialled at home, with its trunk 0 (020 7946 0456).
            let dialled: String = n
                .format()
                .mode(phonenumber::Mode::National)
                .to_string()
                .chars()
                .filter(char::is_ascii_digit)
                .collect();
            extra.push(dialled);
        }
        extra.push(digits);
    }
    if !ways.is_empty() {
        text.push(ways.join(" · "));
    }
    Section {
        heading: c.name.text.clone(),
        anchor: format!("contact-{}", c.id),
        text: text.join("\n"),
        extra,
    }
}

/// The sections of a chapter's text: one per heading, the text before the
/// first in the chapter's own.
fn doc_sections(doc: &Doc, sections: &mut Vec<Section>) {
    fn walk(blocks: &[Block], sections: &mut Vec<Section>) {
        for b in blocks {
            let mut text = String::new();
            match b {
                Block::Heading { content, id, .. } => {
                    inlines_text(content, &mut text);
                    sections.push(Section {
                        heading: text,
                        anchor: id.clone(),
                        text: String::new(),
                        extra: Vec::new(),
                    });
                    continue;
                }
                Block::Paragraph(i) | Block::Plain(i) => inlines_text(i, &mut text),
                Block::Quote(bs) | Block::Footnote { blocks: bs, .. } => {
                    walk(bs, sections);
                    continue;
                }
                Block::List { items, .. } => {
                    items.iter().for_each(|i| walk(i, sections));
                    continue;
                }
                Block::Table { head, rows, .. } => {
                    for row in std::iter::once(head).chain(rows) {
                        let cells: Vec<String> = row
                            .iter()
                            .map(|c| {
                                let mut t = String::new();
                                inlines_text(c, &mut t);
                                t
                            })
                            .collect();
                        text.push_str(&cells.join(" · "));
                        text.push('\n');
                    }
                }
                Block::Code { text: code, .. } => text.push_str(code),
                Block::Html(h) => text.push_str(&super::html_doc::text_of_html(h)),
                Block::Rule => continue,
            }
            if let Some(s) = sections.last_mut() {
                if !s.text.is_empty() {
                    s.text.push('\n');
                }
                s.text.push_str(text.trim());
            }
        }
    }
    walk(&doc.blocks, sections);
}

impl Chapter {
    /// `t/<n>.js`: what a result shows of this chapter.
    fn script(&self, n: usize) -> String {
        #[derive(Serialize)]
        struct Text<'a> {
            u: &'a str,
            t: &'a str,
            g: &'a str,
            s: Vec<(&'a str, &'a str, &'a str)>,
        }
        let text = Text {
            u: &self.url,
            t: &self.title,
            g: &self.guide,
            s: self
                .sections
                .iter()
                .map(|s| (s.heading.as_str(), s.anchor.as_str(), s.text.as_str()))
                .collect(),
        };
        format!("PGS.text({n},{});\n", json(&text))
    }
}

/// JSON safe inside a script file and a `<script>` element.
fn json(value: &impl Serialize) -> String {
    let mut out = serde_json::to_string(value).expect("search data serialises");
    // Most text has none of these: no copy then.
    if out.contains("</") {
        out = out.replace("</", "<\\/");
    }
    if out.contains(['\u{2028}', '\u{2029}']) {
        out = out
            .replace('\u{2028}', "\\u2028")
            .replace('\u{2029}', "\\u2029");
    }
    out
}

/// Where each term stands: per chapter, a bit per section, and whether it
/// is in a heading (or the title) there.
#[derive(Default)]
struct Index {
    terms: BTreeMap<String, Vec<(u32, u32, bool)>>,
}

impl Index {
    fn build(chapters: &[Chapter], fold: &Fold) -> Index {
        // Each chapter's terms, in parallel (each thread keeps the terms of
        // the words it has seen); then merged in chapter order, so every
        // list is sorted.
        type Found = HashMap<String, (u32, bool, bool)>;
        // By word and whether to stem it: Arabic's bare word after an
        // article is not stemmed where the same word alone may be.
        type Terms = HashMap<(String, bool), (String, Option<String>)>;
        let per_chapter: Vec<HashMap<String, (u32, bool)>> = chapters
            .par_iter()
            .map_init(Terms::default, |cache, ch| {
                let mut found = Found::default();
                let mut add = |text: &str, bit: u32, heading: bool| {
                    let folded = fold.apply(text);
                    fold.each_word(&folded, &mut |w, stem| match found.get_mut(w) {
                        Some(e) => {
                            e.0 |= bit;
                            e.1 |= heading;
                        }
                        None => {
                            found.insert(w.to_string(), (bit, heading, stem));
                        }
                    });
                };
                add(&ch.title, 1, true);
                for (i, s) in ch.sections.iter().enumerate() {
                    let bit = 1u32 << i.min(MAX_SECTIONS);
                    add(&s.heading, bit, true);
                    add(&s.text, bit, false);
                    for e in &s.extra {
                        add(e, bit, false);
                    }
                }
                let mut terms: HashMap<String, (u32, bool)> = HashMap::default();
                for (word, (mask, heading, stem)) in found {
                    // A word is found as printed, too: a Snowball stem is
                    // not always a prefix of its word (copy → copi).
                    let (term, whole) = cache.entry((word, stem)).or_insert_with_key(|(w, _)| {
                        let term = fold.term(w, stem);
                        let whole = stem.then(|| fold.term(w, false)).filter(|x| *x != term);
                        (term, whole)
                    });
                    for t in std::iter::once(term.as_str()).chain(whole.as_deref()) {
                        let e = terms.entry(t.to_string()).or_default();
                        e.0 |= mask;
                        e.1 |= heading;
                    }
                }
                terms
            })
            .collect();
        let mut merged: HashMap<String, Vec<(u32, u32, bool)>> = HashMap::default();
        for (n, terms) in per_chapter.into_iter().enumerate() {
            for (term, (mask, heading)) in terms {
                merged
                    .entry(term)
                    .or_default()
                    .push((n as u32, mask, heading));
            }
        }
        Index {
            terms: merged.into_iter().collect(),
        }
    }

    /// The term files, by key, and the keys split into longer ones (with
    /// those).
    fn shards(&self) -> (BTreeMap<String, String>, Split) {
        let encoded: Vec<(&String, String)> =
            self.terms.iter().map(|(t, p)| (t, postings(p))).collect();
        let mut shards = BTreeMap::new();
        let mut split = Split::new();
        let mut stack: Vec<(String, Vec<(&String, &str)>)> = Vec::new();
        let mut by_key: BTreeMap<String, Vec<(&String, &str)>> = BTreeMap::new();
        for (t, p) in &encoded {
            by_key.entry(key(t, 2)).or_default().push((*t, p.as_str()));
        }
        stack.extend(by_key);
        while let Some((k, terms)) = stack.pop() {
            let size: usize = terms.iter().map(|(t, p)| t.len() + p.len() + 6).sum();
            let depth = k.chars().count();
            if size <= SHARD_BYTES || depth >= MAX_KEY {
                shards.insert(k.clone(), shard(&k, &terms));
                continue;
            }
            // Terms no longer than the key stay; the rest go one letter
            // deeper.
            let (here, deeper): (Vec<_>, Vec<_>) = terms
                .into_iter()
                .partition(|(t, _)| t.chars().count() <= depth);
            if !here.is_empty() {
                shards.insert(k.clone(), shard(&k, &here));
            }
            let mut children: BTreeMap<String, Vec<(&String, &str)>> = BTreeMap::new();
            for (t, p) in deeper {
                children.entry(key(t, depth + 1)).or_default().push((t, p));
            }
            split.insert(k.clone(), children.keys().cloned().collect());
            stack.extend(children);
        }
        (shards, split)
    }
}

/// Keys whose terms were split by one more letter, with the longer keys.
type Split = BTreeMap<String, Vec<String>>;

/// A term's first `n` letters.
fn key(term: &str, n: usize) -> String {
    term.chars().take(n).collect()
}

/// A key as a file name: its letters' code points in hex, by `-`.
pub fn file_key(key: &str) -> String {
    key.chars()
        .map(|c| format!("{:x}", c as u32))
        .collect::<Vec<_>>()
        .join("-")
}

/// `chapter.mask[!]`, comma-separated: the chapter as the difference from
/// the one before, both in base 36; `!` where the term is in a heading.
fn postings(list: &[(u32, u32, bool)]) -> String {
    let mut out = String::with_capacity(list.len() * 5);
    let mut last = 0;
    for (i, &(ch, mask, heading)) in list.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&base36(ch - last));
        out.push('.');
        out.push_str(&base36(mask));
        if heading {
            out.push('!');
        }
        last = ch;
    }
    out
}

fn base36(mut n: u32) -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII digits")
}

fn shard(key: &str, terms: &[(&String, &str)]) -> String {
    let map: BTreeMap<&str, &str> = terms.iter().map(|(t, p)| (t.as_str(), *p)).collect();
    format!("PGS.shard({},{});\n", json(&key), json(&map))
}

/// One entry of the keyword index: a heading or contact name, and where it
/// stands (one place per guide that has it).
#[derive(Serialize)]
struct Entry {
    text: String,
    links: Vec<Place>,
}

#[derive(Serialize)]
struct Place {
    url: String,
    label: String,
    #[serde(skip)]
    corridor: String,
}

#[derive(Serialize)]
struct Group {
    letter: String,
    entries: Vec<Entry>,
}

/// Headings and contact names, A–Z in the collation of `lang`, grouped
/// by their first letter.
fn keyword_index(lang: &str, chapters: &[Chapter]) -> Vec<Group> {
    let mut places: BTreeMap<String, Vec<Place>> = BTreeMap::new();
    for ch in chapters {
        for (text, anchor) in std::iter::once((ch.title.as_str(), "")).chain(
            ch.sections
                .iter()
                .map(|s| (s.heading.as_str(), s.anchor.as_str())),
        ) {
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            if text.is_empty() {
                continue;
            }
            let url = if anchor.is_empty() {
                ch.url.clone()
            } else {
                format!("{}#{anchor}", ch.url)
            };
            // The first place in each guide: the others are a tap away
            // from it, and a heading every chapter repeats would otherwise
            // list every chapter of every guide.
            let list = places.entry(text).or_default();
            if !list.iter().any(|p| p.corridor == ch.corridor) {
                list.push(Place {
                    url,
                    label: ch.guide.clone(),
                    corridor: ch.corridor.clone(),
                });
            }
        }
    }
    let collator = collator(lang, icu_collator::options::Strength::Tertiary);
    let letters = collator_primary(lang);
    let mut entries: Vec<Entry> = places
        .into_iter()
        .map(|(text, links)| Entry { text, links })
        .collect();
    entries.sort_by(|a, b| collator.compare(&a.text, &b.text).then(a.text.cmp(&b.text)));
    let mut groups: Vec<Group> = Vec::new();
    for e in entries {
        let first: String = e
            .text
            .chars()
            .find(|c| crate::words::is_word_char(*c))
            .map_or_else(|| "#".into(), |c| c.to_uppercase().collect());
        match groups.last_mut() {
            Some(g) if letters.compare(&g.letter, &first).is_eq() => g.entries.push(e),
            _ => groups.push(Group {
                letter: first,
                entries: vec![e],
            }),
        }
    }
    groups
}

/// The keyword index as HTML: a heading per letter, a list of entries,
/// each a link, or its text and a link per guide.
fn index_html(groups: &[Group]) -> String {
    use super::html_doc::{escape_attribute, escape_text};
    let mut out = String::new();
    for g in groups {
        out.push_str("<h3>");
        escape_text(&g.letter, &mut out);
        out.push_str("</h3>\n<ul class=\"keywords\">");
        for e in &g.entries {
            out.push_str("<li>");
            let link = |p: &Place, text: &str, out: &mut String| {
                out.push_str("<a href=\"");
                escape_attribute(&p.url, out);
                out.push_str("\">");
                escape_text(text, out);
                out.push_str("</a>");
            };
            match e.links.as_slice() {
                [one] => link(one, &e.text, &mut out),
                many => {
                    escape_text(&e.text, &mut out);
                    out.push_str(": ");
                    for (i, p) in many.iter().enumerate() {
                        if i > 0 {
                            out.push_str(", ");
                        }
                        link(p, &p.label, &mut out);
                    }
                }
            }
            out.push_str("</li>");
        }
        out.push_str("</ul>\n");
    }
    out
}

fn collator(
    lang: &str,
    strength: icu_collator::options::Strength,
) -> icu_collator::CollatorBorrowed<'static> {
    let mut options = icu_collator::options::CollatorOptions::default();
    options.strength = Some(strength);
    // Quotes and punctuation do not count: “Ha” sorts under H.
    options.alternate_handling = Some(icu_collator::options::AlternateHandling::Shifted);
    let locale: icu_locale_core::Locale = lang.parse().unwrap_or(icu_locale_core::Locale::UNKNOWN);
    icu_collator::Collator::try_new((&locale).into(), options)
        .or_else(|_| {
            icu_collator::Collator::try_new((&icu_locale_core::Locale::UNKNOWN).into(), options)
        })
        .expect("the root collation is compiled in")
}

/// Letters that sort as one (`E` and `É`) head one group.
fn collator_primary(lang: &str) -> icu_collator::CollatorBorrowed<'static> {
    collator(lang, icu_collator::options::Strength::Primary)
}

/// What `search.js` needs of the language, in the page itself.
#[derive(Serialize)]
struct Config<'a> {
    lang: &'a str,
    /// Chapters in the index (for how rare a term is).
    chapters: usize,
    fold: &'a Fold,
    dropped: String,
    zeros: &'a [u32],
    nospace: &'a [(u32, u32)],
    /// Term keys split into longer ones.
    split: &'a Split,
    stems: bool,
    /// Interface strings; `{q}` stands for the query.
    strings: BTreeMap<&'static str, String>,
}

#[derive(Serialize)]
struct Sos {
    tel: Option<String>,
    phone: Option<String>,
    url: Option<String>,
    name: String,
    name_lang: Option<String>,
    name_dir: Option<&'static str>,
}

fn page(
    cx: &RenderContext,
    lang: &str,
    guides: &[(usize, &GuideView)],
    chapters: &[Chapter],
    fold: &Fold,
    split: &Split,
) -> Result<Made, Diagnostic> {
    let path = crate::paths::search_page(lang);
    let mut ctx = cx.base(lang, crate::paths::SEARCH_ROOT, &path);
    // Every guide's emergency numbers, above everything: a reader who
    // searches may be in danger. A number two guides share is shown once.
    let mut sos: Vec<Sos> = Vec::new();
    for (_, g) in guides {
        for c in g.emergency() {
            if sos.iter().any(|s| s.tel == c.tel && s.name == c.name.text) {
                continue;
            }
            sos.push(Sos {
                tel: c.tel.clone(),
                phone: c.phone.clone(),
                url: c.url.clone(),
                name: c.name.text.clone(),
                name_lang: c.name.lang.as_ref().map(|t| t.code.clone()),
                name_dir: c.name.lang.as_ref().map(|t| t.dir.as_str()),
            });
        }
    }
    ctx.insert("emergency", &sos);
    // Written here rather than looped over in the template: on a site of
    // many guides the index is thousands of links, and Tera's copy of them
    // cost more than the rest of the search. Its classes are the theme's.
    ctx.insert("index_html", &index_html(&keyword_index(lang, chapters)));
    ctx.insert("many_guides", &(guides.len() > 1));
    let t = |key: &str| {
        cx.site.locales.text(
            lang,
            key,
            &[("query", fluent_bundle::FluentValue::from("{q}"))],
        )
    };
    let strings = [
        ("results", "search-results"),
        ("none", "search-none"),
        ("more", "search-more"),
        ("working", "search-working"),
        ("failed", "search-failed"),
    ]
    .into_iter()
    .map(|(k, key)| (k, t(key)))
    .collect();
    let config = Config {
        lang,
        chapters: chapters.len(),
        fold,
        dropped: DROPPED.iter().collect(),
        zeros: &DIGIT_ZEROS,
        nospace: &NO_SPACES,
        split,
        stems: fold.stemmer.is_some(),
        strings,
    };
    ctx.insert("config", &json(&config));
    let html = cx.render_template("search.html", &path, &ctx)?;
    Ok(Made { path, bytes: html })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(lang: &str, text: &str) -> Vec<String> {
        let f = Fold::for_language(lang);
        let mut out = Vec::new();
        f.terms(&f.apply(text), &mut out);
        out
    }

    #[test]
    fn uzbek_in_either_script_and_any_apostrophe_folds_to_one() {
        let f = Fold::for_language("uz");
        for spelling in [
            "Oʻzbekiston",
            "O'zbekiston",
            "O‘zbekiston",
            "Ozbekiston",
            "Ўзбекистон",
        ] {
            assert_eq!(f.apply(spelling), "ozbekiston", "{spelling}");
        }
        // ye/е and ts/ц, spelt two ways in the two scripts.
        assert_eq!(f.apply("yetarli"), f.apply("етарли"));
        assert_eq!(f.apply("litsenziya"), f.apply("лицензия"));
        assert_eq!(f.apply("shartnoma"), f.apply("шартнома"));
        assert_eq!(f.apply("gʻalla"), f.apply("ғалла"));
        // uz-Cyrl folds the same way.
        assert_eq!(Fold::for_language("uz-Cyrl").apply("Паспорт"), "pasport");
    }

    #[test]
    fn russian_english_and_estonian_words_are_stemmed() {
        assert_eq!(terms("ru", "паспорта"), terms("ru", "паспорт"));
        assert_eq!(terms("ru", "Ёлка"), terms("ru", "елка"));
        assert_eq!(terms("en", "contracts"), terms("en", "contract"));
        assert_eq!(terms("et", "lepingut"), terms("et", "lepingule"));
        assert_eq!(terms("et", "tööandjat"), terms("et", "tööandja"));
        // Uzbek has no stemmer: its words stay whole (prefixes find them).
        assert_eq!(terms("uz", "pasportingizni"), ["pasportingizni"]);
    }

    #[test]
    fn every_script_keeps_its_marks_and_digits() {
        // Devanagari vowel signs and virama stay in the word.
        assert_eq!(terms("ne", "नेपाली श्रमिक"), ["नेपाली", "श्रमिक"]);
        assert_eq!(terms("ar", "اتصل ١١٢"), ["اتصل", "112"]);
        // Thai has no spaces: pairs of letters.
        assert_eq!(terms("th", "โทร"), ["โท", "ทร"]);
        assert_eq!(terms("km", "ជំ"), ["ជំ"]);
    }

    /// Any text, in any language's folding: nothing panics, no word
    /// vanishes from the terms, and the files' JSON never closes a script.
    #[test]
    fn any_text_folds_into_terms_and_safe_json() {
        use proptest::prelude::*;
        let text = "(\\PC|[ʻ'’ ]|</script>|\u{2028}|[ا-ي]|[ሀ-ፚ]|[ก-๙]|[अ-ह्]){0,40}";
        let mut runner = proptest::test_runner::TestRunner::new(proptest::test_runner::Config {
            cases: 512,
            failure_persistence: None,
            ..Default::default()
        });
        runner
            .run(
                &(
                    text,
                    prop::sample::select(vec!["uz", "ru", "et", "en", "ar", "am", "th", "ne"]),
                ),
                |(text, lang)| {
                    let f = Fold::for_language(lang);
                    let folded = f.apply(&text);
                    let mut out = Vec::new();
                    f.terms(&folded, &mut out);
                    let has_word = crate::words::words(&folded).next().is_some();
                    prop_assert_eq!(has_word, !out.is_empty(), "{:?}", text);
                    prop_assert!(out.iter().all(|t| !t.is_empty()));
                    let js = json(&text);
                    prop_assert!(!js.contains("</"));
                    prop_assert!(!js.contains('\u{2028}'), "a line separator in {}", js);
                    prop_assert_eq!(serde_json::from_str::<String>(&js).unwrap(), text);
                    Ok(())
                },
            )
            .unwrap();
    }

    #[test]
    fn amharic_words_are_compared_by_their_consonants() {
        // መብት (a right), መብቶች (rights): one stem, two last vowels.
        let f = Fold::for_language("am");
        assert!(f.apply("መብቶችዎ").starts_with(&f.apply("መብት")));
        assert_ne!(f.apply("መብት"), f.apply("ሰው"));
    }

    #[test]
    fn arabic_is_found_with_or_without_its_optional_marks_and_article() {
        let f = Fold::for_language("ar");
        // Tanwin and hamza on the alef, typed or not.
        assert_eq!(f.apply("أحراراً"), f.apply("احرارا"));
        assert_eq!(f.apply("الكرامة"), f.apply("الكرامه"));
        // الكرامة is found by كرامة; والحقوق by حقوق.
        assert_eq!(
            terms("ar", "الكرامة والحقوق"),
            ["الكرامه", "كرامه", "والحقوق", "حقوق"]
        );
        // A word that only begins like an article keeps its letters.
        assert_eq!(terms("ar", "الى"), ["الي"]);
    }

    #[test]
    fn postings_are_compact() {
        assert_eq!(
            postings(&[(3, 1, false), (4, 6, true), (40, 1, false)]),
            "3.1,1.6!,10.1"
        );
        assert_eq!(file_key("ko"), "6b-6f");
        assert_eq!(file_key("оʻ"), "43e-2bb");
    }

    #[test]
    fn big_term_files_are_split() {
        let mut index = Index::default();
        let many: Vec<(u32, u32, bool)> = (0..4000).map(|n| (n, 1, false)).collect();
        for t in ["kompaniya", "kompyuter", "kon", "ko"] {
            index.terms.insert(t.to_string(), many.clone());
        }
        let (shards, split) = index.shards();
        assert!(
            split.contains_key("ko") && split.contains_key("kom"),
            "{split:?}"
        );
        assert!(shards.contains_key("ko") && shards.contains_key("kon"));
        assert!(shards["ko"].contains("\"ko\":"));
        assert!(!shards["ko"].contains("kompaniya"));
    }

    #[test]
    fn the_keyword_index_sorts_in_the_language_order() {
        let ch = |title: &str| Chapter {
            corridor: "c".into(),
            url: format!("../c/{title}/index.html"),
            title: title.into(),
            guide: "G".into(),
            sections: vec![],
        };
        let chapters: Vec<Chapter> = ["Zoo", "Šokk", "Sõna", "Äri", "Tee"].map(ch).into();
        let letters: Vec<String> = keyword_index("et", &chapters)
            .into_iter()
            .flat_map(|g| g.entries.into_iter().map(|e| e.text))
            .collect();
        // Estonian: s, š, z, ž, t, u, v, w, õ, ä, ö, ü.
        assert_eq!(
            letters,
            ["Sõna", "Šokk", "Zoo", "Tee", "Äri"].map(String::from)
        );
    }
}
