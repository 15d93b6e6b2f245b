//! The pocket guide as an A6 PDF, typeset in-process by Typst behind a small
//! `World` of our own: one in-memory source, the fonts bundled with Typst,
//! no file system, no packages, no network, no clock (so the same site gives
//! byte-identical PDFs). Fonts and the standard library load once and are
//! shared by every guide.

use super::typst_markup::{self as tm, label, string, text};
use crate::diagnostic::Diagnostic;
use crate::model::*;
use std::sync::OnceLock;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, Source};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

/// Fonts and the standard library, loaded once per process.
pub struct Engine {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

pub fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let fonts: Vec<Font> = typst_assets::fonts()
            .flat_map(|data| Font::iter(Bytes::new(data)))
            .collect();
        Engine {
            library: LazyHash::new(Library::default()),
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
        }
    })
}

impl Engine {
    /// Whether some bundled font has a glyph for `c`. Typst falls back
    /// across all fonts, and drops a glyph none has without a word.
    pub fn covers(&self, c: char) -> bool {
        self.fonts
            .iter()
            .any(|f| f.info().coverage.contains(c as u32))
    }
}

struct GuideWorld {
    main: Source,
}

impl World for GuideWorld {
    fn library(&self) -> &LazyHash<Library> {
        &engine().library
    }
    fn book(&self) -> &LazyHash<FontBook> {
        &engine().book
    }
    fn main(&self) -> FileId {
        self.main.id()
    }
    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }
    fn file(&self, _id: FileId) -> FileResult<Bytes> {
        Err(FileError::AccessDenied)
    }
    fn font(&self, index: usize) -> Option<Font> {
        engine().fonts.get(index).cloned()
    }
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

/// Typst recurses deeply while laying out, and parallelises with rayon: a
/// thread blocked inside one guide's layout may run another guide's work on
/// top of its own stack. So every compile runs in a pool of its own whose
/// threads have deep stacks, and guides enter it only through
/// [`typeset_all`]'s few driver threads, which wait without stealing work:
/// at most that many compiles can ever nest on one stack.
const STACK: usize = 64 << 20;

fn pool() -> &'static rayon::ThreadPool {
    static POOL: OnceLock<rayon::ThreadPool> = OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads())
            .stack_size(STACK)
            .thread_name(|i| format!("typeset-{i}"))
            .build()
            .expect("a thread pool for typesetting")
    })
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
        for i in 0..threads().min(items.len()) {
            let (next, results, typeset) = (&next, &results, &typeset);
            std::thread::Builder::new()
                .name(format!("typeset-driver-{i}"))
                .stack_size(STACK)
                .spawn_scoped(scope, move || loop {
                    let at = next.fetch_add(1, Ordering::Relaxed);
                    if at >= items.len() || cancelled() {
                        break;
                    }
                    let r = pool().install(|| typeset(&items[at]));
                    results.lock().unwrap()[at] = Some(r);
                })
                .expect("a typesetting thread");
        }
    });
    results.into_inner().unwrap()
}

/// Typesets Typst markup into PDF bytes, in the typesetting pool. Call it
/// from a plain thread (never from inside a rayon pool), or through
/// [`typeset_all`].
pub fn compile(markup: String) -> Result<Vec<u8>, String> {
    pool().install(|| compile_here(markup))
}

fn compile_here(markup: String) -> Result<Vec<u8>, String> {
    let world = GuideWorld {
        main: Source::detached(markup),
    };
    let compiled = typst::compile::<PagedDocument>(&world).output;
    // Typst memoizes layout in a process-wide cache that only grows: a
    // build of 200 guides peaked at 7 GB without this. Results unused over
    // the last two guides typeset go.
    typst::comemo::evict(2);
    let document = compiled.map_err(|errors| {
        errors
            .iter()
            .map(|e| e.message.to_string())
            .collect::<Vec<_>>()
            .join("; ")
    })?;
    let options = typst_pdf::PdfOptions {
        creator: typst::foundations::Smart::Custom(Some("pocketguide".into())),
        ..Default::default()
    };
    typst_pdf::pdf(&document, &options).map_err(|errors| {
        errors
            .iter()
            .map(|e| e.message.to_string())
            .collect::<Vec<_>>()
            .join("; ")
    })
}

/// The guide's web address, for the cover and its QR code.
pub fn guide_url(base_url: &str, corridor: &Corridor, lang: &str) -> String {
    format!("{base_url}{lang}/{}/", corridor.slug)
}

/// A QR code of `url` as an SVG image (vector: sharp on any printer).
pub fn qr_svg(url: &str) -> Result<String, String> {
    let code = qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| format!("the address {url} does not fit in a QR code ({e})"))?;
    Ok(code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build())
}

/// Strings of the interface used in the PDF, each escaped for markup.
struct Strings<'a> {
    site: &'a Site,
    lang: &'a str,
}

impl Strings<'_> {
    fn get(&self, key: &str) -> String {
        text(&self.site.locales.text(self.lang, key, &[]))
    }
}

/// The whole guide for one corridor and language as Typst markup.
pub fn markup(
    site: &Site,
    corridor: &Corridor,
    lang: &str,
    base_url: &str,
) -> Result<String, String> {
    let t = Strings { site, lang };
    let chain = site.fallback_chain(corridor, lang);
    let title = corridor.title.get(&chain);
    let site_title = site
        .config
        .title
        .get(&[lang, &site.config.default_language]);
    let url = guide_url(base_url, corridor, lang);
    let emergency = site.emergency_contacts(corridor);
    let mut m = String::with_capacity(32 * 1024);

    m.push_str(&format!(
        "#set document(title: {}, author: {}, date: none)\n",
        string(&title),
        string(&site_title)
    ));
    m.push_str(concat!(
        "#set page(width: 105mm, height: 148mm, margin: (x: 8mm, top: 9mm, bottom: 12mm),\n",
        "  numbering: \"1\", number-align: center)\n",
        "#set text(font: (\"Libertinus Serif\", \"New Computer Modern\", \"DejaVu Sans Mono\"), size: 9pt, hyphenate: true)\n",
        // Ragged right: justified A6 lines stretch, and are harder to read
        // in a second language.
        "#set par(justify: false, leading: 0.55em, spacing: 0.9em)\n",
        "#set list(indent: 0.6em)\n#set enum(indent: 0.6em)\n",
        "#set table(inset: 3pt, stroke: 0.4pt)\n",
        "#show heading.where(level: 1): it => { pagebreak(weak: true); set text(size: 13pt); block(below: 0.9em, it) }\n",
        "#show heading.where(level: 2): set text(size: 10.5pt)\n",
        "#show heading.where(level: 3): set text(size: 9.5pt)\n",
        "#show link: it => if type(it.dest) == str and it.dest.starts-with(\"tel:\") { it } else { underline(it) }\n",
        "#show outline.entry.where(level: 1): set block(above: 0.8em)\n",
    ));
    m.push_str(&format!("#set text(lang: {})\n", string(lang)));

    // Cover: title, emergency numbers large, the web address and its QR code.
    m.push_str("#page(numbering: none)[\n");
    m.push_str(&format!(
        "#align(center)[#text(size: 17pt, weight: \"bold\")[{}] #linebreak() #text(size: 9pt)[{}]]\n#v(5mm)\n",
        text(&title),
        text(&site_title)
    ));
    m.push_str(&format!(
        "#text(size: 11pt, weight: \"bold\")[{}]\n#v(1mm)\n",
        t.get("emergency-title")
    ));
    for c in &emergency {
        emergency_line(&mut m, c, &chain, "15pt");
    }
    m.push_str("#v(1fr)\n#align(center)[");
    m.push_str(&format!(
        "#image(bytes({}), format: \"svg\", width: 26mm, alt: {})\n",
        string(&qr_svg(&url)?),
        string(&url)
    ));
    m.push_str(&format!(
        "#text(size: 8pt)[{}: #link({})[{}]]]\n]\n",
        t.get("web-address"),
        string(&url),
        text(&url)
    ));
    m.push_str("#counter(page).update(1)\n");

    // Contents, from the chapter headings (also the PDF bookmarks).
    m.push_str(&format!(
        "#outline(title: [{}], depth: 1)\n",
        t.get("contents")
    ));

    let has_chapter = |slug: &str| corridor.has_chapter(slug);
    for ch in &corridor.chapters {
        match site.chapter_text(corridor, lang, &ch.slug) {
            ChapterText::Contacts => contacts_chapter(&mut m, site, corridor, lang, &t),
            ChapterText::Own { page, outdated } => {
                m.push_str(&format!(
                    "#heading(level: 1)[{}] {}\n",
                    text(&page.title),
                    label(&ch.slug)
                ));
                if outdated {
                    notice(&mut m, &site.locales.text(lang, "notice-outdated", &[]));
                }
                m.push_str(&tm::body(&page.events, &has_chapter));
            }
            ChapterText::Fallback { page } => {
                // The page in its own language: hyphenation and quotes follow it.
                m.push_str(&format!(
                    "#[#set text(lang: {})\n#heading(level: 1)[{}] {}\n]\n",
                    string(&page.lang),
                    text(&page.title),
                    label(&ch.slug)
                ));
                notice(
                    &mut m,
                    &site.locales.text(
                        lang,
                        "notice-fallback",
                        &[
                            ("language", site.language_name(lang).into()),
                            ("shown", site.language_name(&page.lang).into()),
                        ],
                    ),
                );
                m.push_str(&format!(
                    "#[#set text(lang: {})\n{}]\n",
                    string(&page.lang),
                    tm::body(&page.events, &has_chapter)
                ));
            }
            ChapterText::Missing => {}
        }
    }

    // Last page: a wallet card to cut out, about credit-card size.
    m.push_str("#pagebreak()\n");
    m.push_str(&format!(
        "#text(size: 8pt)[{}]\n#v(2mm)\n",
        t.get("wallet-card")
    ));
    m.push_str("#box(width: 85.6mm, height: 54mm, inset: 3mm, stroke: (thickness: 0.7pt, dash: \"dashed\"))[\n");
    m.push_str(&format!(
        "#text(weight: \"bold\")[{}]\n#v(1mm)\n",
        text(&title)
    ));
    for c in &emergency {
        emergency_line(&mut m, c, &chain, "11pt");
    }
    m.push_str(&format!("#v(1fr)\n#text(size: 7pt)[{}]\n]\n", text(&url)));
    Ok(m)
}

fn notice(m: &mut String, message: &str) {
    m.push_str(&format!(
        "#block(fill: luma(235), inset: 2mm, width: 100%)[#text(size: 8pt)[{}]]\n",
        text(message)
    ));
}

fn emergency_line(m: &mut String, c: &Contact, chain: &[&str], size: &str) {
    let name = c.name.get(chain);
    match (&c.phone, c.tel()) {
        (Some(phone), Some(tel)) => m.push_str(&format!(
            "#block(below: 1.6mm)[#link({})[#text(size: {size}, weight: \"bold\")[{}]] #h(1mm) {}]\n",
            string(&format!("tel:{tel}")),
            text(phone),
            text(&name)
        )),
        _ => m.push_str(&format!("#block(below: 1.6mm)[{}]\n", text(&name))),
    }
}

fn contacts_chapter(m: &mut String, site: &Site, corridor: &Corridor, lang: &str, t: &Strings) {
    let chain = site.fallback_chain(corridor, lang);
    m.push_str(&format!(
        "#heading(level: 1)[{}] {}\n",
        t.get("contacts-title"),
        label(CONTACTS_CHAPTER)
    ));
    for c in site.contacts(corridor) {
        m.push_str("#block(breakable: false, below: 3mm)[\n");
        m.push_str(&format!(
            "#text(weight: \"bold\")[{}]",
            text(&c.name.get(&chain))
        ));
        if let Some(d) = &c.description {
            m.push_str(&format!(" #linebreak() {}", text(&d.get(&chain))));
        }
        let mut ways = Vec::new();
        if let (Some(p), Some(tel)) = (&c.phone, c.tel()) {
            ways.push(format!(
                "#link({})[#text(weight: \"bold\", size: 10.5pt)[{}]]",
                string(&format!("tel:{tel}")),
                text(p)
            ));
        }
        if let Some(w) = &c.whatsapp {
            ways.push(format!("WhatsApp {}", text(w)));
        }
        if let Some(h) = &c.telegram {
            ways.push(format!("Telegram \\@{}", text(h.trim_start_matches('@'))));
        }
        if let Some(e) = &c.email {
            ways.push(text(e));
        }
        if let Some(u) = &c.url {
            ways.push(text(u));
        }
        for w in ways {
            m.push_str(&format!(" #linebreak() {w}"));
        }
        if let Some(h) = &c.hours {
            m.push_str(&format!(
                " #linebreak() {}: {}",
                t.get("contact-hours"),
                text(&h.get(&chain))
            ));
        }
        if !c.languages.is_empty() {
            let names: Vec<String> = c.languages.iter().map(|l| site.language_name(l)).collect();
            m.push_str(&format!(
                " #linebreak() {}: {}",
                t.get("contact-languages"),
                text(&names.join(", "))
            ));
        }
        if let Some(v) = c.verified {
            m.push_str(&format!(
                " #linebreak() #text(size: 7.5pt, fill: luma(80))[{}]",
                text(&site.locales.text(
                    lang,
                    "contact-verified",
                    &[("date", v.to_string().into())]
                ))
            ));
        }
        m.push_str("\n]\n");
    }
}

/// Every character of a published guide that no bundled font can draw, as
/// errors naming the file and line: Typst would drop it silently.
pub fn uncovered(site: &Site) -> Vec<Diagnostic> {
    let engine = engine();
    let mut diags = Vec::new();
    let mut seen = std::collections::HashSet::new();
    // Most characters repeat thousands of times: ask the fonts once each.
    let mut covered: std::collections::HashMap<char, bool> = std::collections::HashMap::new();
    let mut scan = |file: &std::path::Path, line: usize, s: &str, diags: &mut Vec<Diagnostic>| {
        for c in s.chars() {
            if c.is_whitespace() || c.is_control() {
                continue;
            }
            if *covered.entry(c).or_insert_with(|| engine.covers(c)) {
                continue;
            }
            if seen.insert((file.to_path_buf(), c)) {
                diags.push(Diagnostic::error(
                    file,
                    Some(line),
                    format!(
                        "character '{c}' (U+{:04X}) has no glyph in the PDF fonts and would be missing from the printed guide",
                        c as u32
                    ),
                ));
            }
        }
    };
    let published: std::collections::HashSet<&str> = site
        .corridors
        .iter()
        .flat_map(|c| c.chapters.iter().map(|ch| ch.slug.as_str()))
        .collect();
    for page in site
        .pages
        .iter()
        .filter(|p| published.contains(p.slug.as_str()))
    {
        scan(&page.file, page.line_of("title"), &page.title, &mut diags);
        if let Some(s) = &page.summary {
            scan(&page.file, page.line_of("summary"), s, &mut diags);
        }
        for (i, line) in page.body.lines().enumerate() {
            scan(&page.file, page.body_line + i, line, &mut diags);
        }
    }
    for file in site.contact_files() {
        for c in &file.contacts {
            for (key, l) in c.localized_fields() {
                for s in l.texts.values().chain(l.any_language.iter()) {
                    scan(&c.file, c.line_of(key), s, &mut diags);
                }
            }
        }
    }
    for corridor in &site.corridors {
        let line = corridor.key_lines.get("title").copied().unwrap_or(1);
        for s in corridor.title.texts.values() {
            scan(&corridor.file, line, s, &mut diags);
        }
    }
    diags
}
