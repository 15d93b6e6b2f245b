//! Property tests where input is unbounded: no text in any field may panic,
//! leak markup or vanish from the output; no bytes in any file may crash a
//! check. In process, through the library, so each case is cheap.

use pocketguide::{build, check_site, load_and_check, BuildOptions};
use proptest::prelude::*;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Characters of the scripts the guides are written in, and the
/// punctuation and symbols around them (no control or format characters:
/// those are not text a reader sees).
fn readable_char() -> impl Strategy<Value = char> {
    prop_oneof![
        8 => prop::char::range(' ', '~'),
        2 => prop::char::range('\u{a1}', '\u{17f}').prop_filter("visible", |c| *c != '\u{ad}'),
        1 => Just('\u{2bb}'),
        3 => prop::char::range('\u{410}', '\u{44f}'),
        1 => prop::char::range('\u{391}', '\u{3a9}').prop_filter("assigned", |c| *c != '\u{3a2}'),
        1 => prop::sample::select(vec!['→', '–', '—', '“', '”', '«', '»', '€', '№', '✂', '€', '\u{13000}']),
    ]
}

fn field() -> impl Strategy<Value = String> {
    prop::collection::vec(readable_char(), 1..40).prop_map(|v| v.into_iter().collect())
}

/// Words for a Markdown body: letters and digits, so the text is the text.
fn words() -> impl Strategy<Value = String> {
    prop::collection::vec("[a-zA-Zа-яА-ЯõäöüšžʻØ0-9]{1,12}", 1..30).prop_map(|w| w.join(" "))
}

#[derive(Debug, Clone)]
struct Fields {
    site_title: String,
    corridor_title: String,
    title: String,
    summary: String,
    name: String,
    description: String,
    hours: String,
    body: String,
}

fn fields() -> impl Strategy<Value = Fields> {
    (
        field(),
        field(),
        field(),
        field(),
        field(),
        field(),
        field(),
        words(),
    )
        .prop_map(
            |(site_title, corridor_title, title, summary, name, description, hours, body)| Fields {
                site_title,
                corridor_title,
                title,
                summary,
                name,
                description,
                hours,
                body,
            },
        )
}

/// A YAML scalar holding `s` exactly (JSON strings are YAML).
fn q(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

fn write(path: PathBuf, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn site_with(root: &Path, f: &Fields) {
    write(
        root.join("site.yaml"),
        &format!(
            "title: {{ en: {} }}\nbase_url: \"https://example.org/p/\"\ndefault_language: en\nlanguages:\n  - {{ code: en, name: English }}\nstale_after_days: 36500\n",
            q(&f.site_title)
        ),
    );
    write(
        root.join("content/kg-fi/corridor.yaml"),
        &format!(
            "origin: KG\ndestination: FI\nsource_language: en\nlanguages: [en]\ntitle: {{ en: {} }}\nupdated: 2026-01-02\nchapters: [page, contacts]\n",
            q(&f.corridor_title)
        ),
    );
    write(
        root.join("content/kg-fi/contacts.yaml"),
        &format!(
            "- id: line\n  name: {{ en: {} }}\n  description: {{ en: {} }}\n  country: FI\n  phone: \"112\"\n  hours: {{ en: {} }}\n  emergency: true\n  verified: 2026-01-01\n  source: \"https://example.org/\"\n",
            q(&f.name),
            q(&f.description),
            q(&f.hours)
        ),
    );
    write(
        root.join("content/kg-fi/en/page.md"),
        &format!(
            "---\ntitle: {}\nsummary: {}\n---\n{}\n",
            q(&f.title),
            q(&f.summary),
            f.body
        ),
    );
}

fn decode_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.find(';').filter(|&e| e < 12);
        let entity = end.map(|e| &rest[1..e]);
        let ch = match entity {
            Some("amp") => Some('&'),
            Some("lt") => Some('<'),
            Some("gt") => Some('>'),
            Some("quot") => Some('"'),
            Some("nbsp") => Some('\u{a0}'),
            Some(e) if e.starts_with("#x") => u32::from_str_radix(&e[2..], 16)
                .ok()
                .and_then(char::from_u32),
            Some(e) if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match (ch, end) {
            (Some(c), Some(e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Text as a comparison sees it in a PDF: Typst sets quotes typographically
/// (a quote after a digit becomes a prime: 5″)
/// and may hyphenate at a line's end; pdftotext breaks lines anywhere.
fn pdf_normal(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '\u{ad}' | '\u{2010}'))
        .map(|c| match c {
            '\'' | '‘' | '’' | '‚' | '"' | '“' | '”' | '„' | '«' | '»' | '′' | '″' => {
                '"'
            }
            c => c,
        })
        .collect()
}

/// `cases` in CI; `PROPTEST_CASES=1000` for a longer hunt.
fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(cases);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config(24))]

    /// Any readable text in any field: check and build never panic, a
    /// passing check means a passing build, and the text is in the HTML
    /// and in the PDF as written (or check says which character no font
    /// has, and the build refuses too).
    #[test]
    fn any_text_in_any_field_reaches_every_output(f in fields()) {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        site_with(&root, &f);
        let diags = check_site(&root).unwrap();
        let out = tmp.path().join("public");
        let built = build(&BuildOptions {
            site: root.clone(),
            out: out.clone(),
            base_url: None,
            pdf: true,
            progress: None,
        });
        let errors: Vec<_> = diags.iter().filter(|d| d.is_error()).collect();
        if !errors.is_empty() {
            prop_assert!(built.is_err(), "check failed but build passed: {errors:?}");
            // Only fields that are blank after trimming or that hold a
            // character no font has may fail.
            for e in &errors {
                prop_assert!(
                    e.message.contains("has no glyph") || e.message.contains("missing `title`"),
                    "{e}"
                );
            }
            return Ok(());
        }
        prop_assert!(built.is_ok(), "check passed but build failed: {:?}", built.err());
        let read = |rel: &str| decode_html(&fs::read_to_string(out.join(rel)).unwrap());
        let chapter = read("en/kg-fi/page/index.html");
        let contacts = read("en/kg-fi/contacts/index.html");
        let home = read("en/kg-fi/index.html");
        for (what, text, page) in [
            ("title", &f.title, &chapter),
            ("summary", &f.summary, &home),
            ("corridor title", &f.corridor_title, &chapter),
            ("site title", &f.site_title, &home),
            ("contact name", &f.name, &contacts),
            ("description", &f.description, &contacts),
            ("hours", &f.hours, &contacts),
            ("body", &f.body, &chapter),
        ] {
            prop_assert!(page.contains(text.as_str()), "{what} {text:?} is not in the HTML");
        }
        for html in [&chapter, &contacts, &home] {
            prop_assert!(!html.contains("<script"), "markup leaked");
        }
        let pdf = Command::new("pdftotext")
            .arg(out.join("en/kg-fi/kg-fi-en.pdf"))
            .arg("-")
            .output()
            .expect("pdftotext (poppler-utils) is installed by .ci/run");
        let text = pdf_normal(&String::from_utf8_lossy(&pdf.stdout));
        for (what, field) in [
            ("title", &f.title),
            ("corridor title", &f.corridor_title),
            ("site title", &f.site_title),
            ("contact name", &f.name),
            ("description", &f.description),
            ("hours", &f.hours),
            ("body", &f.body),
        ] {
            prop_assert!(text.contains(&pdf_normal(field)), "{what} {field:?} is not in the PDF text");
        }
    }
}

const SOURCES: [&str; 5] = [
    "site.yaml",
    "content/kg-fi/corridor.yaml",
    "content/kg-fi/contacts.yaml",
    "content/kg-fi/en/page.md",
    "locales/en.ftl",
];

proptest! {
    #![proptest_config(config(200))]

    /// Any bytes at all in any source file give diagnostics, never a crash.
    #[test]
    fn any_bytes_in_any_file_give_diagnostics(
        which in 0..SOURCES.len(),
        bytes in prop::collection::vec(any::<u8>(), 0..600),
    ) {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        site_with(&root, &Fields {
            site_title: "S".into(), corridor_title: "C".into(), title: "T".into(),
            summary: "S".into(), name: "N".into(), description: "D".into(),
            hours: "H".into(), body: "B".into(),
        });
        write(root.join(SOURCES[which]), "");
        fs::write(root.join(SOURCES[which]), &bytes).unwrap();
        let (_, diags) = load_and_check(&root).unwrap();
        let file = Path::new(SOURCES[which]);
        // Every problem names a file relative to the site.
        for d in &diags {
            prop_assert!(d.file.is_relative(), "{d}");
        }
        // Bytes that are not UTF-8 are an error at this file, at the line
        // of the first bad byte.
        if let Err(e) = std::str::from_utf8(&bytes) {
            let line = bytes[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count() + 1;
            prop_assert!(
                diags.iter().any(|d| d.is_error() && d.file == file && d.line == Some(line)),
                "{file:?} is not UTF-8 from line {line}: {diags:?}"
            );
        }
    }

    /// Text that is almost a valid file: YAML and Markdown structure with
    /// arbitrary characters in it.
    #[test]
    fn any_text_shaped_like_a_source_gives_diagnostics(
        which in 0..SOURCES.len(),
        text in "(---\n|title: |- |  |[{}\\[\\]:#>*`|\"'\n]|\\PC){0,300}",
    ) {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        site_with(&root, &Fields {
            site_title: "S".into(), corridor_title: "C".into(), title: "T".into(),
            summary: "S".into(), name: "N".into(), description: "D".into(),
            hours: "H".into(), body: "B".into(),
        });
        write(root.join(SOURCES[which]), &text);
        let diags = check_site(&root).unwrap();
        let file = Path::new(SOURCES[which]);
        for d in &diags {
            prop_assert!(d.file.is_relative(), "{d}");
        }
        // YAML that does not parse is an error at its file.
        let yaml = SOURCES[which].ends_with(".yaml");
        if yaml && serde_yaml::from_str::<serde_yaml::Value>(&text).is_err() {
            prop_assert!(
                diags.iter().any(|d| d.is_error() && d.file == file),
                "{file:?} does not parse: {diags:?}"
            );
        }
        // A page without its front matter is an error at line 1.
        if which == 3 && !text.starts_with("---\n") {
            prop_assert!(
                diags.iter().any(|d| d.is_error() && d.file == file && d.line == Some(1)),
                "{diags:?}"
            );
        }
    }
}

/// Pieces of Markdown that combine into any structure a page can have.
fn markdown_piece() -> impl Strategy<Value = String> {
    let word = "[a-zA-Zа-я0-9]{1,8}";
    prop_oneof![
        (1..=6usize, word).prop_map(|(n, w)| format!("{} {w}", "#".repeat(n))),
        Just("#".to_string()),
        word.prop_map(|w| format!("- {w}")),
        word.prop_map(|w| format!("  - {w}")),
        word.prop_map(|w| format!("1. {w}")),
        word.prop_map(|w| format!("> {w}")),
        word.prop_map(|w| format!("> - {w}")),
        word.prop_map(|w| format!("- > {w}")),
        word.prop_map(|w| format!("[{w}](https://example.org/{w})")),
        word.prop_map(|w| format!("[{w}](page.md)")),
        word.prop_map(|w| format!("[{w}](#{w})")),
        word.prop_map(|w| format!("[{w}](other/{w}.html)")),
        Just("[](https://example.org)".to_string()),
        word.prop_map(|w| format!("~~{w}~~")),
        word.prop_map(|w| format!("~~a [{w}](https://example.org) b~~")),
        word.prop_map(|w| format!("[~~{w}~~ *x*](https://example.org)")),
        word.prop_map(|w| format!("*{w}* **{w}** ***{w}***")),
        word.prop_map(|w| format!("`{w}`")),
        word.prop_map(|w| format!("```\n{w}\n```")),
        word.prop_map(|w| format!("| {w} | b |\n|---|---|\n| c | {w} |")),
        word.prop_map(|w| format!("{w}[^n]\n\n[^n]: {w}")),
        word.prop_map(|w| format!("![{w}](https://example.org/{w}.png)")),
        word.prop_map(|w| format!("## ![{w}](https://example.org/{w}.png)")),
        word.prop_map(|w| format!("<b>{w}</b> <details>{w}</details>")),
        word.prop_map(|w| format!("<ul><p>{w}</p></ul>")),
        Just("---".to_string()),
        Just("line  \nbreak".to_string()),
        word,
    ]
}

fn markdown() -> impl Strategy<Value = String> {
    prop::collection::vec(
        (
            markdown_piece(),
            prop::sample::select(vec!["\n", "\n\n", " ", "\n\n\n"]),
        ),
        1..25,
    )
    .prop_map(|parts| parts.into_iter().map(|(p, sep)| p + sep).collect())
}

proptest! {
    #![proptest_config(config(24))]

    /// Whatever structure a page has, a passing check means a passing build:
    /// the PDF (PDF/UA-1 and PDF/A-2a) and every other output.
    #[test]
    fn any_markdown_structure_that_checks_builds(body in markdown()) {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        site_with(&root, &Fields {
            site_title: "S".into(), corridor_title: "C".into(), title: "T".into(),
            summary: "S".into(), name: "N".into(), description: "D".into(),
            hours: "H".into(), body,
        });
        let diags = check_site(&root).unwrap();
        if diags.iter().any(|d| d.is_error()) {
            return Ok(());
        }
        let built = build(&BuildOptions {
            site: root.clone(),
            out: tmp.path().join("public"),
            base_url: None,
            pdf: true,
            progress: None,
        });
        prop_assert!(built.is_ok(), "check passed but build failed: {:?}", built.err());
    }
}
