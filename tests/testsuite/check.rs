//! `pocketguide check`: every error kind of SPEC section 6 with its file and
//! line, all in one run; warnings; exit codes; colour only on terminals.

use crate::support::*;

fn invalid_site() -> Site {
    let site = fixture("invalid");
    // Not UTF-8 (Latin-1 é), made here so the fixture stays plain text.
    std::fs::write(
        site.root.join("content/kg-fi/en/latin1.md"),
        b"---\ntitle: Caf\xe9\n---\nx\n",
    )
    .unwrap();
    site
}

#[test]
fn reports_every_error_with_file_and_line_in_one_run() {
    let site = invalid_site();
    let run = site.run(&["check"]);
    run.assert_code(1);
    let expected = [
        // malformed YAML: site-wide contacts, a corridor, front matter
        "content/_shared/contacts.yaml:3: error:",
        "content/broken-corridor/corridor.yaml:3: error:",
        "content/kg-fi/en/badyaml.md:4: error: front matter is not valid YAML",
        // not UTF-8
        "content/kg-fi/en/latin1.md:2: error: file is not valid UTF-8",
        // missing title
        "content/kg-fi/en/notitle.md:1: error: missing `title`",
        // a chapter with no page in any language
        "content/kg-fi/corridor.yaml:10: error: chapter 'ghost' has no page in any language",
        // a link to a chapter that does not exist
        "content/kg-fi/en/intro.md:7: error: link to chapter 'missing.md'",
        // a contact id used twice in one file
        "content/kg-fi/contacts.yaml:14: error: contact id 'example-one' is used twice in this file (first on line 1)",
        // phone, e-mail, WhatsApp not well-formed
        "content/kg-fi/contacts.yaml:4: error: phone '12-34' is not well-formed",
        "content/kg-fi/contacts.yaml:10: error: e-mail 'not-an-email' is not well-formed",
        "content/kg-fi/contacts.yaml:11: error: whatsapp '12345' is not well-formed",
        // unknown country and language codes
        "content/kg-fi/corridor.yaml:1: error: origin: unknown country code 'XX'",
        "content/kg-fi/contacts.yaml:16: error: country: unknown country code 'ZZ'",
        "site.yaml:7: error: unknown language code 'english!'",
        // Fluent syntax error
        "locales/ru.ftl:2: error: Fluent syntax error",
    ];
    for e in expected {
        assert!(run.stderr.contains(e), "missing `{e}` in:\n{}", run.stderr);
    }
    assert!(
        !run.stderr.contains("chapter 'badyaml' has no page"),
        "no cascade"
    );
}

#[test]
fn reports_the_warnings() {
    let site = invalid_site();
    let run = site.run(&["check"]);
    for w in [
        // unknown front-matter key
        "content/kg-fi/en/intro.md:3: warning: unknown front-matter key `colour`",
        // stale, and missing verified/source
        "content/kg-fi/contacts.yaml:22: warning: contact 'example-stale' was last verified on 2001-01-01",
        "content/kg-fi/contacts.yaml:14: warning: contact 'example-one' has no `verified` date",
        "content/kg-fi/contacts.yaml:14: warning: contact 'example-one' has no `source`",
        // a chapter missing in a published language
        "content/kg-fi/corridor.yaml:7: warning: chapter 'intro' is not translated into 'ru'",
        // a Fluent key missing in a locale
        "locales/ky.ftl: warning: Fluent key `emergency-title` is missing in 'ky'",
    ] {
        assert!(run.stderr.contains(w), "missing `{w}` in:\n{}", run.stderr);
    }
}

#[test]
fn build_with_errors_fails_and_writes_nothing() {
    let site = invalid_site();
    let run = site.build();
    run.assert_code(1);
    assert!(run.stderr.contains("content/kg-fi/en/notitle.md:1: error:"));
    assert!(!site.out().exists());
}

#[test]
fn warnings_pass_unless_strict() {
    let site = fixture("basic");
    let run = site.run(&["check"]);
    run.assert_code(0);
    assert!(run.stderr.contains("warning:"), "{}", run.stderr);
    assert!(!run.stderr.contains("error:"));
    site.run(&["check", "--strict"]).assert_code(1);
    assert!(!site.out().exists(), "check writes nothing");
}

#[test]
fn clean_site_passes_strict() {
    let site = fixture("basic");
    std::fs::remove_dir_all(site.root.join("content/kg-fi/ru")).unwrap();
    site.write(
        "content/kg-fi/corridor.yaml",
        "origin: KG\ndestination: FI\nsource_language: en\nlanguages: [en]\ntitle: { en: \"T\" }\nupdated: 2026-01-02\nchapters: [intro, work, shared-tips, contacts]\n",
    );
    let run = site.run(&["check", "--strict"]);
    run.assert_code(0);
    assert!(run.stdout.contains("no problems found"));
}

#[test]
fn plain_output_when_piped_even_without_no_color() {
    let site = invalid_site();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_pocketguide"))
        .arg("check")
        .current_dir(&site.root)
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("error:"));
    assert!(!stderr.contains('\u{1b}'), "ANSI escapes in piped output");
}

#[test]
fn missing_site_yaml_is_an_error_not_a_crash() {
    let site = fixture("basic");
    std::fs::remove_file(site.root.join("site.yaml")).unwrap();
    let run = site.run(&["check"]);
    run.assert_code(1);
    assert!(run.stderr.contains("site.yaml: error: site.yaml not found"));
}

#[test]
fn pages_over_the_weight_budget_are_a_warning() {
    let site = fixture("basic");
    // A theme override with a heavy stylesheet pushes every page over 30 KB.
    site.write(
        "themes/default/static/style.css",
        &format!("body{{color:#000}}\n/*{}*/\n", "x".repeat(31 * 1024)),
    );
    let run = site.run(&["check"]);
    run.assert_code(0);
    assert!(
        run.stderr
            .contains("content/kg-fi/en/intro.md: warning: en/kg-fi/intro/index.html weighs"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("(budget 30 KB)"));
    site.run(&["check", "--strict"]).assert_code(1);
    let build = site.build();
    build.assert_code(0);
    assert!(build.stderr.contains("weighs"), "build reports it too");
}

#[test]
fn file_and_chapter_names_must_be_address_safe() {
    let site = fixture("basic");
    site.write("content/kg-fi/en/My Page.md", "---\ntitle: T\n---\nx\n");
    site.write(
        "content/kg-fi/corridor.yaml",
        &site
            .read("content/kg-fi/corridor.yaml")
            .replace("  - contacts", "  - My Page\n  - contacts"),
    );
    let run = site.run(&["check"]);
    run.assert_code(1);
    assert!(run.stderr.contains("content/kg-fi/en/My Page.md: error: file name 'My Page.md' may use only a-z, 0-9 and -"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("content/kg-fi/corridor.yaml:11: error: chapter 'My Page' may use only"),
        "{}",
        run.stderr
    );
}

#[test]
fn staleness_is_measured_from_source_date_epoch_when_set() {
    let site = fixture("basic");
    let yaml = site.read("site.yaml");
    site.write(
        "site.yaml",
        &yaml.replace("stale_after_days: 36500", "stale_after_days: 30"),
    );
    // The fixture's contacts were verified on 2026-01-01.
    let jan_15 = "1768435200";
    let mar_01 = "1772323200";
    let early = site.run_with(&["check"], &[("SOURCE_DATE_EPOCH", jan_15)]);
    assert!(!early.stderr.contains("days ago"), "{}", early.stderr);
    let late = site.run_with(&["check"], &[("SOURCE_DATE_EPOCH", mar_01)]);
    assert!(
        late.stderr
            .contains("was last verified on 2026-01-01, 59 days ago"),
        "{}",
        late.stderr
    );
}

/// A reader in danger must not be sent to a closed line: an emergency
/// contact must be open round the clock, unless the corridor says so.
#[test]
fn an_emergency_contact_that_is_not_open_round_the_clock_is_a_warning() {
    let site = fixture("basic");
    let contacts = site.read("content/kg-fi/contacts.yaml");
    site.write(
        "content/kg-fi/contacts.yaml",
        &contacts.replace(
            "  languages: [en, ru]\n  hours: \"24/7\"",
            "  languages: [en, ru]\n  hours: \"Mon–Fri 09:00–17:00\"",
        ),
    );
    let run = site.run(&["check"]);
    assert!(
        run.stderr.contains("content/kg-fi/contacts.yaml:19: warning: contact 'overridden' is an emergency contact (on every page and the printed cover) but its hours do not say \"24/7\""),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr
            .contains("'fi-emergency' is an emergency contact"),
        "112 is 24/7"
    );
    let corridor = site.read("content/kg-fi/corridor.yaml");
    site.write(
        "content/kg-fi/corridor.yaml",
        &format!("{corridor}emergency_office_hours: [overridden]\n"),
    );
    let run = site.run(&["check"]);
    assert!(
        !run.stderr.contains("is an emergency contact"),
        "{}",
        run.stderr
    );
}

/// Lines come from the YAML parser, not from searching the text: a key
/// that also appears inside a text block, or a value repeated elsewhere,
/// cannot send the editor to the wrong line (issue 17).
#[test]
fn yaml_problems_point_at_the_line_the_parser_read() {
    let site = fixture("basic");
    site.write(
        "content/kg-fi/contacts.yaml",
        r#"- id: fi-emergency
  name: { en: "Example Emergency" }
  description:
    en: |
      phone: write the number in the phone field
  country: FI
  phone: "not a number"
  hours: "24/7"
  emergency: true
  verified: 2026-01-01
  source: "https://example.org/emergency"
- { id: other, name: { en: "Example Other" }, country: FI,
    email: "a?b@example.org", verified: 2026-01-01, source: "https://example.org/x" }
"#,
    );
    let run = site.run(&["check"]);
    run.assert_code(1);
    assert!(
        run.stderr
            .contains("content/kg-fi/contacts.yaml:7: error: phone"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("content/kg-fi/contacts.yaml:13: error"),
        "the e-mail on the flow item's second line: {}",
        run.stderr
    );
}

/// `check` weighs chapter pages without rendering their text (the budget
/// leaves the `<article>` out): its verdicts must be build's, to the byte.
#[test]
fn check_weighs_pages_exactly_as_build_does() {
    let site = fixture("basic");
    // Pages land near the budget: a long title tips one of them over.
    site.write(
        "themes/default/static/style.css",
        &format!("body{{color:#000}}\n/*{}*/\n", "x".repeat(27_443)),
    );
    site.write(
        "content/kg-fi/en/work.md",
        &format!(
            "---\ntitle: \"{}\"\n---\n{}\n",
            "A very long title ".repeat(60),
            "Body text that is not weighed. ".repeat(400)
        ),
    );
    let weighs = |stderr: &str| -> Vec<String> {
        stderr
            .lines()
            .filter(|l| l.contains(" weighs "))
            .map(str::to_string)
            .collect()
    };
    let check = site.run(&["check"]);
    let build = site.build();
    build.assert_code(0);
    let found = weighs(&check.stderr);
    assert!(
        (1..12).contains(&found.len()),
        "some pages over, some under: {found:#?}"
    );
    assert_eq!(weighs(&check.stderr), weighs(&build.stderr));
}

#[test]
fn contacts_without_a_line_to_call_in_danger_are_a_warning() {
    let site = fixture("basic");
    let contacts = std::fs::read_to_string(site.root.join("content/kg-fi/contacts.yaml")).unwrap();
    site.write(
        "content/kg-fi/contacts.yaml",
        &contacts.replace("emergency: true", "emergency: false"),
    );
    let run = site.run(&["check"]);
    run.assert_code(0);
    assert!(
        run.stderr.contains(
            "content/kg-fi/corridor.yaml: warning: corridor 'kg-fi' has no emergency contact"
        ),
        "{}",
        run.stderr
    );
    // The fixture as it is has one: no such warning; nor for a corridor
    // `new` just made, with no contacts of its own yet (the site's shared
    // ones are no emergency lines).
    let site = fixture("basic");
    assert!(!site.run(&["check"]).stderr.contains("no emergency contact"));
    site.run(&["new", "corridor", "uz-fi"]).assert_code(0);
    let run = site.run(&["check"]);
    assert!(
        !run.stderr.contains("no emergency contact"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_title_without_the_words_of_a_published_language_is_a_warning() {
    let site = fixture("basic");
    site.write(
        "site.yaml",
        "title: { en: \"Example Guides\", ru: \"Примеры памяток\" }\nbase_url: \"https://example.org/guides\"\ndefault_language: en\nlanguages:\n  - { code: uz, name: \"Oʻzbekcha\", fallback: [ru] }\n  - { code: ru, name: \"Русский\" }\n  - { code: en, name: \"English\" }\nstale_after_days: 36500\n",
    );
    let run = site.run(&["check"]);
    run.assert_code(0);
    assert!(
        run.stderr.contains(
            "site.yaml:1: warning: `title` has no 'uz' text: readers in Oʻzbekcha see it in another language"
        ),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("has no 'ru' text"), "{}", run.stderr);
}
