//! The typed model of a site folder: what `load` produces and every later
//! stage reads. Nothing here touches the file system.

use crate::i18n::Locales;
use crate::theme::Theme;
use chrono::NaiveDate;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

/// The slug of the chapter that pocketguide writes from contact data.
pub const CONTACTS_CHAPTER: &str = "contacts";
/// The folder of pages and contacts every corridor may use.
pub const SHARED: &str = "_shared";

/// Text in several languages, keyed by language code. A plain string in YAML
/// means the same text in every language (a URL, "24/7").
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(from = "LocalizedRepr")]
pub struct Localized {
    pub texts: BTreeMap<String, String>,
    pub any_language: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum LocalizedRepr {
    One(String),
    Many(BTreeMap<String, String>),
}

impl From<LocalizedRepr> for Localized {
    fn from(r: LocalizedRepr) -> Self {
        match r {
            LocalizedRepr::One(s) => Localized {
                texts: BTreeMap::new(),
                any_language: Some(s),
            },
            LocalizedRepr::Many(texts) => Localized {
                texts,
                any_language: None,
            },
        }
    }
}

impl Localized {
    /// The text in the first language of `chain` that has one, else any text.
    /// Returns the language actually used, so the caller can mark it with `lang`.
    pub fn pick<'a>(&'a self, chain: &[&'a str]) -> Option<(&'a str, Option<&'a str>)> {
        if let Some(s) = &self.any_language {
            return Some((s, None));
        }
        chain
            .iter()
            .find_map(|l| self.texts.get(*l).map(|t| (t.as_str(), Some(*l))))
            .or_else(|| {
                self.texts
                    .iter()
                    .next()
                    .map(|(l, t)| (t.as_str(), Some(l.as_str())))
            })
    }

    pub fn get(&self, chain: &[&str]) -> String {
        self.pick(chain)
            .map(|(t, _)| t.to_string())
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone)]
pub struct Language {
    /// A BCP 47 tag.
    pub code: String,
    /// The language's name in itself, for switchers.
    pub name: String,
    pub fallback: Vec<String>,
    /// ISO 15924: from the tag's script subtag, else the language's usual
    /// script ([`crate::lang`]).
    pub script: String,
    /// From the script, unless site.yaml says `dir:`.
    pub dir: crate::lang::Dir,
    /// Published from this language's pages by transliteration
    /// (`uz-Cyrl` from `uz`).
    pub transliterate_from: Option<String>,
    pub line: usize,
}

#[derive(Debug, Clone)]
pub struct SiteConfig {
    pub title: Localized,
    pub base_url: String,
    pub default_language: String,
    pub theme: String,
    pub languages: Vec<Language>,
    pub stale_after_days: u32,
    pub lines: crate::yaml::Lines,
}

impl SiteConfig {
    pub fn language(&self, code: &str) -> Option<&Language> {
        self.languages.iter().find(|l| l.code == code)
    }
}

/// Where a chapter's pages live: a corridor's own folder or `_shared`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    Shared,
    Corridor(String),
}

#[derive(Debug, Clone)]
pub struct ChapterRef {
    pub slug: String,
    pub line: usize,
}

#[derive(Debug, Clone)]
pub struct Corridor {
    /// Folder name, e.g. `uz-ee`; also the URL segment.
    pub slug: String,
    /// `content/<slug>/corridor.yaml`, relative to the site.
    pub file: PathBuf,
    pub origin: String,
    pub destination: String,
    pub source_language: String,
    pub languages: Vec<String>,
    pub title: Localized,
    pub updated: Option<NaiveDate>,
    pub chapters: Vec<ChapterRef>,
    /// Emergency contacts this corridor shows although they are not open
    /// round the clock.
    pub emergency_office_hours: Vec<String>,
    pub contacts: ContactFile,
    pub lines: crate::yaml::Lines,
}

impl Corridor {
    pub fn has_chapter(&self, slug: &str) -> bool {
        self.chapters.iter().any(|c| c.slug == slug)
    }

    pub fn publishes(&self, lang: &str) -> bool {
        self.languages.iter().any(|l| l == lang)
    }

    /// Whether `page` is one of this corridor's chapters: it lists the
    /// page's slug, and the page is in its folder or in `_shared`.
    pub fn uses(&self, page: &Page) -> bool {
        self.uses_chapter(&page.scope, &page.slug)
    }

    /// Whether a page `slug` in `scope` would be one of its chapters.
    pub fn uses_chapter(&self, scope: &Scope, slug: &str) -> bool {
        self.has_chapter(slug)
            && match scope {
                Scope::Shared => true,
                Scope::Corridor(s) => *s == self.slug,
            }
    }
}

#[derive(Debug, Clone, Default)]
pub struct ContactFile {
    /// Relative path; empty when the file does not exist.
    pub file: PathBuf,
    pub contacts: Vec<Contact>,
}

#[derive(Debug, Clone)]
pub struct Contact {
    pub id: String,
    pub name: Localized,
    /// A label of a word or two for the emergency SMS.
    pub short_name: Option<Localized>,
    pub description: Option<Localized>,
    pub country: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub url: Option<String>,
    pub telegram: Option<String>,
    pub whatsapp: Option<String>,
    pub hours: Option<Localized>,
    pub languages: Vec<String>,
    pub emergency: bool,
    pub verified: Option<NaiveDate>,
    pub verified_how: VerifiedHow,
    pub source: Option<String>,
    pub file: PathBuf,
    pub line: usize,
    pub lines: crate::yaml::Lines,
}

/// How a contact's data was last confirmed: a reader should trust a number
/// someone phoned more than one read off a web page, and be told which.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VerifiedHow {
    /// Someone phoned it and it answered as described.
    Call,
    /// Read from `source`.
    #[default]
    Source,
}

impl Contact {
    pub fn line_of(&self, key: &str) -> usize {
        self.lines.get(key).unwrap_or(self.line)
    }

    /// The fields that hold text per language, by their YAML key.
    pub fn localized_fields(&self) -> impl Iterator<Item = (&'static str, &Localized)> {
        [
            ("name", Some(&self.name)),
            ("short_name", self.short_name.as_ref()),
            ("description", self.description.as_ref()),
            ("hours", self.hours.as_ref()),
        ]
        .into_iter()
        .filter_map(|(key, text)| text.map(|t| (key, t)))
    }

    /// `tel:` target: the number without spaces.
    pub fn tel(&self) -> Option<String> {
        self.phone.as_deref().map(digits_only)
    }

    pub fn whatsapp_url(&self) -> Option<String> {
        self.whatsapp.as_deref().map(|w| {
            let digits: String = w.chars().filter(char::is_ascii_digit).collect();
            format!("https://wa.me/{digits}")
        })
    }

    pub fn telegram_url(&self) -> Option<String> {
        self.telegram
            .as_deref()
            .map(|t| format!("https://t.me/{}", t.trim_start_matches('@')))
    }
}

/// `+372 640 6000` → `+3726406000`.
pub fn digits_only(phone: &str) -> String {
    phone
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect()
}

/// What a Markdown image points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageSource {
    /// A file of the site: its path below `content/`, published at
    /// `media/<path>`.
    Media(String),
    /// Anything else: another host, however spelled, or a path out of
    /// `content/`. Left out, with a warning.
    Foreign,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    /// The address as written.
    pub src: String,
    pub source: ImageSource,
    pub alt: String,
    pub line: usize,
}

/// One Markdown file: `content/<scope>/<lang>/<slug>.md`, parsed once.
#[derive(Debug, Clone)]
pub struct Page {
    pub file: PathBuf,
    pub scope: Scope,
    pub lang: String,
    pub slug: String,
    pub title: String,
    pub summary: Option<String>,
    pub source_hash: Option<String>,
    /// Hash of this page's own text, as a translation of it would record it.
    pub hash: String,
    /// The Markdown body, kept verbatim for the hash and for stamping.
    pub body: Arc<str>,
    /// The line of the file the body starts on.
    pub body_line: usize,
    /// The text as a document tree, converted once at load; every output
    /// walks it.
    pub doc: Arc<crate::doc::Doc>,
    /// `[x](slug.md)` links and the line each stands on.
    pub links: Vec<ChapterLink>,
    /// `[…](contact:ID)` links: the id and the line each stands on.
    pub contact_links: Vec<(String, usize)>,
    /// `review_by`: the day its facts (a wage, a fee, a law in force) must
    /// be looked at again.
    pub review_by: Option<NaiveDate>,
    /// Every Markdown image, in order, with where it points.
    pub images: Vec<Image>,
    pub front_lines: crate::yaml::Lines,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChapterLink {
    pub slug: String,
    pub line: usize,
}

impl Page {
    pub fn line_of(&self, key: &str) -> usize {
        self.front_lines.get(key).unwrap_or(1)
    }
}

/// A whole site, loaded. Pages live in one arena; `index` finds them by
/// scope, language and slug.
pub struct Site {
    pub root: PathBuf,
    pub config: SiteConfig,
    pub corridors: Vec<Corridor>,
    pub shared_contacts: ContactFile,
    /// Shared, so that `serve` keeps unchanged pages from one load to the
    /// next without copying them.
    pub pages: Vec<Arc<Page>>,
    pub index: HashMap<(Scope, String, String), usize>,
    pub locales: Arc<Locales>,
    pub theme: Arc<Theme>,
    /// The images pages show, by path below `content/`, published at
    /// `media/<path>`.
    pub media: Arc<BTreeMap<String, Vec<u8>>>,
    /// The fonts the printed guides are set in: the site's own
    /// (`fonts/`), then the built-in ones.
    pub fonts: Arc<crate::fonts::FontSet>,
    /// Per language published by transliteration: how.
    pub translits: HashMap<String, Arc<crate::translit::Translit>>,
}

/// How a chapter is shown in one language.
#[derive(Debug, Clone, Copy)]
pub enum ChapterText<'a> {
    /// The built-in contacts chapter.
    Contacts,
    /// The page in the reader's language (`outdated` if its source changed).
    Own { page: &'a Page, outdated: bool },
    /// Not translated: another language's page stands in.
    Fallback { page: &'a Page },
    /// No page in any language.
    Missing,
}

impl Site {
    pub fn page(&self, scope: &Scope, lang: &str, slug: &str) -> Option<&Page> {
        self.index
            .get(&(scope.clone(), lang.to_string(), slug.to_string()))
            .map(|&i| &*self.pages[i])
    }

    /// The page for `slug` in `lang` as the corridor sees it: its own folder
    /// first, then `_shared`.
    pub fn chapter_page(&self, corridor: &Corridor, lang: &str, slug: &str) -> Option<&Page> {
        self.page(&Scope::Corridor(corridor.slug.clone()), lang, slug)
            .or_else(|| self.page(&Scope::Shared, lang, slug))
    }

    /// Languages to try, in order, when `lang` lacks a chapter: its
    /// `fallback` list, the corridor's source language, then every language
    /// the corridor publishes.
    pub fn fallback_chain<'a>(&'a self, corridor: &'a Corridor, lang: &'a str) -> Vec<&'a str> {
        let mut chain: Vec<&str> = vec![lang];
        if let Some(l) = self.config.language(lang) {
            chain.extend(l.transliterate_from.as_deref());
            chain.extend(l.fallback.iter().map(String::as_str));
        }
        chain.push(&corridor.source_language);
        chain.extend(corridor.languages.iter().map(String::as_str));
        let mut seen = std::collections::HashSet::new();
        chain.retain(|l| seen.insert(*l));
        chain
    }

    pub fn chapter_text<'a>(
        &'a self,
        corridor: &'a Corridor,
        lang: &'a str,
        slug: &str,
    ) -> ChapterText<'a> {
        if slug == CONTACTS_CHAPTER {
            return ChapterText::Contacts;
        }
        if let Some(page) = self.chapter_page(corridor, lang, slug) {
            let outdated = lang != corridor.source_language
                && self
                    .chapter_page(corridor, &corridor.source_language, slug)
                    .is_some_and(|src| page.source_hash.as_deref() != Some(src.hash.as_str()));
            return ChapterText::Own { page, outdated };
        }
        self.fallback_chain(corridor, lang)
            .into_iter()
            .skip(1)
            .find_map(|l| self.chapter_page(corridor, l, slug))
            .map_or(ChapterText::Missing, |page| ChapterText::Fallback { page })
    }

    /// A corridor's contacts: `_shared` merged with its own (its own win on
    /// the same id), destination country first, then origin, then the rest.
    pub fn contacts<'a>(&'a self, corridor: &'a Corridor) -> Vec<&'a Contact> {
        let mut merged: Vec<&Contact> = Vec::new();
        let mut position: HashMap<&str, usize> = HashMap::new();
        for c in self
            .shared_contacts
            .contacts
            .iter()
            .chain(&corridor.contacts.contacts)
        {
            match position.get(c.id.as_str()) {
                Some(&i) => merged[i] = c,
                None => {
                    position.insert(&c.id, merged.len());
                    merged.push(c);
                }
            }
        }
        let rank = |c: &Contact| {
            if c.country == corridor.destination {
                0
            } else if c.country == corridor.origin {
                1
            } else {
                2
            }
        };
        merged.sort_by_key(|c| rank(c));
        merged
    }

    /// Every contacts.yaml of the site: `_shared`'s, then each corridor's.
    pub fn contact_files(&self) -> impl Iterator<Item = &ContactFile> {
        std::iter::once(&self.shared_contacts).chain(self.corridors.iter().map(|c| &c.contacts))
    }

    pub fn emergency_contacts<'a>(&'a self, corridor: &'a Corridor) -> Vec<&'a Contact> {
        self.contacts(corridor)
            .into_iter()
            .filter(|c| c.emergency)
            .collect()
    }

    pub fn language_name(&self, code: &str) -> String {
        self.config
            .language(code)
            .map_or_else(|| code.to_string(), |l| l.name.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn localized_picks_first_available() {
        let mut l = Localized::default();
        l.texts.insert("en".into(), "Hello".into());
        l.texts.insert("ru".into(), "Привет".into());
        assert_eq!(l.pick(&["uz", "ru"]), Some(("Привет", Some("ru"))));
        assert_eq!(l.get(&["et"]), "Hello");
    }

    #[test]
    fn phone_digits() {
        assert_eq!(digits_only("+372 660 7320"), "+3726607320");
    }
}
