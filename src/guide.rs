//! The one resolved view of a guide: a corridor in one language as a reader
//! gets it. Which text stands in for each chapter (the reader's language, a
//! fallback under a notice, or an outdated translation under its notice),
//! the contacts in the reader's language with the emergency ones marked,
//! and where every piece of text comes from. Computed once per corridor and
//! language; the HTML pages, print.html, the PDF and every other output
//! draw on it, so a new format is one renderer over a `Guide`.

use crate::diagnostic::Origin;
use crate::model::*;
use crate::translations::{self, Status};
use fluent_bundle::FluentValue;
use std::path::Path;

pub struct Guide<'a> {
    pub site: &'a Site,
    pub corridor: &'a Corridor,
    pub lang: &'a str,
    /// The languages text is looked up in, the reader's first.
    pub chain: Vec<&'a str>,
    pub title: Text<'a>,
    pub site_title: Text<'a>,
    pub chapters: Vec<Chapter<'a>>,
    pub contacts: Vec<ContactView<'a>>,
    /// Positions in `contacts` of the emergency contacts, in order.
    pub emergency: Vec<usize>,
}

/// A piece of text in the guide, the language it is in when that is not
/// the reader's, and where it comes from.
#[derive(Debug, Clone)]
pub struct Text<'a> {
    pub text: String,
    pub lang: Option<&'a str>,
    pub origin: Origin<'a>,
}

pub struct Chapter<'a> {
    pub slug: &'a str,
    /// `None` for the built-in contacts chapter, which is data.
    pub status: Option<Status>,
    pub body: Body<'a>,
}

pub enum Body<'a> {
    /// The built-in chapter of every contact.
    Contacts,
    /// A page: in the reader's language, or another one standing in.
    Page {
        page: &'a Page,
        notice: Option<Notice<'a>>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice<'a> {
    /// Not translated yet: the page is in the language `shown`.
    Fallback { shown: &'a str },
    /// Translated from an older version of the page in `source`.
    Outdated { source: &'a str },
}

pub struct ContactView<'a> {
    pub contact: &'a Contact,
    pub name: Text<'a>,
    pub description: Option<Text<'a>>,
    pub hours: Option<Text<'a>>,
    /// The names of the languages spoken on the line, each in itself.
    pub languages: Vec<Text<'a>>,
}

/// Every guide of the site: each corridor in each language it publishes.
pub fn all(site: &Site) -> Vec<Guide<'_>> {
    site.corridors
        .iter()
        .flat_map(|c| c.languages.iter().map(move |l| Guide::new(site, c, l)))
        .collect()
}

impl<'a> Guide<'a> {
    pub fn new(site: &'a Site, corridor: &'a Corridor, lang: &'a str) -> Self {
        let chain = site.fallback_chain(corridor, lang);
        let site_yaml = Path::new("site.yaml");
        let title = localized(
            &corridor.title,
            &chain,
            lang,
            Field {
                file: &corridor.file,
                lines: &corridor.lines,
                key: "title",
                default: None,
            },
        );
        let site_chain = [lang, site.config.default_language.as_str()];
        let site_title = localized(
            &site.config.title,
            &site_chain,
            lang,
            Field {
                file: site_yaml,
                lines: &site.config.lines,
                key: "title",
                default: None,
            },
        );
        let chapters = corridor
            .chapters
            .iter()
            .filter_map(|ch| {
                let body = match site.chapter_text(corridor, lang, &ch.slug) {
                    ChapterText::Contacts => Body::Contacts,
                    ChapterText::Own { page, outdated } => Body::Page {
                        page,
                        notice: outdated.then_some(Notice::Outdated {
                            source: corridor.source_language.as_str(),
                        }),
                    },
                    ChapterText::Fallback { page } => Body::Page {
                        page,
                        notice: Some(Notice::Fallback { shown: &page.lang }),
                    },
                    // check makes this an error: a built guide has none.
                    ChapterText::Missing => return None,
                };
                Some(Chapter {
                    slug: &ch.slug,
                    status: translations::status(site, corridor, &ch.slug, lang),
                    body,
                })
            })
            .collect();
        let contacts: Vec<ContactView> = site
            .contacts(corridor)
            .into_iter()
            .map(|c| ContactView::new(site, c, &chain, lang))
            .collect();
        let emergency = contacts
            .iter()
            .enumerate()
            .filter(|(_, c)| c.contact.emergency)
            .map(|(i, _)| i)
            .collect();
        Guide {
            site,
            corridor,
            lang,
            chain,
            title,
            site_title,
            chapters,
            contacts,
            emergency,
        }
    }

    pub fn emergency(&self) -> impl Iterator<Item = &ContactView<'a>> {
        self.emergency.iter().map(|&i| &self.contacts[i])
    }

    /// An interface string in the reader's language.
    pub fn t(&self, key: &str) -> String {
        self.site.locales.text(self.lang, key, &[])
    }

    pub fn t_args(&self, key: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        self.site.locales.text(self.lang, key, args)
    }

    /// Where the string `key` the reader sees is defined.
    pub fn t_origin(&self, key: &str) -> Origin<'a> {
        self.site.locales.origin(self.lang, key)
    }

    /// A language's name in itself, as site.yaml gives it.
    pub fn language_name(&self, code: &'a str) -> Text<'a> {
        let lang = self.site.config.language(code);
        Text {
            text: lang.map_or_else(|| code.to_string(), |l| l.name.clone()),
            lang: (code != self.lang).then_some(code),
            origin: Origin::new(Path::new("site.yaml"), lang.map(|l| l.line)),
        }
    }

    /// The notice shown above a chapter, in the reader's language.
    pub fn notice_text(&self, notice: Notice<'a>) -> String {
        match notice {
            Notice::Outdated { .. } => self.t("notice-outdated"),
            Notice::Fallback { shown } => self.t_args(
                "notice-fallback",
                &[
                    ("language", self.language_name(self.lang).text.into()),
                    ("shown", self.language_name(shown).text.into()),
                ],
            ),
        }
    }

    /// The chapter's title as the reader sees it.
    pub fn chapter_title(&self, chapter: &Chapter<'a>) -> Text<'a> {
        match &chapter.body {
            Body::Contacts => Text {
                text: self.t("contacts-title"),
                lang: None,
                origin: self.t_origin("contacts-title"),
            },
            Body::Page { page, .. } => Text {
                text: page.title.clone(),
                lang: (page.lang != self.lang).then_some(page.lang.as_str()),
                origin: Origin::new(&page.file, Some(page.line_of("title"))),
            },
        }
    }

    /// "Confirmed by phone on …" or "From ti.ee, read on …": how far a
    /// reader can trust the contact, in their language.
    pub fn verified_text(&self, c: &Contact) -> Option<String> {
        let date = c.verified?.to_string();
        Some(match c.verified_how {
            VerifiedHow::Call => self.t_args("contact-verified-call", &[("date", date.into())]),
            VerifiedHow::Source => {
                let source = c.source.as_deref().map_or_else(String::new, source_name);
                self.t_args(
                    "contact-verified-source",
                    &[("source", source.into()), ("date", date.into())],
                )
            }
        })
    }

    /// `base_url` + `<lang>/<corridor>/`: the guide's web address.
    pub fn url(&self, base_url: &str) -> String {
        format!("{base_url}{}/{}/", self.lang, self.corridor.slug)
    }
}

impl<'a> ContactView<'a> {
    fn new(site: &'a Site, c: &'a Contact, chain: &[&'a str], lang: &'a str) -> Self {
        let at = |key: &str| Origin::new(&c.file, Some(c.line_of(key)));
        let field_at = |key: &'a str| Field {
            file: &c.file,
            lines: &c.lines,
            key,
            default: Some(c.line),
        };
        let name = match c.name.pick(chain) {
            Some((text, text_lang)) => Text {
                text: text.to_string(),
                lang: text_lang.filter(|l| *l != lang),
                origin: field_at("name").origin(text_lang),
            },
            None => Text {
                text: c.id.clone(),
                lang: None,
                origin: at("id"),
            },
        };
        let field = |value: &'a Option<Localized>, key: &'a str| {
            value
                .as_ref()
                .map(|l| localized(l, chain, lang, field_at(key)))
        };
        ContactView {
            contact: c,
            name,
            description: field(&c.description, "description"),
            hours: field(&c.hours, "hours"),
            languages: c
                .languages
                .iter()
                .map(|code| {
                    let l = site.config.language(code);
                    Text {
                        text: l.map_or_else(|| code.clone(), |l| l.name.clone()),
                        lang: Some(code.as_str()).filter(|c| *c != lang),
                        origin: match l {
                            Some(l) => Origin::new(Path::new("site.yaml"), Some(l.line)),
                            None => at("languages"),
                        },
                    }
                })
                .collect(),
        }
    }
}

/// Where a localized value stands: the file and the YAML keys that hold it
/// (`title`, then `title/ru` for its Russian text).
#[derive(Clone, Copy)]
struct Field<'a> {
    file: &'a Path,
    lines: &'a crate::yaml::Lines,
    key: &'a str,
    /// The line when the key itself cannot be found.
    default: Option<usize>,
}

impl<'a> Field<'a> {
    fn origin(&self, lang: Option<&str>) -> Origin<'a> {
        let line = lang
            .and_then(|l| self.lines.get(&format!("{}/{l}", self.key)))
            .or_else(|| self.lines.get(self.key))
            .or(self.default);
        Origin::new(self.file, line)
    }
}

fn localized<'a>(text: &'a Localized, chain: &[&'a str], reader: &str, at: Field<'a>) -> Text<'a> {
    match text.pick(chain) {
        Some((t, lang)) => Text {
            text: t.to_string(),
            lang: lang.filter(|l| *l != reader),
            origin: at.origin(lang),
        },
        None => Text {
            text: String::new(),
            lang: None,
            origin: at.origin(None),
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
