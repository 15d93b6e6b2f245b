//! The gettext PO round trip, for Poedit, Weblate, Crowdin and Pontoon.
//!
//! `export` writes, per corridor, one entry per block of each source page in
//! guide order (see [`blocks`]), the block's Markdown as `msgid` and
//! `<slug>/<n>-<kind>` as `msgctxt`; `msgstr` holds the translation's block
//! where the translation has the same structure. Blocks that changed since
//! the translation's `source_hash` are `fuzzy`, with the earlier source text
//! (from git) as `#| msgid`. `import` checks every entry against the current
//! source before it writes anything, changes only the blocks whose text
//! changed, and stamps the pages that are fully translated with nothing
//! fuzzy. Parsing and writing go through ferrocat-po.

use super::blocks::{self, Block};
use super::history;
use crate::diagnostic::Diagnostic;
use crate::model::{Corridor, Page, Site, CONTACTS_CHAPTER};
use ferrocat_po::{parse_po, stringify_po, Header, MsgStr, PoFile, PoItem, SerializeOptions};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

const CORRIDOR_HEADER: &str = "X-Pocketguide-Corridor";

/// One PO entry, as pocketguide sees it.
#[derive(Debug, Clone)]
struct Entry {
    ctxt: String,
    msgid: String,
    msgstr: String,
    fuzzy: bool,
    previous: Option<String>,
    reference: String,
}

fn ctxt(slug: &str, n: usize, block: &Block) -> String {
    match block.kind {
        blocks::Kind::Title | blocks::Kind::Summary => format!("{slug}/{}", block.kind.name()),
        kind => format!("{slug}/{n:03}-{}", kind.name()),
    }
}

/// A page's file text and its blocks.
fn page_blocks(site: &Site, page: &Page) -> Option<(String, Vec<Block>)> {
    let text = crate::source::read_text(&site.root, &page.file).ok()?;
    let b = blocks::blocks(&text, &page.title, page.summary.as_deref())?;
    Some((text, b))
}

/// Each current source block's counterpart in the earlier source (by index),
/// and whether its text changed: equal runs match, and blocks of the same
/// kind in a changed run pair up in order.
fn align(old: &[Block], new: &[Block]) -> Vec<Option<(usize, bool)>> {
    use similar::DiffOp;
    let key = |b: &Block| (b.kind, b.text.clone());
    let old_keys: Vec<_> = old.iter().map(key).collect();
    let new_keys: Vec<_> = new.iter().map(key).collect();
    let mut map = vec![None; new.len()];
    for op in similar::capture_diff_slices(similar::Algorithm::Myers, &old_keys, &new_keys) {
        match op {
            DiffOp::Equal {
                old_index,
                new_index,
                len,
            } => {
                for k in 0..len {
                    map[new_index + k] = Some((old_index + k, false));
                }
            }
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => {
                for k in 0..old_len.min(new_len) {
                    if old[old_index + k].kind == new[new_index + k].kind {
                        map[new_index + k] = Some((old_index + k, true));
                    }
                }
            }
            DiffOp::Delete { .. } | DiffOp::Insert { .. } => {}
        }
    }
    map
}

/// The entries of one chapter in language `lang`.
fn chapter_entries(site: &Site, corridor: &Corridor, slug: &str, lang: &str) -> Vec<Entry> {
    let Some(source) = site.chapter_page(corridor, &corridor.source_language, slug) else {
        return Vec::new();
    };
    let Some((_, src)) = page_blocks(site, source) else {
        return Vec::new();
    };
    let translation = site
        .chapter_page(corridor, lang, slug)
        .and_then(|t| page_blocks(site, t).map(|(_, b)| (t, b)));
    // For each current source block: the translation's text, whether it is
    // fuzzy, and the earlier source text it was translated from.
    let mut filled: Vec<(String, bool, Option<String>)> =
        vec![(String::new(), false, None); src.len()];
    if let Some((page, tr)) = &translation {
        let same_shape = |a: &[Block], b: &[Block]| blocks::shape(a) == blocks::shape(b);
        if page.source_hash.as_deref() == Some(source.hash.as_str()) {
            if same_shape(tr, &src) {
                for (i, b) in tr.iter().enumerate() {
                    filled[i].0 = b.text.clone();
                }
            }
        } else {
            let earlier = page.source_hash.as_deref().and_then(|wanted| {
                history::find(&site.root, &source.file, |text| {
                    super::hash_of_text(text).as_deref() == Some(wanted)
                })
                .ok()
            });
            let old = earlier.and_then(|v| {
                let p = super::parse_page_text(&v.text)?;
                blocks::blocks(&v.text, &p.title, p.summary.as_deref())
            });
            match old {
                Some(old) if same_shape(tr, &old) => {
                    for (j, m) in align(&old, &src).into_iter().enumerate() {
                        if let Some((i, changed)) = m {
                            filled[j] = (
                                tr[i].text.clone(),
                                changed,
                                changed.then(|| old[i].text.clone()),
                            );
                        }
                    }
                }
                // Outdated with no history to tell what changed: every
                // translated entry needs a look.
                _ if same_shape(tr, &src) => {
                    for (i, b) in tr.iter().enumerate() {
                        filled[i] = (b.text.clone(), true, None);
                    }
                }
                _ => {}
            }
        }
    }
    let file = crate::diagnostic::display_path(&source.file);
    let mut n = 0;
    src.iter()
        .zip(filled)
        .map(|(b, (msgstr, fuzzy, previous))| {
            if b.span.is_some() {
                n += 1;
            }
            Entry {
                ctxt: ctxt(slug, n, b),
                msgid: b.text.clone(),
                fuzzy: fuzzy && !msgstr.is_empty(),
                msgstr,
                previous,
                reference: format!("{file}:{}", b.line),
            }
        })
        .collect()
}

/// `DIR/<corridor>/<lang>.po` for every corridor that publishes `lang` as a
/// translation (or only `corridor`). Returns the files written.
pub fn export(
    site: &Site,
    lang: &str,
    corridor: Option<&str>,
    out: &Path,
) -> Result<Vec<PathBuf>, String> {
    if site.config.language(lang).is_none() {
        return Err(format!(
            "unknown language '{lang}': it is not in site.yaml `languages`"
        ));
    }
    let corridors: Vec<&Corridor> = site
        .corridors
        .iter()
        .filter(|c| corridor.is_none_or(|s| s == c.slug))
        .filter(|c| c.publishes(lang) && c.source_language != lang)
        .collect();
    if corridors.is_empty() {
        return Err(match corridor {
            Some(c) => format!(
                "corridor '{c}' does not exist, is not published in '{lang}', or is written in it"
            ),
            None => format!("no corridor is translated into '{lang}'"),
        });
    }
    let mut written = Vec::new();
    for c in corridors {
        let entries: Vec<Entry> = c
            .chapters
            .iter()
            .filter(|ch| ch.slug != CONTACTS_CHAPTER)
            .flat_map(|ch| chapter_entries(site, c, &ch.slug, lang))
            .collect();
        let text = write_po(site, c, lang, &entries);
        let rel = Path::new(&c.slug).join(format!("{lang}.po"));
        std::fs::create_dir_all(out).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
        crate::write::replace_file(out, &rel, text.as_bytes())
            .map_err(|e| format!("{e} (in {})", out.display()))?;
        written.push(out.join(rel));
    }
    Ok(written)
}

fn write_po(site: &Site, corridor: &Corridor, lang: &str, entries: &[Entry]) -> String {
    let header = |key: &str, value: String| Header {
        key: key.to_string(),
        value,
    };
    let title = site
        .config
        .title
        .get(&[&corridor.source_language, &site.config.default_language]);
    let date = corridor
        .updated
        .map_or_else(|| "2000-01-01".to_string(), |d| d.to_string());
    let file = PoFile {
        headers: vec![
            header("Project-Id-Version", format!("{title} ({})", corridor.slug)),
            header("PO-Revision-Date", format!("{date} 00:00+0000")),
            header("Last-Translator", String::new()),
            header("Language-Team", String::new()),
            header("Language", lang.to_string()),
            header("MIME-Version", "1.0".to_string()),
            header("Content-Type", "text/plain; charset=UTF-8".to_string()),
            header("Content-Transfer-Encoding", "8bit".to_string()),
            header(CORRIDOR_HEADER, corridor.slug.clone()),
        ],
        items: entries
            .iter()
            .map(|e| {
                let mut item = PoItem::new(1);
                item.msgctxt = Some(e.ctxt.clone());
                item.msgid = e.msgid.clone();
                item.msgstr = MsgStr::Singular(e.msgstr.clone());
                item.references.push(e.reference.clone());
                if e.fuzzy {
                    item.flags.push("fuzzy".to_string());
                }
                item
            })
            .collect(),
        ..PoFile::default()
    };
    let text = stringify_po(&file, &SerializeOptions::default());
    with_previous(&text, entries)
}

/// ferrocat-po writes no `#| msgid` (the earlier source text of a fuzzy
/// entry, which Poedit and Weblate show beside it): it goes in here, right
/// after the entry's flags, written as PO writes strings.
fn with_previous(po: &str, entries: &[Entry]) -> String {
    let previous: HashMap<String, &str> = entries
        .iter()
        .filter_map(|e| Some((po_string(&e.ctxt), e.previous.as_deref()?)))
        .collect();
    if previous.is_empty() {
        return po.to_string();
    }
    let mut out = String::with_capacity(po.len());
    for line in po.split_inclusive('\n') {
        if let Some(ctxt) = line.strip_prefix("msgctxt ") {
            if let Some(old) = previous.get(ctxt.trim_end()) {
                for (i, l) in po_lines(old).iter().enumerate() {
                    out.push_str(if i == 0 { "#| msgid " } else { "#| " });
                    out.push_str(l);
                    out.push('\n');
                }
            }
        }
        out.push_str(line);
    }
    out
}

/// A PO string literal.
fn po_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A multi-line string as PO writes it: `""` then one literal per line.
fn po_lines(s: &str) -> Vec<String> {
    if !s.contains('\n') {
        return vec![po_string(s)];
    }
    let mut lines = vec!["\"\"".to_string()];
    lines.extend(s.split_inclusive('\n').map(po_string));
    lines
}

/// What an import changed.
#[derive(Debug, Default)]
pub struct Imported {
    /// Pages written, relative to the site.
    pub written: Vec<PathBuf>,
    /// Pages whose `source_hash` was set: fully translated, nothing fuzzy.
    pub stamped: Vec<PathBuf>,
}

/// Writes the translations of a PO file back into their pages. Every entry
/// is checked against the current source first; on any mismatch nothing is
/// written and each is reported at its line of the PO file.
pub fn import(site: &Site, po_path: &Path) -> Result<Imported, Vec<Diagnostic>> {
    let bytes = std::fs::read(po_path).map_err(|e| {
        vec![Diagnostic::error(
            po_path,
            None,
            format!("cannot read: {e}"),
        )]
    })?;
    let text = crate::source::text_from_bytes(po_path, bytes).map_err(|d| vec![d])?;
    let po = Po::parse(site, po_path, &text)?;
    let pages = po.pages(site)?;
    let mut done = Imported::default();
    for page in pages {
        write_page(site, &po.lang, page, &mut done)?;
    }
    Ok(done)
}

/// A PO file being imported, checked against the site it is for.
struct Po<'a> {
    path: &'a Path,
    text: &'a str,
    file: PoFile,
    corridor: &'a Corridor,
    lang: String,
}

/// A page's translation as the PO file gives it, every entry matched to
/// the current source block: (translation, fuzzy) per block.
struct PageImport<'a> {
    slug: String,
    source: &'a Page,
    source_text: String,
    blocks: Vec<Block>,
    translations: Vec<Option<(String, bool)>>,
}

impl<'a> Po<'a> {
    fn err(&self, line: Option<usize>, m: String) -> Diagnostic {
        Diagnostic::error(self.path, line, m)
    }

    /// Parses the file and finds the corridor and language its header
    /// names.
    fn parse(site: &'a Site, path: &'a Path, text: &'a str) -> Result<Po<'a>, Vec<Diagnostic>> {
        let err = |line: Option<usize>, m: String| vec![Diagnostic::error(path, line, m)];
        let file = parse_po(text).map_err(|e| err(None, format!("not a PO file: {e}")))?;
        let head = |key: &str| {
            file.headers
                .iter()
                .find(|h| h.key.eq_ignore_ascii_case(key))
                .map(|h| h.value.trim().to_string())
        };
        let (Some(slug), Some(lang)) = (head(CORRIDOR_HEADER), head("Language")) else {
            return Err(err(
                Some(1),
                format!("the header has no `Language` or `{CORRIDOR_HEADER}`: import PO files that pocketguide exported"),
            ));
        };
        let corridor = site
            .corridors
            .iter()
            .find(|c| c.slug == slug && c.publishes(&lang) && c.source_language != lang)
            .ok_or_else(|| {
                err(
                    Some(1),
                    format!("corridor '{slug}' is not translated into '{lang}' in this site"),
                )
            })?;
        Ok(Po {
            path,
            text,
            file,
            corridor,
            lang,
        })
    }

    /// The line of the first entry with this context.
    fn line_of(&self, ctxt: &str) -> Option<usize> {
        let needle = format!("msgctxt {}", po_string(ctxt));
        self.text
            .lines()
            .position(|l| l.starts_with(&needle))
            .map(|i| i + 1)
    }

    /// Every page the file translates, each entry checked against the
    /// current source page; all problems, or nothing.
    fn pages(&self, site: &'a Site) -> Result<Vec<PageImport<'a>>, Vec<Diagnostic>> {
        // Entries by chapter, in file order.
        let mut by_slug: BTreeMap<String, Vec<&PoItem>> = BTreeMap::new();
        let mut errors = malformed(&self.file.items, self.text, &|l, m| self.err(l, m));
        for item in &self.file.items {
            let ctxt = item.msgctxt.as_deref().unwrap_or("");
            match ctxt.split_once('/') {
                Some((s, _)) if self.corridor.has_chapter(s) && s != CONTACTS_CHAPTER => {
                    by_slug.entry(s.to_string()).or_default().push(item)
                }
                _ => errors.push(self.err(
                    self.line_of(ctxt),
                    format!(
                        "entry '{ctxt}' names no chapter of corridor '{}'",
                        self.corridor.slug
                    ),
                )),
            }
        }
        let mut pages = Vec::new();
        for (s, items) in &by_slug {
            let corridor = self.corridor;
            let Some(source) = site.chapter_page(corridor, &corridor.source_language, s) else {
                continue;
            };
            let Some((source_text, blocks)) = page_blocks(site, source) else {
                continue;
            };
            let translations = self.match_entries(s, source, &blocks, items, &mut errors);
            pages.push(PageImport {
                slug: s.clone(),
                source,
                source_text,
                blocks,
                translations,
            });
        }
        if errors.is_empty() {
            Ok(pages)
        } else {
            Err(errors)
        }
    }

    /// Each source block's translation from the entries of chapter `slug`;
    /// an entry that matches no current block, or a block with no entry,
    /// is an error.
    fn match_entries(
        &self,
        slug: &str,
        source: &Page,
        blocks: &[Block],
        items: &[&PoItem],
        errors: &mut Vec<Diagnostic>,
    ) -> Vec<Option<(String, bool)>> {
        let mut n = 0;
        let expected: Vec<String> = blocks
            .iter()
            .map(|b| {
                if b.span.is_some() {
                    n += 1;
                }
                ctxt(slug, n, b)
            })
            .collect();
        let mut translations: Vec<Option<(String, bool)>> = vec![None; blocks.len()];
        // An entry whose source text changed is reported once, as that.
        let mut reported = vec![false; blocks.len()];
        let source_file = crate::diagnostic::display_path(&source.file);
        for item in items {
            let c = item.msgctxt.as_deref().unwrap_or("");
            let at = expected.iter().position(|e| e == c);
            if let Some(i) = at {
                reported[i] = true;
            }
            match at {
                Some(i) if blocks[i].text == item.msgid => {
                    let msgstr = match &item.msgstr {
                        MsgStr::Singular(t) => t.clone(),
                        MsgStr::Plural(v) => v.first().cloned().unwrap_or_default(),
                        MsgStr::None => String::new(),
                    };
                    let fuzzy = item.flags.iter().any(|f| f == "fuzzy");
                    translations[i] = Some((msgstr, fuzzy));
                }
                _ => errors.push(self.err(
                    self.line_of(c),
                    format!("entry '{c}' does not match the current source page {source_file}: export the PO again and carry the translations over"),
                )),
            }
        }
        for (i, t) in translations.iter().enumerate() {
            if t.is_none() && !reported[i] {
                errors.push(self.err(
                    Some(1),
                    format!("no entry '{}': the PO was made from another version of {source_file}; export it again", expected[i]),
                ));
            }
        }
        translations
    }
}

/// Writes one page's translation (and stamps it when every block is
/// translated and none is fuzzy), changing nothing if nothing changed.
fn write_page(
    site: &Site,
    lang: &str,
    page: PageImport<'_>,
    done: &mut Imported,
) -> Result<(), Vec<Diagnostic>> {
    let PageImport {
        slug,
        source,
        source_text,
        blocks: src,
        translations,
    } = page;
    let texts: Vec<(String, bool)> = translations
        .into_iter()
        .map(Option::unwrap_or_default)
        .collect();
    let complete = texts.iter().all(|(t, fuzzy)| !t.is_empty() && !fuzzy);
    let existing = site.page(&source.scope, lang, &slug);
    // Nothing translated yet: no page, so readers keep the fallback and
    // the notice that says so.
    if existing.is_none() && texts.iter().all(|(t, _)| t.is_empty()) {
        return Ok(());
    }
    let rel = existing.map_or_else(
        || {
            source
                .file
                .parent()
                .and_then(Path::parent)
                .unwrap_or(Path::new("content"))
                .join(lang)
                .join(format!("{slug}.md"))
        },
        |p| p.file.clone(),
    );
    let old = existing.and_then(|p| page_blocks(site, p));
    let mut new_text = match &old {
        // The translation keeps its own layout; only changed blocks move.
        Some((text, tr)) if blocks::shape(tr) == blocks::shape(&src) => {
            let (spans, front) = changes(tr, &texts, |_| None);
            with_front(apply_spans(text, 0, spans), &front)
        }
        // Otherwise the source's layout, with the translations set in.
        _ => in_source_layout(
            &source_text,
            &src,
            &texts,
            old.as_ref().map(|(t, _)| t.as_str()),
        ),
    };
    if complete {
        if let Some(stamped) = super::set_front_matter_key(&new_text, "source_hash", &source.hash) {
            new_text = stamped;
        }
        if existing.and_then(|p| p.source_hash.as_deref()) != Some(source.hash.as_str()) {
            done.stamped.push(rel.clone());
        }
    }
    let before = old.as_ref().map(|(t, _)| t.as_str());
    if before != Some(new_text.as_str()) {
        crate::write::replace_file(&site.root, &rel, new_text.as_bytes())
            .map_err(|e| vec![Diagnostic::error(&rel, None, e)])?;
        done.written.push(rel);
    }
    Ok(())
}

/// The source page's layout with the translations set in (the source's
/// text where a block is not translated yet), under the translation's own
/// front matter (`old`) if it has one.
fn in_source_layout(
    source_text: &str,
    src: &[Block],
    texts: &[(String, bool)],
    old: Option<&str>,
) -> String {
    let (spans, _) = changes(src, texts, |b| Some(b.text.clone()));
    let body_start = source_text.len()
        - crate::source::split_front_matter(source_text).map_or(0, |(_, b, _)| b.len());
    let body = apply_spans(&source_text[body_start..], body_start, spans);
    let front_matter = old.map_or_else(
        || "---\ntitle: \"\"\n---\n".to_string(),
        |t| {
            let body = crate::source::split_front_matter(t).map_or("", |(_, b, _)| b);
            t[..t.len() - body.len()].to_string()
        },
    );
    let front: Vec<(&str, String)> = src
        .iter()
        .zip(texts)
        .filter_map(|(b, (t, _))| {
            let key = match b.kind {
                blocks::Kind::Title => "title",
                blocks::Kind::Summary => "summary",
                _ => return None,
            };
            Some((
                key,
                if t.is_empty() {
                    b.text.clone()
                } else {
                    t.clone()
                },
            ))
        })
        .collect();
    with_front(format!("{front_matter}{body}"), &front)
}

/// What `msgfmt --check` refuses and pocketguide never writes: an entry
/// whose context and text appear twice (which one would win?), and plural
/// entries (a block of a page has no plural). Obsolete entries (`#~`) are
/// a translation tool's memory and are left alone.
fn malformed(
    items: &[PoItem],
    text: &str,
    err: &dyn Fn(Option<usize>, String) -> Diagnostic,
) -> Vec<Diagnostic> {
    // The line of the n-th entry with this context.
    let line_of = |ctxt: &str, n: usize| {
        let needle = format!("msgctxt {}", po_string(ctxt));
        text.lines()
            .enumerate()
            .filter(|(_, l)| l.starts_with(&needle))
            .nth(n)
            .map(|(i, _)| i + 1)
    };
    let mut seen: HashMap<(&str, &str), usize> = HashMap::new();
    let mut errors = Vec::new();
    for item in items.iter().filter(|i| !i.obsolete) {
        let ctxt = item.msgctxt.as_deref().unwrap_or("");
        let count = seen.entry((ctxt, item.msgid.as_str())).or_default();
        *count += 1;
        if *count > 1 {
            errors.push(err(
                line_of(ctxt, *count - 1),
                format!("the entry `{ctxt}` appears twice: keep one, so it is clear which translation is meant (msgfmt --check refuses the file too)"),
            ));
        }
        if item.msgid_plural.is_some() {
            errors.push(err(
                line_of(ctxt, 0),
                format!("the entry `{ctxt}` has plural forms (msgid_plural), which a page's block never has: import the PO files pocketguide exported"),
            ));
        }
    }
    errors
}

/// What to change in a page with `blocks_` to hold `translations`: body
/// spans (file offsets) with their new text, and front-matter keys. A block
/// whose translation is its text already is left alone; `fallback` gives a
/// block's text where its translation is empty (`None`: leave it).
type Changes = (
    Vec<(std::ops::Range<usize>, String)>,
    Vec<(&'static str, String)>,
);

fn changes(
    blocks_: &[Block],
    translations: &[(String, bool)],
    fallback: impl Fn(&Block) -> Option<String>,
) -> Changes {
    let mut spans = Vec::new();
    let mut front = Vec::new();
    for (b, (t, _)) in blocks_.iter().zip(translations) {
        let wanted = if t.is_empty() {
            match fallback(b) {
                Some(f) => f,
                None => continue,
            }
        } else {
            t.clone()
        };
        if wanted == b.text {
            continue;
        }
        match (&b.span, b.kind) {
            (Some(span), _) => spans.push((span.clone(), blocks::placed(b, &wanted))),
            (None, blocks::Kind::Title) => front.push(("title", wanted)),
            (None, blocks::Kind::Summary) => front.push(("summary", wanted)),
            _ => {}
        }
    }
    (spans, front)
}

/// `text`, which starts at file offset `base`, with each span replaced.
fn apply_spans(
    text: &str,
    base: usize,
    mut spans: Vec<(std::ops::Range<usize>, String)>,
) -> String {
    let mut out = text.to_string();
    // From the end, so earlier spans stay where they were.
    spans.sort_by_key(|(span, _)| std::cmp::Reverse(span.start));
    for (span, new) in spans {
        out.replace_range(span.start - base..span.end - base, &new);
    }
    out
}

fn with_front(mut page: String, front: &[(&str, String)]) -> String {
    for (key, value) in front {
        if let Some(p) = super::set_front_matter_key(&page, key, &yaml_string(value)) {
            page = p;
        }
    }
    page
}

/// A YAML scalar that reads back as exactly `s` (a JSON string is one).
fn yaml_string(s: &str) -> String {
    serde_json::to_string(&s.replace('\n', " ")).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn previous_msgids_go_right_before_their_entry() {
        let entries = vec![Entry {
            ctxt: "a/001-paragraph".into(),
            msgid: "new".into(),
            msgstr: "t".into(),
            fuzzy: true,
            previous: Some("old \"text\"\nline two".into()),
            reference: "x.md:3".into(),
        }];
        let po = "#: x.md:3\n#, fuzzy\nmsgctxt \"a/001-paragraph\"\nmsgid \"new\"\nmsgstr \"t\"\n";
        assert_eq!(
            with_previous(po, &entries),
            "#: x.md:3\n#, fuzzy\n#| msgid \"\"\n#| \"old \\\"text\\\"\\n\"\n#| \"line two\"\nmsgctxt \"a/001-paragraph\"\nmsgid \"new\"\nmsgstr \"t\"\n"
        );
    }

    fn b(kind: blocks::Kind, text: &str) -> Block {
        Block {
            kind,
            text: text.into(),
            span: Some(0..0),
            prefix: String::new(),
            line: 1,
        }
    }

    #[test]
    fn a_one_sentence_edit_is_one_changed_pair() {
        use blocks::Kind::*;
        let old = [b(Heading, "H"), b(Paragraph, "One."), b(Paragraph, "Two.")];
        let new = [
            b(Heading, "H"),
            b(Paragraph, "One, edited."),
            b(Paragraph, "Two."),
        ];
        assert_eq!(
            align(&old, &new),
            [Some((0, false)), Some((1, true)), Some((2, false))]
        );
        let inserted = [
            b(Heading, "H"),
            b(Paragraph, "New."),
            b(Paragraph, "One."),
            b(Paragraph, "Two."),
        ];
        assert_eq!(
            align(&old, &inserted),
            [Some((0, false)), None, Some((1, false)), Some((2, false))]
        );
    }
}
