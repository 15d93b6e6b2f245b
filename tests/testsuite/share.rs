//! Offline and shared (SPEC 7.2, 7.3): the one-file guide, the EPUB (read
//! by epubcheck), the messages, and the save-and-share section.

use crate::support::*;
use std::path::{Path, PathBuf};
use std::process::Command;

const LANGS: [&str; 4] = ["uz", "ru", "et", "en"];

/// The example site, built once per test into a fresh folder.
fn example() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    run_in(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["build", "--out", out.to_str().unwrap()],
    )
    .assert_code(0);
    (tmp, out)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every `url(...)` in CSS, every `src`, and every `href` of a `<link>`:
/// what a browser would fetch on opening the file.
fn fetched(html: &str) -> Vec<String> {
    let mut urls: Vec<String> = attr_values(html, "src")
        .into_iter()
        .map(String::from)
        .collect();
    for (i, _) in html.match_indices("<link") {
        let tag = &html[i..i + html[i..].find('>').unwrap()];
        urls.extend(attr_values(tag, "href").into_iter().map(String::from));
    }
    for (i, _) in html.match_indices("url(") {
        urls.push(html[i..i + html[i..].find(')').unwrap_or(0)].to_string());
    }
    for (i, _) in html.match_indices("@import") {
        urls.push(html[i..i + 40.min(html.len() - i)].to_string());
    }
    urls
}

#[test]
fn one_file_guide_loads_nothing_and_holds_every_chapter() {
    let (_tmp, out) = example();
    for lang in LANGS {
        let file = out.join(format!("{lang}/uz-ee/uz-ee-{lang}.html"));
        let size = std::fs::metadata(&file).unwrap().len();
        assert!(size <= 150 * 1024, "{lang}: {size} bytes");
        let html = read(&file);
        for url in fetched(&html) {
            assert!(url.starts_with("data:image/"), "{lang} fetches {url}");
        }
        assert!(!html.to_lowercase().contains("<script"), "{lang}");
        assert!(
            html.contains("<svg role=\"img\" aria-label="),
            "{lang}: QR code inline"
        );
        // Every `#` link has its target, and every chapter is there.
        for href in attr_values(&html, "href")
            .into_iter()
            .filter(|h| h.starts_with('#'))
        {
            assert!(
                html.contains(&format!("id=\"{}\"", &href[1..])),
                "{lang}: {href} has no target"
            );
        }
        let home = read(&out.join(format!("{lang}/uz-ee/index.html")));
        let chapters = home.split("<ol class=\"chapters\">").nth(1).unwrap();
        let chapters = &chapters[..chapters.find("</ol>").unwrap()];
        let slugs: Vec<&str> = attr_values(chapters, "href")
            .into_iter()
            .map(|h| {
                h.trim_end_matches("/index.html")
                    .rsplit('/')
                    .next()
                    .unwrap()
            })
            .collect();
        assert_eq!(slugs.len(), 8);
        for slug in slugs {
            assert!(
                html.contains(&format!("id=\"ch-{slug}\"")),
                "{lang}: no {slug}"
            );
        }
        // Contacts with their tel: links.
        assert!(html.contains("href=\"tel:112\""), "{lang}");
    }
}

#[test]
fn one_file_guide_carries_its_images_inside() {
    let site = fixture("basic");
    site.build().assert_code(0);
    let html = site.read_out("en/kg-fi/kg-fi-en.html");
    assert!(
        html.contains("<img src=\"data:image/png;base64,iVBOR"),
        "the map is inside"
    );
    assert!(!html.contains("media/"), "no reference to the site's files");
}

/// epubcheck, from Debian's package (its /usr/bin/epubcheck is the jar).
fn epubcheck(epub: &Path) -> String {
    let jar = Path::new("/usr/share/java/epubcheck.jar");
    let out = if jar.exists() {
        Command::new("java").arg("-jar").arg(jar).arg(epub).output()
    } else {
        Command::new("epubcheck").arg(epub).output()
    }
    .expect("epubcheck (Debian package epubcheck) is installed by .ci/run");
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

pub(crate) fn assert_epubcheck_clean(epub: &Path) {
    let report = epubcheck(epub);
    assert!(
        report.contains("0 fatals / 0 errors / 0 warnings"),
        "{}:\n{report}",
        epub.display()
    );
}

#[test]
fn every_epub_of_the_example_and_the_fixtures_passes_epubcheck() {
    let (_tmp, out) = example();
    let mut checked = 0;
    for lang in LANGS {
        assert_epubcheck_clean(&out.join(format!("{lang}/uz-ee/uz-ee-{lang}.epub")));
        checked += 1;
    }
    for name in ["basic", "xss"] {
        let site = fixture(name);
        site.build().assert_code(0);
        for f in tree(&site.out()).iter().filter(|f| f.ends_with(".epub")) {
            assert_epubcheck_clean(&site.out().join(f));
            checked += 1;
        }
    }
    assert_eq!(checked, 4 + 3 + 1);
}

/// The EPUB's files, by name, and their order in the archive.
fn unzip(epub: &Path) -> (Vec<String>, std::collections::BTreeMap<String, String>) {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(epub).unwrap()).unwrap();
    let mut files = std::collections::BTreeMap::new();
    let names = (0..archive.len())
        .map(|i| archive.by_index(i).unwrap().name().to_string())
        .collect();
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).unwrap();
        let mut text = String::new();
        if std::io::Read::read_to_string(&mut f, &mut text).is_ok() {
            files.insert(f.name().to_string(), text);
        }
    }
    (names, files)
}

#[test]
fn epub_has_language_navigation_contacts_and_accessibility_metadata() {
    let site = fixture("basic");
    site.build().assert_code(0);
    let epub = site.out().join("uz/kg-fi/kg-fi-uz.epub");
    let (names, files) = unzip(&epub);
    assert_eq!(names[0], "mimetype", "mimetype comes first");
    let opf = &files["EPUB/package.opf"];
    assert!(opf.contains("<dc:language>uz</dc:language>"), "{opf}");
    assert!(opf.contains("<meta property=\"dcterms:modified\">2026-01-02T00:00:00Z</meta>"));
    for key in [
        "schema:accessMode",
        "schema:accessModeSufficient",
        "schema:accessibilityFeature",
        "schema:accessibilityHazard",
        "schema:accessibilitySummary",
    ] {
        assert!(opf.contains(&format!("property=\"{key}\"")), "{key}");
    }
    let nav = &files["EPUB/nav.xhtml"];
    for slug in ["intro", "work", "shared-tips", "contacts"] {
        assert!(
            nav.contains(&format!("href=\"ch-{slug}.xhtml\"")),
            "{slug} in the nav"
        );
    }
    // uz has no intro: the ru text stands in, marked as Russian.
    let intro = &files["EPUB/ch-intro.xhtml"];
    assert!(intro.contains("lang=\"ru\" xml:lang=\"ru\""), "{intro}");
    assert!(intro.contains("tarjima qilinmagan"), "the notice, in Uzbek");
    let contacts = &files["EPUB/ch-contacts.xhtml"];
    assert!(
        contacts.contains("href=\"tel:+442079460456\""),
        "{contacts}"
    );
    assert!(files.contains_key("EPUB/title.xhtml"));
    // The English guide has the intro page's map.
    let (_, en) = unzip(&site.out().join("en/kg-fi/kg-fi-en.epub"));
    assert!(
        en["EPUB/package.opf"].contains("href=\"media/kg-fi/en/map.png\" media-type=\"image/png\"")
    );
}

#[test]
fn epubs_are_byte_identical_across_builds() {
    let site = fixture("basic");
    site.build().assert_code(0);
    let first = std::fs::read(site.out().join("ru/kg-fi/kg-fi-ru.epub")).unwrap();
    site.build().assert_code(0);
    assert!(std::fs::read(site.out().join("ru/kg-fi/kg-fi-ru.epub")).unwrap() == first);
}

#[test]
fn messages_fit_and_carry_every_emergency_number_in_every_language() {
    let (_tmp, out) = example();
    for lang in LANGS {
        let dir = out.join(format!("{lang}/uz-ee"));
        let long = read(&dir.join("emergency.txt"));
        let sms = read(&dir.join("emergency-sms.txt"));
        assert!(long.chars().count() <= 4096, "{lang}");
        assert!(
            sms.chars().count() <= 201,
            "{lang}: {} characters: {sms}",
            sms.chars().count()
        );
        let url = format!("https://example.org/guides/{lang}/uz-ee/");
        assert!(long.contains(&url) && sms.contains(&url), "{lang}");
        // The emergency numbers are the ones on the corridor's pages.
        let home = read(&dir.join("index.html"));
        let sos = home.split("class=\"sos\"").nth(1).unwrap();
        let sos = &sos[..sos.find("</nav>").unwrap()];
        let mut numbers = 0;
        let open = "<b dir=\"ltr\">";
        for (i, _) in sos.match_indices(open) {
            let number = &sos[i + open.len()..i + sos[i..].find("</b>").unwrap()];
            assert!(
                long.contains(number) && sms.contains(number),
                "{lang}: {number}"
            );
            numbers += 1;
        }
        assert!(numbers >= 2, "{lang}");
        let title = home
            .split("<h1>")
            .nth(1)
            .unwrap()
            .split("</h1>")
            .next()
            .unwrap();
        assert!(long.starts_with(title), "{lang}: {long}");
    }
}

#[test]
fn an_sms_over_three_segments_is_a_check_error() {
    let site = fixture("basic");
    let contacts = site.read("content/kg-fi/contacts.yaml");
    site.write(
        "content/kg-fi/contacts.yaml",
        &contacts.replace(
            "Example Emergency",
            &"Example Emergency With A Very Long Name ".repeat(4),
        ),
    );
    let run = site.run(&["check"]);
    run.assert_code(1);
    assert!(
        run.stderr
            .contains("content/kg-fi/corridor.yaml:5: error: the emergency SMS in 'en' is"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("short_name"), "{}", run.stderr);
    // With short names it fits.
    let long = site.read("content/kg-fi/contacts.yaml");
    site.write(
        "content/kg-fi/contacts.yaml",
        &long.replacen("  country:", "  short_name: \"Help\"\n  country:", 1),
    );
    let sms_errors = site.run(&["check"]).stderr.matches("emergency SMS").count();
    assert_eq!(sms_errors, 0);
}

#[test]
fn save_and_share_offers_every_file_with_its_size_and_share_links() {
    let site = fixture("basic");
    site.build().assert_code(0);
    let home = site.read_out("ru/kg-fi/index.html");
    let share = home
        .split("class=\"share\"")
        .nth(1)
        .expect("a save-and-share section");
    for file in [
        "kg-fi-ru.pdf",
        "kg-fi-ru-booklet-a4.pdf",
        "kg-fi-ru.html",
        "kg-fi-ru.epub",
        "contacts.vcf",
        "emergency.txt",
        "emergency-sms.txt",
    ] {
        let at = share
            .find(&format!("href=\"{file}\""))
            .unwrap_or_else(|| panic!("{file}"));
        let size = std::fs::metadata(site.out().join("ru/kg-fi").join(file))
            .unwrap()
            .len() as usize;
        let after = &share[at..at + share[at..].find("</li>").unwrap()];
        let shown = after
            .split("<span class=\"size\">")
            .nth(1)
            .unwrap_or_else(|| panic!("{file}: no size"));
        let shown = &shown[..shown.find("</span>").unwrap()];
        let expected = if size < 1024 {
            format!("{size} B")
        } else if size < 1 << 20 {
            format!("{} KB", size.div_ceil(1024))
        } else {
            shown.to_string()
        };
        assert_eq!(shown, expected, "{file}");
    }
    let url = "https%3A%2F%2Fexample%2Eorg%2Fguides%2Fru%2Fkg%2Dfi%2F";
    assert!(
        share.contains(&format!(
            "href=\"https://t.me/share/url?url={url}&amp;text="
        )),
        "{share}"
    );
    assert!(share.contains("href=\"https://wa.me/?text="), "{share}");
    assert!(!home.contains("<script"));
    // --no-pdf: no links to PDFs that are not there.
    site.run(&["build", "--no-pdf"]).assert_code(0);
    assert!(!site.read_out("ru/kg-fi/index.html").contains(".pdf"));
}
