//! Translation state: the hash a translation records of its source page, the
//! status of each corridor × chapter × language, and the translators' tools
//! on top: what changed since a translation was made ([`diff`], from git
//! [`history`]), the gettext PO round trip ([`po`], over [`blocks`]) and
//! the status page ([`report`]).

pub mod blocks;
pub mod diff;
pub mod history;
pub mod po;
pub mod report;

use crate::model::{ChapterText, Corridor, Page, Site, CONTACTS_CHAPTER};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::Path;

/// The hash of a page as readers see it: title, summary and body, with line
/// endings normalised (a Windows editor must not make every page outdated)
/// and trailing blank space at the end of the body ignored. SHA-256, first 16
/// hex digits.
pub fn page_hash(title: &str, summary: Option<&str>, body: &str) -> String {
    let body = body.replace("\r\n", "\n").replace('\r', "\n");
    let mut h = Sha256::new();
    h.update(b"title\0");
    h.update(title.trim().as_bytes());
    h.update(b"\0summary\0");
    h.update(summary.unwrap_or("").trim().as_bytes());
    h.update(b"\0body\0");
    h.update(body.trim_end().as_bytes());
    let digest = h.finalize();
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// A version of a page as its text: what the hash covers.
pub struct PageText {
    pub title: String,
    pub summary: Option<String>,
    pub body: String,
}

/// A page's file text (any version of it) as title, summary and body.
pub fn parse_page_text(text: &str) -> Option<PageText> {
    #[derive(serde::Deserialize)]
    struct Front {
        #[serde(default)]
        title: Option<String>,
        #[serde(default)]
        summary: Option<String>,
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (fm, body, _) = crate::source::split_front_matter(text)?;
    let front: Front = crate::yaml::parse(fm).ok()?;
    Some(PageText {
        title: front.title.unwrap_or_default(),
        summary: front.summary,
        body: body.to_string(),
    })
}

/// The hash of a page's file text, as a translation would record it.
pub fn hash_of_text(text: &str) -> Option<String> {
    let p = parse_page_text(text)?;
    Some(page_hash(&p.title, p.summary.as_deref(), &p.body))
}

/// What changed in a translation's source page since it was translated.
pub struct SourceChanges {
    /// The earlier version, or `None` when the translation is up to date.
    pub since: Option<history::Version>,
    pub hunks: Vec<diff::Hunk>,
}

#[derive(Debug)]
pub enum ChangesError {
    /// The translation records no `source_hash`.
    NeverStamped,
    History(history::HistoryError),
}

impl std::fmt::Display for ChangesError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChangesError::NeverStamped => f.write_str(
                "this translation has no source_hash, so which version of the source it was made from is not known: compare it with the source page, then stamp it",
            ),
            ChangesError::History(e) => e.fmt(f),
        }
    }
}

/// The word-level changes in `t`'s source page between the version its
/// `source_hash` records (found in git) and the page as it is now.
pub fn source_changes(site: &Site, t: &Translation) -> Result<SourceChanges, ChangesError> {
    let source = t.source;
    let Some(wanted) = t.page.source_hash.as_deref() else {
        return Err(ChangesError::NeverStamped);
    };
    if wanted == source.hash {
        return Ok(SourceChanges {
            since: None,
            hunks: Vec::new(),
        });
    }
    let version = history::find(&site.root, &source.file, |text| {
        hash_of_text(text).as_deref() == Some(wanted)
    })
    .map_err(ChangesError::History)?;
    let old = parse_page_text(&version.text)
        .ok_or(ChangesError::History(history::HistoryError::NotFound))?;
    let mut hunks: Vec<diff::Hunk> = Vec::new();
    hunks.extend(diff::field("title", old.title.trim(), source.title.trim()));
    hunks.extend(diff::field(
        "summary",
        old.summary.as_deref().unwrap_or("").trim(),
        source.summary.as_deref().unwrap_or("").trim(),
    ));
    let norm = |s: &str| s.replace("\r\n", "\n");
    hunks.extend(diff::body(
        norm(&old.body).trim_end(),
        norm(&source.body).trim_end(),
        source.body_line,
    ));
    Ok(SourceChanges {
        since: Some(version),
        hunks,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Source,
    Ok,
    Missing,
    Outdated,
    /// Made from another language's page by transliteration (SPEC 9.2).
    Transliterated,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Source => "source",
            Status::Ok => "ok",
            Status::Missing => "missing",
            Status::Outdated => "outdated",
            Status::Transliterated => "transliterated",
        }
    }
}

/// `None` for the built-in contacts chapter, which is data, not a page.
pub fn status(site: &Site, corridor: &Corridor, slug: &str, lang: &str) -> Option<Status> {
    if slug == CONTACTS_CHAPTER {
        return None;
    }
    if let Some(from) = transliterated_from(site, corridor, lang, slug) {
        return Some(match site.chapter_text(corridor, from, slug) {
            ChapterText::Own { .. } => Status::Transliterated,
            _ => Status::Missing,
        });
    }
    Some(match site.chapter_text(corridor, lang, slug) {
        ChapterText::Own { .. } if lang == corridor.source_language => Status::Source,
        ChapterText::Own { outdated: true, .. } => Status::Outdated,
        ChapterText::Own { .. } => Status::Ok,
        ChapterText::Fallback { .. } | ChapterText::Missing | ChapterText::Contacts => {
            Status::Missing
        }
    })
}

/// The language a chapter in `lang` is transliterated from: when `lang`
/// is made by transliteration and has no page of its own for the chapter
/// (a page written by hand wins).
pub fn transliterated_from<'a>(
    site: &'a Site,
    corridor: &Corridor,
    lang: &str,
    slug: &str,
) -> Option<&'a str> {
    let from = site.config.language(lang)?.transliterate_from.as_deref()?;
    let own = site.chapter_page(corridor, lang, slug).is_some();
    (!own && site.translits.contains_key(lang)).then_some(from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_ignores_line_endings_and_trailing_space() {
        let a = page_hash("T", None, "a\nb\n");
        assert_eq!(a, page_hash("T", None, "a\r\nb\r\n\r\n"));
        assert_ne!(a, page_hash("T", None, "a\nc\n"));
        assert_ne!(a, page_hash("U", None, "a\nb\n"));
        assert_ne!(a, page_hash("T", Some("s"), "a\nb\n"));
        assert_eq!(a.len(), 16);
    }
}

/// One line of `pocketguide translations`.
#[derive(Debug, Clone, serde::Serialize, PartialEq, Eq)]
pub struct Row {
    pub corridor: String,
    pub page: String,
    pub language: String,
    pub status: Status,
    /// The page's `review_by`: when its facts must be looked at again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review_by: Option<chrono::NaiveDate>,
}

/// Status of every corridor × chapter × published language, in corridor,
/// chapter and language order. The contacts chapter is data and has none.
pub fn rows(site: &Site) -> Vec<Row> {
    let mut rows = Vec::new();
    for corridor in &site.corridors {
        for chapter in &corridor.chapters {
            for lang in &corridor.languages {
                if let Some(s) = status(site, corridor, &chapter.slug, lang) {
                    rows.push(Row {
                        corridor: corridor.slug.clone(),
                        page: chapter.slug.clone(),
                        language: lang.clone(),
                        status: s,
                        review_by: site
                            .chapter_page(corridor, lang, &chapter.slug)
                            .and_then(|p| p.review_by),
                    });
                }
            }
        }
    }
    rows
}

/// The earliest `review_by` of a chapter's pages in a corridor, by
/// (corridor, chapter).
pub fn review_dates(rows: &[Row]) -> HashMap<(&str, &str), chrono::NaiveDate> {
    let mut out: HashMap<(&str, &str), chrono::NaiveDate> = HashMap::new();
    for r in rows {
        if let Some(date) = r.review_by {
            out.entry((r.corridor.as_str(), r.page.as_str()))
                .and_modify(|d| *d = (*d).min(date))
                .or_insert(date);
        }
    }
    out
}

/// A review date as the reports show it: `2027-01-01`, and `(passed)`
/// after it, as of `today`.
pub fn review_cell(date: chrono::NaiveDate, today: chrono::NaiveDate) -> String {
    if date < today {
        format!("{date} (passed)")
    } else {
        date.to_string()
    }
}

/// A terminal table: one row per corridor and chapter, one column per
/// language and one for the date its facts must be reviewed by, then the
/// share of translated chapters per language.
pub fn table(site: &Site, rows: &[Row], today: chrono::NaiveDate) -> String {
    let mut langs: Vec<&str> = Vec::new();
    for l in &site.config.languages {
        if rows.iter().any(|r| r.language == l.code) {
            langs.push(&l.code);
        }
    }
    let first = rows
        .iter()
        .map(|r| r.corridor.len() + r.page.len() + 1)
        .max()
        .unwrap_or(0)
        .max(8);
    let mut out = format!("{:first$}", "chapter");
    for l in &langs {
        out.push_str(&format!("  {l:9}"));
    }
    let review = review_dates(rows);
    if !review.is_empty() {
        out.push_str("  review by");
    }
    out.push('\n');
    let mut keys: Vec<(&str, &str)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut status_of = std::collections::HashMap::new();
    for r in rows {
        if seen.insert((r.corridor.as_str(), r.page.as_str())) {
            keys.push((&r.corridor, &r.page));
        }
        status_of.insert(
            (r.corridor.as_str(), r.page.as_str(), r.language.as_str()),
            r.status,
        );
    }
    for (corridor, page) in &keys {
        out.push_str(&format!("{:first$}", format!("{corridor}/{page}")));
        for l in &langs {
            let status = status_of
                .get(&(*corridor, *page, *l))
                .map_or("-", |s| s.as_str());
            out.push_str(&format!("  {status:9}"));
        }
        if let Some(&date) = review.get(&(*corridor, *page)) {
            out.push_str(&format!("  {}", review_cell(date, today)));
        }
        out.push('\n');
    }
    out.push_str(&format!("{:first$}", "complete"));
    for l in &langs {
        let of_lang: Vec<&Row> = rows.iter().filter(|r| r.language == *l).collect();
        let translated = of_lang
            .iter()
            .filter(|r| r.status != Status::Source)
            .count();
        let ok = of_lang
            .iter()
            .filter(|r| matches!(r.status, Status::Ok | Status::Transliterated))
            .count();
        let cell = (ok * 100)
            .checked_div(translated)
            .map_or_else(|| "source".to_string(), |p| format!("{p}%"));
        out.push_str(&format!("  {cell:9}"));
    }
    out.push('\n');
    out
}

/// Why a file cannot be stamped.
#[derive(Debug)]
pub enum StampError {
    NotAChapter(String),
    IsSource(String),
    Io(String),
}

impl std::fmt::Display for StampError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StampError::NotAChapter(m) | StampError::IsSource(m) | StampError::Io(m) => {
                f.write_str(m)
            }
        }
    }
}

/// A translation page with the corridor it belongs to and its source page.
pub struct Translation<'a> {
    pub page: &'a Page,
    pub corridor: &'a Corridor,
    pub source: &'a Page,
}

/// The translation at `rel` (relative to the site), or why it is not one.
pub fn translation_of<'a>(site: &'a Site, rel: &Path) -> Result<Translation<'a>, StampError> {
    let page = site.pages.iter().find(|p| p.file == rel).ok_or_else(|| {
        StampError::NotAChapter(
            "not a page of this site (content/<corridor>/<lang>/<slug>.md)".to_string(),
        )
    })?;
    let corridor = site
        .corridors
        .iter()
        .find(|c| c.uses(page))
        .ok_or_else(|| {
            StampError::NotAChapter(
                "not a chapter of any corridor (see `chapters` in corridor.yaml)".to_string(),
            )
        })?;
    if page.lang == corridor.source_language {
        return Err(StampError::IsSource(format!(
            "this is the source page ({} is the source language of {}); use it with its translations instead",
            page.lang, corridor.slug
        )));
    }
    let source = site
        .chapter_page(corridor, &corridor.source_language, &page.slug)
        .ok_or_else(|| {
            StampError::NotAChapter(format!(
                "no source page in '{}' to be a translation of",
                corridor.source_language
            ))
        })?;
    Ok(Translation {
        page,
        corridor,
        source,
    })
}

/// Records the current hash of its source page in the translation `rel`
/// (relative to the site), changing no other byte. Returns the hash.
pub fn stamp(site: &Site, rel: &Path) -> Result<String, StampError> {
    let shown = crate::diagnostic::display_path(rel);
    let Translation { source, .. } = translation_of(site, rel)?;
    let text = crate::source::read_text(&site.root, rel)
        .map_err(|d| StampError::Io(format!("cannot read {shown}: {}", d.message)))?;
    let stamped = set_front_matter_key(&text, "source_hash", &source.hash)
        .ok_or_else(|| StampError::NotAChapter("no front matter".to_string()))?;
    if stamped != text {
        crate::write::replace_file(&site.root, rel, stamped.as_bytes()).map_err(StampError::Io)?;
    }
    Ok(source.hash.clone())
}

/// Sets `key: value` in a page's front matter: replaces the value on an
/// existing top-level `key:` line, or adds the line before the closing
/// `---` with the file's own line ending. Every other byte stays.
pub fn set_front_matter_key(text: &str, key: &str, value: &str) -> Option<String> {
    let bom = if text.starts_with('\u{feff}') {
        "\u{feff}"
    } else {
        ""
    };
    let body = &text[bom.len()..];
    let (fm, _, _) = crate::source::split_front_matter(body)?;
    let fm_start = bom.len() + body.find('\n')? + 1;
    let fm_end = fm_start + fm.len();
    let newline = if body.starts_with("---\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let mut offset = fm_start;
    for line in text[fm_start..fm_end].split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix(key).and_then(|r| r.strip_prefix(':')) {
            let ending = &rest[rest.trim_end_matches(['\n', '\r']).len()..];
            let mut out = String::with_capacity(text.len() + value.len());
            out.push_str(&text[..offset]);
            out.push_str(&format!("{key}: {value}{ending}"));
            out.push_str(&text[offset + line.len()..]);
            return Some(out);
        }
        offset += line.len();
    }
    let mut out = String::with_capacity(text.len() + key.len() + value.len() + 4);
    out.push_str(&text[..fm_end]);
    if !fm.is_empty() && !fm.ends_with('\n') {
        out.push_str(newline);
    }
    out.push_str(&format!("{key}: {value}{newline}"));
    out.push_str(&text[fm_end..]);
    Some(out)
}

#[cfg(test)]
mod stamp_tests {
    use super::set_front_matter_key;

    #[test]
    fn adds_key_keeping_crlf() {
        let t = "---\r\ntitle: A\r\n---\r\nBody\r\n";
        assert_eq!(
            set_front_matter_key(t, "source_hash", "abc").unwrap(),
            "---\r\ntitle: A\r\nsource_hash: abc\r\n---\r\nBody\r\n"
        );
    }

    #[test]
    fn replaces_existing_value_only() {
        let t = "---\ntitle: A\nsource_hash: old   \nsummary: s\n---\nBody";
        assert_eq!(
            set_front_matter_key(t, "source_hash", "new").unwrap(),
            "---\ntitle: A\nsource_hash: new\nsummary: s\n---\nBody"
        );
    }
}
