//! HTML pages through the theme's Tera templates. Contexts are plain data
//! built here from each [`Guide`]; templates only lay them out. What every
//! page of a guide shows (its contacts, its chapter list, the interface
//! strings) is serialised once per guide, not once per page. Every link is
//! relative, so the output works under any sub-path and straight from the
//! file system.

use super::{sitemap, Cache, Job, Made, PageHtml, RenderOptions, Selection, FORMATS};
use crate::diagnostic::Diagnostic;
use crate::guide::{Body, ContactView, Guide, Notice};
use crate::markdown::Mode;
use crate::model::*;
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;
use tera::{Context, Value};

/// `<lang>/<corridor>/<corridor>-<lang>.pdf`
pub fn pdf_path(corridor: &Corridor, lang: &str) -> String {
    format!("{lang}/{}/{}-{lang}.pdf", corridor.slug, corridor.slug)
}

/// `<lang>/<corridor>/<corridor>-<lang>-booklet-a4.pdf`
pub fn booklet_path(corridor: &Corridor, lang: &str) -> String {
    format!(
        "{lang}/{}/{}-{lang}-booklet-a4.pdf",
        corridor.slug, corridor.slug
    )
}

/// From a guide's home page or print.html to the output root.
const GUIDE_ROOT: &str = "../../";
/// From a chapter page to the output root.
const CHAPTER_ROOT: &str = "../../../";

/// What every render shares: the guides, rendered Markdown and interface
/// strings, each computed once.
pub struct Shared<'a> {
    pub site: &'a Site,
    pub opts: &'a RenderOptions,
    /// Every guide (each corridor in each language it publishes), or only
    /// the selected ones when the site's own pages are not rendered.
    pub guides: Vec<Guide<'a>>,
    /// Per page the selected guides show (by arena index): its HTML.
    page_html: HashMap<usize, Arc<PageHtml>>,
    /// Per language: the interface strings as templates see them.
    strings: HashMap<&'a str, Value>,
    /// Per guide: what each of its pages shows, serialised once (left
    /// empty for guides the selection neither renders nor lists).
    views: Vec<GuideView>,
    /// Chapter pages without the chapter's text: all `check` needs to
    /// weigh them, as the weight leaves the `<article>` out.
    pub(crate) without_text: bool,
}

#[derive(Default)]
struct GuideView {
    emergency: Value,
    contacts: Value,
    /// The chapter list with links from the guide's folder, and from a
    /// chapter page.
    chapters: Value,
    chapters_from_page: Vec<Value>,
    untranslated: usize,
}

#[derive(Serialize)]
struct Link {
    code: String,
    name: String,
    url: String,
    current: bool,
}

#[derive(Serialize)]
pub struct ContactContext {
    id: String,
    name: String,
    name_lang: Option<String>,
    description: Option<String>,
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
    status: Option<&'static str>,
}

#[derive(Serialize)]
pub struct ChapterContext {
    pub slug: String,
    pub title: String,
    /// The language of the text (differs from the reader's on fallback).
    pub lang: String,
    pub html: String,
    pub notice: Option<String>,
    pub source_url: Option<String>,
    pub source_link_text: Option<String>,
    pub contacts: bool,
}

#[derive(Serialize)]
struct Download {
    url: String,
    label: String,
    size: Option<String>,
}

impl<'a> Shared<'a> {
    pub fn new(
        site: &'a Site,
        opts: &'a RenderOptions,
        selection: &Selection,
        cache: &Cache,
    ) -> Self {
        // The site's own pages list every guide; otherwise only the chosen
        // ones are resolved.
        let guides: Vec<Guide> = if selection.site_pages() {
            crate::guide::all(site)
        } else {
            site.corridors
                .iter()
                .flat_map(|c| c.languages.iter().map(move |l| (c, l)))
                .filter(|(c, l)| selection.has(&c.slug, l))
                .map(|(c, l)| Guide::new(site, c, l))
                .collect()
        };
        let mut shown: Vec<usize> = guides
            .iter()
            .filter(|g| selection.guide(g))
            .flat_map(|g| &g.chapters)
            .filter_map(|ch| match &ch.body {
                Body::Page { page, .. } => Some(page_index(site, page)),
                Body::Contacts => None,
            })
            .collect();
        shown.sort_unstable();
        shown.dedup();
        let page_html = shown
            .into_iter()
            .map(|i| (i, cache.page(&site.pages[i])))
            .collect();
        let strings = site
            .config
            .languages
            .iter()
            .map(|l| {
                let table = site.locales.table(&l.code);
                (l.code.as_str(), tera::to_value(table).expect("strings"))
            })
            .collect();
        let mut shared = Shared {
            site,
            opts,
            guides,
            page_html,
            strings,
            views: Vec::new(),
            without_text: false,
        };
        let all = selection.site_pages();
        shared.views = shared
            .guides
            .par_iter()
            .map(|g| {
                if all || selection.guide(g) {
                    shared.view(g)
                } else {
                    GuideView::default()
                }
            })
            .collect();
        shared
    }

    fn view(&self, guide: &Guide) -> GuideView {
        let contacts: Vec<ContactContext> = guide
            .contacts
            .iter()
            .map(|c| contact_context(guide, c))
            .collect();
        let emergency: Vec<&ContactContext> =
            guide.emergency.iter().map(|&i| &contacts[i]).collect();
        let items = |root: &str| -> Vec<ChapterItem> {
            guide
                .chapters
                .iter()
                .map(|ch| {
                    let title = guide.chapter_title(ch);
                    ChapterItem {
                        slug: ch.slug.to_string(),
                        title: title.text,
                        summary: match &ch.body {
                            Body::Page { page, .. } => page.summary.clone(),
                            Body::Contacts => None,
                        },
                        url: format!(
                            "{root}{}/{}/{}/index.html",
                            guide.lang, guide.corridor.slug, ch.slug
                        ),
                        lang: title.lang.map(str::to_string),
                        status: ch.status.map(|s| s.as_str()),
                    }
                })
                .collect()
        };
        let from_page = items(CHAPTER_ROOT)
            .into_iter()
            .map(|i| tera::to_value(i).expect("item"))
            .collect();
        GuideView {
            emergency: tera::to_value(emergency).expect("contacts"),
            contacts: tera::to_value(&contacts).expect("contacts"),
            chapters: tera::to_value(items(GUIDE_ROOT)).expect("items"),
            chapters_from_page: from_page,
            untranslated: guide
                .chapters
                .iter()
                .filter(|c| c.status == Some(crate::translations::Status::Missing))
                .count(),
        }
    }

    pub(crate) fn render_job(&self, job: &Job) -> Result<Made, Diagnostic> {
        match *job {
            Job::Chooser => self.chooser(),
            Job::NotFound => self.not_found(),
            Job::LanguageIndex(li) => self.language_index(&self.site.config.languages[li].code),
            Job::Chapter(gi, ci) => self.chapter(gi, ci),
            Job::Print(gi) => self.print(gi),
            Job::Format(gi, fi) => {
                let guide = &self.guides[gi];
                let format = &FORMATS[fi];
                let path = format!("{}{}", super::guide_dir(guide), (format.name)(guide));
                Ok(Made::file(path, (format.render)(self, gi)?))
            }
        }
    }

    /// Context every page has: language, strings, relative root, titles.
    pub fn base(&self, lang: &str, root: &str, path: &str) -> Context {
        let mut c = Context::new();
        c.insert("lang", lang);
        c.insert("root", root);
        if let Some(t) = self.strings.get(lang) {
            c.insert("t", t);
        }
        let chain = [lang, self.site.config.default_language.as_str()];
        c.insert("site_title", &self.site.config.title.get(&chain));
        c.insert("canonical", &sitemap::absolute(&self.opts.base_url, path));
        c
    }

    /// Renders `template`, reporting a template error at the theme file.
    /// The bytes go to a file as they are: Tera's `render` would check
    /// again that the UTF-8 it wrote is UTF-8.
    pub fn render_template(
        &self,
        template: &str,
        path: &str,
        ctx: &Context,
    ) -> Result<Vec<u8>, Diagnostic> {
        let mut out = Vec::with_capacity(16 * 1024);
        let rendered = self.site.theme.tera.render_to(template, ctx, &mut out);
        rendered.map(|()| out).map_err(|e| {
            let file = self
                .site
                .theme
                .template_files
                .get(template)
                .cloned()
                .unwrap_or_else(|| {
                    PathBuf::from(format!("themes/default/templates/{template} (built-in)"))
                });
            Diagnostic::error(
                file,
                None,
                format!("cannot render {path}: {}", crate::theme::error_chain(&e)),
            )
        })
    }

    fn finish(&self, template: &str, path: String, ctx: &Context) -> Result<Made, Diagnostic> {
        let html = self.render_template(template, &path, ctx)?;
        Ok(Made::file(path, html))
    }

    fn chooser(&self) -> Result<Made, Diagnostic> {
        let default = self.site.config.default_language.as_str();
        let mut ctx = self.base(default, "", "index.html");
        ctx.insert("languages", &self.language_links(default, ""));
        self.finish("index.html", "index.html".into(), &ctx)
    }

    /// A web server shows 404.html at whatever address was asked for, so
    /// its links start from the site's own path on the server: `/guides/`
    /// for `https://example.org/guides/`.
    fn not_found(&self) -> Result<Made, Diagnostic> {
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

    fn language_index(&self, lang: &str) -> Result<Made, Diagnostic> {
        let path = format!("{lang}/index.html");
        let root = "../";
        let mut ctx = self.base(lang, root, &path);
        ctx.insert("languages", &self.language_links(lang, root));
        #[derive(Serialize)]
        struct Item<'v> {
            title: &'v str,
            url: String,
            emergency: &'v Value,
        }
        let corridors: Vec<Item> = self
            .guides
            .iter()
            .zip(&self.views)
            .filter(|(g, _)| g.lang == lang)
            .map(|(g, v)| Item {
                title: &g.title.text,
                url: format!("{}/index.html", g.corridor.slug),
                emergency: &v.emergency,
            })
            .collect();
        ctx.insert("corridors", &corridors);
        self.finish("language.html", path, &ctx)
    }

    /// Context of every page of a guide.
    fn guide_base(&self, gi: usize, root: &str, path: &str, tail: &str) -> Context {
        let guide = &self.guides[gi];
        let view = &self.views[gi];
        let mut ctx = self.base(guide.lang, root, path);
        let here = format!("{root}{}", super::guide_dir(guide));
        ctx.insert("corridor_title", &guide.title.text);
        ctx.insert("updated", &guide.corridor.updated.map(|d| d.to_string()));
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
                .then(|| format!("{root}{}", pdf_path(guide.corridor, guide.lang))),
        );
        ctx.insert("emergency", &view.emergency);
        ctx.insert(
            "has_contacts_chapter",
            &guide.corridor.has_chapter(CONTACTS_CHAPTER),
        );
        ctx.insert("languages", &self.switcher(guide, root, tail));
        ctx
    }

    fn switcher(&self, guide: &Guide, root: &str, tail: &str) -> Vec<Link> {
        guide
            .corridor
            .languages
            .iter()
            .map(|l| Link {
                code: l.clone(),
                name: self.site.language_name(l),
                url: format!("{root}{l}/{}/{tail}", guide.corridor.slug),
                current: l == guide.lang,
            })
            .collect()
    }

    pub(crate) fn corridor_home(
        &self,
        gi: usize,
        sizes: &BTreeMap<&str, usize>,
    ) -> Result<Made, Diagnostic> {
        let guide = &self.guides[gi];
        let view = &self.views[gi];
        let dir = super::guide_dir(guide);
        let path = format!("{dir}index.html");
        let mut ctx = self.guide_base(gi, GUIDE_ROOT, &path, "index.html");
        ctx.insert(
            "untranslated_notice",
            &(view.untranslated > 0).then(|| {
                guide.t_args(
                    "chapters-untranslated",
                    &[("count", (view.untranslated as i64).into())],
                )
            }),
        );
        ctx.insert("chapters", &view.chapters);
        // Save and share: every file of the guide, with its size when known.
        let mut files: Vec<(String, &str)> = Vec::new();
        if self.opts.pdf {
            files.push((pdf_path(guide.corridor, guide.lang), "download-pdf"));
            files.push((booklet_path(guide.corridor, guide.lang), "download-booklet"));
        }
        for f in &FORMATS {
            files.push((format!("{dir}{}", (f.name)(guide)), f.label));
        }
        let downloads: Vec<Download> = files
            .iter()
            .map(|(file, label)| Download {
                url: file[dir.len()..].to_string(),
                label: guide.t(label),
                size: sizes.get(file.as_str()).map(|&n| human_size(n)),
            })
            .collect();
        ctx.insert("downloads", &downloads);
        ctx.insert("booklet", &self.opts.pdf);
        let url = guide.url(&self.opts.base_url);
        let message = format!("{} {url}", guide.title.text);
        let enc = |s: &str| utf8_percent_encode(s, NON_ALPHANUMERIC).to_string();
        ctx.insert(
            "telegram_share",
            &format!(
                "https://t.me/share/url?url={}&text={}",
                enc(&url),
                enc(&guide.title.text)
            ),
        );
        ctx.insert(
            "whatsapp_share",
            &format!("https://wa.me/?text={}", enc(&message)),
        );
        self.finish("corridor.html", path, &ctx)
    }

    /// The chapter's text in the guide's language, with its notice.
    pub fn chapter_context(
        &self,
        guide: &Guide,
        ci: usize,
        root: &str,
        mode: Mode,
    ) -> ChapterContext {
        let ch = &guide.chapters[ci];
        let title = guide.chapter_title(ch);
        let (lang, html, notice) = match &ch.body {
            Body::Contacts => (guide.lang.to_string(), String::new(), None),
            Body::Page { page, notice } => {
                let html = &self.page_html[&page_index(self.site, page)];
                let html = match mode {
                    Mode::Chapter if self.without_text => String::new(),
                    Mode::Chapter => html.chapter(page).to_string(),
                    Mode::Print => html.print(page).to_string(),
                    // The EPUB writes its own XHTML.
                    Mode::Epub => String::new(),
                };
                (page.lang.clone(), html, *notice)
            }
        };
        let source = match notice {
            Some(Notice::Outdated { source }) => Some(source),
            _ => None,
        };
        ChapterContext {
            slug: ch.slug.to_string(),
            title: title.text,
            lang,
            html,
            notice: notice.map(|n| guide.notice_text(n)),
            source_url: source
                .map(|s| format!("{root}{s}/{}/{}/index.html", guide.corridor.slug, ch.slug)),
            source_link_text: source.map(|s| {
                guide.t_args(
                    "read-source",
                    &[("language", guide.language_name(s).text.into())],
                )
            }),
            contacts: matches!(ch.body, Body::Contacts),
        }
    }

    /// The guide's contacts as templates see them.
    pub fn contacts_value(&self, gi: usize) -> &Value {
        &self.views[gi].contacts
    }

    pub fn emergency_value(&self, gi: usize) -> &Value {
        &self.views[gi].emergency
    }

    pub fn strings(&self, lang: &str) -> Option<&Value> {
        self.strings.get(lang)
    }

    /// The page's XHTML for the EPUB (links to `ch-slug.xhtml`).
    pub fn epub_xhtml(&self, page: &Page) -> &str {
        self.page_html[&page_index(self.site, page)].epub(page)
    }

    /// The page's HTML in print mode (links as `#ch-slug` anchors).
    pub fn print_html(&self, page: &Page) -> &str {
        self.page_html[&page_index(self.site, page)].print(page)
    }

    fn chapter(&self, gi: usize, ci: usize) -> Result<Made, Diagnostic> {
        let guide = &self.guides[gi];
        let view = &self.views[gi];
        let ch = &guide.chapters[ci];
        let path = format!("{}{}/index.html", super::guide_dir(guide), ch.slug);
        let mut ctx = self.guide_base(gi, CHAPTER_ROOT, &path, &format!("{}/index.html", ch.slug));
        let items = &view.chapters_from_page;
        ctx.insert("prev", &ci.checked_sub(1).and_then(|i| items.get(i)));
        ctx.insert("next", &items.get(ci + 1));
        let chapter = self.chapter_context(guide, ci, CHAPTER_ROOT, Mode::Chapter);
        ctx.insert("title", &chapter.title);
        if chapter.contacts {
            ctx.insert("contacts", &view.contacts);
            return self.finish("contacts.html", path, &ctx);
        }
        if let Body::Page { page, .. } = &ch.body {
            ctx.insert("description", &page.summary);
        }
        ctx.insert("chapter", &chapter);
        let mut made = self.finish("chapter.html", path, &ctx)?;
        made.warning = self.weight_warning(guide, ci, &made);
        Ok(made)
    }

    fn print(&self, gi: usize) -> Result<Made, Diagnostic> {
        let guide = &self.guides[gi];
        let path = format!("{}print.html", super::guide_dir(guide));
        let mut ctx = self.guide_base(gi, GUIDE_ROOT, &path, "print.html");
        let chapters: Vec<ChapterContext> = (0..guide.chapters.len())
            .map(|ci| self.chapter_context(guide, ci, GUIDE_ROOT, Mode::Print))
            .collect();
        ctx.insert("chapters", &chapters);
        ctx.insert("contacts", &self.views[gi].contacts);
        self.finish("print.html", path, &ctx)
    }

    /// A warning when a chapter page with its stylesheet weighs more than
    /// the budget, beyond the chapter's own text (the `<article>`).
    fn weight_warning(&self, guide: &Guide, ci: usize, made: &Made) -> Option<Diagnostic> {
        let css = self
            .site
            .theme
            .static_files
            .get("style.css")
            .map_or(0, Vec::len);
        if made.bytes.len() + css <= super::PAGE_BUDGET {
            return None;
        }
        let bytes = made.bytes.as_slice();
        let own = memchr::memmem::find(bytes, b"<article")
            .and_then(|start| memchr::memmem::find(&bytes[start..], b"</article>"))
            .unwrap_or(0);
        let weight = bytes.len() + css - own;
        if weight <= super::PAGE_BUDGET {
            return None;
        }
        let file = match &guide.chapters[ci].body {
            Body::Page { page, .. } => page.file.clone(),
            Body::Contacts => guide.corridor.file.clone(),
        };
        Some(Diagnostic::warning(
            file,
            None,
            format!(
                "{} weighs {:.1} KB with its stylesheet beyond the chapter's own text (budget {} KB): trim the theme or the contacts shown on every page",
                made.path,
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

/// A page's place in the site's arena.
fn page_index(site: &Site, page: &Page) -> usize {
    site.index[&(page.scope.clone(), page.lang.clone(), page.slug.clone())]
}

/// A contact as templates show it.
pub fn contact_context(guide: &Guide, c: &ContactView) -> ContactContext {
    let contact = c.contact;
    ContactContext {
        id: contact.id.clone(),
        name: c.name.text.clone(),
        name_lang: c.name.lang.map(str::to_string),
        description: c.description.as_ref().map(|d| d.text.clone()),
        phone: contact.phone.clone(),
        tel: contact.tel(),
        email: contact.email.clone(),
        url: contact.url.clone(),
        telegram: contact.telegram.clone(),
        telegram_url: contact.telegram_url(),
        whatsapp: contact.whatsapp.clone(),
        whatsapp_url: contact.whatsapp_url(),
        hours: c.hours.as_ref().map(|h| h.text.clone()),
        languages: c.languages.iter().map(|l| l.text.clone()).collect(),
        verified_text: guide.verified_text(contact),
        emergency: contact.emergency,
    }
}

/// `812 B`, `34 KB`, `1.2 MB`: what a reader on paid data wants to know.
pub fn human_size(bytes: usize) -> String {
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{} KB", b.div_ceil(1024)),
        b => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn sizes_read_well() {
        assert_eq!(super::human_size(812), "812 B");
        assert_eq!(super::human_size(34 * 1024 + 1), "35 KB");
        assert_eq!(super::human_size(1_300_000), "1.2 MB");
    }
}
