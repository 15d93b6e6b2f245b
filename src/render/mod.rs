//! Render: the resolved view → every output file. The contract, as
//! mdBook's `Renderer::render(&RenderContext)`: an [`Output`] sees a
//! [`RenderContext`] (the [`SiteView`] and what this render is for) and
//! nothing else, and makes its files for one guide or for the site. Every
//! output is one line of [`OUTPUTS`]; `build`, `check` and `serve` all run
//! that list through [`render`]. Files go to a [`Sink`] as soon as they
//! are made (memory for `serve`, the write module's staging folder for
//! `build`); what an output notices that a reader would suffer from (a
//! character the PDF fonts lack, a message too long to send, a page too
//! heavy) comes back as a [`Finding`], which `check` turns into a
//! diagnostic. Nothing here touches the disk.

pub mod booklet;
pub mod epub;
pub mod html;
pub mod html_doc;
pub mod message;
pub mod pdf;
pub mod search;
pub mod single;
pub mod sitemap;
pub mod typst_doc;
pub mod vcard;
pub mod xhtml;

use crate::diagnostic::Diagnostic;
use crate::view::{GuideView, SiteView, Source};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// What a render is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Every file, PDFs typeset when the render makes them.
    Build,
    /// Only what `check` must know (what each output would find): nothing
    /// is kept, nothing is typeset, pages are weighed without their text.
    Check,
    /// serve's preview: every file but the PDFs, which a worker of serve's
    /// own typesets afterwards (the PDF output still looks for problems).
    Preview,
}

/// What every output sees.
pub struct RenderContext<'a> {
    pub site: &'a SiteView,
    pub purpose: Purpose,
    /// The site has PDF pocket guides: pages link them (and a build
    /// typesets them).
    pub pdf: bool,
    /// Sizes of the files made so far, by output path: the guide's home
    /// page offers each download with its size.
    pub sizes: BTreeMap<String, usize>,
    /// What the HTML outputs share, made once per render.
    pub(crate) pages: html::Prepared,
}

impl<'a> RenderContext<'a> {
    pub fn new(site: &'a SiteView, purpose: Purpose, pdf: bool) -> Self {
        RenderContext {
            site,
            purpose,
            pdf,
            sizes: BTreeMap::new(),
            pages: html::Prepared::new(site),
        }
    }
}

/// Whom an output makes files for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every guide (a corridor in one language), under its folder.
    Guide,
    /// The site once: the language pages, the sitemap.
    Site,
    /// Every language once, over all its guides (the search index): made
    /// again when any of its guides is, so a preview re-makes only the
    /// languages of what was saved.
    Language,
}

/// One render of one output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The guide at this index of [`SiteView::guides`].
    Guide(usize),
    Site,
    /// The language at this index of [`SiteView::languages`].
    Language(usize),
}

/// An output: a format, a page kind, an index. Add one by writing a module
/// with a type implementing this and listing it in [`OUTPUTS`]
/// (CONTRIBUTING.md shows the steps).
pub trait Output: Sync {
    /// A short name, for messages and docs.
    fn name(&self) -> &'static str;
    fn scope(&self) -> Scope;
    /// Made after every other output: it shows their sizes.
    fn last(&self) -> bool {
        false
    }
    /// Typesetting: slow, run on threads of its own in a build; elsewhere
    /// it must only look (serve typesets on a worker of its own).
    fn heavy(&self) -> bool {
        false
    }
    /// Made in a preview only after the pages are shown (an index over a
    /// whole language, which no page waits for).
    fn deferred(&self) -> bool {
        false
    }
    /// The files this output offers a guide's readers (file name in the
    /// guide's folder, and the interface string that names it), in the
    /// order the home page lists them.
    fn offers(&self, _cx: &RenderContext, _guide: &GuideView) -> Vec<(String, &'static str)> {
        Vec::new()
    }
    /// Makes the output's files for `target`.
    fn render(&self, cx: &RenderContext, target: Target) -> Result<Done, Diagnostic>;
}

/// What one render of an output made.
#[derive(Default)]
pub struct Done {
    pub files: Vec<Made>,
    pub findings: Vec<Finding>,
}

impl Done {
    pub fn file(path: String, bytes: Vec<u8>) -> Self {
        Done {
            files: vec![Made { path, bytes }],
            findings: Vec::new(),
        }
    }
}

/// An output file: its output-relative path (with `/`) and bytes.
pub struct Made {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Something an output noticed that a reader would suffer from; `check`
/// says what it means ([`crate::check::findings`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Finding {
    /// A character the PDF would print that no font draws.
    Uncovered { at: Source, ch: char },
    /// A message over what it may hold (`limit` in its own units).
    MessageTooLong {
        /// `sms` or `message`.
        kind: &'static str,
        lang: String,
        length: usize,
        limit: usize,
        at: Source,
    },
    /// A chapter page heavier than the budget, beyond its own text.
    PageWeight {
        page: String,
        bytes: usize,
        at: Source,
    },
}

/// Every output, in the order a guide's home page offers their files.
pub static OUTPUTS: &[&dyn Output] = &[
    &html::Chapters,
    &html::Print,
    &pdf::Pdf,
    &single::Single,
    &epub::Epub,
    &vcard::VCard,
    &message::Message,
    &message::Sms,
    &html::Home,
    &html::LanguageIndex,
    &html::Chooser,
    &html::NotFound,
    &sitemap::Sitemap,
    &search::Search,
    &html::Static,
];

/// Where each output file goes as soon as it is rendered, from any thread:
/// a large site is never held whole in memory, and writing overlaps
/// rendering.
pub trait Sink: Sync {
    /// `path` is output-relative, with `/`.
    fn put(&self, path: &str, bytes: Vec<u8>);
}

/// Files kept in memory.
#[derive(Default)]
pub struct Memory(std::sync::Mutex<BTreeMap<String, Vec<u8>>>);

impl Memory {
    pub fn into_files(self) -> BTreeMap<String, Vec<u8>> {
        self.0.into_inner().unwrap()
    }
}

impl Sink for Memory {
    fn put(&self, path: &str, bytes: Vec<u8>) {
        self.0.lock().unwrap().insert(path.to_string(), bytes);
    }
}

/// Files thrown away (what `check` renders, it does not keep).
pub struct Nowhere;

impl Sink for Nowhere {
    fn put(&self, _: &str, _: Vec<u8>) {}
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

/// Which outputs to render: `serve` re-renders only what a change touched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// Everything: every guide and the site's own files.
    All,
    /// These guides (corridor slug, language), every file of each but its
    /// PDFs; with `site`, also the site-wide outputs.
    Only {
        guides: BTreeSet<GuideKey>,
        site: bool,
    },
}

/// A guide: (corridor slug, language).
pub type GuideKey = (String, String);

/// Which outputs a render makes: all (build, check), or in a preview first
/// what the pages need (`Shown`) and then the deferred ones (`After`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    All,
    Shown,
    After,
}

impl Phase {
    fn runs(self, o: &dyn Output) -> bool {
        match self {
            Phase::All => true,
            Phase::Shown => !o.deferred(),
            Phase::After => o.deferred(),
        }
    }
}

impl Selection {
    pub fn has(&self, corridor: &str, lang: &str) -> bool {
        match self {
            Selection::All => true,
            Selection::Only { guides, .. } => {
                guides.contains(&(corridor.to_string(), lang.to_string()))
            }
        }
    }

    pub fn site(&self) -> bool {
        match self {
            Selection::All => true,
            Selection::Only { site, .. } => *site,
        }
    }
}

/// What one job leaves once its files are in the sink: their sizes, and
/// its findings by guide.
type JobResult = (Vec<(String, usize)>, Vec<(Option<GuideKey>, Finding)>);

/// What a render made besides the files: their sizes, and what each
/// output found, by the guide it is about (`None`: the site).
#[derive(Default)]
pub struct Report {
    pub sizes: BTreeMap<String, usize>,
    pub findings: Vec<(Option<GuideKey>, Finding)>,
}

/// Renders the outputs of `selection` into `sink`. Every output runs, in
/// parallel; the heavy ones (typesetting) on threads of their own in a
/// build, while the rest render in the ordinary pool; the outputs that
/// show others' sizes last. On an output's error nothing is lost but the
/// render: the errors come back, all of them.
pub fn render(
    cx: &mut RenderContext,
    selection: &Selection,
    phase: Phase,
    sink: &dyn Sink,
    progress: Option<&dyn Progress>,
) -> Result<Report, Vec<Diagnostic>> {
    let targets = |o: &dyn Output| -> Vec<Target> {
        match o.scope() {
            Scope::Site if selection.site() => vec![Target::Site],
            Scope::Site => vec![],
            Scope::Language => (0..cx.site.languages.len())
                .filter(|&l| {
                    let code = &cx.site.languages[l].code;
                    selection.site()
                        || cx
                            .site
                            .guides
                            .iter()
                            .any(|g| &g.lang.code == code && selection.has(&g.corridor, code))
                })
                .map(Target::Language)
                .collect(),
            Scope::Guide => (0..cx.site.guides.len())
                .filter(|&g| {
                    let guide = &cx.site.guides[g];
                    selection.has(&guide.corridor, &guide.lang.code)
                })
                .map(Target::Guide)
                .collect(),
        }
    };
    // A heavy output typesets in a build only; elsewhere it runs (for what
    // it finds) beside the others. Without PDFs it does not run at all.
    let jobs = |last: bool, heavy: bool| -> Vec<(&'static dyn Output, Target)> {
        OUTPUTS
            .iter()
            .copied()
            .filter(|o| o.last() == last && (cx.pdf || !o.heavy()) && phase.runs(*o))
            .filter(|o| (o.heavy() && cx.purpose == Purpose::Build) == heavy)
            .flat_map(|o| targets(o).into_iter().map(move |t| (o, t)))
            .collect()
    };
    let (first, typeset, homes) = (jobs(false, false), jobs(false, true), jobs(true, false));
    if let Some(p) = progress {
        p.start(first.len() + typeset.len() + homes.len());
    }
    let mut report = Report::default();
    let mut errors = Vec::new();
    let run = |cx: &RenderContext, (o, t): &(&'static dyn Output, Target)| {
        let r = o.render(cx, *t).map(|done| {
            let key = match t {
                Target::Guide(g) => {
                    let guide = &cx.site.guides[*g];
                    Some((guide.corridor.clone(), guide.lang.code.clone()))
                }
                Target::Site | Target::Language(_) => None,
            };
            let sizes: Vec<(String, usize)> = done
                .files
                .into_iter()
                .map(|m| {
                    let size = (m.path.clone(), m.bytes.len());
                    sink.put(&m.path, m.bytes);
                    size
                })
                .collect();
            let findings: Vec<_> = done
                .findings
                .into_iter()
                .map(|f| (key.clone(), f))
                .collect();
            (sizes, findings)
        });
        if let Some(p) = progress {
            p.done_one();
        }
        r
    };
    let mut keep = |r: Result<JobResult, Diagnostic>, report: &mut Report| match r {
        Ok((sizes, findings)) => {
            report.sizes.extend(sizes);
            report.findings.extend(findings);
        }
        Err(d) => errors.push(d),
    };
    // Typesetting takes longest: its threads start first and everything
    // else renders in the ordinary pool meanwhile.
    let ctx: &RenderContext = cx;
    let (typeset_results, results) = std::thread::scope(|scope| {
        let typesetting =
            scope.spawn(|| pdf::typeset_all(&typeset, |job| run(ctx, job), &|| false));
        let results: Vec<_> = first.par_iter().map(|job| run(ctx, job)).collect();
        (typesetting.join().expect("typesetting finished"), results)
    });
    for r in typeset_results.into_iter().flatten().chain(results) {
        keep(r, &mut report);
    }
    cx.sizes
        .extend(report.sizes.iter().map(|(p, &n)| (p.clone(), n)));
    let ctx: &RenderContext = cx;
    let results: Vec<_> = homes.par_iter().map(|job| run(ctx, job)).collect();
    for r in results {
        keep(r, &mut report);
    }
    if let Some(p) = progress {
        p.finish();
    }
    if errors.is_empty() {
        Ok(report)
    } else {
        crate::diagnostic::sort(&mut errors);
        Err(errors)
    }
}
