//! The repository root is the example site: it must check clean, build, and
//! keep every chapter page light for paid mobile data.

use crate::support::*;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The example's contacts were read from their sources on 2026-11-23; as
/// the calendar moves on, `check` rightly calls them stale. This test is
/// about the content as written, so "today" is pinned the day after.
const DAY_AFTER_VERIFIED: &str = "1795478400";

#[test]
fn example_site_checks_clean() {
    let run = run_in_with(
        root(),
        &["check", "--strict"],
        &[("SOURCE_DATE_EPOCH", DAY_AFTER_VERIFIED)],
    );
    run.assert_code(0);
    assert!(run.stdout.contains("no problems found"), "{}", run.stderr);
}

#[test]
fn example_site_builds_every_language_and_stays_light() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let run = run_in(root(), &["build", "--out", out.to_str().unwrap()]);
    run.assert_code(0);
    // Piped, a build draws no progress bar, however long it takes.
    assert!(
        !run.stderr.contains('\r') && !run.stderr.contains('\u{1b}'),
        "{:?}",
        run.stderr
    );
    let css = std::fs::read(out.join("style.css")).unwrap().len();
    let mut chapters = 0;
    for lang in ["uz", "ru", "et", "en"] {
        let dir = out.join(lang).join("uz-ee");
        for entry in std::fs::read_dir(&dir).unwrap() {
            let page = entry.unwrap().path().join("index.html");
            if !page.is_file() {
                continue;
            }
            let html = std::fs::read_to_string(&page).unwrap();
            assert!(html.contains(&format!("<html lang=\"{lang}\" dir=\"ltr\">")));
            assert!(
                !html.contains("class=\"notice\""),
                "{}: the example has no fallback",
                page.display()
            );
            // SPEC: at most 30 KB with the stylesheet, beyond the chapter's own text.
            let own_text = html
                .find("<article")
                .and_then(|s| html[s..].find("</article>"))
                .unwrap_or(0);
            let weight = html.len() + css - own_text;
            assert!(
                weight <= 30 * 1024,
                "{} weighs {weight} bytes",
                page.display()
            );
            chapters += 1;
        }
    }
    assert_eq!(chapters, 4 * 8);
    assert!(std::fs::read_to_string(out.join("uz/uz-ee/index.html"))
        .unwrap()
        .contains("Oʻzbekiston"));
}

/// The numbers of a page (its title, summary and body): every digit run,
/// so "+372 660 7320", "€886", "09:00" and "3,938" count in any language's
/// way of writing them.
fn numbers(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let text: String = text
        .lines()
        .filter(|l| !l.starts_with("source_hash:"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut runs: Vec<String> = text
        .split(|c: char| !c.is_ascii_digit())
        .filter(|r| !r.is_empty())
        .map(String::from)
        .collect();
    runs.sort();
    runs
}

/// A migrant may act on every number: all four languages give the same
/// phone numbers, amounts, hours, dates and counts, chapter by chapter.
#[test]
fn every_language_gives_the_same_numbers() {
    let content = root().join("content");
    let mut compared = 0;
    for scope in ["uz-ee", "_shared"] {
        for entry in std::fs::read_dir(content.join(scope).join("en")).unwrap() {
            let en = entry.unwrap().path();
            let name = en.file_name().unwrap().to_owned();
            let expected = numbers(&en);
            for lang in ["uz", "ru", "et"] {
                let other = content.join(scope).join(lang).join(&name);
                assert_eq!(
                    numbers(&other),
                    expected,
                    "{} and {} give different numbers",
                    other.display(),
                    en.display()
                );
                compared += 1;
            }
        }
    }
    assert_eq!(compared, 7 * 3);
}
