//! `pocketguide serve`: a live preview for editors. Builds into a temporary
//! folder (never the user's `public/`), serves it on 127.0.0.1 only, watches
//! the site's sources and rebuilds on every save: HTML first, then the PDFs
//! on a worker of their own (only the guides whose Typst input changed, and
//! a newer save supersedes older PDF work). Open pages reload through
//! Server-Sent Events once a build is complete; a content error is shown on
//! the page while the last good pages stay served. The reload script and
//! the error panel are added to responses here, never to the files a
//! `build` writes.

mod http;

use crate::diagnostic::{self, Diagnostic};
use crate::model::Site;
use crate::render::{self, RenderOptions};
use crate::{load_and_check, write, Error};
use notify::{EventKind, RecursiveMode, Watcher};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::io::Write as _;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Condvar, Mutex, RwLock};
use std::time::{Duration, Instant};

pub struct ServeOptions {
    pub site: PathBuf,
    /// 0 picks a free port.
    pub port: u16,
    /// Open the preview in the default browser.
    pub open: bool,
}

/// Problems printed after each rebuild; the rest are counted.
const SHOWN_PROBLEMS: usize = 10;

enum Msg {
    Changed,
    Stop,
}

/// State shared by the builder, the PDF worker and the HTTP threads.
pub(crate) struct Shared {
    site: PathBuf,
    out: PathBuf,
    /// The preview's own address: pages, sitemap and 404 links point here.
    base_url: String,
    /// The error panel of the last build, when it failed.
    errors: RwLock<Option<String>>,
    clients: Mutex<Vec<mpsc::Sender<()>>>,
    /// Bumped by every build; PDF work of an older build stops.
    generation: AtomicU64,
    /// A6 guide path → the hash of its Typst markup, and the PDFs made from
    /// it.
    pdfs: Mutex<HashMap<String, (u64, PdfFiles)>>,
    /// The newest build's guides to typeset, for the PDF worker.
    pdf_work: Mutex<Option<PdfWork>>,
    pdf_wanted: Condvar,
}

/// The A6 guide and the A4 booklet: (output path, bytes) each.
type PdfFiles = [(String, Vec<u8>); 2];

struct PdfWork {
    generation: u64,
    site: Site,
    opts: RenderOptions,
}

pub fn serve(opts: ServeOptions) -> Result<(), Error> {
    if !opts.site.join("site.yaml").is_file() {
        return Err(Error::Usage(format!(
            "{} has no site.yaml: is it a pocketguide site? (see --site)",
            opts.site.display()
        )));
    }
    let listener = TcpListener::bind(("127.0.0.1", opts.port)).map_err(|e| {
        Error::Usage(if e.kind() == std::io::ErrorKind::AddrInUse {
            format!(
                "port {} is already in use; choose another with --port, or --port 0 for any free one",
                opts.port
            )
        } else {
            format!("cannot listen on 127.0.0.1:{}: {e}", opts.port)
        })
    })?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::Io(e.to_string()))?;
    let tmp = tempfile::Builder::new()
        .prefix("pocketguide-serve-")
        .tempdir()
        .map_err(|e| Error::Io(format!("cannot create a temporary folder: {e}")))?;
    let url = format!("http://{addr}/");
    let shared = Arc::new(Shared {
        site: opts.site.clone(),
        out: tmp.path().join("site"),
        base_url: url.clone(),
        errors: RwLock::new(None),
        clients: Mutex::new(Vec::new()),
        generation: AtomicU64::new(0),
        pdfs: Mutex::new(HashMap::new()),
        pdf_work: Mutex::new(None),
        pdf_wanted: Condvar::new(),
    });

    // Watch before the first build, so a save during it is not lost.
    let (tx, rx) = mpsc::channel();
    let stop = tx.clone();
    ctrlc::set_handler(move || {
        let _ = stop.send(Msg::Stop);
    })
    .map_err(|e| Error::Io(format!("cannot handle Ctrl-C: {e}")))?;
    let root = opts
        .site
        .canonicalize()
        .map_err(|e| Error::Usage(format!("cannot open {}: {e}", opts.site.display())))?;
    let watched_root = root.clone();
    let mut watcher = notify::recommended_watcher(move |r: notify::Result<notify::Event>| {
        // Reads are events too (a build reads every file): only changes count.
        let relevant = r.map_or(true, |event| {
            matches!(
                event.kind,
                EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_) | EventKind::Any
            ) && event.paths.iter().any(|p| is_source(&watched_root, p))
        });
        if relevant {
            let _ = tx.send(Msg::Changed);
        }
    })
    .map_err(|e| Error::Io(format!("cannot watch files: {e}")))?;
    // Only the sources: a recursive watch of the site root would also see
    // `target/` or `public/` and rebuild in a loop.
    watcher
        .watch(&root, RecursiveMode::NonRecursive)
        .map_err(|e| Error::Io(format!("cannot watch {}: {e}", root.display())))?;
    let mut watched = Vec::new();
    let mut watch_sources = |watcher: &mut notify::RecommendedWatcher| {
        for dir in SOURCE_DIRS {
            let path = root.join(dir);
            if path.is_dir()
                && !watched.contains(&path)
                && watcher.watch(&path, RecursiveMode::Recursive).is_ok()
            {
                watched.push(path);
            }
        }
    };
    watch_sources(&mut watcher);
    let worker = Arc::clone(&shared);
    std::thread::Builder::new()
        .name("serve-pdf".into())
        .spawn(move || pdf_worker(&worker))
        .map_err(|e| Error::Io(format!("cannot start the PDF worker: {e}")))?;
    rebuild(&shared);
    log(format!("serving {} at {url}", opts.site.display()));
    log(format!(
        "output in {} (removed on Ctrl-C)",
        tmp.path().display()
    ));
    http::listen(listener, Arc::clone(&shared));
    if opts.open {
        open_browser(&url);
    }

    while let Ok(msg) = rx.recv() {
        match msg {
            Msg::Changed => {
                // One save is often several events (write, rename, chmod):
                // wait until they stop for a moment, then build once.
                let mut stop = false;
                while let Ok(more) = rx.recv_timeout(Duration::from_millis(DEBOUNCE_MS)) {
                    stop |= matches!(more, Msg::Stop);
                }
                if stop {
                    break;
                }
                // A source folder created since the start is watched from now on.
                watch_sources(&mut watcher);
                rebuild(&shared)
            }
            Msg::Stop => break,
        }
    }
    drop(watcher);
    let path = tmp.path().to_path_buf();
    tmp.close()
        .map_err(|e| Error::Io(format!("cannot remove {}: {e}", path.display())))?;
    log("stopped");
    Ok(())
}

/// A line for the editor's terminal; a closed terminal is no reason to stop
/// previewing.
fn log(text: impl std::fmt::Display) {
    let _ = writeln!(std::io::stdout().lock(), "{text}");
}

/// How long a burst of file events must be quiet before a rebuild.
const DEBOUNCE_MS: u64 = 50;

/// The folders a site is built from, besides site.yaml.
const SOURCE_DIRS: [&str; 3] = ["content", "locales", "themes"];

/// Whether a changed path is something the site is built from: site.yaml
/// or a file below a source folder, but not editors' swap and backup files.
fn is_source(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let top = rel
        .components()
        .next()
        .map(|c| c.as_os_str().to_string_lossy().into_owned());
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let editor_file = name.starts_with('.') || name.ends_with('~') || name.ends_with(".swp");
    match top.as_deref() {
        Some("site.yaml") => true,
        Some(dir) if SOURCE_DIRS.contains(&dir) => !editor_file,
        _ => false,
    }
}

fn rebuild(shared: &Arc<Shared>) {
    let started = Instant::now();
    let generation = shared.generation.fetch_add(1, Ordering::SeqCst) + 1;
    match build_html(shared) {
        Ok((site, opts, warnings)) => {
            *shared.errors.write().unwrap() = None;
            log(format!(
                "rebuilt in {} ms: {}",
                started.elapsed().as_millis(),
                diagnostic::summary_of(&warnings)
            ));
            diagnostic::report_first(&warnings, SHOWN_PROBLEMS);
            reload(shared);
            *shared.pdf_work.lock().unwrap() = Some(PdfWork {
                generation,
                site,
                opts,
            });
            shared.pdf_wanted.notify_one();
        }
        Err(diags) => {
            *shared.errors.write().unwrap() = Some(error_panel(&diags));
            log(format!(
                "the site has errors ({}): shown in the browser; the last good pages stay served",
                diagnostic::summary_of(&diags)
            ));
            diagnostic::report_first(&diags, SHOWN_PROBLEMS);
            reload(shared);
        }
    }
}

type Built = (Site, RenderOptions, Vec<Diagnostic>);

/// Load, check and render the HTML, then swap it in with the PDFs of the
/// previous build, so nothing 404s while the new PDFs are typeset.
fn build_html(shared: &Shared) -> Result<Built, Vec<Diagnostic>> {
    let (site, diags) = load_and_check(&shared.site).map_err(|e| match e {
        Error::Content(d) => d,
        Error::Usage(m) | Error::Io(m) => vec![Diagnostic::error(".", None, m)],
    })?;
    let site = match site {
        Some(site) if !diags.iter().any(Diagnostic::is_error) => site,
        _ => return Err(diags),
    };
    let opts = RenderOptions {
        base_url: shared.base_url.clone(),
        pdf: true,
        progress: None,
    };
    let made: std::collections::BTreeMap<String, Vec<u8>> = shared
        .pdfs
        .lock()
        .unwrap()
        .values()
        .flat_map(|(_, files)| files.iter().cloned())
        .collect();
    let mut output = render::render_html(&site, &opts, &made)?;
    output.files.extend(made);
    write::write(&shared.out, &output).map_err(|e| {
        vec![Diagnostic::error(
            ".",
            None,
            format!("cannot write the preview: {e}"),
        )]
    })?;
    Ok((site, opts, diags))
}

/// Typesets the newest build's guides, one build at a time: a save while
/// PDFs are typeset hands this worker a newer build, and the older one
/// stops at its next guide.
fn pdf_worker(shared: &Shared) {
    loop {
        let work = {
            let mut slot = shared.pdf_work.lock().unwrap();
            loop {
                if let Some(work) = slot.take() {
                    break work;
                }
                slot = shared.pdf_wanted.wait(slot).unwrap();
            }
        };
        typeset_pdfs(shared, &work);
    }
}

fn typeset_pdfs(shared: &Shared, work: &PdfWork) {
    let jobs = render::pdf_jobs(&work.site);
    let superseded = || shared.generation.load(Ordering::SeqCst) != work.generation;
    render::pdf::typeset_all(
        &jobs,
        |job| {
            let Ok(markup) = job.markup(&work.opts.base_url) else {
                return;
            };
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            markup.hash(&mut hasher);
            let hash = hasher.finish();
            let unchanged = shared
                .pdfs
                .lock()
                .unwrap()
                .get(&job.path)
                .is_some_and(|(h, _)| *h == hash);
            if unchanged {
                return;
            }
            match job.typeset(markup) {
                Ok(typeset) if !superseded() => {
                    let files = [
                        (job.path.clone(), typeset.guide),
                        (job.booklet.clone(), typeset.booklet),
                    ];
                    for (path, bytes) in &files {
                        let path = shared.out.join(path);
                        let tmp = path.with_extension("pdf.tmp");
                        if std::fs::write(&tmp, bytes).is_ok() {
                            let _ = std::fs::rename(&tmp, &path);
                        }
                    }
                    shared
                        .pdfs
                        .lock()
                        .unwrap()
                        .insert(job.path.clone(), (hash, files));
                }
                Ok(_) => {}
                Err(d) => diagnostic::report(&[d]),
            }
        },
        &superseded,
    );
}

fn reload(shared: &Shared) {
    shared
        .clients
        .lock()
        .unwrap()
        .retain(|client| client.send(()).is_ok());
}

/// Errors shown above every page, at most this many.
const PANEL_PROBLEMS: usize = 50;

fn error_panel(diags: &[Diagnostic]) -> String {
    let errors: Vec<&Diagnostic> = diags.iter().filter(|d| d.is_error()).collect();
    let mut lines: Vec<String> = errors
        .iter()
        .take(PANEL_PROBLEMS)
        .map(|d| crate::theme::escape_html(&d.to_string()))
        .collect();
    if errors.len() > PANEL_PROBLEMS {
        lines.push(format!(
            "… and {} more: run pocketguide check to see them all",
            errors.len() - PANEL_PROBLEMS
        ));
    }
    format!(
        "<div id=\"pocketguide-errors\" role=\"alert\" style=\"background:#fff0f0;color:#600;border:3px solid #b00020;padding:1rem;margin:0 0 1rem;font:16px/1.4 system-ui,sans-serif\">\
         <strong>pocketguide: the site has errors; this preview shows the last good build.</strong>\
         <pre style=\"white-space:pre-wrap;overflow-wrap:anywhere\">{}</pre>\
         Fix the files and save: this page reloads by itself. \
         <a href=\"/__pocketguide/translations\">Translation status</a></div>",
        lines.join("\n")
    )
}

fn open_browser(url: &str) {
    let program = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(program)
        .arg(url)
        .spawn()
        .is_err()
    {
        log(format!("could not open a browser; open {url} yourself"));
    }
}
