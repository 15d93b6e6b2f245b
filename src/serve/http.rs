//! The preview's HTTP side, on std::net: GET and HEAD only, for the loopback
//! address it listens on only, with every resource a client can hold
//! bounded (connections, request size, time to send a request), so no web
//! page an editor visits and no stuck client can take the preview down.

use super::Shared;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

/// Open connections at once, live-reload streams apart.
pub const MAX_CONNECTIONS: usize = 64;
/// Live-reload streams at once (one per open tab). A stream beyond these
/// closes the oldest, whose tab reconnects if it is still open: idle
/// streams can never take the slots that pages load through.
pub const MAX_STREAMS: usize = 16;
/// A request line and headers: far more than a browser sends.
pub const MAX_HEAD: usize = 16 * 1024;
/// Time a client has to send its request, all of it.
const HEAD_DEADLINE: Duration = Duration::from_secs(10);
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);

pub const EVENTS: &str = "/__pocketguide/events";
/// The live translation status page.
pub const TRANSLATIONS: &str = "/__pocketguide/translations";
const RELOAD_SCRIPT: &str = "<script>new EventSource(\"/__pocketguide/events\").onmessage=function(){location.reload()}</script>";

/// Accepts connections on a thread of its own, one thread per connection
/// up to [`MAX_CONNECTIONS`]; beyond that, a short 503.
pub fn listen(listener: TcpListener, shared: Arc<Shared>) {
    let port = listener.local_addr().map_or(0, |a| a.port());
    let active = Arc::new(AtomicUsize::new(0));
    std::thread::Builder::new()
        .name("serve-accept".into())
        .spawn(move || {
            for stream in listener.incoming().flatten() {
                if active.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
                    active.fetch_sub(1, Ordering::SeqCst);
                    refuse(stream, "503 Service Unavailable", "too many connections");
                    continue;
                }
                let (shared, active) = (Arc::clone(&shared), Arc::clone(&active));
                let spawned =
                    std::thread::Builder::new()
                        .name("serve-conn".into())
                        .spawn(move || {
                            handle(stream, &shared, port, &active);
                            active.fetch_sub(1, Ordering::SeqCst);
                        });
                if spawned.is_err() {
                    // The system is out of threads; the count stays right.
                    // (The stream was moved into the closure and dropped.)
                }
            }
        })
        .expect("a thread to accept connections");
}

fn refuse(mut stream: TcpStream, status: &str, text: &str) {
    let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
    respond(
        &mut stream,
        status,
        "text/plain; charset=utf-8",
        text.as_bytes(),
        false,
        &[],
    );
}

struct Request {
    method: String,
    target: String,
    /// Every `Host` header, in order: a request must have exactly one.
    hosts: Vec<String>,
}

/// Reads the request head within [`MAX_HEAD`] bytes and [`HEAD_DEADLINE`];
/// the status to answer with otherwise.
fn read_head(stream: &mut TcpStream) -> Result<Request, &'static str> {
    let deadline = Instant::now() + HEAD_DEADLINE;
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 2048];
    let end = loop {
        if let Some(end) = find_end(&head) {
            break end;
        }
        if head.len() > MAX_HEAD {
            return Err("431 Request Header Fields Too Large");
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return Err("408 Request Timeout");
        }
        match stream.read(&mut buf) {
            Ok(0) => return Err("400 Bad Request"),
            Ok(n) => head.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return Err("408 Request Timeout"),
        }
    };
    let text = std::str::from_utf8(&head[..end]).map_err(|_| "400 Bad Request")?;
    let mut lines = text.lines();
    let mut first = lines.next().unwrap_or("").split(' ');
    let (method, target) = (first.next().unwrap_or(""), first.next().unwrap_or(""));
    let hosts = lines
        .filter_map(|l| l.split_once(':'))
        .filter(|(k, _)| k.trim().eq_ignore_ascii_case("host"))
        .map(|(_, v)| v.trim().to_ascii_lowercase())
        .collect();
    Ok(Request {
        method: method.to_string(),
        target: target.to_string(),
        hosts,
    })
}

fn find_end(head: &[u8]) -> Option<usize> {
    head.windows(4)
        .position(|w| w == b"\r\n\r\n")
        .or_else(|| head.windows(2).position(|w| w == b"\n\n"))
}

fn handle(mut stream: TcpStream, shared: &Shared, port: u16, active: &AtomicUsize) {
    let _ = stream.set_nodelay(true);
    let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
    let request = match read_head(&mut stream) {
        Ok(r) => r,
        Err(status) => return refuse(stream, status, status),
    };
    // A page on another site can make the browser ask for evil.example:1111
    // and have DNS answer 127.0.0.1 (DNS rebinding): only requests that name
    // this address are answered.
    // Exactly one Host: with two, a proxy and this server could each read
    // a different one.
    let allowed = [format!("127.0.0.1:{port}"), format!("localhost:{port}")];
    if !matches!(request.hosts.as_slice(), [h] if allowed.contains(h)) {
        return refuse(
            stream,
            "403 Forbidden",
            &format!("pocketguide serve answers only requests for http://127.0.0.1:{port}/"),
        );
    }
    let head = request.method == "HEAD";
    if request.method != "GET" && !head {
        return refuse(stream, "405 Method Not Allowed", "GET only");
    }
    let (path, query) = match request.target.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (request.target.as_str(), None),
    };
    let path = path.split('#').next().unwrap_or("");
    if path == EVENTS {
        // A stream is counted among the streams, not the connections.
        active.fetch_sub(1, Ordering::SeqCst);
        events(stream, shared);
        active.fetch_add(1, Ordering::SeqCst);
        return;
    }
    if path == TRANSLATIONS {
        // Read afresh on each request: it is cheap next to a translator's
        // reading, and never stale. A reader who leaves stops the work.
        let probe = stream.try_clone().ok();
        let gone = || probe.as_ref().is_none_or(client_gone);
        let page = crate::translation_status_page_until(&shared.site, &gone)
            .unwrap_or_else(|_| "<!doctype html><html lang=\"en\"><body><p>The site cannot be read: see the errors.</p></body></html>".to_string());
        if gone() {
            return;
        }
        let html = inject(&page, None);
        return respond(
            &mut stream,
            "200 OK",
            "text/html; charset=utf-8",
            html.as_bytes(),
            head,
            &[],
        );
    }
    let errors = shared.errors.read().unwrap().clone();
    match resolve(|p| shared.has_file(p), path) {
        Some(Found::Folder) => {
            // `/en/x` would load, but its relative links would point one
            // folder too high: send the browser to `/en/x/`.
            let location = match query {
                Some(q) => format!("{path}/?{q}"),
                None => format!("{path}/"),
            };
            respond(
                &mut stream,
                "301 Moved Permanently",
                "text/plain; charset=utf-8",
                b"moved",
                head,
                &[("Location", &location)],
            );
        }
        Some(Found::File(file)) => {
            let Some(bytes) = shared.file(&file) else {
                // Gone between the two looks (a rebuild): as if never there.
                return not_found(&mut stream, shared, errors.as_deref(), head);
            };
            let kind = content_type(&file);
            if kind.starts_with("text/html") {
                let html = inject(&String::from_utf8_lossy(&bytes), errors.as_deref());
                respond(&mut stream, "200 OK", kind, html.as_bytes(), head, &[]);
            } else {
                respond(&mut stream, "200 OK", kind, &bytes, head, &[]);
            }
        }
        None => not_found(&mut stream, shared, errors.as_deref(), head),
    }
}

fn not_found(stream: &mut TcpStream, shared: &Shared, errors: Option<&str>, head: bool) {
    let page = match (errors, shared.file("404.html")) {
        (Some(panel), _) => inject(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>pocketguide: errors</title></head><body></body></html>",
            Some(panel),
        ),
        (None, Some(page)) => inject(&String::from_utf8_lossy(&page), None),
        (None, None) => inject("<!doctype html><html><body><h1>404</h1></body></html>", None),
    };
    respond(
        stream,
        "404 Not Found",
        "text/html; charset=utf-8",
        page.as_bytes(),
        head,
        &[],
    );
}

#[derive(Debug, PartialEq, Eq)]
enum Found {
    /// The output path of a file.
    File(String),
    /// A folder asked for without its trailing `/`.
    Folder,
}

/// The output file for a URL path, or `None`: percent-decoded, and `..`
/// refused. Only paths the build made exist: there is no file system below.
fn resolve(exists: impl Fn(&str) -> bool, url_path: &str) -> Option<Found> {
    let decoded = percent_encoding::percent_decode_str(url_path)
        .decode_utf8()
        .ok()?;
    if decoded.contains(['\0', '\\']) || !decoded.starts_with('/') {
        return None;
    }
    let mut segments = Vec::new();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => return None,
            s if s.contains(':') => return None,
            s => segments.push(s),
        }
    }
    let path = segments.join("/");
    let index = if path.is_empty() {
        "index.html".to_string()
    } else {
        format!("{path}/index.html")
    };
    if decoded.ends_with('/') {
        return exists(&index).then_some(Found::File(index));
    }
    if exists(&path) {
        Some(Found::File(path))
    } else if exists(&index) {
        Some(Found::Folder)
    } else {
        None
    }
}

pub fn inject(html: &str, errors: Option<&str>) -> String {
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

fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map_or("", |(_, e)| e) {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "pdf" => "application/pdf",
        "vcf" => "text/vcard; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "epub" => "application/epub+zip",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn respond(
    stream: &mut TcpStream,
    status: &str,
    kind: &str,
    body: &[u8],
    head: bool,
    headers: &[(&str, &str)],
) {
    let mut header = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        header.push_str(&format!("{name}: {value}\r\n"));
    }
    header.push_str("\r\n");
    let _ = stream.write_all(header.as_bytes());
    if !head {
        let _ = stream.write_all(body);
    }
    let _ = stream.flush();
}

/// Whether the client has closed its side of the connection (it sent
/// everything it will, so any byte waiting or the end means it left).
fn client_gone(stream: &TcpStream) -> bool {
    let mut byte = [0u8; 1];
    if stream.set_nonblocking(true).is_err() {
        return true;
    }
    let gone = match stream.peek(&mut byte) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => e.kind() != std::io::ErrorKind::WouldBlock,
    };
    let _ = stream.set_nonblocking(false);
    gone
}

/// A Server-Sent Events stream: one `reload` event after each complete
/// build; a comment every 15 s notices closed tabs. At most
/// [`MAX_STREAMS`]: a new one closes the oldest.
fn events(mut stream: TcpStream, shared: &Shared) {
    let (tx, rx) = mpsc::channel();
    {
        let mut clients = shared.clients.lock().unwrap();
        clients.push(tx);
        let excess = clients.len().saturating_sub(MAX_STREAMS);
        // Dropping a sender ends its stream's loop.
        clients.drain(..excess);
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_finds_only_what_the_build_made() {
        let files = ["index.html", "en/index.html", "en/uz-ee/style.css"];
        let exists = |p: &str| files.contains(&p);
        let file = |p: &str| Some(Found::File(p.to_string()));
        assert_eq!(resolve(exists, "/"), file("index.html"));
        assert_eq!(resolve(exists, "/en/"), file("en/index.html"));
        assert_eq!(resolve(exists, "/en"), Some(Found::Folder));
        assert_eq!(resolve(exists, "/en/index.html"), file("en/index.html"));
        assert_eq!(resolve(exists, "//en/./"), file("en/index.html"));
        assert_eq!(resolve(exists, "/%65n/"), file("en/index.html"));
        assert_eq!(resolve(exists, "/en/uz-ee/"), None);
        for bad in [
            "/../index.html",
            "/%2e%2e/index.html",
            "/en/..%2f..%2findex.html",
            "/en%2f..%2f..%2findex.html",
            "/..\\index.html",
            "index.html",
            "/C:/x",
            "/en/%00",
        ] {
            assert!(resolve(exists, bad).is_none(), "{bad}");
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

    #[test]
    fn heads_end_at_a_blank_line() {
        assert_eq!(find_end(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"), Some(23));
        assert_eq!(find_end(b"GET / HTTP/1.1\r\nHost: x\r\n"), None);
    }
}
