//! The render contract's input: one resolved, owned view of the site and of
//! each guide (a corridor in one language), as a reader gets it. Which text
//! stands in for each chapter (the reader's language, a fallback under a
//! notice, or an outdated translation under its notice), the contacts in
//! the reader's language with the channels to reach them already chosen,
//! every language with its script and direction, and where every piece of
//! text comes from. Built once per build from the checked model; every
//! output ([`crate::render::OUTPUTS`]) sees this and nothing else, as
//! mdBook's renderers see only their `RenderContext`.

use crate::diagnostic::Origin;
use crate::doc::{ContactLink, Doc};
use crate::i18n::Locales;
use crate::lang::Dir;
use crate::model::{self, Contact, Corridor, Localized, Site, VerifiedHow};
use crate::theme::Theme;
use crate::translations::Status;
use chrono::NaiveDate;
use fluent_bundle::FluentValue;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A language as outputs need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Language {
    /// The BCP 47 tag, e.g. `uz-Cyrl`.
    pub code: String,
    /// Its name in itself, for switchers.
    pub name: String,
    /// ISO 15924, e.g. `Latn`, `Arab`.
    pub script: String,
    pub dir: Dir,
    /// Languages to show when a chapter is missing, in order.
    pub fallback: Vec<String>,
    /// Its line in site.yaml.
    pub line: Option<usize>,
}

/// The language a piece of text is in, where it differs from the reader's.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Tag {
    pub code: String,
    pub dir: Dir,
}

/// Where a piece of text is written: a file relative to the site, and its
/// line where known.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Source {
    pub file: PathBuf,
    pub line: Option<usize>,
}

impl Source {
    pub fn new(file: impl Into<PathBuf>, line: Option<usize>) -> Self {
        Source {
            file: file.into(),
            line,
        }
    }

    pub fn origin(&self) -> Origin<'_> {
        Origin::new(&self.file, self.line)
    }
}

/// A piece of text, the language it is in when that is not the reader's,
/// and where it comes from.
#[derive(Debug, Clone)]
pub struct Text {
    pub text: String,
    pub lang: Option<Tag>,
    pub source: Source,
}

/// The whole site, resolved: what site-wide outputs (the language chooser,
/// language indexes, the sitemap, the search index) and every guide share.
pub struct SiteView {
    /// Absolute, ending in `/`.
    pub base_url: String,
    pub default_language: String,
    pub languages: Vec<Language>,
    /// The site's title per language (the default language's where a
    /// language has none).
    pub titles: BTreeMap<String, String>,
    pub guides: Vec<GuideView>,
    pub locales: Arc<Locales>,
    pub theme: Arc<Theme>,
    /// The images pages show, by path below `content/`.
    pub media: Arc<BTreeMap<String, Vec<u8>>>,
    /// What the printed guides are set in.
    pub fonts: Arc<crate::fonts::FontSet>,
}

/// One guide: a corridor in one language.
pub struct GuideView {
    /// The corridor's slug, e.g. `uz-ee`.
    pub corridor: String,
    pub lang: Language,
    /// The languages text is looked up in, the reader's first.
    pub chain: Vec<String>,
    pub title: Text,
    pub site_title: Text,
    pub updated: Option<NaiveDate>,
    /// `content/<corridor>/corridor.yaml`, where problems of the guide as a
    /// whole are reported.
    pub file: PathBuf,
    /// The languages the corridor is published in, for the switcher.
    pub languages: Vec<Language>,
    pub chapters: Vec<ChapterView>,
    pub contacts: Vec<ContactView>,
    /// Positions in `contacts` of the emergency contacts, in order.
    pub emergency: Vec<usize>,
    pub has_contacts_chapter: bool,
    /// Where the guide's address comes from (`base_url` in site.yaml).
    pub url_source: Source,
    /// Where problems of the guide as a whole are reported: its
    /// corridor.yaml, at `title`.
    pub at: Source,
    /// What its PDF is set in.
    pub fonts: Arc<crate::fonts::FontSet>,
    locales: Arc<Locales>,
}

pub struct ChapterView {
    pub slug: String,
    pub title: Text,
    pub summary: Option<String>,
    /// `None` for the built-in contacts chapter, which is data.
    pub status: Option<Status>,
    pub body: Body,
}

pub enum Body {
    /// The built-in chapter of every contact.
    Contacts,
    /// A page: in the reader's language, or another one standing in.
    Text {
        doc: Arc<Doc>,
        /// The language the text is in.
        lang: Tag,
        notice: Option<Notice>,
        /// The page's file, relative to the site.
        file: PathBuf,
        /// The page's Markdown, for checks that read the source.
        body: Arc<str>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// Not translated yet: the page is in the language `shown`.
    Fallback { shown: String },
    /// Translated from an older version of the page in `source`.
    Outdated { source: String },
}

/// A contact in the reader's language.
#[derive(Clone)]
pub struct ContactView {
    pub id: String,
    pub name: Text,
    /// A label of a word or two for the emergency SMS.
    pub short_name: String,
    pub description: Option<Text>,
    pub hours: Option<Text>,
    /// The names of the languages spoken on the line, each in itself.
    pub languages: Vec<Text>,
    pub phone: Option<String>,
    /// `tel:` target: the number without spaces.
    pub tel: Option<String>,
    pub whatsapp: Option<String>,
    pub whatsapp_url: Option<String>,
    pub telegram: Option<String>,
    pub telegram_url: Option<String>,
    pub email: Option<String>,
    pub url: Option<String>,
    /// The number a reader dials in danger: the phone, else WhatsApp.
    pub number: Option<String>,
    /// "Confirmed by phone on …" or "From ti.ee, read on …".
    pub verified_text: Option<String>,
    pub verified: Option<NaiveDate>,
    pub verified_how: VerifiedHow,
    /// The source as a reader recognises it (`ti.ee`).
    pub source_name: String,
    pub emergency: bool,
    file: PathBuf,
    line: usize,
    lines: crate::yaml::Lines,
}

impl ContactView {
    /// The contact as a link in a chapter's text shows it.
    pub fn link(&self) -> ContactLink {
        let telegram = self.telegram.as_ref().map(|t| format!("@{t}"));
        ContactLink {
            name: self.name.text.clone(),
            name_lang: self.name.lang.as_ref().map(|t| (t.code.clone(), t.dir)),
            number: self
                .number
                .clone()
                .or(telegram)
                .or_else(|| self.email.clone()),
            href: self
                .tel
                .as_ref()
                .map(|t| format!("tel:{t}"))
                .or_else(|| self.whatsapp_url.clone())
                .or_else(|| self.telegram_url.clone())
                .or_else(|| self.email.as_ref().map(|e| format!("mailto:{e}")))
                .or_else(|| self.url.clone()),
        }
    }

    /// Where the contact's `key` (`phone`, `verified`) is written.
    pub fn at(&self, key: &str) -> Source {
        Source::new(&self.file, Some(self.lines.get(key).unwrap_or(self.line)))
    }
}

impl SiteView {
    /// Resolves every guide of the checked `site` for the address it is
    /// built for.
    pub fn new(site: &Site, base_url: &str) -> SiteView {
        SiteView::with_guides(site, base_url, |_, _| true)
    }

    /// [`SiteView::new`], resolving only the guides `wanted` (corridor,
    /// language) names: what `serve` re-renders after a save.
    pub fn with_guides(
        site: &Site,
        base_url: &str,
        wanted: impl Fn(&str, &str) -> bool + Sync,
    ) -> SiteView {
        use rayon::prelude::*;
        let languages: Vec<Language> = site.config.languages.iter().map(language).collect();
        let pairs: Vec<(&Corridor, &str)> = site
            .corridors
            .iter()
            .flat_map(|c| c.languages.iter().map(move |l| (c, l.as_str())))
            .filter(|(c, l)| wanted(&c.slug, l))
            .collect();
        let guides = pairs
            .par_iter()
            .map(|(c, l)| GuideView::new(site, c, l))
            .collect();
        let titles = languages
            .iter()
            .map(|l| {
                let chain = [l.code.as_str(), site.config.default_language.as_str()];
                (l.code.clone(), site.config.title.get(&chain))
            })
            .collect();
        SiteView {
            base_url: base_url.to_string(),
            default_language: site.config.default_language.clone(),
            languages,
            titles,
            guides,
            locales: Arc::clone(&site.locales),
            theme: Arc::clone(&site.theme),
            media: Arc::clone(&site.media),
            fonts: Arc::clone(&site.fonts),
        }
    }

    pub fn language(&self, code: &str) -> Option<&Language> {
        self.languages.iter().find(|l| l.code == code)
    }

    /// Which way text in `code` runs (`ltr` for a language the site does
    /// not declare: a check error already).
    pub fn dir(&self, code: &str) -> crate::lang::Dir {
        self.language(code)
            .map_or_else(|| crate::lang::dir_of(code), |l| l.dir)
    }

    /// The site's title in `lang`.
    pub fn title(&self, lang: &str) -> &str {
        self.titles.get(lang).map_or("", String::as_str)
    }

    /// An interface string.
    pub fn t(&self, lang: &str, key: &str) -> String {
        self.locales.text(lang, key, &[])
    }

    /// The guides published in `lang`, in corridor order.
    pub fn guides_in<'a>(&'a self, lang: &'a str) -> impl Iterator<Item = &'a GuideView> {
        self.guides.iter().filter(move |g| g.lang.code == lang)
    }
}

fn language(l: &model::Language) -> Language {
    Language {
        code: l.code.clone(),
        name: l.name.clone(),
        script: l.script.clone(),
        dir: l.dir,
        fallback: l.fallback.clone(),
        line: Some(l.line),
    }
}

impl GuideView {
    pub fn new(site: &Site, corridor: &Corridor, lang: &str) -> GuideView {
        let me = site
            .config
            .language(lang)
            .map(language)
            .unwrap_or_else(|| Language {
                code: lang.to_string(),
                name: lang.to_string(),
                script: crate::lang::script_of(lang),
                dir: crate::lang::dir_of(lang),
                fallback: Vec::new(),
                line: None,
            });
        let chain: Vec<String> = site
            .fallback_chain(corridor, lang)
            .into_iter()
            .map(str::to_string)
            .collect();
        let chain_refs: Vec<&str> = chain.iter().map(String::as_str).collect();
        let tag = |code: &str| Tag {
            code: code.to_string(),
            dir: site
                .config
                .language(code)
                .map_or_else(|| crate::lang::dir_of(code), |l| l.dir),
        };
        // A language made by transliteration shows its source language's
        // text in its own script, as its own.
        let translit = site.translits.get(lang).zip(
            site.config
                .language(lang)
                .and_then(|l| l.transliterate_from.as_deref()),
        );
        let other = |code: Option<&str>| {
            code.filter(|c| *c != lang && Some(*c) != translit.map(|(_, f)| f))
                .map(tag)
        };
        let convert = |text: &str, code: Option<&str>| -> String {
            match translit {
                Some((t, from)) if code == Some(from) => t.apply(text),
                _ => text.to_string(),
            }
        };
        let title = localized(
            &corridor.title,
            &chain_refs,
            &Field::new(&corridor.file, &corridor.lines, "title", None),
            &other,
            &convert,
        );
        let mut site_chain = vec![lang];
        site_chain.extend(translit.map(|(_, from)| from));
        site_chain.push(site.config.default_language.as_str());
        let site_title = localized(
            &site.config.title,
            &site_chain,
            &Field::new(Path::new("site.yaml"), &site.config.lines, "title", None),
            &other,
            &convert,
        );
        let contacts: Vec<ContactView> = site
            .contacts(corridor)
            .into_iter()
            .map(|c| contact(site, c, &chain_refs, lang, &other, &convert))
            .collect();
        let link_to = |id: &str| contacts.iter().find(|c| c.id == id).map(ContactView::link);
        let chapters = corridor
            .chapters
            .iter()
            .filter_map(|ch| {
                let shown_lang =
                    crate::translations::transliterated_from(site, corridor, lang, &ch.slug)
                        .unwrap_or(lang);
                let (body, title, summary) = match site.chapter_text(corridor, shown_lang, &ch.slug)
                {
                    model::ChapterText::Contacts => {
                        let title = Text {
                            text: site.locales.text(lang, "contacts-title", &[]),
                            lang: None,
                            source: source_of(site.locales.origin(lang, "contacts-title")),
                        };
                        (Body::Contacts, title, None)
                    }
                    model::ChapterText::Own { page, outdated } => {
                        let notice = outdated.then(|| Notice::Outdated {
                            source: corridor.source_language.clone(),
                        });
                        match translit {
                            Some((t, _)) if shown_lang != lang => {
                                transliterated(page, notice, t, tag(lang))
                            }
                            _ => page_body(page, notice, tag(&page.lang), &other),
                        }
                    }
                    model::ChapterText::Fallback { page } => {
                        let notice = Some(Notice::Fallback {
                            shown: page.lang.clone(),
                        });
                        page_body(page, notice, tag(&page.lang), &other)
                    }
                    // check makes this an error: a built guide has none.
                    model::ChapterText::Missing => return None,
                };
                let body = match body {
                    Body::Text {
                        doc,
                        lang,
                        notice,
                        file,
                        body,
                    } if doc.contact_links => Body::Text {
                        doc: Arc::new(doc.with_contacts(&link_to)),
                        lang,
                        notice,
                        file,
                        body,
                    },
                    body => body,
                };
                Some(ChapterView {
                    slug: ch.slug.clone(),
                    title,
                    summary,
                    status: crate::translations::status(site, corridor, &ch.slug, lang),
                    body,
                })
            })
            .collect();
        let emergency = contacts
            .iter()
            .enumerate()
            .filter(|(_, c)| c.emergency)
            .map(|(i, _)| i)
            .collect();
        GuideView {
            corridor: corridor.slug.clone(),
            lang: me,
            chain,
            title,
            site_title,
            updated: corridor.updated,
            file: corridor.file.clone(),
            languages: corridor
                .languages
                .iter()
                .map(|l| {
                    site.config.language(l).map(language).unwrap_or(Language {
                        code: l.clone(),
                        name: l.clone(),
                        script: crate::lang::script_of(l),
                        dir: crate::lang::dir_of(l),
                        fallback: Vec::new(),
                        line: None,
                    })
                })
                .collect(),
            chapters,
            contacts,
            emergency,
            has_contacts_chapter: corridor.has_chapter(model::CONTACTS_CHAPTER),
            url_source: Source::new("site.yaml", site.config.lines.get("base_url")),
            at: Source::new(&corridor.file, corridor.lines.get("title")),
            fonts: Arc::clone(&site.fonts),
            locales: Arc::clone(&site.locales),
        }
    }

    pub fn emergency(&self) -> impl Iterator<Item = &ContactView> {
        self.emergency.iter().map(|&i| &self.contacts[i])
    }

    /// The reader's language code.
    pub fn code(&self) -> &str {
        &self.lang.code
    }

    /// An interface string in the reader's language.
    pub fn t(&self, key: &str) -> String {
        self.locales.text(&self.lang.code, key, &[])
    }

    pub fn t_args(&self, key: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        self.locales.text(&self.lang.code, key, args)
    }

    /// Where the string `key` the reader sees is defined.
    pub fn t_source(&self, key: &str) -> Source {
        source_of(self.locales.origin(&self.lang.code, key))
    }

    /// A language's name in itself, as site.yaml gives it.
    pub fn language_name(&self, code: &str) -> String {
        self.languages
            .iter()
            .find(|l| l.code == code)
            .map_or_else(|| code.to_string(), |l| l.name.clone())
    }

    /// Where a language's name is written (its line in site.yaml).
    pub fn language_source(&self, code: &str) -> Source {
        let line = self
            .languages
            .iter()
            .find(|l| l.code == code)
            .and_then(|l| l.line);
        Source::new("site.yaml", line)
    }

    /// The notice shown above a chapter, in the reader's language.
    pub fn notice_text(&self, notice: &Notice) -> String {
        match notice {
            Notice::Outdated { .. } => self.t("notice-outdated"),
            Notice::Fallback { shown } => self.t_args(
                "notice-fallback",
                &[
                    ("language", self.language_name(&self.lang.code).into()),
                    ("shown", self.language_name(shown).into()),
                ],
            ),
        }
    }

    /// The guide's web address.
    pub fn url(&self, base_url: &str) -> String {
        crate::paths::guide_url(base_url, &self.lang.code, &self.corridor)
    }

    /// `<lang>/<corridor>/`.
    pub fn dir(&self) -> String {
        crate::paths::guide_dir(&self.lang.code, &self.corridor)
    }

    /// Output path of a file in the guide's folder.
    pub fn path(&self, file: &str) -> String {
        crate::paths::in_guide(&self.lang.code, &self.corridor, file)
    }

    pub fn has_chapter(&self, slug: &str) -> bool {
        self.chapters.iter().any(|c| c.slug == slug)
    }
}

fn page_body(
    page: &model::Page,
    notice: Option<Notice>,
    lang: Tag,
    other: &dyn Fn(Option<&str>) -> Option<Tag>,
) -> (Body, Text, Option<String>) {
    let title = Text {
        text: page.title.clone(),
        lang: other(Some(&page.lang)),
        source: Source::new(&page.file, Some(page.line_of("title"))),
    };
    let body = Body::Text {
        doc: Arc::clone(&page.doc),
        lang,
        notice,
        file: page.file.clone(),
        body: Arc::clone(&page.body),
    };
    (body, title, page.summary.clone())
}

/// A page in another script: its title, summary and text transliterated,
/// shown as the reader's language's own.
fn transliterated(
    page: &model::Page,
    notice: Option<Notice>,
    t: &crate::translit::Translit,
    lang: Tag,
) -> (Body, Text, Option<String>) {
    let title = Text {
        text: t.apply(&page.title),
        lang: None,
        source: Source::new(&page.file, Some(page.line_of("title"))),
    };
    let body = Body::Text {
        doc: Arc::new(crate::translit::doc(&page.doc, t, &mut Vec::new())),
        lang,
        notice,
        file: page.file.clone(),
        body: Arc::clone(&page.body),
    };
    (body, title, page.summary.as_deref().map(|s| t.apply(s)))
}

fn source_of(o: Origin<'_>) -> Source {
    Source::new(o.file, o.line)
}

fn contact(
    site: &Site,
    c: &Contact,
    chain: &[&str],
    lang: &str,
    other: &dyn Fn(Option<&str>) -> Option<Tag>,
    convert: &dyn Fn(&str, Option<&str>) -> String,
) -> ContactView {
    let field = |key: &'static str| Field::new(&c.file, &c.lines, key, Some(c.line));
    let name = match c.name.pick(chain) {
        Some((text, text_lang)) => Text {
            text: convert(text, text_lang),
            lang: other(text_lang),
            source: field("name").source(text_lang),
        },
        None => Text {
            text: c.id.clone(),
            lang: None,
            source: Source::new(&c.file, Some(c.line_of("id"))),
        },
    };
    let opt = |value: &Option<Localized>, key: &'static str| {
        value
            .as_ref()
            .map(|l| localized(l, chain, &field(key), other, convert))
    };
    let short_name = c.short_name.as_ref().map_or_else(
        || name.text.clone(),
        |s| match s.pick(chain) {
            Some((text, text_lang)) => convert(text, text_lang),
            None => String::new(),
        },
    );
    let source_name = c.source.as_deref().map_or_else(String::new, source_name);
    let verified_text = c.verified.map(|date| {
        let date = date.to_string();
        match c.verified_how {
            VerifiedHow::Call => {
                site.locales
                    .text(lang, "contact-verified-call", &[("date", date.into())])
            }
            VerifiedHow::Source => site.locales.text(
                lang,
                "contact-verified-source",
                &[
                    ("source", source_name.clone().into()),
                    ("date", date.into()),
                ],
            ),
        }
    });
    ContactView {
        id: c.id.clone(),
        short_name,
        description: opt(&c.description, "description"),
        hours: opt(&c.hours, "hours"),
        languages: c
            .languages
            .iter()
            .map(|code| {
                let l = site.config.language(code);
                Text {
                    text: l.map_or_else(|| code.clone(), |l| l.name.clone()),
                    lang: other(Some(code)),
                    source: match l {
                        Some(l) => Source::new("site.yaml", Some(l.line)),
                        None => Source::new(&c.file, Some(c.line_of("languages"))),
                    },
                }
            })
            .collect(),
        phone: c.phone.clone(),
        tel: c.tel(),
        whatsapp: c.whatsapp.clone(),
        whatsapp_url: c.whatsapp_url(),
        telegram: c.telegram.clone(),
        telegram_url: c.telegram_url(),
        email: c.email.clone(),
        url: c.url.clone(),
        number: c.phone.clone().or_else(|| c.whatsapp.clone()),
        verified_text,
        verified: c.verified,
        verified_how: c.verified_how,
        source_name,
        emergency: c.emergency,
        name,
        file: c.file.clone(),
        line: c.line,
        lines: c.lines.clone(),
    }
}

/// Where a localized value stands: the file and the YAML keys that hold it
/// (`title`, then `title/ru` for its Russian text).
struct Field<'a> {
    file: &'a Path,
    lines: &'a crate::yaml::Lines,
    key: &'a str,
    /// The line when the key itself cannot be found.
    default: Option<usize>,
}

impl<'a> Field<'a> {
    fn new(
        file: &'a Path,
        lines: &'a crate::yaml::Lines,
        key: &'a str,
        default: Option<usize>,
    ) -> Self {
        Field {
            file,
            lines,
            key,
            default,
        }
    }

    fn source(&self, lang: Option<&str>) -> Source {
        let line = lang
            .and_then(|l| self.lines.get(&format!("{}/{l}", self.key)))
            .or_else(|| self.lines.get(self.key))
            .or(self.default);
        Source::new(self.file, line)
    }
}

fn localized(
    text: &Localized,
    chain: &[&str],
    at: &Field<'_>,
    other: &dyn Fn(Option<&str>) -> Option<Tag>,
    convert: &dyn Fn(&str, Option<&str>) -> String,
) -> Text {
    match text.pick(chain) {
        Some((t, lang)) => Text {
            text: convert(t, lang),
            lang: other(lang),
            source: at.source(lang),
        },
        None => Text {
            text: String::new(),
            lang: None,
            source: at.source(None),
        },
    }
}

/// A source as a reader recognises it: a web address by its host
/// (`https://www.ti.ee/en/...` is `ti.ee`), anything else as written.
pub fn source_name(source: &str) -> String {
    match url::Url::parse(source.trim()) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => u
            .host_str()
            .map(|h| h.trim_start_matches("www.").to_string())
            .unwrap_or_else(|| source.to_string()),
        _ => source.trim().to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn sources_read_as_their_host() {
        assert_eq!(super::source_name("https://www.ti.ee/en/x?y"), "ti.ee");
        assert_eq!(
            super::source_name("https://refugeecouncil.ee/en/services-card/704"),
            "refugeecouncil.ee"
        );
        assert_eq!(
            super::source_name("seed 002 (2019 report)"),
            "seed 002 (2019 report)"
        );
    }
}
