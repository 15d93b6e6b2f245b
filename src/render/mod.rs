//! Render: the checked model → every output file, in memory. Pages are
//! independent, so they render in parallel; nothing here touches the disk.

pub mod html;
pub mod pdf;
pub mod sitemap;
pub mod typst_markup;
pub mod vcard;

use crate::diagnostic::Diagnostic;
use crate::guide::Guide;
use crate::model::Site;
use rayon::prelude::*;
use std::collections::BTreeMap;

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

/// One PDF pocket guide: a corridor in one language.
pub struct PdfJob<'a> {
    /// Output-relative path, `<lang>/<corridor>/<corridor>-<lang>.pdf`.
    pub path: String,
    pub guide: Guide<'a>,
}

impl PdfJob<'_> {
    /// The guide as Typst markup: cheap, and the whole input of the costly
    /// typesetting (with the site's images), so callers can skip guides
    /// whose markup did not change.
    pub fn markup(&self, base_url: &str) -> Result<String, Diagnostic> {
        pdf::markup(&self.guide, base_url, &mut |_, _| {}).map_err(|e| self.error(e))
    }

    pub fn typeset(&self, markup: String) -> Result<Vec<u8>, Diagnostic> {
        pdf::compile(markup, &self.guide.site.media).map_err(|e| self.error(e))
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

pub fn pdf_jobs(site: &Site) -> Vec<PdfJob<'_>> {
    crate::guide::all(site)
        .into_iter()
        .map(|guide| PdfJob {
            path: html::pdf_path(guide.corridor, guide.lang),
            guide,
        })
        .collect()
}

/// Output-relative path (with `/`) → bytes, and the warnings rendering
/// found (pages over the weight budget).
#[derive(Default)]
pub struct Output {
    pub files: BTreeMap<String, Vec<u8>>,
    pub warnings: Vec<Diagnostic>,
}

/// One output file's worth of work.
pub(crate) enum Job<'a> {
    Chooser,
    LanguageIndex(&'a str),
    CorridorHome(usize, &'a str),
    Chapter(usize, &'a str, &'a str),
    Print(usize, &'a str),
    VCard(usize, &'a str),
    NotFound,
}

/// Every output file: HTML pages, and the PDFs when `opts.pdf` is on.
pub fn render(site: &Site, opts: &RenderOptions) -> Result<Output, Vec<Diagnostic>> {
    render_jobs(site, opts, opts.pdf)
}

/// HTML pages, vCards, sitemap and static files, without typesetting PDFs
/// (pages still link them when `opts.pdf` is on): what `serve` shows first.
pub fn render_html(site: &Site, opts: &RenderOptions) -> Result<Output, Vec<Diagnostic>> {
    render_jobs(site, opts, false)
}

fn render_jobs(
    site: &Site,
    opts: &RenderOptions,
    typeset: bool,
) -> Result<Output, Vec<Diagnostic>> {
    let ctx = html::Shared::new(site, opts);
    let mut jobs: Vec<Job> = vec![Job::Chooser, Job::NotFound];
    for l in &site.config.languages {
        jobs.push(Job::LanguageIndex(&l.code));
    }
    for (ci, corridor) in site.corridors.iter().enumerate() {
        for lang in &corridor.languages {
            jobs.push(Job::CorridorHome(ci, lang));
            jobs.push(Job::Print(ci, lang));
            jobs.push(Job::VCard(ci, lang));
            for ch in &corridor.chapters {
                jobs.push(Job::Chapter(ci, lang, &ch.slug));
            }
        }
    }
    let pdfs = if typeset { pdf_jobs(site) } else { Vec::new() };
    if let Some(p) = &opts.progress {
        p.start(jobs.len() + pdfs.len());
    }
    let done = || {
        if let Some(p) = &opts.progress {
            p.done_one();
        }
    };
    // PDFs take longest: their driver threads start first and the HTML
    // pages are rendered in the ordinary pool meanwhile.
    let (pdf_results, results) = std::thread::scope(|scope| {
        let typesetting = scope.spawn(|| {
            pdf::typeset_all(
                &pdfs,
                |job| {
                    let r = job
                        .markup(&opts.base_url)
                        .and_then(|m| job.typeset(m))
                        .map(|bytes| (job.path.clone(), bytes));
                    done();
                    r
                },
                &|| false,
            )
        });
        let results: Vec<Result<(String, Vec<u8>), Diagnostic>> = jobs
            .par_iter()
            .map(|job| {
                let r = ctx.render_job(job);
                done();
                r
            })
            .collect();
        (typesetting.join().expect("typesetting finished"), results)
    });
    let results: Vec<_> = pdf_results.into_iter().flatten().chain(results).collect();
    if let Some(p) = &opts.progress {
        p.finish();
    }

    let mut output = Output::default();
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok((path, bytes)) => {
                if let Some(w) = ctx.weight_warning(&path, &bytes) {
                    output.warnings.push(w);
                }
                output.files.insert(path, bytes);
            }
            Err(d) => errors.push(d),
        }
    }
    if !errors.is_empty() {
        crate::diagnostic::sort(&mut errors);
        return Err(errors);
    }
    for (path, bytes) in &site.theme.static_files {
        output.files.insert(path.clone(), bytes.clone());
    }
    for (path, bytes) in &site.media {
        output.files.insert(format!("media/{path}"), bytes.clone());
    }
    output.files.insert(
        "sitemap.xml".into(),
        sitemap::render(&opts.base_url, &ctx.sitemap_groups()).into_bytes(),
    );
    Ok(output)
}
