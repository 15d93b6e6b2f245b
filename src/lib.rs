//! pocketguide: multilingual Markdown and YAML → a static website and
//! printable pocket guides for safe labour migration.
//!
//! The pipeline, one module per stage in the order data flows:
//! [`load`] (site folder → [`model::Site`]) → [`check`] (diagnostics over the
//! model) → [`render`] (HTML, vCard, sitemap) → [`write`] (atomic swap).
//! The CLI in `main.rs` only parses arguments and calls [`build`] or
//! [`check_site`].

pub mod check;
pub mod diagnostic;
pub mod fonts;
pub mod guide;
pub mod i18n;
pub mod load;
pub mod markdown;
pub mod model;
pub mod qr;
pub mod render;
pub mod rules;
pub mod scaffold;
pub mod serve;
pub mod source;
pub mod theme;
pub mod translations;
pub mod write;
pub mod yaml;

use diagnostic::Diagnostic;
use model::Site;
use std::path::{Path, PathBuf};

pub struct BuildOptions {
    pub site: PathBuf,
    pub out: PathBuf,
    /// Overrides `base_url` from site.yaml.
    pub base_url: Option<String>,
    /// Typeset the PDF pocket guides (`--no-pdf` turns it off).
    pub pdf: bool,
    /// Where to report progress (the CLI draws a bar on terminals).
    pub progress: Option<std::sync::Arc<dyn render::Progress>>,
}

/// What a successful build did. Warnings travel with it.
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    pub files_written: usize,
    pub out: PathBuf,
}

#[derive(Debug)]
pub enum Error {
    /// The command was used wrongly (exit status 2).
    Usage(String),
    /// The content has errors; every diagnostic, warnings included (exit 1).
    Content(Vec<Diagnostic>),
    /// Writing the output failed (exit 1).
    Io(String),
}

/// Loads and checks a site: every problem, sorted, in one list. The site is
/// `None` when site.yaml itself is unusable.
pub fn load_and_check(site_dir: &Path) -> Result<(Option<Site>, Vec<Diagnostic>), Error> {
    let (site, mut diagnostics) = load_and_check_model(site_dir)?;
    if let Some(site) = &site {
        diagnostics.extend(check_guides(site, &site.config.base_url));
    }
    diagnostic::sort(&mut diagnostics);
    Ok((site, diagnostics))
}

/// [`load_and_check`] but for the checks of resolved guides
/// ([`check_guides`]), unsorted.
fn load_and_check_model(site_dir: &Path) -> Result<(Option<Site>, Vec<Diagnostic>), Error> {
    if !site_dir.is_dir() {
        return Err(Error::Usage(format!(
            "site folder {} does not exist",
            site_dir.display()
        )));
    }
    rules::warm_up();
    let loaded = load::load(site_dir);
    let mut diagnostics = loaded.diagnostics;
    if let Some(site) = &loaded.site {
        diagnostics.extend(check::check(site, today()));
    }
    Ok((loaded.site, diagnostics))
}

/// [`check_guide`] for every guide of the site, in parallel, with the
/// address the site is built for.
fn check_guides(site: &Site, base_url: &str) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    guide::all(site)
        .par_iter()
        .flat_map_iter(|g| check_guide(g, base_url))
        .collect()
}

/// What only a resolved guide shows: characters its PDF cannot print, and
/// messages too long to send. (A page printed in several guides is found in
/// each; sorting the diagnostics drops the repeats.)
pub fn check_guide(guide: &guide::Guide, base_url: &str) -> Vec<Diagnostic> {
    let mut d = render::pdf::uncovered(guide, base_url);
    d.extend(render::message::too_long(guide, base_url));
    d
}

/// The day contacts' `verified` dates are measured from: today, or the day
/// of `SOURCE_DATE_EPOCH` (seconds since 1970) when it is set, as the
/// reproducible-builds convention has it, so a check in CI or a test gives
/// the same answer next year.
pub fn today() -> chrono::NaiveDate {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| chrono::DateTime::from_timestamp(secs, 0))
        .map_or_else(|| chrono::Local::now().date_naive(), |t| t.date_naive())
}

/// `pocketguide check`: all diagnostics, or a usage error. When the content
/// has no errors, the HTML is also rendered in memory, so template errors and
/// pages over the weight budget show up before a build.
pub fn check_site(site_dir: &Path) -> Result<Vec<Diagnostic>, Error> {
    let (site, mut diagnostics) = load_and_check(site_dir)?;
    if let Some(site) = site.filter(|_| !diagnostics.iter().any(Diagnostic::is_error)) {
        let opts = render::RenderOptions {
            base_url: site.config.base_url.clone(),
            pdf: true,
            progress: None,
        };
        match render::render_for_check(&site, &opts) {
            Ok(output) => diagnostics.extend(output.warnings.into_iter().map(|(_, d)| d)),
            Err(errors) => diagnostics.extend(errors),
        }
        diagnostic::sort(&mut diagnostics);
    }
    Ok(diagnostics)
}

/// `pocketguide build`: load → check → render → write. On any error nothing
/// is written.
pub fn build(opts: &BuildOptions) -> Result<Report, Error> {
    let out = write::check_out_dir(&opts.site, &opts.out).map_err(Error::Usage)?;
    let (site, mut diagnostics) = load_and_check_model(&opts.site)?;
    let site = match site {
        Some(site) if !diagnostics.iter().any(Diagnostic::is_error) => site,
        _ => {
            if let Some(site) = &site {
                diagnostics.extend(check_guides(site, &site.config.base_url));
            }
            diagnostic::sort(&mut diagnostics);
            return Err(Error::Content(diagnostics));
        }
    };
    let base_url = match &opts.base_url {
        Some(raw) => command_line_base_url(&site, raw)?,
        None => site.config.base_url.clone(),
    };
    let render_opts = render::RenderOptions {
        base_url,
        pdf: opts.pdf,
        progress: opts.progress.clone(),
    };
    let has_errors = |d: &[Diagnostic]| d.iter().any(Diagnostic::is_error);
    // The guides are checked (fonts, message lengths) with the address the
    // site is built for. Typesetting takes long, so PDFs wait for the
    // check; HTML alone renders beside it and is thrown away on an error.
    if opts.pdf {
        diagnostics.extend(check_guides(&site, &render_opts.base_url));
        if has_errors(&diagnostics) {
            diagnostic::sort(&mut diagnostics);
            return Err(Error::Content(diagnostics));
        }
    }
    // Files go straight into the new folder; it replaces the output only
    // once everything rendered and was written.
    let staging = write::Staging::begin(&out).map_err(|e| write_error(&opts.out, e))?;
    let (guide_diagnostics, rendered) = rayon::join(
        || {
            if opts.pdf {
                Vec::new()
            } else {
                check_guides(&site, &render_opts.base_url)
            }
        },
        || render::render(&site, &render_opts, &staging),
    );
    diagnostics.extend(guide_diagnostics);
    diagnostic::sort(&mut diagnostics);
    if has_errors(&diagnostics) {
        return Err(Error::Content(diagnostics));
    }
    let rendered = rendered.map_err(|mut errors| {
        errors.extend(diagnostics.iter().cloned());
        diagnostic::sort(&mut errors);
        Error::Content(errors)
    })?;
    let files_written = staging.commit().map_err(|e| write_error(&opts.out, e))?;
    diagnostics.extend(rendered.warnings.into_iter().map(|(_, d)| d));
    diagnostic::sort(&mut diagnostics);
    // Freeing thousands of pages takes a while and nobody waits for it.
    std::thread::spawn(move || drop(site));
    Ok(Report {
        diagnostics,
        files_written,
        out,
    })
}

fn write_error(out: &Path, e: std::io::Error) -> Error {
    Error::Io(format!("cannot write {}: {e}", out.display()))
}

/// `--base-url`: checked as site.yaml's `base_url` is, a usage error if not.
fn command_line_base_url(site: &Site, raw: &str) -> Result<String, Error> {
    let base = rules::valid_base_url(raw)
        .map_err(|e| Error::Usage(format!("--base-url: {}", e.replacen("base_url ", "", 1))))?;
    for corridor in &site.corridors {
        for lang in &corridor.languages {
            let url = format!("{base}{lang}/{}/", corridor.slug);
            if !qr::fits(&url) {
                return Err(Error::Usage(format!(
                    "--base-url is too long: the guide address {url} ({} characters) does not fit in the QR code printed on the guide",
                    url.len()
                )));
            }
        }
    }
    Ok(base)
}

/// `pocketguide translations`: the site (for its languages) and one row per
/// corridor × chapter × language.
pub fn translation_status(site_dir: &Path) -> Result<(Site, Vec<translations::Row>), Error> {
    let site = load_site(site_dir)?;
    let rows = translations::rows(&site);
    Ok((site, rows))
}

/// A file named on the command line, relative to the current folder or to
/// the site, as a path relative to the site.
fn site_relative(site_dir: &Path, file: &Path) -> Result<PathBuf, Error> {
    let root = site_dir
        .canonicalize()
        .map_err(|e| Error::Usage(format!("cannot open {}: {e}", site_dir.display())))?;
    // The folder is resolved, not the file: a file that is a link is
    // named as itself (and then refused by whatever would write it).
    let resolved = match (file.parent(), file.file_name()) {
        (Some(parent), Some(name)) => {
            let parent = if parent.as_os_str().is_empty() {
                Path::new(".")
            } else {
                parent
            };
            parent.canonicalize().map(|p| p.join(name)).and_then(|p| {
                std::fs::symlink_metadata(&p)?;
                Ok(p)
            })
        }
        _ => file.canonicalize(),
    };
    match resolved {
        Ok(abs) => abs.strip_prefix(&root).map(Path::to_path_buf).map_err(|_| {
            Error::Content(vec![Diagnostic::error(
                file,
                None,
                "is not inside the site folder",
            )])
        }),
        Err(_) if site_dir.join(file).is_file() => Ok(file.to_path_buf()),
        Err(e) => Err(Error::Usage(format!("cannot open {}: {e}", file.display()))),
    }
}

/// `pocketguide translations --stamp FILE`: FILE relative to the current
/// folder or to the site. Returns the hash written.
pub fn stamp(site_dir: &Path, file: &Path) -> Result<String, Error> {
    let site = load_site(site_dir)?;
    let rel = site_relative(site_dir, file)?;
    translations::stamp(&site, &rel)
        .map_err(|e| Error::Content(vec![Diagnostic::error(&rel, None, e.to_string())]))
}

/// What `translations diff` shows: the translation, its source page and
/// the changes between the version it was made from and now.
pub struct DiffReport {
    pub translation: PathBuf,
    pub source: PathBuf,
    pub changes: translations::SourceChanges,
}

/// `pocketguide translations diff FILE`.
pub fn translation_diff(site_dir: &Path, file: &Path) -> Result<DiffReport, Error> {
    let site = load_site(site_dir)?;
    let rel = site_relative(site_dir, file)?;
    let content = |m: String| Error::Content(vec![Diagnostic::error(&rel, None, m)]);
    let t = translations::translation_of(&site, &rel).map_err(|e| content(e.to_string()))?;
    let changes = translations::source_changes(&site, &t).map_err(|e| content(e.to_string()))?;
    Ok(DiffReport {
        translation: rel.clone(),
        source: t.source.file.clone(),
        changes,
    })
}

/// `pocketguide translations export --lang L [--corridor C] --out DIR`:
/// the PO files written.
pub fn export_po(
    site_dir: &Path,
    lang: &str,
    corridor: Option<&str>,
    out: &Path,
) -> Result<Vec<PathBuf>, Error> {
    let site = load_site(site_dir)?;
    translations::po::export(&site, lang, corridor, out).map_err(Error::Usage)
}

/// `pocketguide translations import FILE.po`.
pub fn import_po(site_dir: &Path, po: &Path) -> Result<translations::po::Imported, Error> {
    let site = load_site(site_dir)?;
    if !po.is_file() {
        return Err(Error::Usage(format!("{} is not a file", po.display())));
    }
    translations::po::import(&site, po).map_err(Error::Content)
}

/// `pocketguide translations --format html`: the status page.
pub fn translation_status_page(site_dir: &Path) -> Result<String, Error> {
    translation_status_page_until(site_dir, &|| false)
}

/// [`translation_status_page`], given up (with what is done so far) once
/// `cancelled` says so: serve's reader left.
pub fn translation_status_page_until(
    site_dir: &Path,
    cancelled: &dyn Fn() -> bool,
) -> Result<String, Error> {
    let site = load_site(site_dir)?;
    Ok(translations::report::page_until(&site, cancelled))
}

/// `pocketguide new corridor NAME`: the files created, relative to the site.
pub fn new_corridor(site_dir: &Path, name: &str) -> Result<Vec<PathBuf>, Error> {
    let site = load_site(site_dir)?;
    scaffold::new_corridor(site_dir, &site.config, name, today()).map_err(|e| match e {
        scaffold::NewError::Usage(m) => Error::Usage(m),
        scaffold::NewError::Exists(m) => Error::Content(vec![Diagnostic::error(
            Path::new("content").join(name),
            None,
            m,
        )]),
        scaffold::NewError::Io(m) => Error::Io(m),
    })
}

/// `pocketguide new site`: a site folder at `dir` that passes
/// `check --strict`. Returns the files written, relative to `dir`.
pub fn new_site(dir: &Path, opts: &scaffold::SiteOptions) -> Result<Vec<PathBuf>, Error> {
    scaffold::new_site(dir, opts).map_err(|e| match e {
        scaffold::NewError::Usage(m) | scaffold::NewError::Exists(m) => Error::Usage(m),
        scaffold::NewError::Io(m) => Error::Io(m),
    })
}

/// A site whose site.yaml loads, whatever else is wrong with it.
fn load_site(site_dir: &Path) -> Result<Site, Error> {
    let (site, diagnostics) = load_and_check(site_dir)?;
    site.ok_or_else(|| {
        Error::Content(
            diagnostics
                .into_iter()
                .filter(Diagnostic::is_error)
                .collect(),
        )
    })
}
