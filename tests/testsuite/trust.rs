//! Trust, round 3 (issue 27): what a hostile site folder, PO file or client
//! could do, each held to SPEC 6 as a class: links are followed only inside
//! the site and never written through, every file the site is made of is
//! read or reported, invisible characters never reach a reader, `check`
//! reports what `build` would refuse, and serve's slots and work are
//! bounded.

use crate::support::*;
use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::Command;

fn outside(site: &Site, name: &str, text: &str) -> std::path::PathBuf {
    let path = site.root.parent().unwrap().join(name);
    fs::write(&path, text).unwrap();
    path
}

fn translate_fixture() -> Site {
    let site = fixture("translate");
    site.run(&["translations", "--stamp", "content/kg-fi/ru/rights.md"])
        .assert_code(0);
    site
}

// --- 1. Writes never go through a link -----------------------------------

#[test]
fn import_refuses_a_chapter_that_is_a_link_and_changes_nothing_outside() {
    let site = translate_fixture();
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
    let po = fs::read_to_string(out.join("kg-fi/ru.po")).unwrap();
    // The chapter becomes a link to a file outside the site (a shell's
    // start-up file, say); the PO file carries a changed block for it.
    let victim = outside(&site, "bashrc", "echo safe\n");
    let page = site.root.join("content/kg-fi/ru/rights.md");
    let text = fs::read_to_string(&page).unwrap();
    fs::copy(&page, site.root.parent().unwrap().join("rights-copy.md")).unwrap();
    fs::remove_file(&page).unwrap();
    fs::write(&victim, &text).unwrap();
    symlink(&victim, &page).unwrap();
    let changed = po.replacen("msgstr \"", "msgstr \"Changed ", 2);
    let po_path = site.root.parent().unwrap().join("edited.po");
    fs::write(&po_path, changed).unwrap();
    let run = site.run(&["translations", "import", po_path.to_str().unwrap()]);
    assert_ne!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("content/kg-fi/ru/rights.md"),
        "{}",
        run.stderr
    );
    assert_eq!(
        fs::read_to_string(&victim).unwrap(),
        text,
        "written through the link"
    );
}

#[test]
fn export_and_stamp_never_write_through_a_link() {
    let site = translate_fixture();
    let out = site.root.parent().unwrap().join("po");
    fs::create_dir_all(out.join("kg-fi")).unwrap();
    let victim = outside(&site, "victim.txt", "keep");
    symlink(&victim, out.join("kg-fi/ru.po")).unwrap();
    let run = site.run(&[
        "translations",
        "export",
        "--lang",
        "ru",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_ne!(run.code, 0);
    assert!(run.stderr.contains("symbolic link"), "{}", run.stderr);
    assert_eq!(fs::read_to_string(&victim).unwrap(), "keep");

    // A translation that is a link to a file inside the site is read (the
    // rule for reading), but stamping it would write through the link.
    site.write(
        "content/kg-fi/ru/extra-real.md",
        "---\ntitle: Дополнительно\n---\nТекст.\n",
    );
    symlink(
        site.root.join("content/kg-fi/ru/extra-real.md"),
        site.root.join("content/kg-fi/ru/extra.md"),
    )
    .unwrap();
    let before = site.read("content/kg-fi/ru/extra-real.md");
    let run = site.run(&["translations", "--stamp", "content/kg-fi/ru/extra.md"]);
    assert_ne!(run.code, 0);
    assert!(run.stderr.contains("symbolic link"), "{}", run.stderr);
    assert_eq!(site.read("content/kg-fi/ru/extra-real.md"), before);
}

#[test]
fn build_and_new_never_write_through_a_link() {
    let site = fixture("basic");
    let elsewhere = site.root.parent().unwrap().join("www");
    fs::create_dir_all(&elsewhere).unwrap();
    fs::write(elsewhere.join("index.html"), "their page").unwrap();
    symlink(&elsewhere, site.root.join("public")).unwrap();
    let run = site.build();
    run.assert_code(2);
    assert!(run.stderr.contains("symbolic link"), "{}", run.stderr);
    assert_eq!(
        fs::read_to_string(elsewhere.join("index.html")).unwrap(),
        "their page"
    );

    // `new corridor` into a site whose content/ leads elsewhere.
    let site = fixture("basic");
    let real_content = site.root.parent().unwrap().join("real-content");
    fs::rename(site.root.join("content"), &real_content).unwrap();
    symlink(&real_content, site.root.join("content")).unwrap();
    let run = site.run(&["new", "corridor", "tj-ru"]);
    assert_ne!(run.code, 0, "{}", run.stdout);
    assert!(run.stderr.contains("symbolic link"), "{}", run.stderr);
    assert!(!real_content.join("tj-ru").exists());
}

// --- 2. Every site file is read, or it is an error naming it -------------

#[test]
fn contacts_that_cannot_be_read_are_errors_never_a_guide_without_numbers() {
    // A link to a file outside the site, a folder and a FIFO where
    // contacts.yaml belongs: each an error naming the file.
    type Break = fn(&Site);
    let cases: [(&str, Break); 3] = [
        ("outside", |site| {
            let f = outside(
                site,
                "contacts.yaml",
                &site.read("content/kg-fi/contacts.yaml"),
            );
            fs::remove_file(site.root.join("content/kg-fi/contacts.yaml")).unwrap();
            symlink(f, site.root.join("content/kg-fi/contacts.yaml")).unwrap();
        }),
        ("folder", |site| {
            fs::remove_file(site.root.join("content/kg-fi/contacts.yaml")).unwrap();
            fs::create_dir(site.root.join("content/kg-fi/contacts.yaml")).unwrap();
        }),
        ("fifo", |site| {
            fs::remove_file(site.root.join("content/kg-fi/contacts.yaml")).unwrap();
            let made = Command::new("mkfifo")
                .arg(site.root.join("content/kg-fi/contacts.yaml"))
                .status()
                .unwrap();
            assert!(made.success());
        }),
    ];
    for (name, break_it) in cases {
        let site = fixture("basic");
        break_it(&site);
        let run = site.run(&["check", "--strict"]);
        run.assert_code(1);
        assert!(
            run.stderr.contains("content/kg-fi/contacts.yaml: error:"),
            "{name}: {}",
            run.stderr
        );
        site.build().assert_code(1);
    }
}

#[test]
fn links_inside_the_site_are_followed_for_every_kind_of_file() {
    let site = fixture("basic");
    // Contacts and a chapter kept elsewhere in the site, linked in.
    fs::create_dir_all(site.root.join("data")).unwrap();
    fs::rename(
        site.root.join("content/kg-fi/contacts.yaml"),
        site.root.join("data/contacts.yaml"),
    )
    .unwrap();
    symlink(
        "../../data/contacts.yaml",
        site.root.join("content/kg-fi/contacts.yaml"),
    )
    .unwrap();
    fs::rename(
        site.root.join("content/kg-fi/ru/intro.md"),
        site.root.join("data/intro.md"),
    )
    .unwrap();
    symlink(
        "../../../data/intro.md",
        site.root.join("content/kg-fi/ru/intro.md"),
    )
    .unwrap();
    site.build().assert_code(0);
    let home = site.read_out("ru/kg-fi/index.html");
    assert!(
        home.contains("tel:+442079460456"),
        "the linked contacts are used"
    );
    let sms = site.read_out("ru/kg-fi/emergency-sms.txt");
    assert!(sms.contains("112"), "{sms}");
    let run = site.run(&["translations", "--format", "json"]);
    assert!(
        !run.stdout.contains(
            "\"page\": \"intro\",\n    \"language\": \"ru\",\n    \"status\": \"missing\""
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn a_chapter_linked_from_outside_or_in_a_loop_is_named_as_such() {
    let site = fixture("basic");
    let f = outside(&site, "intro.md", &site.read("content/kg-fi/ru/intro.md"));
    fs::remove_file(site.root.join("content/kg-fi/ru/intro.md")).unwrap();
    symlink(&f, site.root.join("content/kg-fi/ru/intro.md")).unwrap();
    symlink("loop.md", site.root.join("content/kg-fi/ru/loop.md")).unwrap();
    let run = site.run(&["check"]);
    run.assert_code(1);
    assert!(
        run.stderr.contains("content/kg-fi/ru/intro.md: error:")
            && run.stderr.contains("outside the site"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("content/kg-fi/ru/loop.md: error:")
            && run.stderr.contains("loop")
            && !run
                .stderr
                .contains("loop.md: error: is a symbolic link that leads outside"),
        "{}",
        run.stderr
    );
}

// --- 3. Invisible characters ---------------------------------------------

#[test]
fn invisible_characters_in_contacts_are_errors_at_their_line() {
    for (c, name) in [
        ('\u{202E}', "U+202E"),
        ('\u{202B}', "U+202B"),
        ('\u{2066}', "U+2066"),
        ('\u{2069}', "U+2069"),
        ('\u{061C}', "U+061C"),
        ('\u{200F}', "U+200F"),
        ('\u{1B}', "U+001B"),
        ('\u{7F}', "U+007F"),
        ('\u{FEFF}', "U+FEFF"),
        ('\0', "U+0000"),
    ] {
        let site = fixture("basic");
        let yaml = site.read("content/kg-fi/contacts.yaml").replace(
            "name: { en: \"Example Emergency\"",
            &format!(
                "short_name: {{ en: \"Help{}\" }}\n  name: {{ en: \"Example Emergency\"",
                c.escape_unicode()
            ),
        );
        // YAML reads the escape in double quotes.
        let yaml = yaml.replace(
            &format!("Help{}", c.escape_unicode()),
            &format!("Help\\u{:04X}", c as u32),
        );
        site.write("content/kg-fi/contacts.yaml", &yaml);
        let run = site.run(&["check"]);
        run.assert_code(1);
        assert!(
            run.stderr.contains(
                "content/kg-fi/contacts.yaml:2: error: short_name contains the invisible character"
            ) && run.stderr.contains(name),
            "{name}: {}",
            run.stderr
        );
    }
    // A line break in a short name would add a line to the SMS.
    let site = fixture("basic");
    let yaml = site.read("content/kg-fi/contacts.yaml").replace(
        "  hours: \"24/7\"\n  emergency: true\n  verified: 2026-01-01\n  source: \"https://example.org/emergency\"",
        "  hours: \"24/7\\n999 Fake line\"\n  emergency: true\n  verified: 2026-01-01\n  source: \"https://example.org/emergency\"",
    );
    site.write("content/kg-fi/contacts.yaml", &yaml);
    let run = site.run(&["check"]);
    run.assert_code(1);
    assert!(
        run.stderr
            .contains("hours contains the invisible character U+000A"),
        "{}",
        run.stderr
    );
}

#[test]
fn control_characters_in_chapter_text_never_reach_the_epub() {
    let site = fixture("basic");
    site.write(
        "content/kg-fi/en/work.md",
        "---\ntitle: Work\n---\nA line\u{b}pasted from a word processor.\n\nCall +44 20\u{200e}7946 0018.\n\nSafe \u{200f}mark and ZWNJ \u{200c} here.\n",
    );
    let run = site.run(&["check"]);
    run.assert_code(1);
    assert!(
        run.stderr
            .contains("content/kg-fi/en/work.md:4: error: the invisible character U+000B"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("content/kg-fi/en/work.md:6: error: the invisible character U+200E (left-to-right mark) inside a number"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.matches(": error:").count(), 2, "{}", run.stderr);
    site.build().assert_code(1);
}

// --- 4. Strings from outside the site are not published -------------------

#[test]
fn locales_linked_from_outside_are_refused_not_published() {
    let site = fixture("basic");
    let f = outside(&site, "en.ftl", "skip-to-content = SECRET FROM OUTSIDE\n");
    fs::create_dir_all(site.root.join("locales")).unwrap();
    symlink(&f, site.root.join("locales/en.ftl")).unwrap();
    let run = site.run(&["check"]);
    run.assert_code(1);
    assert!(
        run.stderr.contains(
            "locales/en.ftl: error: is a symbolic link that leads outside the site folder"
        ),
        "{}",
        run.stderr
    );
    // The whole folder, linked.
    let site = fixture("basic");
    let dir = site.root.parent().unwrap().join("strings");
    fs::create_dir_all(&dir).unwrap();
    fs::write(
        dir.join("en.ftl"),
        "skip-to-content = SECRET FROM OUTSIDE\n",
    )
    .unwrap();
    symlink(&dir, site.root.join("locales")).unwrap();
    let run = site.build();
    run.assert_code(1);
    assert!(
        run.stderr.contains("locales/en.ftl: error:"),
        "{}",
        run.stderr
    );
    assert!(!site.out().exists());
}

// --- 5. check reports what build would refuse ----------------------------

#[test]
fn check_reports_what_the_printed_guide_cannot_hold() {
    let cases = [
        (
            "a title",
            format!("---\ntitle: \"{}\"\n---\nx\n", "T ".repeat(9000)),
            2,
        ),
        (
            "a heading",
            format!("---\ntitle: Work\n---\n## {}\n", "H".repeat(16384)),
            4,
        ),
        (
            "an image",
            format!("---\ntitle: Work\n---\n![{}](map.png)\n", "A".repeat(33000)),
            4,
        ),
        (
            "a link",
            format!(
                "---\ntitle: Work\n---\n[x](https://example.org/{})\n",
                "d".repeat(8000)
            ),
            4,
        ),
        (
            "code",
            format!("---\ntitle: Work\n---\nRun `{}`.\n", "c".repeat(16384)),
            4,
        ),
    ];
    for (what, page, line) in cases {
        let site = fixture("basic");
        site.write("content/kg-fi/en/work.md", &page);
        let run = site.run(&["check"]);
        run.assert_code(1);
        assert!(
            run.stderr
                .contains(&format!("content/kg-fi/en/work.md:{line}: error:")),
            "{what}: {}",
            run.stderr
        );
    }
}

#[test]
fn just_under_the_limits_the_guide_builds() {
    let site = fixture("basic");
    site.write(
        "content/kg-fi/en/work.md",
        &format!(
            "---\ntitle: Work\n---\n## {}\n\n![{}](map.png)\n\n[x](https://example.org/{})\n\nRun `{}`.\n",
            "H".repeat(16000),
            "A".repeat(32000),
            "d".repeat(7900),
            "c".repeat(15999)
        ),
    );
    site.run(&["check"]).assert_code(0);
    site.build().assert_code(0);
}

// --- 7. Typesetting stays linear ----------------------------------------

/// One paragraph of many links or footnotes was typeset in time growing
/// with their square; it is set as paragraphs of at most 100 now. (The
/// time itself is measured in docs/reliability.md, not here.)
#[test]
fn a_paragraph_of_thousands_of_links_and_footnotes_builds() {
    let site = fixture("basic");
    let links: String = (0..3000)
        .map(|i| format!("[w](https://example.org/{i}) "))
        .collect();
    let notes: String = (0..300).map(|i| format!("n[^{i}] ")).collect();
    let defs: String = (0..300).map(|i| format!("[^{i}]: note {i}\n")).collect();
    site.write(
        "content/kg-fi/en/work.md",
        &format!("---\ntitle: Work\n---\n{links}\n\n{notes}\n\n{defs}"),
    );
    site.build().assert_code(0);
    let pdf = site.out().join("en/kg-fi/kg-fi-en.pdf");
    let text = Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.matches('w').count() >= 3000,
        "every link's text is printed"
    );
    assert!(text.contains("note 299"));
}

// --- 8. Smaller ----------------------------------------------------------

#[test]
fn language_codes_that_differ_only_in_case_are_one_language() {
    let site = fixture("basic");
    let yaml = site.read("site.yaml").replace(
        "  - { code: en, name: \"English\" }",
        "  - { code: en, name: \"English\" }\n  - { code: EN, name: \"ENGLISH\" }",
    );
    site.write("site.yaml", &yaml);
    let run = site.run(&["check"]);
    run.assert_code(1);
    assert!(
        run.stderr.contains("listed twice (as 'en'"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_po_file_msgfmt_would_refuse_is_refused_and_nothing_is_written() {
    let site = translate_fixture();
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
    let po = fs::read_to_string(out.join("kg-fi/ru.po")).unwrap();
    let entry_start = po.find("\nmsgctxt \"rights/title\"").unwrap() + 1;
    let entry_end = po[entry_start..]
        .find("\n\n")
        .map_or(po.len(), |e| entry_start + e + 2);
    let entry = &po[entry_start..entry_end];
    let before = fs::read_to_string(site.root.join("content/kg-fi/ru/rights.md")).unwrap();
    for bad in [
        format!("{po}\n{}", entry.replace("msgstr \"", "msgstr \"Другое ")),
        po.replace(
            entry,
            &entry.replacen("msgstr \"", "msgid_plural \"x\"\nmsgstr[0] \"", 1),
        ),
    ] {
        let path = site.root.parent().unwrap().join("bad.po");
        fs::write(&path, &bad).unwrap();
        let run = site.run(&["translations", "import", path.to_str().unwrap()]);
        assert_ne!(run.code, 0, "{bad}");
        assert!(run.stderr.contains("bad.po:"), "{}", run.stderr);
        assert_eq!(
            fs::read_to_string(site.root.join("content/kg-fi/ru/rights.md")).unwrap(),
            before
        );
    }
}

#[test]
fn a_contacts_page_in_a_language_folder_is_a_warning() {
    let site = fixture("basic");
    site.write(
        "content/kg-fi/en/contacts.md",
        "---\ntitle: My contacts\n---\nText.\n",
    );
    let run = site.run(&["check"]);
    assert!(
        run.stderr
            .contains("content/kg-fi/en/contacts.md: warning: is not used"),
        "{}",
        run.stderr
    );
}

#[test]
fn nothing_here_reads_a_file_outside_the_site_through_the_theme_either() {
    let site = fixture("basic");
    let f = outside(&site, "secret.css", "body{}");
    fs::create_dir_all(site.root.join("themes/default/static")).unwrap();
    symlink(&f, site.root.join("themes/default/static/extra.css")).unwrap();
    let run = site.run(&["check"]);
    run.assert_code(1);
    assert!(
        run.stderr
            .contains("themes/default/static/extra.css: error:"),
        "{}",
        run.stderr
    );
    assert!(!Path::new(&site.root.join("public")).exists());
}
