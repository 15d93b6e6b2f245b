//! Translators' tools (SPEC 8): what changed since a translation was made,
//! the PO round trip, the status page. Each test makes a git repository of
//! the `translate` fixture: commit, stamp, edit the source, commit.

use crate::support::*;
use std::process::Command;

fn git(site: &Site, args: &[&str]) {
    let status = Command::new("git")
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.org"])
        .args(args)
        .current_dir(&site.root)
        .output()
        .expect("git is installed");
    assert!(
        status.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&status.stderr)
    );
}

const SENTENCE: &str = "The money goes to your bank account.";
const EDITED: &str = "The money goes to your own bank account, unless you agree to cash.";

/// The fixture committed with the Russian page stamped, then one sentence
/// of the English source edited and committed.
fn edited_site() -> Site {
    let site = fixture("translate");
    git(&site, &["init", "-q"]);
    git(&site, &["add", "-A"]);
    git(&site, &["commit", "-qm", "content"]);
    site.run(&["translations", "--stamp", "content/kg-fi/ru/rights.md"])
        .assert_code(0);
    git(&site, &["commit", "-qam", "stamp"]);
    let en = site.read("content/kg-fi/en/rights.md");
    site.write("content/kg-fi/en/rights.md", &en.replace(SENTENCE, EDITED));
    git(&site, &["commit", "-qam", "edit the source"]);
    site
}

fn status(site: &Site, page: &str) -> String {
    let json: serde_json::Value =
        serde_json::from_str(&site.run(&["translations", "--format", "json"]).stdout).unwrap();
    json.as_array()
        .unwrap()
        .iter()
        .find(|r| r["page"] == page && r["language"] == "ru")
        .map(|r| r["status"].as_str().unwrap().to_string())
        .unwrap()
}

fn content(site: &Site) -> Vec<(String, Vec<u8>)> {
    tree(&site.root.join("content"))
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(site.root.join("content").join(&f)).unwrap();
            (f, bytes)
        })
        .collect()
}

#[test]
fn diff_shows_exactly_the_changed_words() {
    let site = edited_site();
    let run = site.run(&["translations", "diff", "content/kg-fi/ru/rights.md"]);
    run.assert_code(0);
    assert!(
        run.stdout.contains("line 7: … month. The money goes to your {+own +}bank [-account.-]{+account, unless you agree to cash.+}"),
        "{}",
        run.stdout
    );
    // Nothing else is marked: one hunk, and the title and summary are the same.
    assert_eq!(run.stdout.matches("[-").count(), 1, "{}", run.stdout);
    assert_eq!(run.stdout.matches("{+").count(), 2, "{}", run.stdout);
    assert!(!run.stdout.contains("title:") && !run.stdout.contains('\u{1b}'));
}

#[test]
fn diff_of_an_up_to_date_translation_has_nothing_to_show() {
    let site = edited_site();
    site.run(&["translations", "--stamp", "content/kg-fi/ru/rights.md"])
        .assert_code(0);
    let run = site.run(&["translations", "diff", "content/kg-fi/ru/rights.md"]);
    run.assert_code(0);
    assert!(run.stdout.starts_with("nothing changed"), "{}", run.stdout);
}

#[test]
fn diff_without_history_says_so_and_exits_1() {
    let site = fixture("translate");
    let run = site.run(&["translations", "diff", "content/kg-fi/ru/rights.md"]);
    run.assert_code(1);
    assert!(
        run.stderr
            .contains("content/kg-fi/ru/rights.md: error: the site's history is not available"),
        "{}",
        run.stderr
    );
    // In a repository, but no commit has the recorded version.
    git(&site, &["init", "-q"]);
    git(&site, &["add", "-A"]);
    git(&site, &["commit", "-qm", "content"]);
    let run = site.run(&["translations", "diff", "content/kg-fi/ru/rights.md"]);
    run.assert_code(1);
    assert!(
        run.stderr.contains("no commit in the site's git history"),
        "{}",
        run.stderr
    );
    site.run(&["translations", "diff", "content/kg-fi/en/rights.md"])
        .assert_code(1);
}

fn export(site: &Site) -> String {
    let out = site.root.parent().unwrap().join("po");
    site.run(&[
        "translations",
        "export",
        "--lang",
        "ru",
        "--out",
        out.to_str().unwrap(),
    ])
    .assert_code(0);
    let po = out.join("kg-fi/ru.po");
    let check = Command::new("msgfmt")
        .args(["--check", "-o", "/dev/null"])
        .arg(&po)
        .output()
        .expect("msgfmt (gettext) is installed by .ci/run");
    assert!(
        check.status.success(),
        "msgfmt --check: {}",
        String::from_utf8_lossy(&check.stderr)
    );
    assert!(
        check.stderr.is_empty(),
        "msgfmt warns: {}",
        String::from_utf8_lossy(&check.stderr)
    );
    std::fs::read_to_string(po).unwrap()
}

fn import(site: &Site, po: &str) -> Run {
    let path = site.root.parent().unwrap().join("edited.po");
    std::fs::write(&path, po).unwrap();
    site.run(&["translations", "import", path.to_str().unwrap()])
}

#[test]
fn po_has_exactly_one_fuzzy_entry_with_the_previous_msgid_after_a_one_sentence_edit() {
    let site = edited_site();
    let po = export(&site);
    assert_eq!(po.matches("#, fuzzy").count(), 1, "{po}");
    let fuzzy = &po[po.find("#, fuzzy").unwrap()..];
    assert!(
        fuzzy.starts_with(&format!("#, fuzzy\n#| msgid \"You are paid at least once a month. {SENTENCE}\"\nmsgctxt \"rights/002-paragraph\"")),
        "{fuzzy}"
    );
    // The translations are carried over, in guide order, one per block.
    assert!(po.contains("msgctxt \"rights/title\"\nmsgid \"Your rights\"\nmsgstr \"Ваши права\""));
    assert!(po.contains("msgctxt \"rights/006-quote\"\nmsgid \"Nobody may keep your passport.\"\nmsgstr \"Никто не может забирать ваш паспорт.\""));
    assert!(po.contains("msgctxt \"rights/010-cell\"\nmsgid \"8\"\nmsgstr \"8\""));
    assert!(po.find("rights/title").unwrap() < po.find("extra/title").unwrap());
    // A chapter with no translation: every entry empty, none fuzzy.
    assert!(po.contains(
        "msgctxt \"extra/001-paragraph\"\nmsgid \"Call the example line.\"\nmsgstr \"\""
    ));
}

#[test]
fn importing_the_edited_entry_stamps_the_page_ok() {
    let site = edited_site();
    assert_eq!(status(&site, "rights"), "outdated");
    let po = export(&site)
        .replace("#, fuzzy\n", "")
        .replace(
            "msgstr \"\"\n\"Вам платят не реже раза в месяц. Деньги \"\n\"приходят на ваш банковский счёт.\"",
            "msgstr \"Вам платят не реже раза в месяц. Деньги приходят на ваш собственный счёт, если вы не договорились о наличных.\"",
        );
    assert!(!po.contains("#, fuzzy"), "{po}");
    let run = import(&site, &po);
    run.assert_code(0);
    assert!(
        run.stdout.contains("stamped content/kg-fi/ru/rights.md"),
        "{}",
        run.stdout
    );
    assert_eq!(status(&site, "rights"), "ok");
    let ru = site.read("content/kg-fi/ru/rights.md");
    assert!(
        ru.contains(
            "Деньги приходят на ваш собственный счёт, если вы не договорились о наличных.\n"
        ),
        "{ru}"
    );
    // Every other line is as the translator wrote it.
    assert!(
        ru.contains("## Оплата\n\n") && ru.contains("> Никто не может забирать ваш паспорт.\n")
    );
    // The chapter with untranslated entries is neither written nor stamped.
    assert!(!site.root.join("content/kg-fi/ru/extra.md").exists());
    site.run(&["translations", "diff", "content/kg-fi/ru/rights.md"])
        .assert_code(0);
}

#[test]
fn a_fuzzy_or_partly_translated_page_is_written_but_not_stamped() {
    let site = edited_site();
    let po = export(&site).replace(
        "msgid \"Extra help\"\nmsgstr \"\"",
        "msgid \"Extra help\"\nmsgstr \"Дополнительная помощь\"",
    );
    let run = import(&site, &po);
    run.assert_code(0);
    assert!(!run.stdout.contains("stamped"), "{}", run.stdout);
    let extra = site.read("content/kg-fi/ru/extra.md");
    assert!(
        extra.contains("title: \"Дополнительная помощь\"") && !extra.contains("source_hash"),
        "{extra}"
    );
    assert_eq!(status(&site, "rights"), "outdated");
    assert_eq!(status(&site, "extra"), "outdated");
}

#[test]
fn export_then_import_of_an_ok_translation_changes_no_byte() {
    let site = fixture("translate");
    site.run(&["translations", "--stamp", "content/kg-fi/ru/rights.md"])
        .assert_code(0);
    let before = content(&site);
    let po = export(&site);
    let run = import(&site, &po);
    run.assert_code(0);
    assert!(run.stdout.contains("nothing changed"), "{}", run.stdout);
    assert!(content(&site) == before, "a file changed");
}

#[test]
fn a_po_for_a_different_source_is_refused_and_nothing_is_written() {
    let site = fixture("translate");
    site.run(&["translations", "--stamp", "content/kg-fi/ru/rights.md"])
        .assert_code(0);
    let po = export(&site).replace(
        "msgid \"Keep your payslips.\"\nmsgstr \"Сохраняйте расчётные листки.\"",
        "msgid \"Keep your payslips.\"\nmsgstr \"Храните листки.\"",
    );
    // The source moves on before the PO comes back.
    let en = site.read("content/kg-fi/en/rights.md");
    site.write(
        "content/kg-fi/en/rights.md",
        &en.replace("Keep your payslips.", "Keep every payslip."),
    );
    let before = content(&site);
    let run = import(&site, &po);
    run.assert_code(1);
    let line = po
        .lines()
        .position(|l| l == "msgctxt \"rights/003-paragraph\"")
        .unwrap()
        + 1;
    assert!(
        run.stderr.contains(&format!("edited.po:{line}: error: entry 'rights/003-paragraph' does not match the current source page content/kg-fi/en/rights.md")),
        "{}",
        run.stderr
    );
    // One error for the one stale entry, not a second "no entry" for it.
    assert!(!run.stderr.contains("no entry"), "{}", run.stderr);
    assert!(run.stderr.contains("1 error"), "{}", run.stderr);
    assert!(content(&site) == before, "a file was written");
}

#[test]
fn every_export_of_the_example_site_passes_msgfmt_check() {
    let tmp = tempfile::tempdir().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for lang in ["uz", "ru", "et"] {
        let out = tmp.path().join(lang);
        run_in(
            root,
            &[
                "translations",
                "export",
                "--lang",
                lang,
                "--out",
                out.to_str().unwrap(),
            ],
        )
        .assert_code(0);
        let po = out.join(format!("uz-ee/{lang}.po"));
        let check = Command::new("msgfmt")
            .args(["--check", "-o", "/dev/null"])
            .arg(&po)
            .output()
            .unwrap();
        assert!(
            check.status.success() && check.stderr.is_empty(),
            "{lang}: {}",
            String::from_utf8_lossy(&check.stderr)
        );
        let text = std::fs::read_to_string(&po).unwrap();
        assert!(text.matches("msgctxt").count() > 40, "{lang}");
        assert!(
            !text.contains("msgstr \"\"\n\n"),
            "{lang}: the example is fully translated"
        );
    }
}

#[test]
fn status_page_shows_each_outdated_translation_with_its_diff() {
    let site = edited_site();
    let run = site.run(&["translations", "--format", "html"]);
    run.assert_code(0);
    let html = run.stdout;
    assert!(
        html.starts_with("<!doctype html>") && !html.contains("<script") && !html.contains("<link")
    );
    assert!(
        html.contains("<td class=\"outdated\"><a href=\"#kg-fi-rights-ru\">outdated</a></td>"),
        "{html}"
    );
    assert!(html.contains("<td class=\"missing\">missing</td>"));
    assert!(html.contains("id=\"kg-fi-rights-ru\""));
    assert!(
        html.contains("<ins>own </ins>") && html.contains("<del>account.</del>"),
        "{html}"
    );
}
