//! `serve`'s incremental builds (issue 15): after every save, the preview's
//! diagnostics equal a fresh `check`, and its files equal a fresh render,
//! byte for byte; and a save re-renders exactly the guides that depend on
//! the file it changed.

use crate::support::*;
use pocketguide::render::{self, Purpose, Selection};
use pocketguide::serve::preview::{Changed, Preview};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The basic fixture with a second corridor, kg-ee, that does not list the
/// shared chapter: a change to one must leave the other alone.
fn two_corridors() -> Site {
    let site = fixture("basic");
    copy_dir(
        &site.root.join("content/kg-fi"),
        &site.root.join("content/kg-ee"),
    );
    site.write(
        "content/kg-ee/corridor.yaml",
        &site
            .read("content/kg-fi/corridor.yaml")
            .replace("destination: FI", "destination: EE")
            .replace("  - shared-tips\n", ""),
    );
    site.write(
        "content/kg-ee/en/intro.md",
        &site
            .read("content/kg-ee/en/intro.md")
            .replace(" and the [tips](shared-tips.md#top)", ""),
    );
    site
}

fn base_url(root: &Path) -> String {
    let text = std::fs::read_to_string(root.join("site.yaml")).unwrap();
    let raw = text
        .lines()
        .find_map(|l| l.strip_prefix("base_url:"))
        .map(|v| v.trim().trim_matches('"').to_string())
        .unwrap_or_else(|| "https://example.org/".into());
    pocketguide::rules::valid_base_url(&raw).unwrap_or(raw)
}

/// The preview equals what a fresh `check` and a fresh render give.
fn assert_same_as_fresh(preview: &mut Preview, root: &Path, step: &str) {
    // As serve does once the pages are shown: the search index.
    preview.finish();
    let fresh = pocketguide::check_site(root).expect("site folder is readable");
    assert_eq!(
        preview.diagnostics(),
        fresh.as_slice(),
        "diagnostics after {step}"
    );
    if fresh.iter().any(|d| d.is_error()) {
        return;
    }
    let loaded = pocketguide::load::load(root);
    let site = loaded.site.expect("site loads");
    let memory = render::Memory::default();
    let (report, _) = pocketguide::pipeline(
        &site,
        &pocketguide::Run {
            base_url: preview.base_url(),
            purpose: Purpose::Preview,
            pdf: true,
            selection: &Selection::All,
            phase: render::Phase::All,
            sink: &memory,
            progress: None,
            sizes: &BTreeMap::new(),
        },
    );
    report.expect("renders");
    let files = memory.into_files();
    let ours: BTreeSet<&String> = preview.files().keys().collect();
    let theirs: BTreeSet<&String> = files.keys().collect();
    assert_eq!(ours, theirs, "the files after {step}");
    for (path, bytes) in &files {
        assert!(
            preview.files()[path].as_slice() == bytes.as_slice(),
            "{path} differs from a fresh render after {step}"
        );
    }
}

fn guides(selection: &Selection) -> Vec<String> {
    match selection {
        Selection::All => vec!["everything".into()],
        Selection::Only { guides, site } => guides
            .iter()
            .map(|(c, l)| format!("{c}/{l}"))
            .chain(site.then(|| "site pages".to_string()))
            .collect(),
    }
}

/// Saves `text` to `rel` and tells the preview, as the watcher would.
fn save(site: &Site, preview: &mut Preview, rel: &str, text: &str) -> Vec<String> {
    site.write(rel, text);
    let update = preview.update(&Changed::Files(vec![PathBuf::from(rel)]), &BTreeMap::new());
    assert_same_as_fresh(preview, &site.root, rel);
    guides(&update.rendered.expect("the site has no errors"))
}

#[test]
fn a_save_re_renders_exactly_the_guides_that_depend_on_it() {
    let site = two_corridors();
    let mut preview = Preview::new(&site.root, &base_url(&site.root));
    let first = preview.update(&Changed::Everything, &BTreeMap::new());
    assert_eq!(first.rendered, Some(Selection::All));
    assert_same_as_fresh(&mut preview, &site.root, "the first build");

    // The shared chapter: the corridor that lists it, in every language
    // (uz falls back to ru, and translations show whether they are
    // outdated), and not the corridor that does not. (Each of their
    // languages' search index is made again with them: assert_same_as_fresh
    // compares it too.)
    let tips = site.read("content/_shared/en/shared-tips.md");
    let rendered = save(
        &site,
        &mut preview,
        "content/_shared/en/shared-tips.md",
        &tips.replace("---\n\n", "---\nA new first line.\n\n"),
    );
    assert_eq!(rendered, ["kg-fi/en", "kg-fi/ru", "kg-fi/uz"]);

    // A corridor's own chapter: that corridor only.
    let work = site.read("content/kg-ee/en/work.md");
    let rendered = save(
        &site,
        &mut preview,
        "content/kg-ee/en/work.md",
        &work.replace("ENGLISH-WORK-TEXT", "ENGLISH-WORK-TEXT, now longer"),
    );
    assert_eq!(rendered, ["kg-ee/en", "kg-ee/ru", "kg-ee/uz"]);

    // A contact of one corridor: its guides, and the language indexes that
    // list every corridor's emergency numbers.
    let contacts = site.read("content/kg-ee/contacts.yaml");
    let rendered = save(
        &site,
        &mut preview,
        "content/kg-ee/contacts.yaml",
        &contacts.replace("\"112\"", "\"113\""),
    );
    assert_eq!(rendered, ["kg-ee/en", "kg-ee/ru", "kg-ee/uz", "site pages"]);

    // An interface string and a template change every page.
    let rendered = save(
        &site,
        &mut preview,
        "locales/ru.ftl",
        "contents = Оглавление\n",
    );
    assert_eq!(rendered, ["everything"]);
    let rendered = save(
        &site,
        &mut preview,
        "themes/default/templates/pager.html",
        "<nav class=\"pager\">{% if prev %}<a href=\"{{ prev.url }}\">{{ prev.title }}</a>{% endif %}</nav>\n",
    );
    assert_eq!(rendered, ["everything"]);
}

#[test]
fn errors_hold_the_last_good_pages_and_the_fix_shows_everything_since() {
    let site = two_corridors();
    let mut preview = Preview::new(&site.root, &base_url(&site.root));
    preview.update(&Changed::Everything, &BTreeMap::new());
    let before = preview.files().clone();

    // An edit, then a broken file elsewhere: nothing is rendered...
    let intro = site.read("content/kg-fi/en/intro.md");
    site.write(
        "content/kg-fi/en/intro.md",
        &intro.replace("Read about", "EDITED-WHILE-BROKEN. Read about"),
    );
    site.write("content/kg-ee/contacts.yaml", "- id: [unclosed\n");
    let update = preview.update(
        &Changed::Files(vec![
            "content/kg-fi/en/intro.md".into(),
            "content/kg-ee/contacts.yaml".into(),
        ]),
        &BTreeMap::new(),
    );
    assert!(update.rendered.is_none());
    assert!(preview.has_errors());
    assert_same_as_fresh(&mut preview, &site.root, "the broken save");
    assert_eq!(preview.files(), &before, "the last good pages stay");

    // ...and fixing it renders both changes.
    let fixed = fixture("basic").read("content/kg-fi/contacts.yaml");
    site.write("content/kg-ee/contacts.yaml", &fixed);
    let update = preview.update(
        &Changed::Files(vec!["content/kg-ee/contacts.yaml".into()]),
        &BTreeMap::new(),
    );
    assert!(update.rendered.is_some());
    assert_same_as_fresh(&mut preview, &site.root, "the fix");
    let page = String::from_utf8(preview.files()["en/kg-fi/intro/index.html"].to_vec()).unwrap();
    assert!(page.contains("EDITED-WHILE-BROKEN"));
}

/// One save an editor might make.
#[derive(Debug, Clone)]
enum Edit {
    /// Add text to a page's body.
    Append(usize, String),
    /// A new title.
    Retitle(usize, String),
    /// Delete a page, or bring it back.
    Toggle(usize),
    /// Front matter without its closing line, or back as it was.
    BreakFrontMatter(usize),
    /// A translation that does not exist yet, stamped or not.
    Translate(usize, bool),
    /// A character no PDF font has.
    Glyph(usize),
    /// A contact's phone: well-formed or not.
    Phone(bool),
    /// Drop the chapter `work` from a corridor's list, or put it back.
    Chapters(usize),
    /// Publish a corridor in uz or not.
    Languages(usize),
    /// An interface string in Russian, or none.
    Locale(bool),
    /// The site's title.
    SiteTitle(String),
    /// Show the map image in the work chapter, or not.
    Image(bool),
}

const PAGES: [&str; 7] = [
    "content/kg-fi/en/intro.md",
    "content/kg-fi/en/work.md",
    "content/kg-fi/ru/intro.md",
    "content/_shared/en/shared-tips.md",
    "content/_shared/ru/shared-tips.md",
    "content/kg-ee/en/intro.md",
    "content/kg-ee/en/work.md",
];
const CORRIDORS: [&str; 2] = ["kg-fi", "kg-ee"];

fn edit() -> impl Strategy<Value = Edit> {
    let page = 0..PAGES.len();
    let words = "[a-zA-Zа-яʻ ]{1,12}";
    prop_oneof![
        (page.clone(), words).prop_map(|(p, w)| Edit::Append(p, w)),
        (page.clone(), words).prop_map(|(p, w)| Edit::Retitle(p, w)),
        page.clone().prop_map(Edit::Toggle),
        page.clone().prop_map(Edit::BreakFrontMatter),
        (0..2usize, any::<bool>()).prop_map(|(c, s)| Edit::Translate(c, s)),
        page.prop_map(Edit::Glyph),
        any::<bool>().prop_map(Edit::Phone),
        (0..2usize).prop_map(Edit::Chapters),
        (0..2usize).prop_map(Edit::Languages),
        any::<bool>().prop_map(Edit::Locale),
        words.prop_map(Edit::SiteTitle),
        any::<bool>().prop_map(Edit::Image),
    ]
}

/// Applies `edit`; returns the files it touched.
fn apply(site: &Site, originals: &BTreeMap<String, String>, edit: &Edit) -> Vec<String> {
    let exists = |rel: &str| site.root.join(rel).is_file();
    let current = |rel: &str| std::fs::read_to_string(site.root.join(rel)).ok();
    match edit {
        Edit::Append(p, words) => {
            let rel = PAGES[*p];
            if let Some(text) = current(rel) {
                site.write(rel, &format!("{text}\n{words}\n"));
            }
            vec![rel.into()]
        }
        Edit::Retitle(p, words) => {
            let rel = PAGES[*p];
            if let Some(text) = current(rel) {
                let text: String = text
                    .lines()
                    .map(|l| {
                        if l.starts_with("title:") {
                            format!("title: \"{}\"", words.trim())
                        } else {
                            l.to_string()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("\n");
                site.write(rel, &format!("{text}\n"));
            }
            vec![rel.into()]
        }
        Edit::Toggle(p) => {
            let rel = PAGES[*p];
            if exists(rel) {
                std::fs::remove_file(site.root.join(rel)).unwrap();
            } else {
                site.write(rel, &originals[rel]);
            }
            vec![rel.into()]
        }
        Edit::BreakFrontMatter(p) => {
            let rel = PAGES[*p];
            match current(rel) {
                Some(text) if text.matches("---\n").count() >= 2 => site.write(
                    rel,
                    &text
                        .replacen("---\n", "", 2)
                        .replacen("title", "---\ntitle", 1),
                ),
                _ => site.write(rel, &originals[rel]),
            }
            vec![rel.into()]
        }
        Edit::Translate(c, stamped) => {
            let rel = format!("content/{}/uz/work.md", CORRIDORS[*c]);
            let source = current(&format!("content/{}/en/work.md", CORRIDORS[*c]));
            let hash = source
                .as_deref()
                .and_then(pocketguide::translations::hash_of_text)
                .filter(|_| *stamped)
                .map(|h| format!("source_hash: {h}\n"))
                .unwrap_or_default();
            site.write(&rel, &format!("---\ntitle: Ish\n{hash}---\nIsh haqida.\n"));
            vec![rel]
        }
        Edit::Glyph(p) => {
            let rel = PAGES[*p];
            if let Some(text) = current(rel) {
                let text = if text.contains('\u{13000}') {
                    text.replace('\u{13000}', "")
                } else {
                    format!("{text}\n\u{13000}\n")
                };
                site.write(rel, &text);
            }
            vec![rel.into()]
        }
        Edit::Phone(good) => {
            let rel = "content/kg-fi/contacts.yaml";
            let text = originals[rel].replace(
                "\"+44 20 7946 0456\"",
                if *good {
                    "\"+44 20 7946 0457\""
                } else {
                    "\"+44 20 79x6\""
                },
            );
            site.write(rel, &text);
            vec![rel.into()]
        }
        Edit::Chapters(c) => {
            let rel = format!("content/{}/corridor.yaml", CORRIDORS[*c]);
            let text = current(&rel).unwrap();
            let text = if text.contains("  - work\n") {
                text.replace("  - work\n", "")
            } else {
                text.replace("  - intro\n", "  - intro\n  - work\n")
            };
            site.write(&rel, &text);
            vec![rel]
        }
        Edit::Languages(c) => {
            let rel = format!("content/{}/corridor.yaml", CORRIDORS[*c]);
            let text = current(&rel).unwrap();
            let text = if text.contains("languages: [uz, ru, en]") {
                text.replace("languages: [uz, ru, en]", "languages: [ru, en]")
            } else {
                text.replace("languages: [ru, en]", "languages: [uz, ru, en]")
            };
            site.write(&rel, &text);
            vec![rel]
        }
        Edit::Locale(on) => {
            let rel = "locales/ru.ftl";
            if *on {
                site.write(rel, "contents = Оглавление\n");
            } else if exists(rel) {
                std::fs::remove_file(site.root.join(rel)).unwrap();
            }
            vec![rel.into()]
        }
        Edit::SiteTitle(words) => {
            let text = current("site.yaml").unwrap();
            let text: String = text
                .lines()
                .map(|l| {
                    if l.starts_with("title:") {
                        format!("title: {{ en: \"{}\", ru: \"Примеры\" }}", words.trim())
                    } else {
                        l.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join("\n");
            site.write("site.yaml", &format!("{text}\n"));
            vec!["site.yaml".into()]
        }
        Edit::Image(on) => {
            let rel = "content/kg-fi/en/work.md";
            if let Some(text) = current(rel) {
                let img = "\n![A map of the example harbour](map.png)\n";
                let text = if *on && !text.contains(img) {
                    format!("{text}{img}")
                } else {
                    text.replace(img, "")
                };
                site.write(rel, &text);
            }
            vec![rel.into()]
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Any sequence of saves leaves the preview exactly where a fresh
    /// `check` and a fresh render are.
    #[test]
    fn any_sequence_of_saves_equals_a_fresh_build(edits in prop::collection::vec(edit(), 1..10)) {
        let site = two_corridors();
        let originals: BTreeMap<String, String> = PAGES
            .iter()
            .map(|p| p.to_string())
            .chain(["content/kg-fi/contacts.yaml".to_string()])
            .map(|p| (p.clone(), site.read(&p)))
            .collect();
        let mut preview = Preview::new(&site.root, &base_url(&site.root));
        preview.update(&Changed::Everything, &BTreeMap::new());
        for (i, e) in edits.iter().enumerate() {
            let touched = apply(&site, &originals, e);
            preview.update(
                &Changed::Files(touched.iter().map(PathBuf::from).collect()),
                &BTreeMap::new(),
            );
            assert_same_as_fresh(&mut preview, &site.root, &format!("edit {i}: {e:?}"));
        }
    }
}
