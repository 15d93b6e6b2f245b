//! `pocketguide serve`: a live preview for editors. Builds the site in
//! memory and serves it on 127.0.0.1 only; watches the site's sources and,
//! on every save, re-renders what the changed files feed ([`preview`]): the
//! HTML first, then the PDFs of the guides that changed on a worker of their
//! own (a newer save supersedes older PDF work). Open pages reload through
//! Server-Sent Events once a build is complete; a content error is shown on
//! the page while the last good pages stay served. The reload script and
//! the error panel are added to responses here, never to the files a
//! `build` writes. Nothing is written to disk.

mod http;
pub mod preview;

use crate::diagnostic::{self, Diagnostic};
use crate::model::Site;
use crate::render::{self, GuideKey, Selection};
use crate::Error;
use notify::{EventKind, RecursiveMode, Watcher};
use preview::{Changed, Preview};
use std::collections::{BTreeMap, HashMap};
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
    /// These files (absolute) changed.
    Changed(Vec<PathBuf>),
    /// The watcher lost track: rebuild everything.
    Rescan,
    Stop,
}

/// Served files: output path → bytes.
type Served = BTreeMap<String, Arc<Vec<u8>>>;

/// State shared by the builder, the PDF worker and the HTTP threads.
pub(crate) struct Shared {
    site: PathBuf,
    /// The error panel of the last build, when it failed.
    errors: RwLock<Option<String>>,
    clients: Mutex<Vec<mpsc::Sender<()>>>,
    /// Bumped by every build; PDF work of an older build stops.
    generation: AtomicU64,
    /// The last good build's files, PDFs apart.
    files: RwLock<Arc<Served>>,
    /// The PDFs typeset so far, by output path.
    pdfs: RwLock<Served>,
    /// A6 guide path → the hash of the Typst markup its PDFs were made from.
    pdf_markup: Mutex<HashMap<String, u64>>,
    /// Guides whose PDFs may be out of date, with the generation that said
    /// so; the newest build's site to typeset them from.
    pdf_work: Mutex<PdfWork>,
    pdf_wanted: Condvar,
}

#[derive(Default)]
struct PdfWork {
    generation: u64,
    site: Option<(Arc<Site>, String)>,
    dirty: BTreeMap<GuideKey, u64>,
}

impl Shared {
    /// The served file at an output path.
    fn file(&self, path: &str) -> Option<Arc<Vec<u8>>> {
        let files = Arc::clone(&self.files.read().unwrap());
        files
            .get(path)
            .cloned()
            .or_else(|| self.pdfs.read().unwrap().get(path).cloned())
    }

    fn has_file(&self, path: &str) -> bool {
        self.files.read().unwrap().contains_key(path)
            || self.pdfs.read().unwrap().contains_key(path)
    }
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
    let url = format!("http://{addr}/");
    let shared = Arc::new(Shared {
        site: opts.site.clone(),
        errors: RwLock::new(None),
        clients: Mutex::new(Vec::new()),
        generation: AtomicU64::new(0),
        files: RwLock::new(Arc::new(Served::new())),
        pdfs: RwLock::new(Served::new()),
        pdf_markup: Mutex::new(HashMap::new()),
        pdf_work: Mutex::new(PdfWork::default()),
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
    let mut watcher = Sources::watch(&root, tx)?;
    let worker = Arc::clone(&shared);
    std::thread::Builder::new()
        .name("serve-pdf".into())
        .spawn(move || pdf_worker(&worker))
        .map_err(|e| Error::Io(format!("cannot start the PDF worker: {e}")))?;
    let mut preview = Preview::new(&opts.site, &url);
    rebuild(&shared, &mut preview, &Changed::Everything);
    log(format!("serving {} at {url}", opts.site.display()));
    http::listen(listener, Arc::clone(&shared));
    if opts.open {
        open_browser(&url);
    }
    while let Some(changed) = next_change(&rx, &root) {
        // A source folder created since the start is watched from now on.
        watcher.watch_new_folders();
        rebuild(&shared, &mut preview, &changed);
    }
    drop(watcher);
    log("stopped");
    Ok(())
}

/// The watcher of a site's sources: site.yaml and the source folders, not
/// the root recursively (that would also see `target/` or `public/` and
/// rebuild in a loop).
struct Sources {
    root: PathBuf,
    watcher: notify::RecommendedWatcher,
    watched: Vec<PathBuf>,
}

impl Sources {
    fn watch(root: &Path, tx: mpsc::Sender<Msg>) -> Result<Sources, Error> {
        let watched_root = root.to_path_buf();
        let mut watcher = notify::recommended_watcher(move |r: notify::Result<notify::Event>| {
            let Ok(event) = r else {
                let _ = tx.send(Msg::Rescan);
                return;
            };
            if event.need_rescan() {
                let _ = tx.send(Msg::Rescan);
                return;
            }
            // Reads are events too (a build reads every file): only changes
            // count.
            let change = matches!(
                event.kind,
                EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_) | EventKind::Any
            );
            let paths: Vec<PathBuf> = event
                .paths
                .into_iter()
                .filter(|p| is_source(&watched_root, p))
                .collect();
            if change && !paths.is_empty() {
                let _ = tx.send(Msg::Changed(paths));
            }
        })
        .map_err(|e| Error::Io(format!("cannot watch files: {e}")))?;
        watcher
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(|e| Error::Io(format!("cannot watch {}: {e}", root.display())))?;
        let mut sources = Sources {
            root: root.to_path_buf(),
            watcher,
            watched: Vec::new(),
        };
        sources.watch_new_folders();
        Ok(sources)
    }

    /// Watches each source folder that exists and is not watched yet.
    fn watch_new_folders(&mut self) {
        for dir in crate::source::SOURCE_DIRS {
            let path = self.root.join(dir);
            if path.is_dir()
                && !self.watched.contains(&path)
                && self.watcher.watch(&path, RecursiveMode::Recursive).is_ok()
            {
                self.watched.push(path);
            }
        }
    }
}

/// Waits for the next save: one save is often several events (write,
/// rename, chmod), so they are taken until they stop for a moment.
/// `None` when serve is to stop.
fn next_change(rx: &mpsc::Receiver<Msg>, root: &Path) -> Option<Changed> {
    let mut changed = match rx.recv().ok()? {
        Msg::Changed(paths) => Some(paths),
        Msg::Rescan => None,
        Msg::Stop => return None,
    };
    let first = Instant::now();
    while first.elapsed() < Duration::from_millis(DEBOUNCE_MAX_MS) {
        match rx.recv_timeout(Duration::from_millis(DEBOUNCE_MS)) {
            Ok(Msg::Changed(paths)) => {
                if let Some(all) = &mut changed {
                    all.extend(paths);
                }
            }
            Ok(Msg::Rescan) => changed = None,
            Ok(Msg::Stop) => return None,
            Err(_) => break,
        }
    }
    Some(match changed {
        Some(paths) => {
            let mut rel: Vec<PathBuf> = paths
                .iter()
                .filter_map(|p| p.strip_prefix(root).ok())
                .map(Path::to_path_buf)
                .collect();
            rel.sort();
            rel.dedup();
            Changed::Files(rel)
        }
        None => Changed::Everything,
    })
}

/// A line for the editor's terminal; a closed terminal is no reason to stop
/// previewing.
fn log(text: impl std::fmt::Display) {
    let _ = writeln!(std::io::stdout().lock(), "{text}");
}

/// How long a burst of file events must be quiet before a rebuild, and the
/// longest a build waits for a burst to end.
const DEBOUNCE_MS: u64 = 10;
const DEBOUNCE_MAX_MS: u64 = 200;

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
        Some(dir) if crate::source::SOURCE_DIRS.contains(&dir) => !editor_file,
        _ => false,
    }
}

fn rebuild(shared: &Arc<Shared>, preview: &mut Preview, changed: &Changed) {
    let started = Instant::now();
    let generation = shared.generation.fetch_add(1, Ordering::SeqCst) + 1;
    let made: BTreeMap<String, usize> = shared
        .pdfs
        .read()
        .unwrap()
        .iter()
        .map(|(path, bytes)| (path.clone(), bytes.len()))
        .collect();
    let update = preview.update(changed, &made);
    let diags = preview.diagnostics();
    let Some(rendered) = update.rendered.filter(|_| !preview.has_errors()) else {
        *shared.errors.write().unwrap() = Some(error_panel(diags));
        log(format!(
            "the site has errors ({}): shown in the browser; the last good pages stay served",
            diagnostic::summary_of(diags)
        ));
        diagnostic::report_first(diags, SHOWN_PROBLEMS);
        reload(shared);
        return;
    };
    *shared.files.write().unwrap() = Arc::new(preview.files().clone());
    *shared.errors.write().unwrap() = None;
    log(format!(
        "rebuilt {} in {} ms: {}",
        match &rendered {
            Selection::All => format!("{} files", update.files),
            Selection::Only { guides, .. } => format!(
                "{} files of {} {}",
                update.files,
                guides.len(),
                if guides.len() == 1 { "guide" } else { "guides" }
            ),
        },
        started.elapsed().as_millis(),
        diagnostic::summary_of(diags)
    ));
    diagnostic::report_first(diags, SHOWN_PROBLEMS);
    reload(shared);
    if let Some(site) = preview.site() {
        hand_to_pdf_worker(
            shared,
            generation,
            site,
            preview.base_url().to_string(),
            &rendered,
        );
    }
    // The search index after the pages: a save shows without waiting for
    // it, and a search a moment later finds the saved words.
    if preview.finish() > 0 {
        *shared.files.write().unwrap() = Arc::new(preview.files().clone());
    } else if preview.has_errors() {
        let diags = preview.diagnostics();
        *shared.errors.write().unwrap() = Some(error_panel(diags));
        log(format!(
            "the search index could not be made ({}): shown in the browser",
            diagnostic::summary_of(diags)
        ));
        diagnostic::report_first(diags, SHOWN_PROBLEMS);
        reload(shared);
    }
}

/// Marks the PDFs of the rendered guides out of date, drops those of
/// guides that are gone, and wakes the worker.
fn hand_to_pdf_worker(
    shared: &Shared,
    generation: u64,
    site: &Arc<Site>,
    base_url: String,
    rendered: &Selection,
) {
    let guides: std::collections::BTreeSet<GuideKey> = site
        .corridors
        .iter()
        .flat_map(|c| c.languages.iter().map(move |l| (c.slug.clone(), l.clone())))
        .collect();
    let current: std::collections::BTreeSet<String> =
        guides.iter().map(|(c, l)| format!("{l}/{c}/")).collect();
    let in_current = |path: &str| {
        let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
        current.contains(&format!("{dir}/"))
    };
    shared
        .pdfs
        .write()
        .unwrap()
        .retain(|path, _| in_current(path));
    shared
        .pdf_markup
        .lock()
        .unwrap()
        .retain(|path, _| in_current(path));
    let mut work = shared.pdf_work.lock().unwrap();
    work.generation = generation;
    work.site = Some((Arc::clone(site), base_url));
    work.dirty.retain(|k, _| guides.contains(k));
    for key in guides {
        let dirty = match rendered {
            Selection::All => true,
            Selection::Only { guides, .. } => guides.contains(&key),
        };
        if dirty {
            work.dirty.insert(key, generation);
        }
    }
    shared.pdf_wanted.notify_one();
}

/// Typesets the dirty guides of the newest build, a few at a time: a save
/// while PDFs are typeset hands this worker a newer build, and the older
/// one stops at its next guide (what it did not finish stays dirty).
fn pdf_worker(shared: &Shared) {
    loop {
        let (generation, site, base_url, dirty) = {
            let mut work = shared.pdf_work.lock().unwrap();
            loop {
                if let (false, Some((site, base_url))) = (work.dirty.is_empty(), &work.site) {
                    break (
                        work.generation,
                        Arc::clone(site),
                        base_url.clone(),
                        work.dirty.clone(),
                    );
                }
                work = shared.pdf_wanted.wait(work).unwrap();
            }
        };
        typeset_pdfs(shared, generation, &site, &base_url, &dirty);
        // Whatever this pass left dirty without a newer build to take over
        // (it cannot happen, but a loop must not spin on it) is dropped.
        let mut work = shared.pdf_work.lock().unwrap();
        if work.generation == generation {
            work.dirty.retain(|k, g| dirty.get(k) != Some(g));
        }
    }
}

fn typeset_pdfs(
    shared: &Shared,
    generation: u64,
    site: &Site,
    base_url: &str,
    dirty: &BTreeMap<GuideKey, u64>,
) {
    let view = crate::view::SiteView::with_guides(site, base_url, |corridor, lang| {
        dirty.contains_key(&(corridor.to_string(), lang.to_string()))
    });
    // A build with errors hands over nothing: its predecessor's PDFs are
    // still the ones to make.
    let superseded = || shared.pdf_work.lock().unwrap().generation != generation;
    render::pdf::typeset_all(
        &view.guides,
        |guide| {
            let key = (guide.corridor.clone(), guide.code().to_string());
            let pdf = guide.path(&crate::paths::pdf_file(guide.code(), &guide.corridor));
            let booklet = guide.path(&crate::paths::booklet_file(guide.code(), &guide.corridor));
            let done = || {
                // Clean only if no newer build marked it dirty again.
                let mut work = shared.pdf_work.lock().unwrap();
                if work.dirty.get(&key) == dirty.get(&key) {
                    work.dirty.remove(&key);
                }
            };
            let Ok(markup) = render::pdf::markup(guide, base_url, &mut |_, _| {}) else {
                return done();
            };
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            markup.hash(&mut hasher);
            let hash = hasher.finish();
            let unchanged = shared.pdf_markup.lock().unwrap().get(&pdf) == Some(&hash);
            if unchanged {
                return done();
            }
            match render::pdf::typeset(markup, guide, &view.media) {
                Ok(typeset) if !superseded() => {
                    let mut pdfs = shared.pdfs.write().unwrap();
                    pdfs.insert(pdf.clone(), Arc::new(typeset.guide));
                    pdfs.insert(booklet, Arc::new(typeset.booklet));
                    drop(pdfs);
                    shared.pdf_markup.lock().unwrap().insert(pdf, hash);
                    done();
                }
                Ok(_) => {}
                Err(e) => {
                    diagnostic::report(&[render::pdf::error(guide, e)]);
                    done();
                }
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
