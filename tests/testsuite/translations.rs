//! `pocketguide translations`, `--stamp`, Fluent checks and `new corridor`.

use crate::support::*;

#[test]
fn json_lists_every_status_in_the_spec_shape() {
    let site = fixture("basic");
    let run = site.run(&["translations", "--format", "json"]);
    run.assert_code(0);
    let rows: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let rows = rows.as_array().unwrap();
    let status = |page: &str, lang: &str| {
        rows.iter()
            .find(|r| r["page"] == page && r["language"] == lang)
            .map(|r| r["status"].as_str().unwrap().to_string())
            .unwrap()
    };
    assert_eq!(status("intro", "en"), "source");
    assert_eq!(status("intro", "ru"), "outdated");
    assert_eq!(status("intro", "uz"), "missing");
    assert_eq!(status("shared-tips", "uz"), "ok");
    assert_eq!(status("work", "ru"), "missing");
    for r in rows {
        let keys: Vec<&String> = r.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["corridor", "language", "page", "status"]);
        assert_eq!(r["corridor"], "kg-fi");
        assert_ne!(r["page"], "contacts", "the contacts chapter is data");
    }
    assert_eq!(rows.len(), 9);
}

#[test]
fn table_has_a_row_per_chapter_and_a_summary() {
    let site = fixture("basic");
    let run = site.run(&["translations"]);
    run.assert_code(0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines[0].contains("uz") && lines[0].contains("ru") && lines[0].contains("en"));
    assert!(lines
        .iter()
        .any(|l| l.starts_with("kg-fi/intro") && l.contains("outdated")));
    let summary = lines.last().unwrap();
    assert!(summary.starts_with("complete"), "{summary}");
    assert!(
        summary.contains("33%") && summary.contains("source"),
        "{summary}"
    );
}

#[test]
fn stamp_changes_only_source_hash_and_makes_the_page_ok() {
    let site = fixture("basic");
    let before = site.read("content/kg-fi/ru/intro.md");
    site.run(&["translations", "--stamp", "content/kg-fi/ru/intro.md"])
        .assert_code(0);
    let after = site.read("content/kg-fi/ru/intro.md");
    let changed: Vec<(&str, &str)> = before
        .lines()
        .zip(after.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(changed.len(), 1);
    assert!(
        changed[0].1.starts_with("source_hash: ")
            && changed[0].1 != "source_hash: 0000000000000000"
    );
    assert_eq!(before.len(), after.len());
    let json = site.run(&["translations", "--format", "json"]).stdout;
    assert!(
        json.contains("\"page\": \"intro\",\n    \"language\": \"ru\",\n    \"status\": \"ok\"")
    );
    // Stamping again changes nothing.
    site.run(&["translations", "--stamp", "content/kg-fi/ru/intro.md"])
        .assert_code(0);
    assert_eq!(site.read("content/kg-fi/ru/intro.md"), after);
}

#[test]
fn stamp_adds_the_key_to_a_crlf_file_byte_exactly() {
    let site = fixture("basic");
    let crlf = "---\r\ntitle: Работа\r\nsummary: x\r\n---\r\nТекст.\r\n";
    site.write("content/kg-fi/ru/work.md", crlf);
    site.run(&["translations", "--stamp", "content/kg-fi/ru/work.md"])
        .assert_code(0);
    let after = site.read("content/kg-fi/ru/work.md");
    let hash = after
        .lines()
        .find_map(|l| l.strip_prefix("source_hash: "))
        .unwrap()
        .trim_end();
    assert_eq!(
        after,
        format!("---\r\ntitle: Работа\r\nsummary: x\r\nsource_hash: {hash}\r\n---\r\nТекст.\r\n")
    );
    assert!(site
        .run(&["translations", "--format", "json"])
        .stdout
        .contains(&"\"status\": \"ok\"".to_string()));
}

#[test]
fn editing_the_source_makes_translations_outdated() {
    let site = fixture("basic");
    site.run(&[
        "translations",
        "--stamp",
        "content/_shared/ru/shared-tips.md",
    ])
    .assert_code(0);
    let check = site.run(&["check"]);
    assert!(
        !check.stderr.contains("_shared/ru/shared-tips.md"),
        "{}",
        check.stderr
    );
    // A Windows editor re-saving the source with CRLF changes nothing.
    let src = site.read("content/_shared/en/shared-tips.md");
    site.write(
        "content/_shared/en/shared-tips.md",
        &src.replace('\n', "\r\n"),
    );
    assert!(!site
        .run(&["check"])
        .stderr
        .contains("_shared/ru/shared-tips.md"));
    // A real edit does.
    site.write(
        "content/_shared/en/shared-tips.md",
        &src.replace("SHARED-TIPS-EN", "NEW TEXT"),
    );
    let check = site.run(&["check"]);
    assert!(
        check
            .stderr
            .contains("content/_shared/ru/shared-tips.md:3: warning: outdated translation"),
        "{}",
        check.stderr
    );
}

#[test]
fn stamp_refuses_the_source_page_and_non_chapters() {
    let site = fixture("basic");
    let before = site.read("content/kg-fi/en/intro.md");
    let run = site.run(&["translations", "--stamp", "content/kg-fi/en/intro.md"]);
    run.assert_code(1);
    assert!(run.stderr.contains("source page"), "{}", run.stderr);
    assert_eq!(site.read("content/kg-fi/en/intro.md"), before);
    site.write("notes.md", "---\ntitle: x\n---\n");
    let run = site.run(&["translations", "--stamp", "notes.md"]);
    run.assert_code(1);
    assert!(
        run.stderr.contains("not a page of this site"),
        "{}",
        run.stderr
    );
}

#[test]
fn russian_plural_on_the_corridor_home() {
    let site = fixture("basic");
    site.build().assert_code(0);
    // ru lacks one chapter (work): "1 глава"; uz lacks two (intro, work): "2 ta bob".
    assert!(site
        .read_out("ru/kg-fi/index.html")
        .contains("1 глава ещё не переведена"));
    assert!(site.read_out("uz/kg-fi/index.html").contains("2 ta bob"));
    site.write("content/kg-fi/en/extra.md", "---\ntitle: Extra\n---\nx\n");
    site.write("content/kg-fi/en/more.md", "---\ntitle: More\n---\nx\n");
    site.write("content/kg-fi/en/last.md", "---\ntitle: Last\n---\nx\n");
    site.write("content/kg-fi/en/final.md", "---\ntitle: Final\n---\nx\n");
    site.write(
        "content/kg-fi/corridor.yaml",
        &site.read("content/kg-fi/corridor.yaml").replace(
            "  - contacts",
            "  - extra\n  - more\n  - last\n  - final\n  - contacts",
        ),
    );
    site.build().assert_code(0);
    assert!(site
        .read_out("ru/kg-fi/index.html")
        .contains("5 глав ещё не переведены"));
}

#[test]
fn site_locale_overrides_key_by_key() {
    let site = fixture("basic");
    site.write("locales/ru.ftl", "all-contacts = Все телефоны\n");
    site.build().assert_code(0);
    let html = site.read_out("ru/kg-fi/intro/index.html");
    assert!(html.contains("Все телефоны"));
    assert!(
        html.contains("Экстренные контакты"),
        "other keys stay built-in"
    );
}

#[test]
fn new_corridor_passes_check_and_never_overwrites() {
    let site = fixture("basic");
    let run = site.run(&["new", "corridor", "tj-lt"]);
    run.assert_code(0);
    assert!(run.stdout.contains("content/tj-lt/corridor.yaml"));
    let corridor = site.read("content/tj-lt/corridor.yaml");
    assert!(corridor.contains("origin: TJ") && corridor.contains("destination: LT"));
    assert!(corridor.contains("languages: [uz, ru, en]"));
    assert!(!site
        .read("content/tj-lt/contacts.yaml")
        .lines()
        .any(|l| !l.starts_with('#')));
    let check = site.run(&["check"]);
    check.assert_code(0);
    assert!(!check.stderr.contains(": error:"), "{}", check.stderr);
    site.build().assert_code(0);

    site.write(
        "content/tj-lt/en/before-you-go.md",
        "---\ntitle: Mine\n---\nkeep me\n",
    );
    let again = site.run(&["new", "corridor", "tj-lt"]);
    again.assert_code(1);
    assert!(again.stderr.contains("already exists"));
    assert!(site
        .read("content/tj-lt/en/before-you-go.md")
        .contains("keep me"));
}

#[test]
fn new_corridor_rejects_unknown_country_codes() {
    let site = fixture("basic");
    for bad in ["xx-ee", "uz-qq", "uzbekistan", "UZ-EE"] {
        let run = site.run(&["new", "corridor", bad]);
        run.assert_code(2);
        assert!(!site.root.join("content").join(bad).exists());
    }
}
