//! `pocketguide serve`: a live preview for editors. Builds into a temporary
//! folder (never the user's `public/`), serves it on 127.0.0.1 only, watches
//! the site's sources and rebuilds on every save: HTML first, then the PDFs
//! in the background (only the guides whose Typst input changed). Open pages
//! reload through Server-Sent Events once a build is complete; a content
//! error is shown on the page while the last good pages stay served. The
//! reload script and the error panel are added to responses here, never to
//! the files a `build` writes.

use crate::diagnostic::{self, Diagnostic};
use crate::render::{self, RenderOptions};
use crate::{load_and_check, write, Error};
use notify::{EventKind, RecursiveMode, Watcher};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

pub struct ServeOptions {
    pub site: PathBuf,
    /// 0 picks a free port.
    pub port: u16,
    /// Open the preview in the default browser.
    pub open: bool,
}

const EVENTS: &str = "/__pocketguide/events";
const RELOAD_SCRIPT: &str = "<script>new EventSource(\"/__pocketguide/events\").onmessage=function(){location.reload()}</script>";

enum Msg {
    Changed,
    Stop,
}

/// State shared by the builder, the PDF worker and the HTTP threads.
struct Shared {
    site: PathBuf,
    out: PathBuf,
    /// The error panel of the last build, when it failed.
    errors: RwLock<Option<String>>,
    clients: Mutex<Vec<mpsc::Sender<()>>>,
    /// Bumped by every build; a PDF worker of an older build stops writing.
    generation: AtomicU64,
    /// Output path → (hash of its Typst markup, PDF bytes).
    pdfs: Mutex<HashMap<String, (u64, Vec<u8>)>>,
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
    let shared = Arc::new(Shared {
        site: opts.site.clone(),
        out: tmp.path().join("site"),
        errors: RwLock::new(None),
        clients: Mutex::new(Vec::new()),
        generation: AtomicU64::new(0),
        pdfs: Mutex::new(HashMap::new()),
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
    rebuild(&shared);
    let url = format!("http://{addr}/");
    println!("serving {} at {url}", opts.site.display());
    println!("output in {} (removed on Ctrl-C)", tmp.path().display());

    let http = Arc::clone(&shared);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let shared = Arc::clone(&http);
            std::thread::spawn(move || handle(stream, &shared));
        }
    });

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
    println!("stopped");
    Ok(())
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
            diagnostic::report(&warnings);
            *shared.errors.write().unwrap() = None;
            println!("rebuilt in {} ms", started.elapsed().as_millis());
            reload(shared);
            let shared = Arc::clone(shared);
            std::thread::spawn(move || typeset_pdfs(&shared, &site, &opts, generation));
        }
        Err(diags) => {
            diagnostic::report(&diags);
            *shared.errors.write().unwrap() = Some(error_panel(&diags));
            println!("the site has errors: shown in the browser; the last good pages stay served");
            reload(shared);
        }
    }
}

type Built = (crate::model::Site, RenderOptions, Vec<Diagnostic>);

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
        base_url: site.config.base_url.clone(),
        pdf: true,
        progress: None,
    };
    let mut output = render::render_html(&site, &opts)?;
    for (path, (_, bytes)) in shared.pdfs.lock().unwrap().iter() {
        output.files.insert(path.clone(), bytes.clone());
    }
    write::write(&shared.out, &output).map_err(|e| {
        vec![Diagnostic::error(
            ".",
            None,
            format!("cannot write the preview: {e}"),
        )]
    })?;
    Ok((site, opts, diags))
}

fn typeset_pdfs(shared: &Shared, site: &crate::model::Site, opts: &RenderOptions, generation: u64) {
    let jobs = render::pdf_jobs(site);
    let superseded = || shared.generation.load(Ordering::SeqCst) != generation;
    render::pdf::typeset_all(
        &jobs,
        |job| {
            let Ok(markup) = job.markup(site, &opts.base_url) else {
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
                Ok(bytes) if !superseded() => {
                    let path = shared.out.join(&job.path);
                    let tmp = path.with_extension("pdf.tmp");
                    if std::fs::write(&tmp, &bytes).is_ok() {
                        let _ = std::fs::rename(&tmp, &path);
                    }
                    shared
                        .pdfs
                        .lock()
                        .unwrap()
                        .insert(job.path.clone(), (hash, bytes));
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

fn error_panel(diags: &[Diagnostic]) -> String {
    let errors: Vec<String> = diags
        .iter()
        .filter(|d| d.is_error())
        .map(|d| crate::theme::escape_html(&d.to_string()))
        .collect();
    format!(
        "<div id=\"pocketguide-errors\" role=\"alert\" style=\"background:#fff0f0;color:#600;border:3px solid #b00020;padding:1rem;margin:0 0 1rem;font:16px/1.4 system-ui,sans-serif\">\
         <strong>pocketguide: the site has errors; this preview shows the last good build.</strong>\
         <pre style=\"white-space:pre-wrap;overflow-wrap:anywhere\">{}</pre>\
         Fix the files and save: this page reloads by itself.</div>",
        errors.join("\n")
    )
}

fn handle(mut stream: TcpStream, shared: &Shared) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let _ = stream.set_nodelay(true);
    let Ok(reader_stream) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(reader_stream);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    // The headers say nothing a static preview needs; read past them.
    for _ in 0..100 {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) if line.trim().is_empty() => break,
            Ok(_) => {}
        }
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let head = method == "HEAD";
    if method != "GET" && !head {
        respond(
            &mut stream,
            "405 Method Not Allowed",
            "text/plain",
            b"GET only",
            head,
        );
        return;
    }
    let path = target.split(['?', '#']).next().unwrap_or("");
    if path == EVENTS {
        events(stream, shared);
        return;
    }
    let errors = shared.errors.read().unwrap().clone();
    match resolve(&shared.out, path) {
        Some(file) => {
            let Ok(bytes) = std::fs::read(&file) else {
                respond(
                    &mut stream,
                    "404 Not Found",
                    "text/plain",
                    b"not found",
                    head,
                );
                return;
            };
            let kind = content_type(&file);
            if kind.starts_with("text/html") {
                let html = inject(&String::from_utf8_lossy(&bytes), errors.as_deref());
                respond(&mut stream, "200 OK", kind, html.as_bytes(), head);
            } else {
                respond(&mut stream, "200 OK", kind, &bytes, head);
            }
        }
        None => {
            let page = match (&errors, std::fs::read_to_string(shared.out.join("404.html"))) {
                (Some(panel), _) => inject(
                    "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>pocketguide: errors</title></head><body></body></html>",
                    Some(panel),
                ),
                (None, Ok(page)) => inject(&page, None),
                (None, Err(_)) => inject("<!doctype html><html><body><h1>404</h1></body></html>", None),
            };
            respond(
                &mut stream,
                "404 Not Found",
                "text/html; charset=utf-8",
                page.as_bytes(),
                head,
            );
        }
    }
}

/// The file for a URL path, or `None`: percent-decoded, `..` refused, and
/// the final file (symlinks resolved) must lie inside the output folder.
fn resolve(root: &Path, url_path: &str) -> Option<PathBuf> {
    let decoded = percent_encoding::percent_decode_str(url_path)
        .decode_utf8()
        .ok()?;
    if decoded.contains(['\0', '\\']) || !decoded.starts_with('/') {
        return None;
    }
    let mut path = root.to_path_buf();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => return None,
            s if s.contains(':') => return None,
            s => path.push(s),
        }
    }
    if path.is_dir() {
        path.push("index.html");
    }
    let real = path.canonicalize().ok()?;
    let root = root.canonicalize().ok()?;
    (real.starts_with(&root) && real.is_file()).then_some(real)
}

fn inject(html: &str, errors: Option<&str>) -> String {
    let mut out = String::with_capacity(html.len() + 1024);
    let (before_body, rest) = match html.find("<body>") {
        Some(i) => html.split_at(i + "<body>".len()),
        None => ("", html),
    };
    out.push_str(before_body);
    if let Some(panel) = errors {
        out.push_str(panel);
    }
    match rest.rfind("</body>") {
        Some(i) => {
            out.push_str(&rest[..i]);
            out.push_str(RELOAD_SCRIPT);
            out.push_str(&rest[i..]);
        }
        None => {
            out.push_str(rest);
            out.push_str(RELOAD_SCRIPT);
        }
    }
    out
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "pdf" => "application/pdf",
        "vcf" => "text/vcard; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

fn respond(stream: &mut TcpStream, status: &str, kind: &str, body: &[u8], head: bool) {
    let header = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(header.as_bytes());
    if !head {
        let _ = stream.write_all(body);
    }
    let _ = stream.flush();
}

/// A Server-Sent Events stream: one `reload` event after each complete
/// build; a comment every 15 s notices closed tabs.
fn events(mut stream: TcpStream, shared: &Shared) {
    let (tx, rx) = mpsc::channel();
    shared.clients.lock().unwrap().push(tx);
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\nretry: 500\n\n";
    if stream.write_all(head.as_bytes()).is_err() {
        return;
    }
    loop {
        let message: &[u8] = match rx.recv_timeout(Duration::from_secs(15)) {
            Ok(()) => b"data: reload\n\n",
            Err(mpsc::RecvTimeoutError::Timeout) => b": ping\n\n",
            Err(mpsc::RecvTimeoutError::Disconnected) => return,
        };
        if stream
            .write_all(message)
            .and_then(|_| stream.flush())
            .is_err()
        {
            return;
        }
    }
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
        eprintln!("could not open a browser; open {url} yourself");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_refuses_traversal() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("out");
        std::fs::create_dir_all(root.join("en")).unwrap();
        std::fs::write(root.join("en/index.html"), "x").unwrap();
        std::fs::write(tmp.path().join("secret.txt"), "s").unwrap();
        assert!(resolve(&root, "/en/").is_some());
        assert!(resolve(&root, "/en/index.html").is_some());
        for bad in [
            "/../secret.txt",
            "/%2e%2e/secret.txt",
            "/en/..%2f..%2fsecret.txt",
            "/en%2f..%2f..%2fsecret.txt",
            "/..\\secret.txt",
            "secret.txt",
            "/C:/x",
        ] {
            assert!(resolve(&root, bad).is_none(), "{bad}");
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(tmp.path().join("secret.txt"), root.join("link.txt"))
                .unwrap();
            assert!(resolve(&root, "/link.txt").is_none());
        }
    }

    #[test]
    fn inject_adds_script_and_panel() {
        let html = inject("<html><body><p>x</p></body></html>", Some("<div>E</div>"));
        assert_eq!(
            html,
            format!("<html><body><div>E</div><p>x</p>{RELOAD_SCRIPT}</body></html>")
        );
    }
}
