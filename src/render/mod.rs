//! Render: the checked model → every output file, each handed to a
//! [`Sink`] as soon as it is made (memory for `serve`, the write module's
//! staging folder for `build`). Nothing here touches the disk.
//!
//! Every guide (a corridor in one language) is resolved once into a
//! [`Guide`]; its pages, print.html, the PDF and booklet, and each format in
//! [`FORMATS`] are drawn from it. Rendering runs in two phases: everything
//! but the corridor home pages, in parallel (the PDFs on their own threads),
//! then the home pages, which show the size of each file they offer.

pub mod booklet;
pub mod epub;
pub mod html;
pub mod message;
pub mod pdf;
pub mod single;
pub mod sitemap;
pub mod typst_markup;
pub mod vcard;
pub mod xhtml;

use crate::diagnostic::Diagnostic;
use crate::guide::Guide;
use crate::markdown;
use crate::model::{Page, Site};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

pub struct RenderOptions {
    /// Absolute base address, ending in `/`.
    pub base_url: String,
    /// The site has PDF pocket guides: typeset them (in `render`) and link
    /// them from the pages. Off for quick previews.
    pub pdf: bool,
    /// Told the number of files, then each file done (for a progress bar).
    pub progress: Option<std::sync::Arc<dyn Progress>>,
}

/// Receives progress of a render; called from many threads.
pub trait Progress: Send + Sync {
    fn start(&self, total: usize);
    fn done_one(&self);
    fn finish(&self);
}

/// A chapter page may weigh this much with its stylesheet, beyond the
/// chapter's own text (SPEC section 2).
pub const PAGE_BUDGET: usize = 30 * 1024;

/// A file made from one guide besides its web pages. An output format is a
/// module with one of these, listed in [`FORMATS`]: the render loop makes
/// it for every guide, and the guide's home page offers it, with its size,
/// under "save and share".
pub struct Format {
    /// The file's name in the guide's folder (`<lang>/<corridor>/`).
    pub name: fn(&Guide) -> String,
    /// Renders it for the guide at this index of `Shared::guides`.
    pub render: fn(&html::Shared, usize) -> Result<Vec<u8>, Diagnostic>,
    /// The interface string that names it for readers.
    pub label: &'static str,
}

/// Every format, in the order the home page offers them (after the PDFs).
pub const FORMATS: [Format; 5] = [
    single::FORMAT,
    epub::FORMAT,
    vcard::FORMAT,
    message::LONG,
    message::SMS,
];

/// `<lang>/<corridor>/`
pub fn guide_dir(guide: &Guide) -> String {
    format!("{}/{}/", guide.lang, guide.corridor.slug)
}

/// One PDF pocket guide, and the A4 booklet imposed from the same pages.
pub struct PdfJob<'a> {
    /// Output-relative path, `<lang>/<corridor>/<corridor>-<lang>.pdf`.
    pub path: String,
    /// `<lang>/<corridor>/<corridor>-<lang>-booklet-a4.pdf`.
    pub booklet: String,
    pub guide: Guide<'a>,
}

impl PdfJob<'_> {
    /// The guide as Typst markup: cheap, and the whole input of the costly
    /// typesetting (with the site's images), so callers can skip guides
    /// whose markup did not change.
    pub fn markup(&self, base_url: &str) -> Result<String, Diagnostic> {
        pdf::markup(&self.guide, base_url, &mut |_, _| {}).map_err(|e| self.error(e))
    }

    /// Typesets once and makes both files: the A6 guide and the booklet.
    pub fn typeset(&self, markup: String) -> Result<Typeset, Diagnostic> {
        pdf::typeset(markup, &self.guide).map_err(|e| self.error(e))
    }

    fn error(&self, e: String) -> Diagnostic {
        Diagnostic::error(
            &self.guide.corridor.file,
            None,
            format!(
                "cannot typeset the PDF of {} in '{}': {e}",
                self.guide.corridor.slug, self.guide.lang
            ),
        )
    }
}

/// The two PDFs of one guide.
pub struct Typeset {
    pub guide: Vec<u8>,
    pub booklet: Vec<u8>,
}

pub fn pdf_jobs(site: &Site) -> Vec<PdfJob<'_>> {
    crate::guide::all(site)
        .into_iter()
        .map(|guide| PdfJob {
            path: html::pdf_path(guide.corridor, guide.lang),
            booklet: html::booklet_path(guide.corridor, guide.lang),
            guide,
        })
        .collect()
}

/// Output-relative path (with `/`) → bytes, and the warnings rendering
/// found (pages over the weight budget), each with the output file it is
/// about.
#[derive(Default)]
pub struct Output {
    pub files: BTreeMap<String, Vec<u8>>,
    pub warnings: Vec<(String, Diagnostic)>,
}

/// Where each output file goes as soon as it is rendered, from any thread:
/// a large site is never held whole in memory, and writing overlaps
/// rendering.
pub trait Sink: Sync {
    /// `path` is output-relative, with `/`.
    fn put(&self, path: &str, bytes: Vec<u8>);
}

/// What a render made besides the files: their sizes and the warnings.
#[derive(Default)]
pub struct Rendered {
    pub sizes: BTreeMap<String, usize>,
    pub warnings: Vec<(String, Diagnostic)>,
}

/// Files kept in memory.
#[derive(Default)]
struct Memory(std::sync::Mutex<BTreeMap<String, Vec<u8>>>);

impl Sink for Memory {
    fn put(&self, path: &str, bytes: Vec<u8>) {
        self.0.lock().unwrap().insert(path.to_string(), bytes);
    }
}

/// Which outputs to render: `serve` re-renders only what a change touched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// Everything: every guide and the site's own pages.
    All,
    /// These guides (corridor slug, language), all of each guide's files
    /// but its PDFs; with `site_pages`, also the language chooser, 404,
    /// the language indexes (they list every corridor with its emergency
    /// numbers), the sitemap, the theme's static files and the images.
    Some {
        guides: BTreeSet<GuideKey>,
        site_pages: bool,
    },
}

/// A guide: (corridor slug, language).
pub type GuideKey = (String, String);

impl Selection {
    pub fn guide(&self, guide: &Guide) -> bool {
        self.has(&guide.corridor.slug, guide.lang)
    }

    pub fn has(&self, corridor: &str, lang: &str) -> bool {
        match self {
            Selection::All => true,
            Selection::Some { guides, .. } => {
                guides.contains(&(corridor.to_string(), lang.to_string()))
            }
        }
    }

    pub fn site_pages(&self) -> bool {
        match self {
            Selection::All => true,
            Selection::Some { site_pages, .. } => *site_pages,
        }
    }
}

/// Pages' Markdown as HTML, kept across renders by `serve`: a page whose
/// file and text are unchanged is not converted and sanitised again.
#[derive(Default)]
pub struct Cache {
    html: std::sync::Mutex<HashMap<(PathBuf, String), Arc<PageHtml>>>,
}

/// A page's HTML for a chapter page and for print (print.html and the
/// one-file guide), and its XHTML for the EPUB, each made when first asked
/// for.
#[derive(Default)]
pub struct PageHtml {
    modes: OnceLock<markdown::Modes>,
    epub: OnceLock<String>,
}

impl PageHtml {
    fn modes(&self, page: &Page) -> &markdown::Modes {
        self.modes.get_or_init(|| markdown::render_modes(page))
    }

    pub fn chapter(&self, page: &Page) -> &str {
        &self.modes(page).chapter
    }

    pub fn print(&self, page: &Page) -> &str {
        &self.modes(page).print
    }

    pub fn epub(&self, page: &Page) -> &str {
        self.epub
            .get_or_init(|| xhtml::from_html(&self.modes(page).epub))
    }
}

impl Cache {
    /// The page's HTML, kept here from an earlier render or made as asked.
    pub fn page(&self, page: &Page) -> Arc<PageHtml> {
        let key = (page.file.clone(), page.hash.clone());
        Arc::clone(self.html.lock().unwrap().entry(key).or_default())
    }

    /// Drops every page that is not in `site` as it is now.
    pub fn keep_only(&self, site: &Site) {
        let current: HashSet<(&Path, &str)> = site
            .pages
            .iter()
            .map(|p| (p.file.as_path(), p.hash.as_str()))
            .collect();
        self.html
            .lock()
            .unwrap()
            .retain(|(file, hash), _| current.contains(&(file.as_path(), hash.as_str())));
    }
}

/// One job's worth of work.
pub(crate) enum Job {
    Chooser,
    NotFound,
    LanguageIndex(usize),
    /// A guide's chapter page (guide, chapter).
    Chapter(usize, usize),
    Print(usize),
    /// A guide's file in one of the [`FORMATS`] (guide, format).
    Format(usize, usize),
}

/// What a job made: a file, and a warning about it.
pub(crate) struct Made {
    pub path: String,
    pub bytes: Vec<u8>,
    pub warning: Option<Diagnostic>,
}

impl Made {
    pub fn file(path: String, bytes: Vec<u8>) -> Self {
        Made {
            path,
            bytes,
            warning: None,
        }
    }
}

/// Every output file, into `sink`: HTML pages, formats, and the PDFs when
/// `opts.pdf` is on.
pub fn render(
    site: &Site,
    opts: &RenderOptions,
    sink: &dyn Sink,
) -> Result<Rendered, Vec<Diagnostic>> {
    render_all(
        site,
        opts,
        opts.pdf,
        &BTreeMap::new(),
        &Selection::All,
        &Cache::default(),
        sink,
    )
}

/// Everything but the typeset PDFs, whose sizes `made` may hold from an
/// earlier build (pages still link the PDFs when `opts.pdf` is on): what
/// `check` renders to find template errors and heavy pages.
pub fn render_html(
    site: &Site,
    opts: &RenderOptions,
    made: &BTreeMap<String, usize>,
) -> Result<Output, Vec<Diagnostic>> {
    render_html_selected(site, opts, made, &Selection::All, &Cache::default())
}

/// What `check` needs rendered to report everything a build would: every
/// page when the site overrides templates (a template error can hide in any
/// of them), else the chapter pages alone, for their weight, and without
/// the chapter's text, which the weight leaves out (the built-in templates
/// render any content; the property tests hold them to it).
pub fn render_for_check(site: &Site, opts: &RenderOptions) -> Result<Output, Vec<Diagnostic>> {
    if !site.theme.template_files.is_empty() {
        return render_html(site, opts, &BTreeMap::new());
    }
    let mut shared = html::Shared::new(site, opts, &Selection::All, &Cache::default());
    shared.without_text = true;
    let jobs: Vec<Job> = (0..shared.guides.len())
        .flat_map(|gi| (0..shared.guides[gi].chapters.len()).map(move |ci| Job::Chapter(gi, ci)))
        .collect();
    let results: Vec<Result<Made, Diagnostic>> =
        jobs.par_iter().map(|job| shared.render_job(job)).collect();
    let mut output = Output::default();
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok(m) => {
                if let Some(w) = m.warning {
                    output.warnings.push((m.path, w));
                }
            }
            Err(d) => errors.push(d),
        }
    }
    if errors.is_empty() {
        Ok(output)
    } else {
        Err(errors)
    }
}

/// [`render_html`] of the `selection` only, taking pages' HTML from `cache`:
/// what `serve` does on a save.
pub fn render_html_selected(
    site: &Site,
    opts: &RenderOptions,
    made: &BTreeMap<String, usize>,
    selection: &Selection,
    cache: &Cache,
) -> Result<Output, Vec<Diagnostic>> {
    let memory = Memory::default();
    let rendered = render_all(site, opts, false, made, selection, cache, &memory)?;
    Ok(Output {
        files: memory.0.into_inner().unwrap(),
        warnings: rendered.warnings,
    })
}

fn render_all(
    site: &Site,
    opts: &RenderOptions,
    typeset: bool,
    made: &BTreeMap<String, usize>,
    selection: &Selection,
    cache: &Cache,
    sink: &dyn Sink,
) -> Result<Rendered, Vec<Diagnostic>> {
    let shared = html::Shared::new(site, opts, selection, cache);
    let mut jobs: Vec<Job> = Vec::new();
    if selection.site_pages() {
        jobs.extend([Job::Chooser, Job::NotFound]);
        jobs.extend((0..site.config.languages.len()).map(Job::LanguageIndex));
    }
    let chosen: Vec<usize> = (0..shared.guides.len())
        .filter(|&gi| selection.guide(&shared.guides[gi]))
        .collect();
    for &gi in &chosen {
        let guide = &shared.guides[gi];
        jobs.push(Job::Print(gi));
        jobs.extend((0..guide.chapters.len()).map(|ci| Job::Chapter(gi, ci)));
        jobs.extend((0..FORMATS.len()).map(|fi| Job::Format(gi, fi)));
    }
    let pdfs = if typeset { pdf_jobs(site) } else { Vec::new() };
    let homes = chosen.len();
    if let Some(p) = &opts.progress {
        p.start(jobs.len() + pdfs.len() + homes);
    }
    let done = || {
        if let Some(p) = &opts.progress {
            p.done_one();
        }
    };
    // Each file goes to the sink at once; what stays is its size and
    // warning.
    let put = |made: Made| {
        let kept = (made.path, made.bytes.len(), made.warning);
        sink.put(&kept.0, made.bytes);
        kept
    };
    // PDFs take longest: their driver threads start first and everything
    // else is rendered in the ordinary pool meanwhile.
    let (typeset_results, results) = std::thread::scope(|scope| {
        let typesetting = scope.spawn(|| {
            pdf::typeset_all(
                &pdfs,
                |job| {
                    let r = job.markup(&opts.base_url).and_then(|m| job.typeset(m));
                    done();
                    r.map(|t| {
                        [
                            put(Made::file(job.path.clone(), t.guide)),
                            put(Made::file(job.booklet.clone(), t.booklet)),
                        ]
                    })
                },
                &|| false,
            )
        });
        let results: Vec<Result<_, Diagnostic>> = jobs
            .par_iter()
            .map(|job| {
                let r = shared.render_job(job).map(put);
                done();
                r
            })
            .collect();
        (typesetting.join().expect("typesetting finished"), results)
    });
    let mut rendered = Rendered::default();
    let mut errors = Vec::new();
    let mut keep = |r: Result<(String, usize, Option<Diagnostic>), Diagnostic>,
                    rendered: &mut Rendered| match r {
        Ok((path, size, warning)) => {
            if let Some(w) = warning {
                rendered.warnings.push((path.clone(), w));
            }
            rendered.sizes.insert(path, size);
        }
        Err(d) => errors.push(d),
    };
    for r in typeset_results.into_iter().flatten() {
        match r {
            Ok(files) => files.into_iter().for_each(|f| keep(Ok(f), &mut rendered)),
            Err(d) => keep(Err(d), &mut rendered),
        }
    }
    for r in results {
        keep(r, &mut rendered);
    }
    // The home pages offer the files made above, with their sizes.
    let sizes: BTreeMap<&str, usize> = rendered
        .sizes
        .iter()
        .map(|(p, &n)| (p.as_str(), n))
        .chain(made.iter().map(|(p, &n)| (p.as_str(), n)))
        .collect();
    let home_results: Vec<Result<_, Diagnostic>> = chosen
        .par_iter()
        .map(|&gi| {
            let r = shared.corridor_home(gi, &sizes).map(put);
            done();
            r
        })
        .collect();
    drop(sizes);
    for r in home_results {
        keep(r, &mut rendered);
    }
    if let Some(p) = &opts.progress {
        p.finish();
    }
    if !errors.is_empty() {
        crate::diagnostic::sort(&mut errors);
        return Err(errors);
    }
    if !selection.site_pages() {
        return Ok(rendered);
    }
    let mut rest: Vec<(String, Vec<u8>)> = site
        .theme
        .static_files
        .iter()
        .map(|(path, bytes)| (path.clone(), bytes.clone()))
        .chain(
            site.media
                .iter()
                .map(|(path, bytes)| (format!("media/{path}"), bytes.clone())),
        )
        .collect();
    rest.push((
        "sitemap.xml".into(),
        sitemap::render(&opts.base_url, &shared.sitemap_groups()).into_bytes(),
    ));
    for (path, bytes) in rest {
        rendered.sizes.insert(path.clone(), bytes.len());
        sink.put(&path, bytes);
    }
    Ok(rendered)
}
