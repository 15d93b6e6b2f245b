//! The pocket guide as an A6 PDF, typeset in-process by Typst behind a small
//! `World` of our own: one in-memory source, the fonts bundled with Typst,
//! the site's images in memory, no file system, no packages, no network, no
//! clock (so the same site gives byte-identical PDFs). Fonts and the
//! standard library load once and are shared by every guide.
//!
//! [`markup`] writes a guide as Typst markup through [`Markup`], which
//! escapes every piece of text and hands it, with where it came from, to a
//! sink: the glyph check is that sink, so it scans exactly what is typeset,
//! and a guide with a character no font draws is reported, not typeset.

use super::typst_doc::{self as tm, label, string};
use super::{Done, Finding, Made, Output, Purpose, RenderContext, Scope, Target};
use crate::diagnostic::{Diagnostic, Origin};
use crate::fonts;
use crate::model::VerifiedHow;
use crate::model::CONTACTS_CHAPTER;
use crate::paths;
use crate::view::{Body, ContactView, GuideView, Notice, Source, Text};
use std::collections::BTreeMap;
use std::sync::OnceLock;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, Source as TypstSource};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

/// The standard library, loaded once per process.
fn library() -> &'static LazyHash<Library> {
    static LIBRARY: OnceLock<LazyHash<Library>> = OnceLock::new();
    LIBRARY.get_or_init(|| LazyHash::new(Library::default()))
}

struct GuideWorld<'a> {
    main: TypstSource,
    media: &'a BTreeMap<String, Vec<u8>>,
    fonts: &'a fonts::FontSet,
}

impl World for GuideWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        library()
    }
    fn book(&self) -> &LazyHash<FontBook> {
        &self.fonts.book
    }
    fn main(&self) -> FileId {
        self.main.id()
    }
    fn source(&self, id: FileId) -> FileResult<TypstSource> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }
    /// The site's images, at `/media/<path below content>`; nothing else.
    fn file(&self, id: FileId) -> FileResult<Bytes> {
        let in_project = matches!(id.root(), typst::syntax::VirtualRoot::Project);
        let key = id.vpath().get_with_slash().strip_prefix("/media/");
        match key.and_then(|k| self.media.get(k)) {
            Some(bytes) if in_project => Ok(Bytes::new(bytes.clone())),
            _ => Err(FileError::AccessDenied),
        }
    }
    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.fonts.get(index).cloned()
    }
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

/// Typst recurses deeply while laying out, so its threads get deep
/// stacks. It also parallelises with rayon, and a rayon thread that waits
/// inside one guide's layout runs whatever work is queued in its pool: in
/// a pool shared by all guides, that was a whole other guide, typeset on
/// top of the first one's stack while the first one waited for it (a tenth
/// of a build's time lost to the resulting imbalance). So each driver
/// thread of [`typeset_all`] has a pool of its own with one thread: a guide
/// waits only for its own work.
const STACK: usize = 64 << 20;

fn pools() -> &'static [rayon::ThreadPool] {
    static POOLS: OnceLock<Vec<rayon::ThreadPool>> = OnceLock::new();
    POOLS.get_or_init(|| {
        (0..threads())
            .map(|i| {
                rayon::ThreadPoolBuilder::new()
                    .num_threads(1)
                    .stack_size(STACK)
                    .thread_name(move |_| format!("typeset-{i}"))
                    .start_handler(|_| yield_to_others())
                    .build()
                    .expect("a thread for typesetting")
            })
            .collect()
    })
}

/// Typesetting gives way to every other thread (the lowest priority,
/// `nice 19`): in `serve` a save's HTML must not wait for the last save's
/// PDFs, and in `build` the pages finish first, then the PDFs take the
/// processors. Linux sets the priority per thread.
fn yield_to_others() {
    #[cfg(target_os = "linux")]
    // SAFETY: plain system calls on the calling thread's own id, with no
    // pointers; a failure leaves the priority as it was.
    unsafe {
        let tid = libc::gettid();
        libc::setpriority(libc::PRIO_PROCESS, tid as libc::id_t, 19);
    }
}

fn threads() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// Runs `typeset` on every item, a few at a time, in the typesetting pool;
/// results come back in input order. `cancelled` is asked before each item:
/// once it says yes, the items not yet started are skipped (`None`), so a
/// newer build in `serve` supersedes an older one instead of queueing
/// behind it.
pub fn typeset_all<T: Sync, R: Send>(
    items: &[T],
    typeset: impl Fn(&T) -> R + Sync,
    cancelled: &(dyn Fn() -> bool + Sync),
) -> Vec<Option<R>> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new((0..items.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for i in 0..pools().len().min(items.len()) {
            let (next, results, typeset) = (&next, &results, &typeset);
            std::thread::Builder::new()
                .name(format!("typeset-driver-{i}"))
                .stack_size(STACK)
                .spawn_scoped(scope, move || loop {
                    let at = next.fetch_add(1, Ordering::Relaxed);
                    if at >= items.len() || cancelled() {
                        break;
                    }
                    let r = pools()[i].install(|| typeset(&items[at]));
                    results.lock().unwrap()[at] = Some(r);
                })
                .expect("a typesetting thread");
        }
    });
    results.into_inner().unwrap()
}

/// The A6 pocket guide and the A4 booklet imposed from its pages, per
/// guide. In a build, a guide whose text has a character no font draws is
/// reported, not typeset; in `check`, that scan is all it does.
pub struct Pdf;

impl Output for Pdf {
    fn name(&self) -> &'static str {
        "PDF pocket guide and booklet"
    }

    fn scope(&self) -> Scope {
        Scope::Guide
    }

    fn heavy(&self) -> bool {
        true
    }

    fn offers(&self, cx: &RenderContext, guide: &GuideView) -> Vec<(String, &'static str)> {
        if !cx.pdf {
            return Vec::new();
        }
        vec![
            (
                paths::pdf_file(guide.code(), &guide.corridor),
                "download-pdf",
            ),
            (
                paths::booklet_file(guide.code(), &guide.corridor),
                "download-booklet",
            ),
        ]
    }

    fn render(&self, cx: &RenderContext, target: Target) -> Result<Done, Diagnostic> {
        let Target::Guide(g) = target else {
            return Ok(Done::default());
        };
        let guide = &cx.site.guides[g];
        let uncovered = uncovered(guide, &cx.site.base_url);
        if cx.purpose != Purpose::Build || !uncovered.is_empty() {
            return Ok(Done {
                files: Vec::new(),
                findings: uncovered,
            });
        }
        let typeset = markup(guide, &cx.site.base_url, &mut |_, _| {})
            .and_then(|m| typeset(m, guide, &cx.site.media))
            .map_err(|e| error(guide, e))?;
        Ok(Done {
            files: vec![
                Made {
                    path: guide.path(&paths::pdf_file(guide.code(), &guide.corridor)),
                    bytes: typeset.guide,
                },
                Made {
                    path: guide.path(&paths::booklet_file(guide.code(), &guide.corridor)),
                    bytes: typeset.booklet,
                },
            ],
            findings: Vec::new(),
        })
    }
}

/// A guide that cannot be typeset, reported at its corridor.yaml.
pub fn error(guide: &GuideView, e: String) -> Diagnostic {
    Diagnostic::error(
        &guide.file,
        None,
        format!(
            "cannot typeset the PDF of {} in '{}': {e}",
            guide.corridor,
            guide.code()
        ),
    )
}

/// The two PDFs of one guide.
pub struct Typeset {
    pub guide: Vec<u8>,
    pub booklet: Vec<u8>,
}

/// Typesets a guide's markup once and exports the A6 guide (PDF/UA-1 and
/// PDF/A-2a) and the A4 booklet imposed from its pages. Call it only
/// through [`typeset_all`], which gives it a typesetting thread.
pub(crate) fn typeset(
    markup: String,
    guide: &GuideView,
    media: &BTreeMap<String, Vec<u8>>,
) -> Result<Typeset, String> {
    let document = layout(markup, media, &guide.fonts)?;
    let ident = format!("{}/{}", guide.corridor, guide.code());
    let accessible = typst_pdf::PdfOptions {
        ident: typst::foundations::Smart::Custom(ident.clone()),
        creator: typst::foundations::Smart::Custom(Some("pocketguide".into())),
        standards: typst_pdf::PdfStandards::new(&[
            typst_pdf::PdfStandard::Ua_1,
            typst_pdf::PdfStandard::A_2a,
        ])
        .map_err(|e| e.message().to_string())?,
        ..Default::default()
    };
    let guide_pdf = export(&document, &accessible)?;
    drop(document);
    let booklet = super::booklet::impose(
        &guide_pdf,
        &format!("{ident}/booklet"),
        guide.lang.dir.is_rtl(),
    )?;
    Ok(Typeset {
        guide: guide_pdf,
        booklet,
    })
}

fn layout(
    markup: String,
    media: &BTreeMap<String, Vec<u8>>,
    fonts: &fonts::FontSet,
) -> Result<PagedDocument, String> {
    let world = GuideWorld {
        main: TypstSource::detached(markup),
        media,
        fonts,
    };
    let compiled = typst::compile::<PagedDocument>(&world).output;
    // Typst memoizes layout in a process-wide cache that only grows: a
    // build of 200 guides peaked at 7 GB without this. Results unused over
    // the last two guides typeset go.
    typst::comemo::evict(2);
    compiled.map_err(|errors| {
        errors
            .iter()
            .map(|e| e.message.to_string())
            .collect::<Vec<_>>()
            .join("; ")
    })
}

fn export(document: &PagedDocument, options: &typst_pdf::PdfOptions) -> Result<Vec<u8>, String> {
    typst_pdf::pdf(document, options).map_err(|errors| {
        errors
            .iter()
            .map(|e| e.message.to_string())
            .collect::<Vec<_>>()
            .join("; ")
    })
}

/// Builds a guide's Typst markup. Text enters only through the methods
/// here, which escape it and report it to `printed` with its origin.
pub struct Markup<'p> {
    out: String,
    printed: &'p mut dyn FnMut(&str, Origin<'_>),
    /// Only `printed` matters (the markup is thrown away): a page whose
    /// every character the fonts draw need not be converted.
    scanning: bool,
}

impl<'p> Markup<'p> {
    pub fn new(printed: &'p mut dyn FnMut(&str, Origin<'_>)) -> Self {
        Markup {
            out: String::with_capacity(32 * 1024),
            printed,
            scanning: false,
        }
    }

    /// Typst code of our own, never user text.
    fn code(&mut self, code: &str) {
        self.out.push_str(code);
    }

    /// User or interface text, escaped, as markup.
    fn text(&mut self, text: &str, at: Origin<'_>) -> String {
        (self.printed)(text, at);
        tm::text(text)
    }

    fn guide_text(&mut self, t: &Text) -> String {
        self.text(&t.text, t.source.origin())
    }

    /// An interface string of the guide's language.
    fn t(&mut self, guide: &GuideView, key: &str) -> String {
        let text = guide.t(key);
        self.text(&text, guide.t_source(key).origin())
    }

    /// A formatted interface string: its own words come from its .ftl
    /// file, each argument from where that value is written.
    fn formatted(
        &mut self,
        guide: &GuideView,
        key: &str,
        shown: &str,
        args: &[(&str, &str, Origin<'_>)],
    ) -> String {
        let empty: Vec<(&str, fluent_bundle::FluentValue)> =
            args.iter().map(|(a, _, _)| (*a, "".into())).collect();
        (self.printed)(&guide.t_args(key, &empty), guide.t_source(key).origin());
        for (_, value, at) in args {
            (self.printed)(value, *at);
        }
        tm::text(shown)
    }

    /// A notice: its words from the .ftl file, the language names in it
    /// from site.yaml.
    fn notice(&mut self, guide: &GuideView, notice: &Notice) -> String {
        let shown = guide.notice_text(notice);
        match notice {
            Notice::Outdated { .. } => self.formatted(guide, "notice-outdated", &shown, &[]),
            Notice::Fallback { shown: lang } => {
                let reader = guide.language_name(guide.code());
                let other = guide.language_name(lang);
                let (reader_at, other_at) = (
                    guide.language_source(guide.code()),
                    guide.language_source(lang),
                );
                self.formatted(
                    guide,
                    "notice-fallback",
                    &shown,
                    &[
                        ("language", &reader, reader_at.origin()),
                        ("shown", &other, other_at.origin()),
                    ],
                )
            }
        }
    }
}

/// The whole guide as Typst markup.
pub fn markup(
    guide: &GuideView,
    base_url: &str,
    printed: &mut dyn FnMut(&str, Origin<'_>),
) -> Result<String, String> {
    write_markup(Markup::new(printed), guide, base_url)
}

fn write_markup(mut m: Markup<'_>, guide: &GuideView, base_url: &str) -> Result<String, String> {
    let url = guide.url(base_url);
    let url_at = guide.url_source.clone();
    preamble(&mut m, guide);
    cover(&mut m, guide, &url, url_at.origin())?;
    // Contents, from the chapter headings (also the PDF bookmarks).
    let contents = m.t(guide, "contents");
    m.code(&format!("#outline(title: [{contents}], depth: 1)\n"));
    let has_chapter = |slug: &str| guide.has_chapter(slug);
    for ch in &guide.chapters {
        match &ch.body {
            Body::Contacts => contacts_chapter(&mut m, guide, &ch.title),
            Body::Text {
                doc,
                lang,
                notice,
                file,
                body,
            } => {
                // A page in another language is set in its own: hyphenation
                // and quotes follow it.
                let own = lang.code == guide.code();
                let lang = if own {
                    String::new()
                } else {
                    format!(
                        "#set text({}, dir: {})\n",
                        text_lang(&lang.code),
                        lang.dir.as_str()
                    )
                };
                let heading = m.guide_text(&ch.title);
                m.code(&format!(
                    "#[{lang}#heading(level: 1)[{heading}] {}\n]\n",
                    label(&ch.slug)
                ));
                if let Some(n) = notice {
                    let text = m.notice(guide, n);
                    m.code(&format!(
                        "#block(fill: luma(235), inset: 2mm, width: 100%)[#text(size: 8pt)[{text}]]\n"
                    ));
                }
                if m.scanning && prints_only_its_own_characters(body, &guide.fonts) {
                    continue;
                }
                let body = tm::body(doc, file, &has_chapter, m.printed);
                m.code(&format!("#[{lang}{body}]\n"));
            }
        }
    }
    wallet_card(&mut m, guide, &url, url_at.origin());
    Ok(m.out)
}

fn preamble(m: &mut Markup<'_>, guide: &GuideView) {
    // Metadata is not typeset: it goes in unrecorded.
    let date = guide.updated.map_or("none".to_string(), |d| {
        use chrono::Datelike;
        format!(
            "datetime(year: {}, month: {}, day: {})",
            d.year(),
            d.month(),
            d.day()
        )
    });
    m.code(&format!(
        "#set document(title: {}, author: {}, date: {date})\n",
        string(&guide.title.text),
        string(&guide.site_title.text)
    ));
    m.code(&format!(
        "#set page(width: 105mm, height: 148mm, margin: (x: 8mm, top: 9mm, bottom: 12mm),\n  numbering: \"1\", number-align: center)\n#set text(font: {}, size: 9pt, hyphenate: true)\n",
        guide.fonts.typst_families()
    ));
    m.code(concat!(
        // Ragged right: justified A6 lines stretch, and are harder to read
        // in a second language.
        "#set par(justify: false, leading: 0.55em, spacing: 0.9em)\n",
        "#set list(indent: 0.6em)\n#set enum(indent: 0.6em)\n",
        "#set table(inset: 3pt, stroke: 0.4pt)\n",
        "#show heading.where(level: 1): it => { pagebreak(weak: true); set text(size: 13pt); block(below: 0.9em, it) }\n",
        "#show heading.where(level: 2): set text(size: 10.5pt)\n",
        "#show heading.where(level: 3): set text(size: 9.5pt)\n",
        "#show outline.entry.where(level: 1): set block(above: 0.8em)\n",
        // Corner marks 1.5 mm outside a box of w x h, 4 mm long.
        "#let cutmarks(w, h) = { let (g, l) = (1.5mm, 4mm); for (x, sx) in ((0mm, -1), (w, 1)) { for (y, sy) in ((0mm, -1), (h, 1)) {\n",
        "  place(top + left, line(start: (x + sx * g, y), end: (x + sx * (g + l), y), stroke: 0.4pt))\n",
        "  place(top + left, line(start: (x, y + sy * g), end: (x, y + sy * (g + l)), stroke: 0.4pt)) } } }\n",
    ));
    m.code(&format!(
        "#set text({}, dir: {})\n",
        text_lang(guide.code()),
        guide.lang.dir.as_str()
    ));
}

/// The title, the emergency numbers large, the web address and its QR code.
fn cover(
    m: &mut Markup<'_>,
    guide: &GuideView,
    url: &str,
    url_at: Origin<'_>,
) -> Result<(), String> {
    m.code("#page(numbering: none)[\n");
    let title = m.guide_text(&guide.title);
    let site_title = m.guide_text(&guide.site_title);
    m.code(&format!(
        "#align(center)[#text(size: 17pt, weight: \"bold\")[{title}] #linebreak() #text(size: 9pt)[{site_title}]]\n#v(5mm)\n"
    ));
    let heading = m.t(guide, "emergency-title");
    m.code(&format!(
        "#text(size: 11pt, weight: \"bold\")[{heading}]\n#v(1mm)\n"
    ));
    for c in guide.emergency() {
        emergency_line(m, c, "15pt", "9pt");
    }
    let qr = crate::qr::svg(url)?;
    let web = m.t(guide, "web-address");
    let shown_url = tm::number_box(&m.text(url, url_at));
    m.code(&format!(
        "#v(1fr)\n#align(center)[#image(bytes({}), format: \"svg\", width: 26mm, alt: {})\n#text(size: 8pt)[{web}: #link({})[{shown_url}]]]\n]\n",
        string(&qr),
        string(&format!("{}: {url}", guide.t("web-address"))),
        string(url),
    ));
    m.code("#counter(page).update(1)\n");
    Ok(())
}

fn emergency_line(m: &mut Markup<'_>, c: &ContactView, number_size: &str, name_size: &str) {
    let name = m.guide_text(&c.name);
    let at = c.at("phone");
    match (&c.phone, &c.tel) {
        (Some(phone), Some(tel)) => {
            let phone = tm::number_box(&m.text(phone, at.origin()));
            m.code(&format!(
                "#block(below: 1.6mm)[#link({})[#text(size: {number_size}, weight: \"bold\")[{phone}]] #h(1mm) #text(size: {name_size})[{name}]]\n",
                string(&format!("tel:{tel}")),
            ));
        }
        _ => m.code(&format!(
            "#block(below: 1.6mm)[#text(size: {name_size})[{name}]]\n"
        )),
    }
}

fn contacts_chapter(m: &mut Markup<'_>, guide: &GuideView, title: &Text) {
    let heading = m.guide_text(title);
    m.code(&format!(
        "#heading(level: 1)[{heading}] {}\n",
        label(CONTACTS_CHAPTER)
    ));
    for c in &guide.contacts {
        m.code("#block(breakable: false, below: 3mm)[\n");
        let name = m.guide_text(&c.name);
        m.code(&format!("#text(weight: \"bold\")[{name}]"));
        if let Some(d) = &c.description {
            let d = m.guide_text(d);
            m.code(&format!(" #linebreak() {d}"));
        }
        if let (Some(p), Some(tel)) = (&c.phone, &c.tel) {
            let p = tm::number_box(&m.text(p, c.at("phone").origin()));
            m.code(&format!(
                " #linebreak() #link({})[#text(weight: \"bold\", size: 10.5pt)[{p}]]",
                string(&format!("tel:{tel}"))
            ));
        }
        if let Some(w) = &c.whatsapp {
            let w = tm::number_box(&m.text(w, c.at("whatsapp").origin()));
            m.code(&format!(" #linebreak() WhatsApp {w}"));
        }
        if let Some(h) = &c.telegram {
            let h = m.text(h.trim_start_matches('@'), c.at("telegram").origin());
            m.code(&format!(" #linebreak() Telegram \\@{h}"));
        }
        for (key, value) in [("email", &c.email), ("url", &c.url)] {
            if let Some(v) = value {
                let v = m.text(v, c.at(key).origin());
                // In right-to-left text an address is a paragraph of its
                // own that runs left to right (it may be too long for one
                // unbreakable box).
                if guide.lang.dir.is_rtl() {
                    m.code(&format!(
                        "#block(above: 0.4em, below: 0.4em)[#set text(dir: ltr);{v}]"
                    ));
                } else {
                    m.code(&format!(" #linebreak() {v}"));
                }
            }
        }
        if let Some(h) = &c.hours {
            let label = m.t(guide, "contact-hours");
            let h = m.guide_text(h);
            m.code(&format!(" #linebreak() {label}: {h}"));
        }
        if !c.languages.is_empty() {
            let label = m.t(guide, "contact-languages");
            let names: Vec<String> = c.languages.iter().map(|l| m.guide_text(l)).collect();
            m.code(&format!(" #linebreak() {label}: {}", names.join(", ")));
        }
        if let Some(shown) = &c.verified_text {
            let (verified, source) = (c.at("verified"), c.at("source"));
            let (key, args) = match c.verified_how {
                VerifiedHow::Call => (
                    "contact-verified-call",
                    vec![("date", "", verified.origin())],
                ),
                VerifiedHow::Source => (
                    "contact-verified-source",
                    vec![
                        ("source", c.source_name.as_str(), source.origin()),
                        ("date", "", verified.origin()),
                    ],
                ),
            };
            let text = m.formatted(guide, key, shown, &args);
            m.code(&format!(
                " #linebreak() #text(size: 7.5pt, fill: luma(80))[{text}]"
            ));
        }
        m.code("\n]\n");
    }
}

/// Last page: a card of exactly 85.6 x 54 mm (ID-1, a bank card's size) with
/// corner cut marks, the emergency numbers at 11 pt and the guide's address.
fn wallet_card(m: &mut Markup<'_>, guide: &GuideView, url: &str, url_at: Origin<'_>) {
    let hint = m.t(guide, "wallet-card");
    m.code(&format!(
        "#pagebreak()\n#text(size: 8pt)[✂ {hint}]\n#v(7mm)\n"
    ));
    m.code("#align(center, box(width: 85.6mm, height: 54mm)[#cutmarks(85.6mm, 54mm)#box(width: 85.6mm, height: 54mm, inset: 3mm, stroke: 0.3pt + luma(140))[\n");
    let title = m.guide_text(&guide.title);
    m.code(&format!(
        "#align(start)[#text(size: 9pt, weight: \"bold\")[{title}]\n#v(0.5mm)\n"
    ));
    for c in guide.emergency() {
        emergency_line(m, c, "11pt", "8pt");
    }
    let shown_url = tm::number_box(&m.text(url, url_at));
    m.code(&format!("#v(1fr)\n#text(size: 7pt)[{shown_url}]]\n]])\n"));
}

/// The characters of a guide's PDF that no font can draw, each with the
/// file and line it comes from: what [`markup`] would print, exactly.
pub fn uncovered(guide: &GuideView, base_url: &str) -> Vec<Finding> {
    let mut found: std::collections::HashSet<(Source, char)> = Default::default();
    let mut findings = Vec::new();
    let mut scan = |text: &str, at: Origin<'_>| {
        if guide.fonts.all_covered(text) {
            return;
        }
        for ch in text.chars().filter(|&c| !guide.fonts.is_covered(c)) {
            let at = Source::new(at.file, at.line);
            if found.insert((at.clone(), ch)) {
                findings.push(Finding::Uncovered { at, ch });
            }
        }
    };
    let mut m = Markup::new(&mut scan);
    m.scanning = true;
    // An address too long for the QR code is check's to report.
    let _ = write_markup(m, guide, base_url);
    findings
}

/// Whether every character a page's body prints is one of its source
/// text's (ASCII aside) and the fonts draw them all. Markdown makes other
/// characters only from entities (`&#x…;`) and NUL (printed as U+FFFD).
fn prints_only_its_own_characters(body: &str, fonts: &fonts::FontSet) -> bool {
    !body.contains(['&', '\0']) && fonts.all_covered(body)
}

/// `lang: "uz"` for Typst's `text`: Typst takes the ISO 639 language alone
/// and the region apart, so `uz-Cyrl` is `uz` and `pt-BR` is `pt` in `BR`
/// (check makes sure the language has 2 or 3 letters).
fn text_lang(code: &str) -> String {
    match code.parse::<unic_langid::LanguageIdentifier>() {
        Ok(id) => match id.region {
            Some(region) => format!(
                "lang: {}, region: {}",
                string(id.language.as_str()),
                string(region.as_str())
            ),
            None => format!("lang: {}", string(id.language.as_str())),
        },
        Err(_) => format!("lang: {}", string(code)),
    }
}
