//! Render: the checked model → every output file, in memory. Pages are
//! independent, so they render in parallel; nothing here touches the disk.

pub mod html;
pub mod pdf;
pub mod sitemap;
pub mod typst_markup;
pub mod vcard;

use crate::diagnostic::Diagnostic;
use crate::model::Site;
use rayon::prelude::*;
use std::collections::BTreeMap;

pub struct RenderOptions {
    /// Absolute base address, ending in `/`.
    pub base_url: String,
    /// Typeset the PDF pocket guides too (off for quick previews).
    pub pdf: bool,
}

/// Output-relative path (with `/`) → bytes.
#[derive(Default)]
pub struct Output {
    pub files: BTreeMap<String, Vec<u8>>,
}

/// One output file's worth of work.
pub(crate) enum Job<'a> {
    Chooser,
    LanguageIndex(&'a str),
    CorridorHome(usize, &'a str),
    Chapter(usize, &'a str, &'a str),
    Print(usize, &'a str),
    VCard(usize, &'a str),
    Pdf(usize, &'a str),
    NotFound,
}

pub fn render(site: &Site, opts: &RenderOptions) -> Result<Output, Vec<Diagnostic>> {
    let ctx = html::Shared::new(site, opts);
    // PDFs first: they are the longest jobs, so rayon starts them early and
    // the HTML pages fill the gaps.
    let mut jobs = Vec::new();
    if opts.pdf {
        for (ci, corridor) in site.corridors.iter().enumerate() {
            for lang in &corridor.languages {
                jobs.push(Job::Pdf(ci, lang));
            }
        }
    }
    jobs.extend([Job::Chooser, Job::NotFound]);
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
    let results: Vec<Result<(String, Vec<u8>), Diagnostic>> =
        jobs.par_iter().map(|job| ctx.render_job(job)).collect();

    let mut output = Output::default();
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok((path, bytes)) => {
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
    output.files.insert(
        "sitemap.xml".into(),
        sitemap::render(&opts.base_url, &ctx.sitemap_groups()).into_bytes(),
    );
    Ok(output)
}
