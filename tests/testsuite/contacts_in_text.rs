//! Numbers typed once (SPEC 11): `[](contact:ID)` in a chapter through every
//! output, on screen and on paper; an unknown id; phone numbers typed into
//! the text; `review_by` in check and in `translations`.

use crate::support::*;
use std::process::Command;

/// 2026-11-24, the day CI checks the example as of.
const NOV_24: &str = "1795478400";

/// The basic fixture with a chapter that links to three contacts: the
/// emergency number, the corridor's helpline by words, and a shared line.
fn with_contact_links() -> Site {
    let site = fixture("basic");
    site.write(
        "content/kg-fi/en/work.md",
        "---\ntitle: Work\n---\nIn danger, call [](contact:fi-emergency).\n\nOr [write to the helpline](contact:overridden) today.\n\n- [](contact:shared-line): in Russian.\n",
    );
    site
}

fn pdftotext(pdf: &std::path::Path) -> String {
    let out = Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed by .ci/run");
    assert!(out.status.success());
    // One line per run of words: the number may be set on the next line.
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn a_contact_link_shows_the_name_and_number_in_every_output() {
    let site = with_contact_links();
    site.build().assert_code(0);

    // The chapter page: the name in the reader's language and the number,
    // one link to call; words link to the contact without its number.
    let page = site.read_out("en/kg-fi/work/index.html");
    assert!(
        page.contains("call <a href=\"tel:112\">Example Emergency <bdi dir=\"ltr\">112</bdi></a>."),
        "{page}"
    );
    assert!(
        page.contains("Or <a href=\"tel:+442079460456\">write to the helpline</a> today."),
        "{page}"
    );
    assert!(
        page.contains(
            "<a href=\"tel:+442079460123\">Example Shared Line <bdi dir=\"ltr\">+44 20 7946 0123</bdi></a>: in Russian."
        ),
        "{page}"
    );
    // In Russian the page falls back to English, and the contacts speak
    // Russian where they can.
    let ru = site.read_out("ru/kg-fi/work/index.html");
    assert!(
        ru.contains("Пример экстренной службы <bdi dir=\"ltr\">112</bdi>"),
        "{ru}"
    );

    // On paper the number follows the words.
    let print = site.read_out("en/kg-fi/print.html");
    assert!(
        print.contains(
            "<a href=\"tel:+442079460456\">write to the helpline</a> (<bdi dir=\"ltr\">+44 20 7946 0456</bdi>) today."
        ),
        "{print}"
    );
    // The one-file guide is read on a screen: a link, as on the page.
    let single = std::fs::read_to_string(site.out().join("en/kg-fi/kg-fi-en.html")).unwrap();
    assert!(
        single.contains("<a href=\"tel:+442079460456\">write to the helpline</a> today."),
        "the one-file guide links the words"
    );
    // The EPUB's chapter.
    let epub = std::fs::File::open(site.out().join("en/kg-fi/kg-fi-en.epub")).unwrap();
    let mut zip = zip::ZipArchive::new(epub).unwrap();
    let mut chapter = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("EPUB/ch-work.xhtml").unwrap(),
        &mut chapter,
    )
    .unwrap();
    assert!(
        chapter.contains("<a href=\"tel:112\">Example Emergency <bdi dir=\"ltr\">112</bdi></a>"),
        "{chapter}"
    );
    // The PDF and the booklet print the numbers after the words.
    for pdf in ["en/kg-fi/kg-fi-en.pdf", "en/kg-fi/kg-fi-en-booklet-a4.pdf"] {
        let text = pdftotext(&site.out().join(pdf));
        assert!(
            text.contains("In danger, call Example Emergency 112."),
            "{pdf}: {text}"
        );
        assert!(
            text.contains("Or write to the helpline (+44 20 7946 0456) today."),
            "{pdf}: {text}"
        );
    }

    // Re-verified: one change in contacts.yaml, every output follows.
    let contacts = site
        .read("content/kg-fi/contacts.yaml")
        .replace("+44 20 7946 0456", "+44 20 7946 0457");
    site.write("content/kg-fi/contacts.yaml", &contacts);
    site.run(&["build", "--out", "public", "--no-pdf"])
        .assert_code(0);
    let print = site.read_out("en/kg-fi/print.html");
    assert!(print.contains("+44 20 7946 0457") && !print.contains("+44 20 7946 0456"));
    let page = site.read_out("en/kg-fi/work/index.html");
    assert!(page.contains("tel:+442079460457"), "{page}");
}

#[test]
fn a_contact_without_a_phone_links_to_its_other_channel() {
    let site = fixture("basic");
    site.write(
        "content/kg-fi/contacts.yaml",
        &(site.read("content/kg-fi/contacts.yaml")
            + "- id: chat-only\n  name: { en: \"Example Chat\" }\n  country: FI\n  telegram: \"example_chat\"\n  verified: 2026-01-01\n  source: \"https://example.org/chat\"\n- id: mail-only\n  name: { en: \"Example Mail\" }\n  country: FI\n  email: \"mail@example.org\"\n  verified: 2026-01-01\n  source: \"https://example.org/mail\"\n"),
    );
    site.write(
        "content/kg-fi/en/work.md",
        "---\ntitle: Work\n---\nWrite to [](contact:chat-only) or [](contact:mail-only).\n",
    );
    site.run(&["build", "--out", "public", "--no-pdf"])
        .assert_code(0);
    let page = site.read_out("en/kg-fi/work/index.html");
    assert!(
        page.contains("<a href=\"https://t.me/example_chat\">Example Chat <bdi dir=\"ltr\">@example_chat</bdi></a>"),
        "{page}"
    );
    assert!(
        page.contains("<a href=\"mailto:mail@example.org\">Example Mail <bdi dir=\"ltr\">mail@example.org</bdi></a>"),
        "{page}"
    );
}

#[test]
fn an_unknown_contact_is_an_error_at_its_line() {
    let site = fixture("basic");
    site.write(
        "content/kg-fi/en/work.md",
        "---\ntitle: Work\n---\nFirst line.\n\nCall [the line](contact:no-such-line).\n\nAnd [](contact:).\n",
    );
    let run = site.run(&["check"]);
    run.assert_code(1);
    assert!(
        run.stderr.contains(
            "content/kg-fi/en/work.md:6: error: link to contact 'no-such-line', which corridor 'kg-fi' does not have"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("content/kg-fi/en/work.md:8: error: a contact link without an id"),
        "{}",
        run.stderr
    );
    // The build refuses it, as every error.
    site.build().assert_code(1);
    assert!(!site.out().exists());
}

#[test]
fn a_phone_number_typed_into_a_chapter_is_a_warning_naming_its_contact() {
    let site = fixture("basic");
    site.write(
        "content/kg-fi/en/work.md",
        "---\ntitle: Work\n---\nCall +44 20 7946 0123 or 112.\n\nIn Arabic digits: ١١٢.\n\nOr +44 20 7946 0000, which nobody has.\n\nIn 2019, 3 938 people; €1 500 a month from 2026-11-01; page 12, A4, C181.\n",
    );
    let run = site.run(&["check"]);
    run.assert_code(0);
    let file = "content/kg-fi/en/work.md";
    for (line, what) in [
        (4, "phone number +44 20 7946 0123 typed into the text: it is the number of contact 'shared-line'; write [](contact:shared-line) instead"),
        (4, "phone number 112 typed into the text: it is the number of contact 'fi-emergency'"),
        (6, "phone number ١١٢ typed into the text: it is the number of contact 'fi-emergency'"),
        (8, "+44 20 7946 0000 looks like a phone number typed into the text, and no contact has it"),
    ] {
        let expected = format!("{file}:{line}: warning: {what}");
        assert!(run.stderr.contains(&expected), "{expected}\n{}", run.stderr);
    }
    assert!(
        !run.stderr.contains(&format!("{file}:10:")),
        "years, amounts, dates and names are not phone numbers: {}",
        run.stderr
    );
    site.run(&["check", "--strict"]).assert_code(1);
    // Written as a link, nothing is left to warn about.
    site.write(
        "content/kg-fi/en/work.md",
        "---\ntitle: Work\n---\nCall [](contact:shared-line) or [](contact:fi-emergency).\n",
    );
    let run = site.run(&["check"]);
    assert!(!run.stderr.contains(file), "{}", run.stderr);
}

#[test]
fn review_by_warns_after_its_day_and_strict_fails() {
    let site = fixture("basic");
    let page = |date: &str| {
        format!("---\ntitle: Work\nsummary: Pay.\nreview_by: {date}\n---\nThe wage in 2026.\n")
    };
    site.write("content/kg-fi/en/work.md", &page("2026-11-01"));
    let run = site.run_with(&["check"], &[("SOURCE_DATE_EPOCH", NOV_24)]);
    run.assert_code(0);
    assert!(
        run.stderr.contains(
            "content/kg-fi/en/work.md:4: warning: review_by 2026-11-01 has passed: the facts on this page that expire"
        ),
        "{}",
        run.stderr
    );
    site.run_with(&["check", "--strict"], &[("SOURCE_DATE_EPOCH", NOV_24)])
        .assert_code(1);

    // On the day itself and before it, nothing.
    site.write("content/kg-fi/en/work.md", &page("2026-11-24"));
    let run = site.run_with(&["check"], &[("SOURCE_DATE_EPOCH", NOV_24)]);
    assert!(!run.stderr.contains("review_by"), "{}", run.stderr);

    site.write("content/kg-fi/en/work.md", &page("next spring"));
    let run = site.run(&["check"]);
    run.assert_code(1);
    assert!(
        run.stderr
            .contains("content/kg-fi/en/work.md:4: error: review_by is not a date"),
        "{}",
        run.stderr
    );
}

#[test]
fn translations_show_review_by() {
    let site = fixture("basic");
    let work = site
        .read("content/kg-fi/en/work.md")
        .replace("title: Work\n", "title: Work\nreview_by: 2026-11-01\n");
    site.write("content/kg-fi/en/work.md", &work);
    let env = [("SOURCE_DATE_EPOCH", NOV_24)];
    let table = site.run_with(&["translations"], &env);
    table.assert_code(0);
    let row = table
        .stdout
        .lines()
        .find(|l| l.starts_with("kg-fi/work"))
        .unwrap();
    assert!(row.ends_with("2026-11-01 (passed)"), "{}", table.stdout);
    assert!(table.stdout.lines().next().unwrap().ends_with("review by"));

    let json = site.run_with(&["translations", "--format", "json"], &env);
    let rows: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let work_en = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["page"] == "work" && r["language"] == "en")
        .unwrap();
    assert_eq!(work_en["review_by"], "2026-11-01");

    let html = site.run_with(&["translations", "--format", "html"], &env);
    assert!(
        html.stdout.contains("<th>review by</th>"),
        "{}",
        html.stdout
    );
    assert!(
        html.stdout
            .contains("<td class=\"outdated\">2026-11-01 (passed)</td>"),
        "{}",
        html.stdout
    );
}

#[test]
fn a_contact_link_in_right_to_left_text_keeps_its_number_in_order() {
    let site = fixture("scripts");
    site.write(
        "content/et-sa/ar/work.md",
        "---\ntitle: \"العمل\"\n---\nاتصل بـ [](contact:example-helpline) في أي وقت.\n",
    );
    site.run(&["build", "--out", "public", "--no-pdf"])
        .assert_code(0);
    let page = site.read_out("ar/et-sa/work/index.html");
    assert!(
        page.contains("<a href=\"tel:+442079460018\">خط المساعدة التجريبي <bdi dir=\"ltr\">+44 20 7946 0018</bdi></a>"),
        "{page}"
    );
    // A contact with no name in Arabic shows the English one, marked as
    // English and left to right inside the Arabic sentence.
    let contacts = site
        .read("content/_shared/contacts.yaml")
        .replace("    ar: \"خط المساعدة التجريبي\"\n", "");
    site.write("content/_shared/contacts.yaml", &contacts);
    site.run(&["build", "--out", "public", "--no-pdf"])
        .assert_code(0);
    let page = site.read_out("ar/et-sa/work/index.html");
    assert!(
        page.contains("<a href=\"tel:+442079460018\"><span lang=\"en\" dir=\"ltr\">Example Helpline</span> <bdi dir=\"ltr\">+44 20 7946 0018</bdi></a>"),
        "{page}"
    );
}
