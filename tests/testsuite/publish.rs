//! docs/publishing.md: each recipe tried as far as it can be here.
//! The GitHub Pages workflow is parsed and its commands run; the nginx and
//! Caddy snippets serve the built example site on loopback when the server
//! is installed (.ci/run installs both).

use crate::support::*;
use serde_yaml::Value;
use std::fs;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn pages_workflow_is_valid_yaml_and_its_commands_build_the_site() {
    let tmp = tempfile::tempdir().unwrap();
    run_in(tmp.path(), &["new", "site", "g", "--github-pages"]).assert_code(0);
    let site = tmp.path().join("g");
    let text = fs::read_to_string(site.join(".github/workflows/pages.yml")).unwrap();
    let wf: Value = serde_yaml::from_str(&text).expect("valid YAML");

    assert_eq!(wf["on"]["push"]["branches"][0], "main");
    assert_eq!(wf["permissions"]["pages"], "write");
    assert_eq!(wf["permissions"]["id-token"], "write");
    let build = &wf["jobs"]["build"];
    assert_eq!(
        build["env"]["POCKETGUIDE_VERSION"],
        env!("CARGO_PKG_VERSION"),
        "the workflow installs the version that wrote it"
    );
    let steps = build["steps"].as_sequence().unwrap();
    let uses: Vec<&str> = steps.iter().filter_map(|s| s["uses"].as_str()).collect();
    for action in [
        "actions/checkout@",
        "actions/configure-pages@",
        "actions/upload-pages-artifact@",
    ] {
        assert!(
            uses.iter().any(|u| u.starts_with(action)),
            "{action}: {uses:?}"
        );
    }
    let upload = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.contains("upload-pages"))
        })
        .unwrap();
    assert_eq!(upload["with"]["path"], "public", "uploads what build wrote");
    let deploy = wf["jobs"]["deploy"]["steps"][0]["uses"].as_str().unwrap();
    assert!(deploy.starts_with("actions/deploy-pages@"), "{deploy}");
    assert_eq!(wf["jobs"]["deploy"]["needs"], "build");

    // Each `run:` step, in order, as the runner would run it: pocketguide on
    // PATH (so the install step finds it), the Pages address filled in.
    let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    assert!(runs
        .iter()
        .any(|r| r.contains("cargo install pocketguide --locked")));
    assert!(runs.iter().any(|r| r.starts_with("pocketguide check")));
    assert!(runs.iter().any(|r| r.starts_with("pocketguide build")));
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_pocketguide"))
        .parent()
        .unwrap();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap());
    for step in runs {
        let script = step.replace(
            "${{ steps.pages.outputs.base_url }}",
            "https://example-ngo.github.io/g",
        );
        let out = Command::new("sh")
            .args(["-e", "-c", &script])
            .current_dir(&site)
            .env("PATH", &path)
            .env("POCKETGUIDE_VERSION", env!("CARGO_PKG_VERSION"))
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{script}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let sitemap = fs::read_to_string(site.join("public/sitemap.xml")).unwrap();
    assert!(
        sitemap.contains("https://example-ngo.github.io/g/en/uz-ee/"),
        "built for the Pages address: {sitemap}"
    );
}

/// A recipe to try: the server program, the example site built into a
/// folder any local user can read (nginx started by root serves as
/// `nobody`), a free port and the recipe's text.
struct Trial {
    program: PathBuf,
    tmp: tempfile::TempDir,
    public: PathBuf,
    port: u16,
    recipe: String,
}

fn trial(program: &str, recipe: &str) -> Option<Trial> {
    use std::os::unix::fs::PermissionsExt;
    let Some(path) = installed(program) else {
        eprintln!("{program} is not installed: recipe not tried (.ci/run installs it)");
        return None;
    };
    let tmp = tempfile::tempdir().unwrap();
    fs::set_permissions(tmp.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let public = tmp.path().join("public");
    run_in(repo(), &["build", "--out", public.to_str().unwrap()]).assert_code(0);
    Some(Trial {
        program: path,
        tmp,
        public,
        port: free_port(),
        recipe: fs::read_to_string(repo().join("docs/publish").join(recipe)).unwrap(),
    })
}

fn installed(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .chain([PathBuf::from("/usr/sbin")])
        .map(|d| d.join(program))
        .find(|p| p.is_file())
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `GET path`, once the server has come up (at most 15 s).
fn get(port: u16, path: &str) -> Response {
    let deadline = Instant::now() + Duration::from_secs(15);
    while let Err(e) = TcpStream::connect(("127.0.0.1", port)) {
        assert!(Instant::now() < deadline, "server never came up: {e}");
        std::thread::sleep(Duration::from_millis(100));
    }
    http_get(port, path)
}

/// What both recipes promise a reader's phone.
fn assert_serves_the_guide(port: u16) {
    let txt = get(port, "/ru/uz-ee/emergency.txt");
    assert_eq!(txt.status, 200);
    assert_eq!(
        txt.header("content-type").to_ascii_lowercase(),
        "text/plain; charset=utf-8",
        "the messages are UTF-8"
    );
    assert!(txt.body.contains("116 006"));
    for (file, kind) in [
        ("uz-ee-ru.pdf", "application/pdf"),
        ("uz-ee-ru-booklet-a4.pdf", "application/pdf"),
        ("uz-ee-ru.epub", "application/epub+zip"),
        ("contacts.vcf", "text/vcard"),
    ] {
        let r = get(port, &format!("/ru/uz-ee/{file}"));
        assert_eq!(r.status, 200, "{file}");
        assert!(
            r.header("content-type").starts_with(kind),
            "{file}: {}",
            r.head
        );
        assert_eq!(r.header("cache-control"), "public, max-age=86400", "{file}");
    }
    let page = get(port, "/ru/uz-ee/");
    assert_eq!(page.status, 200);
    assert_eq!(page.header("cache-control"), "public, max-age=300");
    assert_eq!(page.header("referrer-policy"), "no-referrer");
    let folder = get(port, "/ru/uz-ee");
    assert!(matches!(folder.status, 301 | 308), "{}", folder.status);
    assert_eq!(folder.header("location"), "/ru/uz-ee/");
    let missing = get(port, "/ru/no-such-page/");
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("<html"), "the site's 404 page");
    assert_eq!(get(port, "/.pocketguide-output").status, 404);
}

#[test]
fn nginx_recipe_serves_the_built_example_site() {
    let Some(Trial {
        program: nginx,
        tmp,
        public,
        port,
        recipe,
    }) = trial("nginx", "nginx.conf")
    else {
        return;
    };
    let snippet = recipe
        .replace("listen 80;", &format!("listen 127.0.0.1:{port};"))
        .replace(
            "root /srv/pocketguide/public;",
            &format!("root {};", public.display()),
        );
    assert!(snippet.contains(&format!("root {};", public.display())));
    let dir = tmp.path();
    fs::write(dir.join("site.conf"), snippet).unwrap();
    let temp_paths: String = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]
        .iter()
        .map(|t| format!("  {t}_temp_path {};\n", dir.join(t).display()))
        .collect();
    // One process in the foreground, so the test's kill stops all of it.
    let conf = format!(
        "daemon off;\nmaster_process off;\npid {d}/nginx.pid;\nerror_log stderr;\nevents {{}}\nhttp {{\n  \
         include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n  \
         access_log off;\n{temp_paths}  include {d}/site.conf;\n}}\n",
        d = dir.display()
    );
    fs::write(dir.join("nginx.conf"), conf).unwrap();
    let conf_arg = dir.join("nginx.conf");
    let test = Command::new(&nginx)
        .args(["-t", "-e", "stderr", "-p"])
        .arg(dir)
        .arg("-c")
        .arg(&conf_arg)
        .output()
        .unwrap();
    assert!(
        test.status.success(),
        "nginx -t: {}",
        String::from_utf8_lossy(&test.stderr)
    );
    let _server = Server(
        Command::new(&nginx)
            .args(["-e", "stderr", "-p"])
            .arg(dir)
            .arg("-c")
            .arg(&conf_arg)
            .stdout(Stdio::null())
            .spawn()
            .unwrap(),
    );
    assert_serves_the_guide(port);
}

#[test]
fn caddy_recipe_serves_the_built_example_site() {
    let Some(Trial {
        program: caddy,
        tmp,
        public,
        port,
        recipe,
    }) = trial("caddy", "Caddyfile")
    else {
        return;
    };
    assert!(recipe.contains("guides.example.org {"));
    // Plain HTTP on loopback, no admin endpoint: the rest is the recipe.
    let caddyfile = format!(
        "{{\n\tadmin off\n\tauto_https off\n}}\n{}",
        recipe
            .replace(
                "guides.example.org {",
                &format!("http://127.0.0.1:{port} {{")
            )
            .replace(
                "root * /srv/pocketguide/public",
                &format!("root * {}", public.display())
            )
    );
    let dir = tmp.path();
    fs::write(dir.join("Caddyfile"), caddyfile).unwrap();
    let caddy_cmd = |args: &[&str]| {
        let mut c = Command::new(&caddy);
        c.args(args)
            .arg("--config")
            .arg(dir.join("Caddyfile"))
            .args(["--adapter", "caddyfile"])
            .env("HOME", dir)
            .env("XDG_DATA_HOME", dir.join("data"))
            .env("XDG_CONFIG_HOME", dir.join("config"));
        c
    };
    let valid = caddy_cmd(&["validate"]).output().unwrap();
    assert!(
        valid.status.success(),
        "caddy validate: {}",
        String::from_utf8_lossy(&valid.stderr)
    );
    let _server = Server(
        caddy_cmd(&["run"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    assert_serves_the_guide(port);
}
