//! `pocketguide new site`: from nothing to a site that checks clean and
//! builds, as a newcomer would go (issue 17).

use crate::support::*;
use std::fs;
use std::path::Path;

#[test]
fn new_site_then_build_works_from_an_empty_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let run = run_in(tmp.path(), &["new", "site", "my-guides"]);
    run.assert_code(0);
    assert!(run.stdout.contains("cd my-guides"), "{}", run.stdout);
    let site = tmp.path().join("my-guides");
    assert!(fs::read_to_string(site.join(".gitignore"))
        .unwrap()
        .lines()
        .any(|l| l == "/public/"));
    let yaml = fs::read_to_string(site.join("site.yaml")).unwrap();
    assert!(yaml.contains("# "), "site.yaml is commented");
    assert!(!site.join(".github").exists(), "only with --github-pages");

    let check = run_in(&site, &["check", "--strict"]);
    check.assert_code(0);
    assert!(
        check.stdout.contains("no problems found"),
        "{}",
        check.stderr
    );
    let translations = run_in(&site, &["translations", "--format", "json"]);
    assert!(
        !translations.stdout.contains("outdated"),
        "{}",
        translations.stdout
    );

    run_in(&site, &["build"]).assert_code(0);
    for lang in ["uz", "ru", "et", "en"] {
        let guide = site.join("public").join(lang).join("uz-ee");
        for file in ["index.html", "before-you-go/index.html", "uz-ee-{l}.pdf"] {
            let file = file.replace("{l}", lang);
            assert!(guide.join(&file).is_file(), "{lang}/uz-ee/{file}");
        }
    }
    // The starter chapters hold no contact: nothing invented.
    let contacts = fs::read_to_string(site.join("content/uz-ee/contacts.yaml")).unwrap();
    assert!(contacts.lines().all(|l| l.starts_with('#')), "{contacts}");
}

#[test]
fn new_site_takes_languages_source_and_corridor() {
    let tmp = tempfile::tempdir().unwrap();
    let run = run_in(
        tmp.path(),
        &[
            "new",
            "site",
            "kg",
            "--languages",
            "ru,en",
            "--source",
            "ru",
            "--corridor",
            "kg-ru",
        ],
    );
    run.assert_code(0);
    let site = tmp.path().join("kg");
    let corridor = fs::read_to_string(site.join("content/kg-ru/corridor.yaml")).unwrap();
    assert!(corridor.contains("source_language: ru"), "{corridor}");
    assert!(corridor.contains("languages: [ru, en]"), "{corridor}");
    assert!(!site.join("content/kg-ru/uz").exists());
    let en = fs::read_to_string(site.join("content/kg-ru/en/rights-at-work.md")).unwrap();
    assert!(
        en.contains("source_hash:"),
        "en translates the ru source: {en}"
    );
    run_in(&site, &["check", "--strict"]).assert_code(0);
    run_in(&site, &["build", "--no-pdf"]).assert_code(0);
    assert!(site.join("public/ru/kg-ru/index.html").is_file());
}

#[test]
fn new_site_refuses_bad_arguments_and_never_overwrites() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::create_dir(dir.join("taken")).unwrap();
    fs::write(dir.join("taken/notes.txt"), "mine").unwrap();
    fs::write(dir.join("a-file"), "mine").unwrap();
    let cases: [(&[&str], &str); 7] = [
        (&["taken"], "not empty"),
        (&["a-file"], "a-file"),
        (
            &["x", "--languages", "english"],
            "unknown language code 'english'",
        ),
        (
            &["x", "--languages", "ky,ru"],
            "no built-in interface strings for 'ky'",
        ),
        (
            &["x", "--languages", "ru,en", "--source", "uz"],
            "--source 'uz'",
        ),
        (&["x", "--languages", "ru,ru"], "twice"),
        (&["x", "--corridor", "uz-xx"], "XX"),
    ];
    for (args, message) in cases {
        let mut all = vec!["new", "site"];
        all.extend_from_slice(args);
        let run = run_in(dir, &all);
        run.assert_code(2);
        assert!(run.stderr.contains(message), "{args:?}: {}", run.stderr);
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    }
    assert!(
        !dir.join("x").exists(),
        "a refused site leaves nothing behind"
    );
    assert_eq!(
        fs::read_to_string(dir.join("taken/notes.txt")).unwrap(),
        "mine"
    );
    assert_eq!(tree(&dir.join("taken")), ["notes.txt"]);
    assert_eq!(fs::read_to_string(dir.join("a-file")).unwrap(), "mine");

    // An empty folder is fine: a newcomer often makes it first.
    fs::create_dir(dir.join("empty")).unwrap();
    run_in(dir, &["new", "site", "empty", "--languages", "en"]).assert_code(0);
    run_in(&dir.join("empty"), &["check", "--strict"]).assert_code(0);
}

#[test]
fn new_corridor_outside_a_site_points_to_new_site() {
    let tmp = tempfile::tempdir().unwrap();
    let run = run_in(tmp.path(), &["new", "corridor", "kg-ru"]);
    run.assert_code(1);
    assert!(
        run.stderr.contains("pocketguide new site"),
        "{}",
        run.stderr
    );
    assert!(!tmp.path().join("content").exists());
}

#[test]
fn new_corridor_in_a_new_site_checks_strict_clean() {
    let tmp = tempfile::tempdir().unwrap();
    run_in(tmp.path(), &["new", "site", "s", "--languages", "ru,en"]).assert_code(0);
    let site = tmp.path().join("s");
    run_in(&site, &["new", "corridor", "kg-ru"]).assert_code(0);
    for lang in ["ru", "en"] {
        assert!(Path::new(&site)
            .join(format!("content/kg-ru/{lang}/before-you-go.md"))
            .is_file());
    }
    run_in(&site, &["check", "--strict"]).assert_code(0);
}
