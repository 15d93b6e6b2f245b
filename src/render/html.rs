//! The HTML pages, through the theme's Tera templates: each guide's chapter
//! pages, print.html and home page, and the site's language chooser,
//! language indexes, 404 page and static files. Contexts are plain data
//! built here from the view; templates only lay them out. What every page
//! of a guide shows (its contacts, its chapter list, the interface strings)
//! is serialised once per guide ([`Prepared`]), not once per page. Every
//! link is relative, so the output works under any sub-path and straight
//! from the file system.

use super::html_doc::{self, Images, Mode};
use super::{Done, Finding, Output, Purpose, RenderContext, Scope, Target, OUTPUTS};
use crate::diagnostic::Diagnostic;
use crate::paths::{self, CHAPTER_ROOT, GUIDE_ROOT, LANGUAGE_ROOT};
use crate::view::{Body, ChapterView, ContactView, GuideView, Notice, SiteView};
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use serde::Serialize;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::OnceLock;
use tera::{Context, Value};

/// What the HTML outputs of one render share: the interface strings per
/// language, and per guide what each of its pages shows, each serialised
/// once when first asked for.
pub struct Prepared {
    strings: HashMap<String, Value>,
    guides: Vec<OnceLock<GuideValues>>,
}

impl Prepared {
    pub fn new(site: &SiteView) -> Prepared {
        Prepared {
            strings: site
                .languages
                .iter()
                .map(|l| {
                    let table = site.locales.table(&l.code);
                    (l.code.clone(), tera::to_value(table).expect("strings"))
                })
                .collect(),
            guides: site.guides.iter().map(|_| OnceLock::new()).collect(),
        }
    }
}

struct GuideValues {
    emergency: Value,
    contacts: Value,
    /// The chapter list with links from the guide's folder, and from a
    /// chapter page.
    chapters: Value,
    chapters_from_page: Vec<Value>,
    untranslated: usize,
}

impl RenderContext<'_> {
    fn values(&self, g: usize) -> &GuideValues {
        self.pages.guides[g].get_or_init(|| guide_values(&self.site.guides[g]))
    }

    /// The guide's contacts as templates see them.
    pub fn contacts_value(&self, g: usize) -> &Value {
        &self.values(g).contacts
    }

    pub fn emergency_value(&self, g: usize) -> &Value {
        &self.values(g).emergency
    }

    /// Whether `check` must render every page: a site's own templates can
    /// fail on any of them (the built-in ones render any content; the
    /// property tests hold them to it).
    pub fn checks_templates(&self) -> bool {
        !self.site.theme.template_files.is_empty()
    }

    /// Context every page has: language and direction, strings, relative
    /// root, titles.
    pub fn base(&self, lang: &str, root: &str, path: &str) -> Context {
        let mut c = Context::new();
        c.insert("lang", lang);
        c.insert("dir", self.site.dir(lang).as_str());
        c.insert("root", root);
        if let Some(t) = self.pages.strings.get(lang) {
            c.insert("t", t);
        }
        c.insert("site_title", self.site.title(lang));
        c.insert("search_url", &format!("{root}{}", paths::search_page(lang)));
        c.insert("canonical", &paths::absolute(&self.site.base_url, path));
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

    fn page(&self, template: &str, path: String, ctx: &Context) -> Result<Done, Diagnostic> {
        let html = self.render_template(template, &path, ctx)?;
        Ok(Done::file(path, html))
    }

    fn language_links(&self, lang: &str, root: &str) -> Vec<Link> {
        self.site
            .languages
            .iter()
            .map(|l| Link {
                code: l.code.clone(),
                dir: l.dir.as_str(),
                name: l.name.clone(),
                url: format!("{root}{}", paths::language_index(&l.code)),
                current: l.code == lang,
            })
            .collect()
    }

    /// Context of every page of a guide: `root` leads from the page to the
    /// output root, `tail` is the page's path in the guide's folder (the
    /// language switcher leads to the same page in each language).
    fn guide_base(&self, g: usize, root: &str, path: &str, tail: &str) -> Context {
        let guide = &self.site.guides[g];
        let mut ctx = self.base(guide.code(), root, path);
        let here = format!("{root}{}", guide.dir());
        ctx.insert("corridor_title", &guide.title.text);
        ctx.insert("updated", &guide.updated.map(|d| d.to_string()));
        ctx.insert("home_url", &format!("{here}{}", paths::HOME));
        ctx.insert(
            "contacts_url",
            &format!(
                "{here}{}",
                paths::chapter_file(crate::model::CONTACTS_CHAPTER)
            ),
        );
        ctx.insert("print_url", &format!("{here}{}", paths::PRINT));
        ctx.insert("vcf_url", &format!("{here}{}", paths::VCARD));
        ctx.insert(
            "pdf_url",
            &self
                .pdf
                .then(|| format!("{here}{}", paths::pdf_file(guide.code(), &guide.corridor))),
        );
        ctx.insert("emergency", &self.values(g).emergency);
        ctx.insert("has_contacts_chapter", &guide.has_contacts_chapter);
        let switcher: Vec<Link> = guide
            .languages
            .iter()
            .map(|l| Link {
                code: l.code.clone(),
                dir: l.dir.as_str(),
                name: l.name.clone(),
                url: format!("{root}{}", paths::in_guide(&l.code, &guide.corridor, tail)),
                current: l.code == guide.lang.code,
            })
            .collect();
        ctx.insert("languages", &switcher);
        ctx
    }

    /// A chapter's text in the guide's language, with its notice; links to
    /// other files start from `root`.
    pub fn chapter_context(
        &self,
        guide: &GuideView,
        ch: &ChapterView,
        root: &str,
        mode: Mode,
        images: Images<'_>,
    ) -> ChapterContext {
        let (lang, dir, html, notice) = match &ch.body {
            Body::Contacts => (
                guide.code().to_string(),
                guide.lang.dir.as_str(),
                String::new(),
                None,
            ),
            Body::Text {
                doc, lang, notice, ..
            } => {
                let html = match (mode, self.purpose) {
                    // Weighed without its text, which the budget leaves out.
                    (Mode::Chapter, Purpose::Check) => String::new(),
                    _ => html_doc::render(doc, &ch.slug, mode, images),
                };
                (lang.code.clone(), lang.dir.as_str(), html, notice.as_ref())
            }
        };
        let source = match notice {
            Some(Notice::Outdated { source }) => Some(source.as_str()),
            _ => None,
        };
        ChapterContext {
            slug: ch.slug.clone(),
            title: ch.title.text.clone(),
            lang,
            dir,
            html,
            notice: notice.map(|n| guide.notice_text(n)),
            source_url: source
                .map(|s| format!("{root}{}", paths::chapter(s, &guide.corridor, &ch.slug))),
            source_link_text: source.map(|s| {
                guide.t_args(
                    "read-source",
                    &[("language", guide.language_name(s).into())],
                )
            }),
            contacts: matches!(ch.body, Body::Contacts),
        }
    }
}

#[derive(Serialize)]
struct Link {
    code: String,
    /// The language's direction: its name is shown in itself.
    dir: &'static str,
    name: String,
    url: String,
    current: bool,
}

#[derive(Serialize)]
pub struct ContactContext {
    id: String,
    name: String,
    name_lang: Option<String>,
    name_dir: Option<&'static str>,
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
    dir: Option<&'static str>,
    status: Option<&'static str>,
}

#[derive(Serialize)]
pub struct ChapterContext {
    pub slug: String,
    pub title: String,
    /// The language of the text (differs from the reader's on fallback).
    pub lang: String,
    /// Which way that language runs.
    pub dir: &'static str,
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

/// A contact as templates show it.
pub fn contact_context(c: &ContactView) -> ContactContext {
    ContactContext {
        id: c.id.clone(),
        name: c.name.text.clone(),
        name_lang: c.name.lang.as_ref().map(|l| l.code.clone()),
        name_dir: c.name.lang.as_ref().map(|l| l.dir.as_str()),
        description: c.description.as_ref().map(|d| d.text.clone()),
        phone: c.phone.clone(),
        tel: c.tel.clone(),
        email: c.email.clone(),
        url: c.url.clone(),
        telegram: c.telegram.clone(),
        telegram_url: c.telegram_url.clone(),
        whatsapp: c.whatsapp.clone(),
        whatsapp_url: c.whatsapp_url.clone(),
        hours: c.hours.as_ref().map(|h| h.text.clone()),
        languages: c.languages.iter().map(|l| l.text.clone()).collect(),
        verified_text: c.verified_text.clone(),
        emergency: c.emergency,
    }
}

fn guide_values(guide: &GuideView) -> GuideValues {
    let contacts: Vec<ContactContext> = guide.contacts.iter().map(contact_context).collect();
    let emergency: Vec<&ContactContext> = guide.emergency.iter().map(|&i| &contacts[i]).collect();
    let items = |root: &str| -> Vec<ChapterItem> {
        guide
            .chapters
            .iter()
            .map(|ch| ChapterItem {
                slug: ch.slug.clone(),
                title: ch.title.text.clone(),
                summary: ch.summary.clone(),
                url: format!(
                    "{root}{}",
                    paths::chapter(guide.code(), &guide.corridor, &ch.slug)
                ),
                lang: ch.title.lang.as_ref().map(|l| l.code.clone()),
                dir: ch.title.lang.as_ref().map(|l| l.dir.as_str()),
                status: ch.status.map(|s| s.as_str()),
            })
            .collect()
    };
    GuideValues {
        emergency: tera::to_value(emergency).expect("contacts"),
        contacts: tera::to_value(&contacts).expect("contacts"),
        chapters: tera::to_value(items(GUIDE_ROOT)).expect("items"),
        chapters_from_page: items(CHAPTER_ROOT)
            .into_iter()
            .map(|i| tera::to_value(i).expect("item"))
            .collect(),
        untranslated: guide
            .chapters
            .iter()
            .filter(|c| c.status == Some(crate::translations::Status::Missing))
            .count(),
    }
}

fn guide_of(target: Target) -> usize {
    match target {
        Target::Guide(g) => g,
        Target::Site | Target::Language(_) => {
            unreachable!("a guide's output renders for guides")
        }
    }
}

/// Every chapter page of a guide: `<lang>/<corridor>/<slug>/index.html`.
pub struct Chapters;

impl Output for Chapters {
    fn name(&self) -> &'static str {
        "chapter pages"
    }

    fn scope(&self) -> Scope {
        Scope::Guide
    }

    fn render(&self, cx: &RenderContext, target: Target) -> Result<Done, Diagnostic> {
        let g = guide_of(target);
        let guide = &cx.site.guides[g];
        let mut done = Done::default();
        for (ci, ch) in guide.chapters.iter().enumerate() {
            let contacts = matches!(ch.body, Body::Contacts);
            if contacts && cx.purpose == Purpose::Check && !cx.checks_templates() {
                continue;
            }
            let path = paths::chapter(guide.code(), &guide.corridor, &ch.slug);
            let tail = paths::chapter_file(&ch.slug);
            let mut ctx = cx.guide_base(g, CHAPTER_ROOT, &path, &tail);
            let items = &cx.values(g).chapters_from_page;
            ctx.insert("prev", &ci.checked_sub(1).and_then(|i| items.get(i)));
            ctx.insert("next", &items.get(ci + 1));
            let chapter = cx.chapter_context(guide, ch, CHAPTER_ROOT, Mode::Chapter, Images::Files);
            ctx.insert("title", &chapter.title);
            if contacts {
                ctx.insert("contacts", &cx.values(g).contacts);
                let html = cx.render_template("contacts.html", &path, &ctx)?;
                done.files.push(super::Made { path, bytes: html });
                continue;
            }
            ctx.insert("description", &ch.summary);
            ctx.insert("chapter", &chapter);
            let html = cx.render_template("chapter.html", &path, &ctx)?;
            if let Some(f) = weight(cx, ch, &path, &html) {
                done.findings.push(f);
            }
            done.files.push(super::Made { path, bytes: html });
        }
        Ok(done)
    }
}

/// A chapter page heavier with its stylesheet than the budget, beyond the
/// chapter's own text (the `<article>`).
fn weight(cx: &RenderContext, ch: &ChapterView, path: &str, bytes: &[u8]) -> Option<Finding> {
    let css = cx
        .site
        .theme
        .static_files
        .get("style.css")
        .map_or(0, Vec::len);
    if bytes.len() + css <= super::PAGE_BUDGET {
        return None;
    }
    let own = memchr::memmem::find(bytes, b"<article")
        .and_then(|start| memchr::memmem::find(&bytes[start..], b"</article>"))
        .unwrap_or(0);
    let weight = bytes.len() + css - own;
    if weight <= super::PAGE_BUDGET {
        return None;
    }
    let Body::Text { file, .. } = &ch.body else {
        return None;
    };
    Some(Finding::PageWeight {
        page: path.to_string(),
        bytes: weight,
        at: crate::view::Source::new(file, None),
    })
}

/// `<lang>/<corridor>/print.html`: the whole guide as one page.
pub struct Print;

impl Output for Print {
    fn name(&self) -> &'static str {
        "print.html"
    }

    fn scope(&self) -> Scope {
        Scope::Guide
    }

    fn render(&self, cx: &RenderContext, target: Target) -> Result<Done, Diagnostic> {
        if cx.purpose == Purpose::Check && !cx.checks_templates() {
            return Ok(Done::default());
        }
        let g = guide_of(target);
        let guide = &cx.site.guides[g];
        let path = guide.path(paths::PRINT);
        let mut ctx = cx.guide_base(g, GUIDE_ROOT, &path, paths::PRINT);
        let chapters: Vec<ChapterContext> = guide
            .chapters
            .iter()
            .map(|ch| cx.chapter_context(guide, ch, GUIDE_ROOT, Mode::Print, Images::Files))
            .collect();
        ctx.insert("chapters", &chapters);
        ctx.insert("contacts", &cx.values(g).contacts);
        cx.page("print.html", path, &ctx)
    }
}

/// `<lang>/<corridor>/index.html`: the chapter list, the emergency
/// contacts, and every file the guide offers with its size.
pub struct Home;

impl Output for Home {
    fn name(&self) -> &'static str {
        "guide home page"
    }

    fn scope(&self) -> Scope {
        Scope::Guide
    }

    fn last(&self) -> bool {
        true
    }

    fn render(&self, cx: &RenderContext, target: Target) -> Result<Done, Diagnostic> {
        if cx.purpose == Purpose::Check && !cx.checks_templates() {
            return Ok(Done::default());
        }
        let g = guide_of(target);
        let guide = &cx.site.guides[g];
        let values = cx.values(g);
        let path = guide.path(paths::HOME);
        let mut ctx = cx.guide_base(g, GUIDE_ROOT, &path, paths::HOME);
        ctx.insert(
            "untranslated_notice",
            &(values.untranslated > 0).then(|| {
                guide.t_args(
                    "chapters-untranslated",
                    &[("count", (values.untranslated as i64).into())],
                )
            }),
        );
        ctx.insert("chapters", &values.chapters);
        // Save and share: every file of the guide, with its size when known.
        let downloads: Vec<Download> = OUTPUTS
            .iter()
            .flat_map(|o| o.offers(cx, guide))
            .map(|(file, label)| Download {
                label: guide.t(label),
                size: cx.sizes.get(&guide.path(&file)).map(|&n| human_size(n)),
                url: file,
            })
            .collect();
        ctx.insert("downloads", &downloads);
        ctx.insert("booklet", &cx.pdf);
        let url = guide.url(&cx.site.base_url);
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
        cx.page("corridor.html", path, &ctx)
    }
}

/// `<lang>/index.html` for every language: the corridors published in it,
/// each with its emergency numbers.
pub struct LanguageIndex;

impl Output for LanguageIndex {
    fn name(&self) -> &'static str {
        "language pages"
    }

    fn scope(&self) -> Scope {
        Scope::Site
    }

    fn render(&self, cx: &RenderContext, _: Target) -> Result<Done, Diagnostic> {
        if cx.purpose == Purpose::Check && !cx.checks_templates() {
            return Ok(Done::default());
        }
        #[derive(Serialize)]
        struct Item<'v> {
            title: &'v str,
            url: String,
            emergency: &'v Value,
        }
        let mut done = Done::default();
        for l in &cx.site.languages {
            let lang = l.code.as_str();
            let path = paths::language_index(lang);
            let mut ctx = cx.base(lang, LANGUAGE_ROOT, &path);
            ctx.insert("languages", &cx.language_links(lang, LANGUAGE_ROOT));
            let corridors: Vec<Item> = cx
                .site
                .guides
                .iter()
                .enumerate()
                .filter(|(_, g)| g.lang.code == lang)
                .map(|(i, g)| Item {
                    title: &g.title.text,
                    url: format!("{}/{}", g.corridor, paths::HOME),
                    emergency: &cx.values(i).emergency,
                })
                .collect();
            ctx.insert("corridors", &corridors);
            let html = cx.render_template("language.html", &path, &ctx)?;
            done.files.push(super::Made { path, bytes: html });
        }
        Ok(done)
    }
}

/// `index.html`: the language chooser, each language named in itself.
pub struct Chooser;

impl Output for Chooser {
    fn name(&self) -> &'static str {
        "language chooser"
    }

    fn scope(&self) -> Scope {
        Scope::Site
    }

    fn render(&self, cx: &RenderContext, _: Target) -> Result<Done, Diagnostic> {
        if cx.purpose == Purpose::Check && !cx.checks_templates() {
            return Ok(Done::default());
        }
        let default = cx.site.default_language.as_str();
        let mut ctx = cx.base(default, "", paths::CHOOSER);
        ctx.insert("languages", &cx.language_links(default, ""));
        cx.page("index.html", paths::CHOOSER.into(), &ctx)
    }
}

/// `404.html`. A web server shows it at whatever address was asked for, so
/// its links start from the site's own path on the server: `/guides/` for
/// `https://example.org/guides/`.
pub struct NotFound;

impl Output for NotFound {
    fn name(&self) -> &'static str {
        "404 page"
    }

    fn scope(&self) -> Scope {
        Scope::Site
    }

    fn render(&self, cx: &RenderContext, _: Target) -> Result<Done, Diagnostic> {
        if cx.purpose == Purpose::Check && !cx.checks_templates() {
            return Ok(Done::default());
        }
        let default = cx.site.default_language.as_str();
        let root = url::Url::parse(&cx.site.base_url)
            .map_or_else(|_| "/".to_string(), |u| u.path().to_string());
        let mut ctx = cx.base(default, &root, paths::NOT_FOUND);
        ctx.insert("languages", &cx.language_links(default, &root));
        cx.page("404.html", paths::NOT_FOUND.into(), &ctx)
    }
}

/// The theme's static files at the output root, and the site's images
/// under `media/`.
pub struct Static;

impl Output for Static {
    fn name(&self) -> &'static str {
        "static files and images"
    }

    fn scope(&self) -> Scope {
        Scope::Site
    }

    fn render(&self, cx: &RenderContext, _: Target) -> Result<Done, Diagnostic> {
        if cx.purpose == Purpose::Check {
            return Ok(Done::default());
        }
        let files = cx
            .site
            .theme
            .static_files
            .iter()
            .map(|(path, bytes)| (path.clone(), bytes.clone()))
            .chain(
                cx.site
                    .media
                    .iter()
                    .map(|(path, bytes)| (paths::media(path), bytes.clone())),
            )
            .map(|(path, bytes)| super::Made { path, bytes })
            .collect();
        Ok(Done {
            files,
            findings: Vec::new(),
        })
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
