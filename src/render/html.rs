//! HTML pages through the theme's Tera templates. Contexts are plain data
//! built here; templates only lay them out. Every link is relative, so the
//! output works under any sub-path and straight from the file system.

use super::{sitemap, Job, RenderOptions};
use crate::diagnostic::Diagnostic;
use crate::markdown::{self, Mode};
use crate::model::*;
use fluent_bundle::FluentValue;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;
use std::path::PathBuf;
use tera::Context;

/// `<lang>/<corridor>/<corridor>-<lang>.pdf`
pub fn pdf_path(corridor: &Corridor, lang: &str) -> String {
    format!("{lang}/{}/{}-{lang}.pdf", corridor.slug, corridor.slug)
}

/// What every page render shares: rendered Markdown and interface strings,
/// each computed once.
pub(crate) struct Shared<'a> {
    site: &'a Site,
    opts: &'a RenderOptions,
    /// Per page (by arena index): chapter-mode and print-mode HTML.
    page_html: Vec<(String, String)>,
    strings: HashMap<&'a str, HashMap<String, String>>,
}

#[derive(Serialize)]
struct Link {
    code: String,
    name: String,
    url: String,
    current: bool,
}

#[derive(Serialize)]
struct ContactView {
    id: String,
    name: String,
    name_lang: Option<String>,
    description: Option<String>,
    country: String,
    phone: Option<String>,
    tel: Option<String>,
    email: Option<String>,
    url: Option<String>,
    telegram: Option<String>,
    telegram_url: Option<String>,
    whatsapp: Option<String>,
    whatsapp_url: Option<String>,
    hours: Option<String>,
    languages: Vec<String>,
    verified: Option<String>,
    verified_text: Option<String>,
    emergency: bool,
}

#[derive(Serialize)]
struct ChapterItem {
    slug: String,
    title: String,
    summary: Option<String>,
    url: String,
    /// The language the text is in, when it is not the reader's.
    lang: Option<String>,
    status: &'static str,
}

#[derive(Serialize)]
struct ChapterView {
    slug: String,
    title: String,
    /// The language of the text (differs from the page's on fallback).
    lang: String,
    html: String,
    notice: Option<String>,
    source_url: Option<String>,
    source_link_text: Option<String>,
}

impl<'a> Shared<'a> {
    pub fn new(site: &'a Site, opts: &'a RenderOptions) -> Self {
        let page_html = site
            .pages
            .par_iter()
            .map(|p| {
                (
                    markdown::render(p, Mode::Chapter),
                    markdown::render(p, Mode::Print),
                )
            })
            .collect();
        let strings = site
            .config
            .languages
            .iter()
            .map(|l| (l.code.as_str(), site.locales.table(&l.code)))
            .collect();
        Shared {
            site,
            opts,
            page_html,
            strings,
        }
    }

    fn page_index(&self, page: &Page) -> usize {
        self.site.index[&(page.scope.clone(), page.lang.clone(), page.slug.clone())]
    }

    fn t(&self, lang: &str, key: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        self.site.locales.text(lang, key, args)
    }

    pub fn render_job(&self, job: &Job) -> Result<(String, Vec<u8>), Diagnostic> {
        let corridor = |ci: &usize| &self.site.corridors[*ci];
        match job {
            Job::Chooser => self.chooser(),
            Job::NotFound => self.not_found(),
            Job::LanguageIndex(lang) => self.language_index(lang),
            Job::CorridorHome(ci, lang) => self.corridor_home(corridor(ci), lang),
            Job::Chapter(ci, lang, slug) => self.chapter(corridor(ci), lang, slug),
            Job::Print(ci, lang) => self.print(corridor(ci), lang),
            Job::VCard(ci, lang) => Ok((
                format!("{lang}/{}/contacts.vcf", corridor(ci).slug),
                super::vcard::render(self.site, corridor(ci), lang).into_bytes(),
            )),
        }
    }

    /// Context every page has: language, strings, relative root, titles.
    fn base(&self, lang: &str, root: &str, path: &str) -> Context {
        let mut c = Context::new();
        c.insert("lang", lang);
        c.insert("lang_name", &self.site.language_name(lang));
        c.insert("root", root);
        c.insert("t", &self.strings.get(lang).cloned().unwrap_or_default());
        let chain = [lang, self.site.config.default_language.as_str()];
        c.insert("site_title", &self.site.config.title.get(&chain));
        c.insert("canonical", &sitemap::absolute(&self.opts.base_url, path));
        c
    }

    fn finish(
        &self,
        template: &str,
        path: String,
        ctx: &Context,
    ) -> Result<(String, Vec<u8>), Diagnostic> {
        match self.site.theme.tera.render(template, ctx) {
            Ok(html) => Ok((path, html.into_bytes())),
            Err(e) => {
                let file = self
                    .site
                    .theme
                    .template_files
                    .get(template)
                    .cloned()
                    .unwrap_or_else(|| {
                        PathBuf::from(format!("themes/default/templates/{template} (built-in)"))
                    });
                Err(Diagnostic::error(
                    file,
                    None,
                    format!("cannot render {path}: {}", crate::theme::error_chain(&e)),
                ))
            }
        }
    }

    fn chooser(&self) -> Result<(String, Vec<u8>), Diagnostic> {
        let default = self.site.config.default_language.as_str();
        let mut ctx = self.base(default, "", "index.html");
        let langs: Vec<Link> = self
            .site
            .config
            .languages
            .iter()
            .map(|l| Link {
                code: l.code.clone(),
                name: l.name.clone(),
                url: format!("{}/index.html", l.code),
                current: false,
            })
            .collect();
        ctx.insert("languages", &langs);
        self.finish("index.html", "index.html".into(), &ctx)
    }

    /// A web server shows 404.html at whatever address was asked for, so
    /// its links start from the site's own path on the server: `/guides/`
    /// for `https://example.org/guides/`.
    fn not_found(&self) -> Result<(String, Vec<u8>), Diagnostic> {
        let default = self.site.config.default_language.as_str();
        let root = url::Url::parse(&self.opts.base_url)
            .map_or_else(|_| "/".to_string(), |u| u.path().to_string());
        let mut ctx = self.base(default, &root, "404.html");
        ctx.insert("languages", &self.language_links(default, &root));
        self.finish("404.html", "404.html".into(), &ctx)
    }

    fn language_links(&self, lang: &str, root: &str) -> Vec<Link> {
        self.site
            .config
            .languages
            .iter()
            .map(|l| Link {
                code: l.code.clone(),
                name: l.name.clone(),
                url: format!("{root}{}/index.html", l.code),
                current: l.code == lang,
            })
            .collect()
    }

    fn language_index(&self, lang: &str) -> Result<(String, Vec<u8>), Diagnostic> {
        let path = format!("{lang}/index.html");
        let root = "../";
        let mut ctx = self.base(lang, root, &path);
        ctx.insert("languages", &self.language_links(lang, root));
        #[derive(Serialize)]
        struct Item {
            slug: String,
            title: String,
            url: String,
            emergency: Vec<ContactView>,
        }
        let corridors: Vec<Item> = self
            .site
            .corridors
            .iter()
            .filter(|c| c.publishes(lang))
            .map(|c| Item {
                slug: c.slug.clone(),
                title: c.title.get(&self.site.fallback_chain(c, lang)),
                url: format!("{}/index.html", c.slug),
                emergency: self.contact_views(c, lang, true),
            })
            .collect();
        ctx.insert("corridors", &corridors);
        self.finish("language.html", path, &ctx)
    }

    fn contact_views(
        &self,
        corridor: &Corridor,
        lang: &str,
        emergency_only: bool,
    ) -> Vec<ContactView> {
        let chain = self.site.fallback_chain(corridor, lang);
        let contacts = if emergency_only {
            self.site.emergency_contacts(corridor)
        } else {
            self.site.contacts(corridor)
        };
        contacts
            .into_iter()
            .map(|c| {
                let (name, name_lang) = c.name.pick(&chain).unwrap_or((c.id.as_str(), None));
                ContactView {
                    id: c.id.clone(),
                    name: name.to_string(),
                    name_lang: name_lang.filter(|l| *l != lang).map(str::to_string),
                    description: c.description.as_ref().map(|d| d.get(&chain)),
                    country: c.country.clone(),
                    phone: c.phone.clone(),
                    tel: c.tel(),
                    email: c.email.clone(),
                    url: c.url.clone(),
                    telegram: c.telegram.clone(),
                    telegram_url: c.telegram_url(),
                    whatsapp: c.whatsapp.clone(),
                    whatsapp_url: c.whatsapp_url(),
                    hours: c.hours.as_ref().map(|h| h.get(&chain)),
                    languages: c
                        .languages
                        .iter()
                        .map(|l| self.site.language_name(l))
                        .collect(),
                    verified: c.verified.map(|v| v.to_string()),
                    verified_text: c.verified.map(|v| {
                        self.t(lang, "contact-verified", &[("date", v.to_string().into())])
                    }),
                    emergency: c.emergency,
                }
            })
            .collect()
    }

    /// Context of every page inside a corridor.
    fn corridor_base(&self, corridor: &Corridor, lang: &str, root: &str, path: &str) -> Context {
        let mut ctx = self.base(lang, root, path);
        let chain = self.site.fallback_chain(corridor, lang);
        let here = format!("{root}{lang}/{}/", corridor.slug);
        ctx.insert("corridor_title", &corridor.title.get(&chain));
        ctx.insert("corridor_slug", &corridor.slug);
        ctx.insert("updated", &corridor.updated.map(|d| d.to_string()));
        ctx.insert("home_url", &format!("{here}index.html"));
        ctx.insert(
            "contacts_url",
            &format!("{here}{CONTACTS_CHAPTER}/index.html"),
        );
        ctx.insert("print_url", &format!("{here}print.html"));
        ctx.insert("vcf_url", &format!("{here}contacts.vcf"));
        ctx.insert(
            "pdf_url",
            &self
                .opts
                .pdf
                .then(|| format!("{root}{}", pdf_path(corridor, lang))),
        );
        ctx.insert("lang_index_url", &format!("{root}{lang}/index.html"));
        ctx.insert("emergency", &self.contact_views(corridor, lang, true));
        ctx.insert(
            "has_contacts_chapter",
            &corridor.has_chapter(CONTACTS_CHAPTER),
        );
        ctx
    }

    fn switcher(&self, corridor: &Corridor, lang: &str, root: &str, tail: &str) -> Vec<Link> {
        corridor
            .languages
            .iter()
            .map(|l| Link {
                code: l.clone(),
                name: self.site.language_name(l),
                url: format!("{root}{l}/{}/{tail}", corridor.slug),
                current: l == lang,
            })
            .collect()
    }

    fn chapter_items(&self, corridor: &Corridor, lang: &str, root: &str) -> Vec<ChapterItem> {
        corridor
            .chapters
            .iter()
            .map(|ch| {
                let url = format!("{root}{lang}/{}/{}/index.html", corridor.slug, ch.slug);
                let status = crate::translations::status(self.site, corridor, &ch.slug, lang)
                    .map_or("source", |s| s.as_str());
                match self.site.chapter_text(corridor, lang, &ch.slug) {
                    ChapterText::Contacts => ChapterItem {
                        slug: ch.slug.clone(),
                        title: self.t(lang, "contacts-title", &[]),
                        summary: None,
                        url,
                        lang: None,
                        status,
                    },
                    ChapterText::Own { page, .. } | ChapterText::Fallback { page } => ChapterItem {
                        slug: ch.slug.clone(),
                        title: page.title.clone(),
                        summary: page.summary.clone(),
                        url,
                        lang: (page.lang != lang).then(|| page.lang.clone()),
                        status,
                    },
                    ChapterText::Missing => ChapterItem {
                        slug: ch.slug.clone(),
                        title: ch.slug.clone(),
                        summary: None,
                        url,
                        lang: None,
                        status,
                    },
                }
            })
            .collect()
    }

    fn corridor_home(
        &self,
        corridor: &Corridor,
        lang: &str,
    ) -> Result<(String, Vec<u8>), Diagnostic> {
        let path = format!("{lang}/{}/index.html", corridor.slug);
        let root = "../../";
        let mut ctx = self.corridor_base(corridor, lang, root, &path);
        ctx.insert(
            "languages",
            &self.switcher(corridor, lang, root, "index.html"),
        );
        let chapters = self.chapter_items(corridor, lang, root);
        let untranslated = chapters.iter().filter(|c| c.status == "missing").count();
        ctx.insert(
            "untranslated_notice",
            &(untranslated > 0).then(|| {
                self.t(
                    lang,
                    "chapters-untranslated",
                    &[("count", (untranslated as i64).into())],
                )
            }),
        );
        ctx.insert("chapters", &chapters);
        self.finish("corridor.html", path, &ctx)
    }

    /// The chapter's text in `lang` as a reader sees it, with its notice.
    fn chapter_view(
        &self,
        corridor: &Corridor,
        lang: &str,
        slug: &str,
        root: &str,
        mode: Mode,
    ) -> Option<ChapterView> {
        let (page, notice, source) = match self.site.chapter_text(corridor, lang, slug) {
            ChapterText::Own { page, outdated } => {
                let notice = outdated.then(|| self.t(lang, "notice-outdated", &[]));
                let source = outdated.then_some(corridor.source_language.as_str());
                (page, notice, source)
            }
            ChapterText::Fallback { page } => {
                let notice = self.t(
                    lang,
                    "notice-fallback",
                    &[
                        ("language", self.site.language_name(lang).into()),
                        ("shown", self.site.language_name(&page.lang).into()),
                    ],
                );
                (page, Some(notice), None)
            }
            ChapterText::Contacts | ChapterText::Missing => return None,
        };
        let (chapter_html, print_html) = &self.page_html[self.page_index(page)];
        Some(ChapterView {
            slug: slug.to_string(),
            title: page.title.clone(),
            lang: page.lang.clone(),
            html: match mode {
                Mode::Chapter => chapter_html.clone(),
                Mode::Print => print_html.clone(),
            },
            notice,
            source_url: source.map(|s| format!("{root}{s}/{}/{slug}/index.html", corridor.slug)),
            source_link_text: source.map(|s| {
                self.t(
                    lang,
                    "read-source",
                    &[("language", self.site.language_name(s).into())],
                )
            }),
        })
    }

    fn chapter(
        &self,
        corridor: &Corridor,
        lang: &str,
        slug: &str,
    ) -> Result<(String, Vec<u8>), Diagnostic> {
        let path = format!("{lang}/{}/{slug}/index.html", corridor.slug);
        let root = "../../../";
        let mut ctx = self.corridor_base(corridor, lang, root, &path);
        ctx.insert(
            "languages",
            &self.switcher(corridor, lang, root, &format!("{slug}/index.html")),
        );
        let items = self.chapter_items(corridor, lang, root);
        let pos = corridor
            .chapters
            .iter()
            .position(|c| c.slug == slug)
            .unwrap_or(0);
        ctx.insert("prev", &pos.checked_sub(1).and_then(|i| items.get(i)));
        ctx.insert("next", &items.get(pos + 1));
        if slug == CONTACTS_CHAPTER {
            ctx.insert("title", &self.t(lang, "contacts-title", &[]));
            ctx.insert("contacts", &self.contact_views(corridor, lang, false));
            return self.finish("contacts.html", path, &ctx);
        }
        let view = self.chapter_view(corridor, lang, slug, root, Mode::Chapter);
        ctx.insert("title", &view.as_ref().map(|v| v.title.clone()));
        ctx.insert(
            "description",
            &items.get(pos).and_then(|i| i.summary.clone()),
        );
        ctx.insert("chapter", &view);
        self.finish("chapter.html", path, &ctx)
    }

    fn print(&self, corridor: &Corridor, lang: &str) -> Result<(String, Vec<u8>), Diagnostic> {
        let path = format!("{lang}/{}/print.html", corridor.slug);
        let root = "../../";
        let mut ctx = self.corridor_base(corridor, lang, root, &path);
        ctx.insert(
            "languages",
            &self.switcher(corridor, lang, root, "print.html"),
        );
        let chapters: Vec<ChapterView> = corridor
            .chapters
            .iter()
            .filter_map(|ch| {
                if ch.slug == CONTACTS_CHAPTER {
                    Some(ChapterView {
                        slug: ch.slug.clone(),
                        title: self.t(lang, "contacts-title", &[]),
                        lang: lang.to_string(),
                        html: String::new(),
                        notice: None,
                        source_url: None,
                        source_link_text: None,
                    })
                } else {
                    self.chapter_view(corridor, lang, &ch.slug, root, Mode::Print)
                }
            })
            .collect();
        ctx.insert("chapters", &chapters);
        ctx.insert("contacts", &self.contact_views(corridor, lang, false));
        self.finish("print.html", path, &ctx)
    }

    /// A warning when a chapter page with its stylesheet weighs more than
    /// the budget, beyond the chapter's own text (the `<article>`).
    pub fn weight_warning(&self, path: &str, html: &[u8]) -> Option<Diagnostic> {
        let mut parts = path.split('/');
        let (lang, corridor, slug) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next() != Some("index.html") {
            return None;
        }
        let css = self
            .site
            .theme
            .static_files
            .get("style.css")
            .map_or(0, Vec::len);
        let text = String::from_utf8_lossy(html);
        let own = text
            .find("<article")
            .and_then(|start| text[start..].find("</article>"))
            .unwrap_or(0);
        let weight = html.len() + css - own;
        if weight <= super::PAGE_BUDGET {
            return None;
        }
        let corridor = self.site.corridors.iter().find(|c| c.slug == corridor)?;
        let file = match self.site.chapter_text(corridor, lang, slug) {
            ChapterText::Own { page, .. } | ChapterText::Fallback { page } => page.file.clone(),
            _ => corridor.file.clone(),
        };
        Some(Diagnostic::warning(
            file,
            None,
            format!(
                "{path} weighs {:.1} KB with its stylesheet beyond the chapter's own text (budget {} KB): trim the theme or the contacts shown on every page",
                weight as f64 / 1024.0,
                super::PAGE_BUDGET / 1024
            ),
        ))
    }

    pub fn sitemap_groups(&self) -> Vec<sitemap::Group> {
        let site = self.site;
        let mut groups = vec![vec![(
            site.config.default_language.clone(),
            "index.html".to_string(),
        )]];
        groups.push(
            site.config
                .languages
                .iter()
                .map(|l| (l.code.clone(), format!("{}/index.html", l.code)))
                .collect(),
        );
        for c in &site.corridors {
            let group = |tail: &str| -> sitemap::Group {
                c.languages
                    .iter()
                    .map(|l| (l.clone(), format!("{l}/{}/{tail}", c.slug)))
                    .collect()
            };
            groups.push(group("index.html"));
            for ch in &c.chapters {
                groups.push(group(&format!("{}/index.html", ch.slug)));
            }
            groups.push(group("print.html"));
        }
        groups
    }
}
