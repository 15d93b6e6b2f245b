//! `pocketguide serve`: the real binary on a free port against a fixture
//! site in a temporary folder, spoken to over plain HTTP.

use crate::support::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

struct Server {
    child: Child,
    port: u16,
    /// What serve prints, stdout and stderr, line by line.
    lines: mpsc::Receiver<String>,
    /// The lines read while waiting for the address.
    early: Vec<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(site: &Site) -> Server {
    start_with(site, &[])
}

fn start_with(site: &Site, env: &[(&str, &str)]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pocketguide"))
        .args(["serve", "--port", "0"])
        .current_dir(&site.root)
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, lines) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    let tx2 = tx.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx2.send(line).is_err() {
                break;
            }
        }
    });
    let mut port = None;
    let mut early = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while port.is_none() {
        let line = lines
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .expect("serve printed its address");
        if let Some(rest) = line.split("at http://").nth(1) {
            let addr = rest.trim_end_matches('/');
            let (host, p) = addr.rsplit_once(':').unwrap();
            assert_eq!(host, "127.0.0.1", "listens on loopback only");
            port = Some(p.parse().unwrap());
        }
        early.push(line);
    }
    Server {
        child,
        port: port.unwrap(),
        lines,
        early,
    }
}

fn get(port: u16, path: &str) -> Response {
    http_get(port, path)
}

/// Polls until `pred` holds for the page, for at most 20 s.
fn wait_for(port: u16, path: &str, pred: impl Fn(&Response) -> bool) -> Response {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let r = get(port, path);
        if pred(&r) {
            return r;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting on {path}; last:\n{}",
            r.body
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn serves_pages_with_the_reload_script_and_right_types() {
    let site = fixture("basic");
    let server = start(&site);
    let page = get(server.port, "/en/kg-fi/work/");
    assert_eq!(page.status, 200);
    assert!(page.head.contains("Content-Type: text/html; charset=utf-8"));
    assert!(page.body.contains("ENGLISH-WORK-TEXT"));
    assert!(page
        .body
        .contains("new EventSource(\"/__pocketguide/events\")"));
    for (path, kind) in [
        ("/style.css", "text/css"),
        ("/en/kg-fi/contacts.vcf", "text/vcard"),
        ("/sitemap.xml", "application/xml"),
    ] {
        let r = get(server.port, path);
        assert_eq!(r.status, 200, "{path}");
        assert!(
            r.head.contains(&format!("Content-Type: {kind}")),
            "{path}: {}",
            r.head
        );
    }
    // PDFs come after the HTML, in the background.
    let pdf = wait_for(server.port, "/en/kg-fi/kg-fi-en.pdf", |r| r.status == 200);
    assert!(pdf.head.contains("Content-Type: application/pdf"));
    let missing = get(server.port, "/en/no-such-page/");
    assert_eq!(missing.status, 404);
    assert!(
        missing.body.contains("Page not found"),
        "the theme's 404 page"
    );
    // The user's own output folder is never touched.
    assert!(!site.root.join("public").exists());
}

#[test]
fn a_save_shows_up_and_open_pages_are_told_to_reload() {
    let site = fixture("basic");
    let server = start(&site);
    let mut events = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    events
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    write!(
        events,
        "GET /__pocketguide/events HTTP/1.1\r\nHost: localhost:{}\r\n\r\n",
        server.port
    )
    .unwrap();
    let mut buf = [0u8; 512];
    let n = events.read(&mut buf).unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).contains("text/event-stream"));

    let saved = Instant::now();
    site.write(
        "content/kg-fi/en/work.md",
        "---\ntitle: Work\n---\nFRESHLY-SAVED-TEXT\n",
    );
    let mut seen = String::new();
    while !seen.contains("data: reload") {
        let n = events.read(&mut buf).expect("a reload event within 20 s");
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    // How fast is for benches/serve_reload.py; here: it comes, after a
    // complete build.
    println!(
        "save-to-reload: {} ms (debug build)",
        saved.elapsed().as_millis()
    );
    // The reload comes after a complete build: the new text is there now.
    assert!(get(server.port, "/en/kg-fi/work/")
        .body
        .contains("FRESHLY-SAVED-TEXT"));
}

#[test]
fn a_save_reaches_the_search_index() {
    let site = fixture("basic");
    let server = start(&site);
    // Terms are filed by their first two letters: `qu` is `71-75`.
    let shard = "/en/search/s/71-75.js";
    assert!(!get(server.port, shard).body.contains("quokkaword"));
    site.write(
        "content/kg-fi/en/work.md",
        "---\ntitle: Work\n---\nA quokkaword here.\n",
    );
    wait_for(server.port, shard, |r| {
        r.status == 200 && r.body.contains("\"quokkaword\"")
    });
}

#[test]
fn content_errors_are_shown_and_the_site_comes_back_when_fixed() {
    let site = fixture("basic");
    let server = start(&site);
    let good = site.read("content/kg-fi/en/work.md");
    site.write(
        "content/kg-fi/en/work.md",
        "---\ntitle: [broken\n---\nNEW\n",
    );
    // An error message that quotes the editor's text, markup and all.
    let corridor = site.read("content/kg-fi/corridor.yaml");
    site.write(
        "content/kg-fi/corridor.yaml",
        &corridor.replace(
            "  - contacts",
            "  - \"<img src=x onerror=alert(1)>\"\n  - contacts",
        ),
    );
    let page = wait_for(server.port, "/en/kg-fi/intro/", |r| {
        r.body.contains("pocketguide-errors") && r.body.contains("may use only")
    });
    assert!(
        page.body.contains("content/kg-fi/en/work.md:2: error:"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("chapter &#39;&lt;img src=x onerror=alert(1)&gt;&#39; may use only"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("<img src=x"), "messages are escaped");
    assert!(
        page.body.contains("Introduction"),
        "the last good page is still served"
    );
    assert!(get(server.port, "/en/kg-fi/work/")
        .body
        .contains("ENGLISH-WORK-TEXT"));

    site.write("content/kg-fi/corridor.yaml", &corridor);
    site.write(
        "content/kg-fi/en/work.md",
        &good.replace("ENGLISH-WORK-TEXT", "FIXED-TEXT"),
    );
    // Browsers reload on the event sent once the build is complete; poll
    // until the page settles into that state.
    wait_for(server.port, "/en/kg-fi/work/", |r| {
        r.body.contains("FIXED-TEXT") && !r.body.contains("pocketguide-errors")
    });
}

#[test]
fn nothing_outside_the_output_folder_is_served() {
    let site = fixture("basic");
    let server = start(&site);
    for path in [
        "/../site.yaml",
        "/..%2fsite.yaml",
        "/%2e%2e/site.yaml",
        "/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/en/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "//etc/passwd",
        "/..\\..\\site.yaml",
        "/%2fetc%2fpasswd",
    ] {
        let r = get(server.port, path);
        assert_eq!(r.status, 404, "{path}");
        assert!(
            !r.body.contains("root:") && !r.body.contains("base_url"),
            "{path}"
        );
    }
}

#[test]
fn a_busy_port_is_a_clear_usage_error() {
    let site = fixture("basic");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let run = site.run(&["serve", "--port", &port]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("already in use") && run.stderr.contains("--port 0"),
        "{}",
        run.stderr
    );
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_cleanly_having_written_nothing() {
    let site = fixture("basic");
    let before = tree(&site.root);
    let mut server = start(&site);
    let pid = server.child.id().to_string();
    assert!(Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap()
        .success());
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "serve did not stop on Ctrl-C");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
    assert_eq!(tree(&site.root), before, "the preview lives in memory");
}

#[test]
fn build_output_has_no_reload_script() {
    let site = fixture("basic");
    site.build().assert_code(0);
    for f in tree(&site.out()).iter().filter(|f| f.ends_with(".html")) {
        let html = site.read_out(f);
        assert!(
            !html.contains("EventSource") && !html.contains("__pocketguide"),
            "{f}"
        );
    }
}

/// Regression: Typst parallelises with rayon, so a thread blocked inside one
/// guide's typesetting could pick up another guide's on the same small
/// stack. Saves during the PDF run made that happen at once, and the
/// process aborted with "has overflowed its stack".
#[test]
fn saves_while_guides_are_typeset_never_crash_the_server() {
    let site = fixture("basic");
    let corridor = site.read("content/kg-fi/corridor.yaml");
    for dest in ["EE", "LV", "LT", "PL", "DE", "SE", "CZ", "SK"] {
        let slug = format!("kg-{}", dest.to_lowercase());
        copy_dir(
            &site.root.join("content/kg-fi"),
            &site.root.join("content").join(&slug),
        );
        site.write(
            &format!("content/{slug}/corridor.yaml"),
            &corridor.replace("destination: FI", &format!("destination: {dest}")),
        );
    }
    // Threads that do not ask for a stack size get this one: any thread
    // that typesets without its own deep stack overflows at once.
    let mut server = start_with(&site, &[("RUST_MIN_STACK", "262144")]);
    let work = site.read("content/kg-fi/en/work.md");
    for i in 0..20 {
        site.write(
            "content/kg-fi/en/work.md",
            &format!("{work}\nSAVE-NUMBER-{i}\n"),
        );
        std::thread::sleep(Duration::from_millis(250));
        assert!(
            server.child.try_wait().unwrap().is_none(),
            "serve died after save {i}"
        );
    }
    wait_for(server.port, "/en/kg-fi/work/", |r| {
        r.body.contains("SAVE-NUMBER-19")
    });
    for slug in ["kg-fi", "kg-se", "kg-sk"] {
        wait_for(server.port, &format!("/ru/{slug}/{slug}-ru.pdf"), |r| {
            r.status == 200
        });
    }
    assert!(
        server.child.try_wait().unwrap().is_none(),
        "serve is still up"
    );
}

/// Sends `raw` as a request and returns the status (0 when the connection
/// closed without an answer).
fn raw_request(port: u16, raw: &[u8]) -> u16 {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let _ = stream.write_all(raw);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer)
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

/// A web page the editor visits can make the browser ask
/// `http://evil.example:PORT/` with DNS answering 127.0.0.1 (DNS
/// rebinding); such requests must get nothing.
#[test]
fn serve_answers_only_requests_for_its_own_address() {
    let site = fixture("basic");
    let server = start(&site);
    let p = server.port;
    let ask = |host: &str| {
        raw_request(
            p,
            format!("GET /en/kg-fi/intro/ HTTP/1.1\r\n{host}Connection: close\r\n\r\n").as_bytes(),
        )
    };
    assert_eq!(ask(&format!("Host: 127.0.0.1:{p}\r\n")), 200);
    assert_eq!(ask(&format!("Host: localhost:{p}\r\n")), 200);
    assert_eq!(ask(&format!("Host: evil.example:{p}\r\n")), 403);
    assert_eq!(ask("Host: 127.0.0.1\r\n"), 403);
    // Two Host headers: a proxy may read the second, this server the first.
    assert_eq!(
        ask(&format!("Host: 127.0.0.1:{p}\r\nHost: evil.example\r\n")),
        403
    );
    assert_eq!(ask(""), 403, "no Host at all");
}

#[test]
fn serve_refuses_oversized_requests_and_stays_up() {
    let site = fixture("basic");
    let server = start(&site);
    let huge = format!("GET /{} HTTP/1.1\r\n", "a".repeat(4 << 20));
    for _ in 0..5 {
        let status = raw_request(server.port, huge.as_bytes());
        assert!(status == 431 || status == 0, "{status}");
    }
    let many_headers = format!(
        "GET / HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n{}\r\n",
        server.port,
        "X-Filler: yes\r\n".repeat(5000)
    );
    let status = raw_request(server.port, many_headers.as_bytes());
    assert!(status == 431 || status == 0, "{status}");
    #[cfg(target_os = "linux")]
    {
        let status =
            std::fs::read_to_string(format!("/proc/{}/status", server.child.id())).unwrap();
        let rss_kb: u64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
            .unwrap();
        assert!(
            rss_kb < 300 * 1024,
            "serve holds {rss_kb} kB after 20 MiB of requests"
        );
    }
    assert_eq!(get(server.port, "/en/kg-fi/intro/").status, 200);
}

/// A client that opens a connection and sends half a request is cut off,
/// and idle connections beyond the limit are turned away, not queued.
#[test]
fn serve_bounds_connections_and_slow_clients() {
    let site = fixture("basic");
    let server = start(&site);
    let mut slow = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    slow.write_all(b"GET / HTTP/1.1\r\nHost: 127").unwrap();
    let mut idle: Vec<TcpStream> = (0..80)
        .map(|_| TcpStream::connect(("127.0.0.1", server.port)).unwrap())
        .collect();
    // Beyond the limit: a 503 at once rather than a hang.
    let mut turned_away = 0;
    for conn in idle.iter_mut().skip(64) {
        conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut buf = [0u8; 64];
        if let Ok(n) = conn.read(&mut buf) {
            if String::from_utf8_lossy(&buf[..n]).contains("503") {
                turned_away += 1;
            }
        }
    }
    assert!(
        turned_away > 0,
        "no connection beyond the limit was refused"
    );
    // The half-sent request is answered with 408 within its deadline.
    slow.set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut answer = String::new();
    let _ = slow.read_to_string(&mut answer);
    // Without the deadline the server would wait for ever, and this read
    // would time out with no answer.
    assert!(answer.contains("408"), "{answer:?}");
    drop(idle);
    wait_for(server.port, "/en/kg-fi/intro/", |r| r.status == 200);
}

#[test]
fn serve_redirects_a_folder_asked_for_without_its_slash() {
    let site = fixture("basic");
    let server = start(&site);
    for (asked, location) in [
        ("/en/kg-fi", "/en/kg-fi/"),
        ("/en/kg-fi/intro?x=1", "/en/kg-fi/intro/?x=1"),
    ] {
        let r = get(server.port, asked);
        assert_eq!(r.status, 301, "{asked}");
        assert!(
            r.head.contains(&format!("Location: {location}\r\n"))
                || r.head.ends_with(&format!("Location: {location}")),
            "{}",
            r.head
        );
    }
}

#[test]
fn serve_prints_counts_and_the_first_problems_not_all_of_them() {
    let site = fixture("basic");
    for i in 0..40 {
        site.write(
            &format!("content/kg-fi/en/orphan-{i}.md"),
            "---\ntitle: O\n---\nx\n",
        );
    }
    let server = start(&site);
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut seen = server.early.clone();
    while !seen
        .iter()
        .any(|l: &String| l.contains("more: run `pocketguide check`"))
    {
        let left = deadline.saturating_duration_since(Instant::now());
        match server.lines.recv_timeout(left) {
            Ok(line) => seen.push(line),
            Err(_) => panic!("no summary in:\n{}", seen.join("\n")),
        }
    }
    assert!(
        seen.iter()
            .any(|l| l.starts_with("rebuilt ") && l.contains(" ms: 0 errors, 44 warnings")),
        "{seen:#?}"
    );
    let problems = seen.iter().filter(|l| l.contains(": warning: ")).count();
    assert!(problems <= 11, "{problems} problems printed");
}

/// Open tabs hold a live-reload stream each; idle streams beyond the limit
/// close the oldest instead of taking the slots pages load through.
#[test]
fn live_reload_streams_never_lock_readers_out() {
    let site = fixture("basic");
    let server = start(&site);
    let p = server.port;
    let streams: Vec<TcpStream> = (0..80)
        .map(|_| {
            let mut s = TcpStream::connect(("127.0.0.1", p)).unwrap();
            write!(
                s,
                "GET /__pocketguide/events HTTP/1.1\r\nHost: 127.0.0.1:{p}\r\n\r\n"
            )
            .unwrap();
            s
        })
        .collect();
    std::thread::sleep(Duration::from_secs(1));
    for _ in 0..5 {
        assert_eq!(get(p, "/en/kg-fi/intro/").status, 200);
    }
    // All but the newest few are closed by the server (a busy machine may
    // take a moment to wake their threads).
    let mut open: Vec<TcpStream> = streams;
    let deadline = Instant::now() + Duration::from_secs(30);
    while open.len() > 20 && Instant::now() < deadline {
        open.retain_mut(|s| {
            s.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
            let mut buf = [0u8; 4096];
            loop {
                match s.read(&mut buf) {
                    Ok(0) => return false,
                    Ok(_) => continue,
                    Err(_) => return true,
                }
            }
        });
    }
    assert!(open.len() <= 20, "{} of 80 streams still open", open.len());
}
