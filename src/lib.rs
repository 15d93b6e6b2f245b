//! pocketguide: multilingual Markdown and YAML → a static website and
//! printable pocket guides for safe labour migration.
//!
//! The pipeline, one module per stage in the order data flows:
//! [`load`] (site folder → [`model::Site`]) → [`check`] (diagnostics over
//! the model) → [`view`] (one resolved view of the site and each guide) →
//! [`render`] (every output of [`render::OUTPUTS`]; what they find goes
//! back to [`check`]) → [`write`] (atomic swap). [`pipeline`] strings the
//! stages together for `build`, `check` and `serve` alike. The CLI in
//! `main.rs` only parses arguments and calls [`build`], [`check_site`] and
//! the rest here.

pub mod check;
pub mod diagnostic;
pub mod doc;
pub mod fonts;
pub mod i18n;
pub mod lang;
pub mod load;
pub mod markdown;
pub mod model;
pub mod numbers;
pub mod paths;
pub mod qr;
pub mod render;
pub mod rules;
pub mod scaffold;
pub mod serve;
pub mod source;
pub mod theme;
pub mod translations;
pub mod translit;
pub mod view;
pub mod words;
pub mod write;
pub mod yaml;

use diagnostic::Diagnostic;
use model::Site;
use render::{Purpose, RenderContext, Selection, Sink};
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

/// Loads and checks a site's model: every problem of the files and of
/// their meaning, sorted. The site is `None` when site.yaml itself is
/// unusable.
pub fn load_and_check(site_dir: &Path) -> Result<(Option<Site>, Vec<Diagnostic>), Error> {
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
    diagnostic::sort(&mut diagnostics);
    Ok((loaded.site, diagnostics))
}

/// What [`pipeline`] is asked to do.
pub struct Run<'a> {
    /// The address the site is built for.
    pub base_url: &'a str,
    pub purpose: Purpose,
    /// The site has PDFs (typeset in a build, linked from pages).
    pub pdf: bool,
    pub selection: &'a Selection,
    /// Every output, or (serve) the pages first and the deferred after.
    pub phase: render::Phase,
    pub sink: &'a dyn Sink,
    pub progress: Option<&'a dyn render::Progress>,
    /// Sizes of files made elsewhere (serve's PDFs), for the home pages.
    pub sizes: &'a std::collections::BTreeMap<String, usize>,
}

/// The stages after load and check, the same for `build`, `check` and
/// `serve`: the site's view, every output of the selection rendered into
/// the sink, and what the outputs found turned into diagnostics by
/// `check`. The render's report comes back unless an output failed
/// (its errors are in the diagnostics then).
pub fn pipeline(site: &Site, run: &Run) -> (Option<render::Report>, Vec<Diagnostic>) {
    let site_view = view::SiteView::new(site, run.base_url);
    let mut cx = RenderContext::new(&site_view, run.purpose, run.pdf);
    cx.sizes = run.sizes.clone();
    match render::render(&mut cx, run.selection, run.phase, run.sink, run.progress) {
        Ok(report) => {
            let diagnostics = check::findings(report.findings.iter().map(|(_, f)| f));
            (Some(report), diagnostics)
        }
        Err(errors) => (None, errors),
    }
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

/// What the outputs find in a site that may still have errors: a site
/// with errors in its model reports what the outputs found too, but not
/// the outputs' own failures, which the model's errors may cause.
fn check_render(site: &Site, model_ok: bool) -> Vec<Diagnostic> {
    let run = Run {
        base_url: &site.config.base_url,
        purpose: Purpose::Check,
        pdf: true,
        selection: &Selection::All,
        phase: render::Phase::All,
        sink: &render::Nowhere,
        progress: None,
        sizes: &Default::default(),
    };
    let (report, diagnostics) = pipeline(site, &run);
    if report.is_none() && !model_ok {
        return Vec::new();
    }
    diagnostics
}

/// `pocketguide check`: all diagnostics, or a usage error.
pub fn check_site(site_dir: &Path) -> Result<Vec<Diagnostic>, Error> {
    let (site, mut diagnostics) = load_and_check(site_dir)?;
    if let Some(site) = &site {
        let ok = !diagnostics.iter().any(Diagnostic::is_error);
        diagnostics.extend(check_render(site, ok));
        diagnostic::sort(&mut diagnostics);
    }
    Ok(diagnostics)
}

/// `pocketguide build`: load → check → view → render → write. On any error
/// nothing is written.
pub fn build(opts: &BuildOptions) -> Result<Report, Error> {
    let out = write::check_out_dir(&opts.site, &opts.out).map_err(Error::Usage)?;
    let (site, mut diagnostics) = load_and_check(&opts.site)?;
    let site = match site {
        Some(site) if !diagnostics.iter().any(Diagnostic::is_error) => site,
        _ => {
            if let Some(site) = &site {
                diagnostics.extend(check_render(site, false));
            }
            diagnostic::sort(&mut diagnostics);
            return Err(Error::Content(diagnostics));
        }
    };
    let base_url = match &opts.base_url {
        Some(raw) => command_line_base_url(&site, raw)?,
        None => site.config.base_url.clone(),
    };
    // Files go straight into the new folder; it replaces the output only
    // once everything rendered and was written.
    let staging = write::Staging::begin(&out).map_err(|e| write_error(&opts.out, e))?;
    let (report, found) = pipeline(
        &site,
        &Run {
            base_url: &base_url,
            purpose: Purpose::Build,
            pdf: opts.pdf,
            selection: &Selection::All,
            phase: render::Phase::All,
            sink: &staging,
            progress: opts.progress.as_deref(),
            sizes: &Default::default(),
        },
    );
    diagnostics.extend(found);
    diagnostic::sort(&mut diagnostics);
    if report.is_none() || diagnostics.iter().any(Diagnostic::is_error) {
        return Err(Error::Content(diagnostics));
    }
    let files_written = staging.commit().map_err(|e| write_error(&opts.out, e))?;
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
