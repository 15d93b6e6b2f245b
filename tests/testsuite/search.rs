//! Search (SPEC 10): the page, the form on every page, the keyword index
//! that works without JavaScript, and the index files the page's script
//! reads. How queries match is tested in `src/render/search.rs` (folding)
//! and `tests/browser/search.test.mjs` (the script itself).

use crate::support::*;
use std::path::Path;

/// The term file a folded term is filed in on a small site (no file is
/// split): its first two letters' code points in hex.
fn shard_of(lang: &str, term: &str) -> String {
    let key: Vec<String> = term
        .chars()
        .take(2)
        .map(|c| format!("{:x}", c as u32))
        .collect();
    format!("{lang}/search/s/{}.js", key.join("-"))
}

/// `href`s of the keyword index, with their link text.
fn keyword_links(html: &str) -> Vec<(String, String)> {
    let start = html.find("id=\"keywords\"").expect("a keyword index");
    let index = &html[start..html.find("id=\"search-config\"").unwrap()];
    let mut out = Vec::new();
    for part in index.split("<a href=\"").skip(1) {
        let (href, rest) = part.split_once("\">").unwrap();
        let text = rest.split("</a>").next().unwrap();
        out.push((href.to_string(), text.to_string()));
    }
    out
}

#[test]
fn every_language_has_a_search_page_and_every_page_a_form_that_leads_there() {
    let site = fixture("basic");
    site.build().assert_code(0);
    let out = site.out();
    let mut forms = 0;
    for f in tree(&out).iter().filter(|f| f.ends_with(".html")) {
        let html = site.read_out(f);
        // The one-file guide travels alone, without the site around it.
        if f.ends_with("-en.html") || f.ends_with("-ru.html") || f.ends_with("-uz.html") {
            assert!(!html.contains("<form"), "{f}");
            continue;
        }
        let form = html
            .split("<form class=\"search\" role=\"search\" method=\"get\" action=\"")
            .nth(1)
            .unwrap_or_else(|| panic!("{f} has no search form"));
        let action = form.split('"').next().unwrap();
        // 404.html is shown at any address: its links start from the
        // site's own path (base_url's, `/guides/`).
        let target = match action.strip_prefix("/guides/") {
            Some(from_root) => out.join(from_root),
            None => out.join(Path::new(f).parent().unwrap().join(action)),
        };
        assert!(target.is_file(), "{f}: {action} is not a page");
        assert!(
            target.to_string_lossy().ends_with("/search/index.html"),
            "{f}: {action}"
        );
        // A page in a language searches that language.
        let lang = f.split('/').next().unwrap();
        if ["en", "ru", "uz"].contains(&lang) {
            let canonical = std::fs::canonicalize(&target).unwrap();
            assert_eq!(
                canonical,
                std::fs::canonicalize(out.join(lang).join("search/index.html")).unwrap(),
                "{f}"
            );
        }
        assert!(form.contains("<input id=\"search-q\" type=\"search\" name=\"q\""));
        assert!(form.contains("<label for=\"search-q\">"));
        forms += 1;
    }
    assert!(forms >= 20, "only {forms} pages checked");
}

#[test]
fn without_javascript_the_page_is_a_keyword_index_whose_links_land() {
    let site = fixture("basic");
    site.write(
        "content/kg-fi/en/work.md",
        "---\ntitle: Work\n---\nIntro.\n\n## Zero hours\n\nText.\n\n## Always paid\n\nText.\n\n## Overtime\n\nText.\n",
    );
    site.build().assert_code(0);
    let html = site.read_out("en/search/index.html");
    // Results appear only with JavaScript: the list waits, hidden.
    assert!(html.contains("<ol id=\"search-results\" hidden></ol>"));
    let links = keyword_links(&html);
    let texts: Vec<&str> = links.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(
        texts,
        [
            "Always paid",
            "Example Emergency",
            "Example Helpline, Corridor Version",
            "Example Shared Line",
            "Introduction",
            "Overtime",
            "Shared tips",
            "Useful contacts",
            "Work",
            "Zero hours",
        ],
        "every chapter title, heading and contact name, A–Z"
    );
    for (href, text) in &links {
        let (file, anchor) = href.split_once('#').unwrap_or((href, ""));
        let page = site.out().join("en/search").join(file);
        let target = std::fs::read_to_string(&page)
            .unwrap_or_else(|_| panic!("{text}: {href} is not a page"));
        if !anchor.is_empty() {
            assert!(
                target.contains(&format!("id=\"{anchor}\"")),
                "{text}: no #{anchor} in {file}"
            );
        }
    }
    // The letters that group them.
    for letter in ["<h3>A</h3>", "<h3>E</h3>", "<h3>Z</h3>"] {
        assert!(html.contains(letter), "{letter}");
    }
}

#[test]
fn the_keyword_index_follows_the_language_s_alphabet() {
    let site = fixture("basic");
    site.write(
        "content/kg-fi/ru/intro.md",
        "---\ntitle: Введение\n---\nТекст.\n\n## Ёлка\n\nТекст.\n\n## Жильё\n\nТекст.\n\n## Еда\n\nТекст.\n\n## Яма\n\nТекст.\n",
    );
    site.build().assert_code(0);
    let links = keyword_links(&site.read_out("ru/search/index.html"));
    let texts: Vec<&str> = links.iter().map(|(_, t)| t.as_str()).collect();
    let pos = |w: &str| texts.iter().position(|t| *t == w).unwrap();
    // Russian order: Е and Ё together, before Ж; Я last.
    assert!(pos("Введение") < pos("Еда"));
    assert!(pos("Еда") < pos("Ёлка"));
    assert!(pos("Ёлка") < pos("Жильё"));
    assert!(pos("Жильё") < pos("Яма"));
}

#[test]
fn the_index_files_hold_folded_terms_and_what_a_result_shows() {
    let site = fixture("basic");
    site.write(
        "content/_shared/uz/shared-tips.md",
        "---\ntitle: Umumiy maslahatlar\n---\nOʻzbekiston pasporti.\n\n## Ish haqi\n\nIsh haqi oyda bir marta toʻlanadi.\n",
    );
    site.write(
        "content/kg-fi/en/work.md",
        "---\ntitle: Work\n---\nThe employers pay wages.\n",
    );
    site.build().assert_code(0);
    // Uzbek: the apostrophe dropped, so `o'zbekiston` finds it too.
    let uz = site.read_out(&shard_of("uz", "ozbekiston"));
    assert!(uz.starts_with("PGS.shard(\"oz\",{"), "{uz}");
    assert!(uz.contains("\"ozbekiston\":"), "{uz}");
    // English: Snowball stems, and each word as printed (a stem is not
    // always a prefix of its word: copy, copi).
    let en = site.read_out(&shard_of("en", "employ"));
    assert!(en.contains("\"employ\":"), "{en}");
    assert!(en.contains("\"employers\":"), "{en}");
    // Every chapter of the language has its text file, which a result
    // shows: address, title, and the sections with their anchors.
    let texts: Vec<String> = tree(&site.out().join("uz/search/t"));
    assert_eq!(texts.len(), 4, "{texts:?}");
    let all: String = texts
        .iter()
        .map(|f| site.read_out(&format!("uz/search/t/{f}")))
        .collect();
    assert!(all.contains("[\"Ish haqi\",\"ish-haqi\",\"Ish haqi oyda bir marta toʻlanadi.\"]"));
    assert!(all.contains("\"u\":\"../kg-fi/shared-tips/index.html\""));
}

#[test]
fn numbers_find_their_contacts() {
    let site = fixture("basic");
    site.build().assert_code(0);
    // 112, the emergency number of the fixture's contacts.
    let shard = site.read_out(&shard_of("en", "112"));
    assert!(shard.contains("\"112\":"), "{shard}");
}

#[test]
fn every_script_is_indexed_whole() {
    let site = fixture("scripts");
    site.build().assert_code(0);
    // Nepali: vowel signs and the virama are part of the word.
    let ne = site.read_out(&shard_of("ne", "स्वतन्त्र"));
    assert!(ne.contains("\"स्वतन्त्र\":"), "{ne}");
    // Arabic script, right to left, is words like any other.
    let ar_page = site.read("content/et-sa/ar/rights.md");
    let word = ar_page
        .lines()
        .find(|l| !l.is_empty() && !l.starts_with("---") && !l.contains(':'))
        .and_then(|l| l.split_whitespace().next())
        .unwrap()
        .to_string();
    let ar = site.read_out(&shard_of("ar", &word));
    assert!(ar.contains(&format!("\"{word}\":")), "{word}: {ar}");
    // Thai, without spaces between words: pairs of letters.
    let th = site.read_out(&shard_of("th", "สิ"));
    assert!(th.contains("\"สิ\":"), "{th}");
    // Every language has its page.
    for lang in [
        "ar", "ur", "ne", "am", "my", "th", "km", "bn", "si", "ta", "en",
    ] {
        assert!(
            site.out().join(lang).join("search/index.html").is_file(),
            "{lang}"
        );
    }
}

#[test]
fn a_corridor_may_not_take_the_search_page_s_name() {
    let site = fixture("basic");
    std::fs::rename(
        site.root.join("content/kg-fi"),
        site.root.join("content/search"),
    )
    .unwrap();
    let run = site.run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "content/search/corridor.yaml: error: corridor folder 'search' is a name pocketguide keeps for each language's search page"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn heading_anchors_stay_unique_where_chapters_share_a_page() {
    let site = fixture("basic");
    let yaml = site.read("content/kg-fi/corridor.yaml");
    site.write(
        "content/kg-fi/corridor.yaml",
        &yaml.replace("  - work\n", "  - work\n  - work-permit\n"),
    );
    site.write(
        "content/kg-fi/en/work.md",
        "---\ntitle: Work\n---\n## Permit rules\n\nText.\n",
    );
    site.write(
        "content/kg-fi/en/work-permit.md",
        "---\ntitle: Work permit\n---\n## Rules\n\nText.\n",
    );
    site.build().assert_code(0);
    for f in ["en/kg-fi/print.html", "en/kg-fi/kg-fi-en.html"] {
        let html = site.read_out(f);
        let ids = attr_values(&html, "id");
        let unique: std::collections::BTreeSet<&&str> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len(), "{f}: {ids:?}");
        assert!(ids.contains(&"work.permit-rules") && ids.contains(&"work-permit.rules"));
    }
}

#[test]
fn the_index_is_byte_identical_across_builds() {
    // Terms are made on every core in whatever order the threads take the
    // chapters: the files must not depend on it.
    let site = fixture("scripts");
    let mut runs = Vec::new();
    for out in ["one", "two", "three"] {
        site.run(&["build", "--no-pdf", "--out", out])
            .assert_code(0);
        let dir = site.root.join(out);
        let files: Vec<(String, Vec<u8>)> = tree(&dir)
            .into_iter()
            .filter(|f| f.contains("/search/"))
            .map(|f| {
                let bytes = std::fs::read(dir.join(&f)).unwrap();
                (f, bytes)
            })
            .collect();
        assert!(files.len() > 100, "{}", files.len());
        runs.push(files);
    }
    assert!(runs[0] == runs[1] && runs[1] == runs[2]);
}
