//! `pocketguide build` on a valid site: the tree, languages, switchers,
//! fallback, links, contacts, vCard, sitemap, and atomic output.

use crate::support::*;
use std::fs;

const LANGS: [&str; 3] = ["uz", "ru", "en"];
const CHAPTERS: [&str; 4] = ["intro", "work", "shared-tips", "contacts"];

#[test]
fn writes_the_spec_output_tree() {
    let site = fixture("basic");
    site.build().assert_code(0);
    let files = tree(&site.out());
    for f in ["index.html", "sitemap.xml", "style.css", "404.html"] {
        assert!(files.contains(&f.to_string()), "missing {f}: {files:?}");
    }
    for lang in LANGS {
        let mut expected = vec![
            format!("{lang}/index.html"),
            format!("{lang}/kg-fi/index.html"),
            format!("{lang}/kg-fi/print.html"),
            format!("{lang}/kg-fi/contacts.vcf"),
        ];
        expected.extend(CHAPTERS.map(|c| format!("{lang}/kg-fi/{c}/index.html")));
        for f in expected {
            assert!(files.contains(&f), "missing {f}");
        }
    }
}

#[test]
fn every_page_has_the_right_lang() {
    let site = fixture("basic");
    site.build().assert_code(0);
    for f in tree(&site.out()).iter().filter(|f| f.ends_with(".html")) {
        let html = site.read_out(f);
        let expected = match f.split('/').next().unwrap() {
            l if LANGS.contains(&l) => l,
            _ => "en",
        };
        assert!(
            html.contains(&format!("<html lang=\"{expected}\" dir=\"ltr\">")),
            "{f} lacks lang={expected}"
        );
    }
}

#[test]
fn switcher_leads_to_the_same_chapter_in_each_language() {
    let site = fixture("basic");
    site.build().assert_code(0);
    for lang in LANGS {
        for ch in CHAPTERS {
            let html = site.read_out(&format!("{lang}/kg-fi/{ch}/index.html"));
            let nav = &html[html.find("class=\"langs\"").unwrap()..];
            let nav = &nav[..nav.find("</nav>").unwrap()];
            let targets = attr_values(nav, "href");
            let expected: Vec<String> = LANGS
                .iter()
                .map(|l| format!("../../../{l}/kg-fi/{ch}/index.html"))
                .collect();
            assert_eq!(targets, expected, "{lang}/{ch}");
            assert!(nav.contains("aria-current=\"page\""));
        }
    }
}

#[test]
fn missing_chapter_falls_back_with_its_own_lang_under_a_notice() {
    let site = fixture("basic");
    site.build().assert_code(0);
    // uz has no intro; its fallback list says ru, and ru has one.
    let uz = site.read_out("uz/kg-fi/intro/index.html");
    let notice = uz.find("class=\"notice\"").expect("notice");
    let article = uz
        .find("<article lang=\"ru\" dir=\"ltr\">")
        .expect("ru article");
    assert!(notice < article, "notice comes first");
    assert!(uz.contains("Введение"));
    assert!(uz.contains("tarjima qilinmagan"), "notice is in Uzbek");
    // ru has no work page and no fallback list: the source language shows.
    let ru = site.read_out("ru/kg-fi/work/index.html");
    assert!(ru.contains("<article lang=\"en\" dir=\"ltr\">"));
    assert!(ru.contains("ENGLISH-WORK-TEXT"));
    assert!(ru.contains("ещё не переведена"));
    // A page that exists is not marked.
    let en = site.read_out("en/kg-fi/work/index.html");
    assert!(en.contains("<article>") && !en.contains("class=\"notice\""));
}

#[test]
fn outdated_translation_shows_a_notice_and_links_the_source() {
    let site = fixture("basic");
    site.build().assert_code(0);
    let ru = site.read_out("ru/kg-fi/intro/index.html");
    assert!(ru.contains("изменился после перевода"), "{ru}");
    assert!(ru.contains("href=\"../../../en/kg-fi/intro/index.html\">"));
}

#[test]
fn chapter_links_resolve_to_the_same_language() {
    let site = fixture("basic");
    site.build().assert_code(0);
    let en = site.read_out("en/kg-fi/intro/index.html");
    assert!(en.contains("href=\"../work/index.html\""));
    assert!(en.contains("href=\"../shared-tips/index.html#top\""));
    let ru = site.read_out("ru/kg-fi/intro/index.html");
    assert!(ru.contains("href=\"../work/index.html\""));
    let print = site.read_out("en/kg-fi/print.html");
    assert!(print.contains("href=\"#ch-work\"") && print.contains("id=\"ch-work\""));
}

#[test]
fn every_internal_link_resolves_to_a_file() {
    let site = fixture("basic");
    site.build().assert_code(0);
    let out = site.out();
    let mut checked = 0;
    for f in tree(&out)
        .iter()
        .filter(|f| f.ends_with(".html") && *f != "404.html")
    {
        let html = site.read_out(f);
        let dir = out.join(f).parent().unwrap().to_path_buf();
        for url in attr_values(&html, "href")
            .into_iter()
            .chain(attr_values(&html, "src"))
        {
            if url.starts_with("https://")
                || url.starts_with("mailto:")
                || url.starts_with("tel:")
                || url.starts_with("data:image/")
            {
                continue;
            }
            let (path, fragment) = url.split_once('#').unwrap_or((url, ""));
            let target = if path.is_empty() {
                out.join(f)
            } else {
                dir.join(path)
            };
            assert!(
                target.is_file(),
                "{f}: link {url} → {} is missing",
                target.display()
            );
            if !fragment.is_empty() && fragment != "top" {
                let text = fs::read_to_string(&target).unwrap();
                assert!(
                    text.contains(&format!("id=\"{fragment}\"")),
                    "{f}: no #{fragment} in {url}"
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 100, "checked only {checked} links");
}

#[test]
fn pages_load_nothing_from_other_hosts() {
    let site = fixture("basic");
    site.build().assert_code(0);
    let mut images = 0;
    for f in tree(&site.out()).iter().filter(|f| f.ends_with(".html")) {
        let html = site.read_out(f);
        for src in attr_values(&html, "src") {
            images += 1;
            // The one-file guide carries its images inside it.
            if src.starts_with("data:image/png;base64,") {
                continue;
            }
            assert!(!src.contains("//") && !src.contains(':'), "{f} loads {src}");
            let file = site.out().join(f).parent().unwrap().join(src);
            assert!(file.is_file(), "{f}: {src} is not a file of the site");
        }
        if f.ends_with("/search/index.html") {
            // The search page's scripts: its index's settings, and a line
            // that loads the theme's search.js, from this site, when the
            // reader has searched.
            assert_eq!(html.matches("<script").count(), 2, "{f}");
            assert!(html.contains("<script type=\"application/json\" id=\"search-config\">"));
            assert!(html.contains("s.src=\"../../search.js\""), "{f}");
            assert!(site.out().join("search.js").is_file());
        } else {
            assert!(!html.contains("<script"), "{f} has a script");
        }
        for (i, _) in html.match_indices("<link ") {
            let tag = &html[i..i + html[i..].find('>').unwrap()];
            if tag.contains("stylesheet") {
                assert!(!tag.contains("//"), "{f}: {tag}");
            }
        }
    }
    // The fixture's map: on the en intro page, in print.html and inside
    // the one-file guide.
    assert!(images >= 3, "only {images} images were checked");
}

#[test]
fn emergency_contacts_on_every_corridor_page_as_tel_links() {
    let site = fixture("basic");
    site.build().assert_code(0);
    for f in tree(&site.out())
        .iter()
        .filter(|f| f.contains("/kg-fi/") && f.ends_with(".html"))
    {
        let html = site.read_out(f);
        assert!(html.contains("href=\"tel:112\""), "{f}");
        assert!(
            html.contains("href=\"tel:+442079460456\""),
            "{f}: spaces removed"
        );
    }
}

#[test]
fn contacts_chapter_merges_shared_and_orders_destination_first() {
    let site = fixture("basic");
    site.build().assert_code(0);
    let html = site.read_out("en/kg-fi/contacts/index.html");
    assert!(html.contains("Example Helpline, Corridor Version"));
    assert!(
        !html.contains("must be replaced"),
        "corridor wins on the same id"
    );
    let fi = html.find("Example Emergency").unwrap();
    let kg = html.find("Example Shared Line").unwrap();
    assert!(fi < kg, "destination country first");
    assert!(html.contains("mailto:help@example.org"));
    assert!(html.contains("https://wa.me/442079460789"));
    assert!(html.contains("https://t.me/example_help"));
    assert!(html.contains("2026-01-01"), "verified date shown");
    // Names fall back when a language lacks one, marked with their lang.
    let uz = site.read_out("uz/kg-fi/contacts/index.html");
    assert!(
        uz.contains("lang=\"ru\" dir=\"ltr\">Пример общей линии"),
        "uz falls back to ru"
    );
}

#[test]
fn vcard_has_every_contact() {
    let site = fixture("basic");
    site.build().assert_code(0);
    let vcf = site.read_out("en/kg-fi/contacts.vcf");
    assert_eq!(vcf.matches("BEGIN:VCARD\r\nVERSION:4.0\r\n").count(), 3);
    assert!(vcf.contains("TEL;VALUE=uri;TYPE=voice:tel:+442079460456\r\n"));
    assert!(vcf.contains("FN:Example Helpline\\, Corridor Version\r\n"));
    assert!(vcf.contains("NOTE:Help\\; advice\\, and more"));
    assert!(vcf.contains("EMAIL:help@example.org"));
}

#[test]
fn sitemap_has_absolute_urls_and_hreflang_alternates() {
    let site = fixture("basic");
    site.build().assert_code(0);
    let xml = site.read_out("sitemap.xml");
    assert!(xml.contains("<loc>https://example.org/guides/ru/kg-fi/intro/</loc>"));
    assert!(xml.contains(
        "<xhtml:link rel=\"alternate\" hreflang=\"uz\" href=\"https://example.org/guides/uz/kg-fi/intro/\"/>"
    ));
    let site2 = fixture("basic");
    site2
        .run(&["build", "--base-url", "https://other.example.org/g/"])
        .assert_code(0);
    assert!(site2
        .read_out("sitemap.xml")
        .contains("https://other.example.org/g/en/kg-fi/"));
}

#[test]
fn print_page_is_a6_with_every_chapter() {
    let site = fixture("basic");
    site.build().assert_code(0);
    let print = site.read_out("en/kg-fi/print.html");
    for ch in CHAPTERS {
        assert!(print.contains(&format!("id=\"ch-{ch}\"")), "{ch}");
    }
    assert!(print.contains("print.css"));
    assert!(
        site.read_out("print.css").contains("size:105mm 148mm"),
        "A6"
    );
    // Footnote ids are prefixed per chapter so chapters cannot collide.
    assert!(print.contains("id=\"intro.fn-1\""));
}

#[test]
fn language_index_lists_only_corridors_published_in_it() {
    let site = fixture("basic");
    site.write(
        "content/uz-ee/corridor.yaml",
        "origin: UZ\ndestination: EE\nsource_language: en\nlanguages: [en]\ntitle: { en: \"English Only Corridor\" }\nupdated: 2026-01-02\nchapters: [work]\n",
    );
    site.write("content/uz-ee/en/work.md", "---\ntitle: W\n---\nx\n");
    site.build().assert_code(0);
    assert!(site
        .read_out("en/index.html")
        .contains("English Only Corridor"));
    assert!(!site
        .read_out("ru/index.html")
        .contains("English Only Corridor"));
    assert!(site.read_out("ru/index.html").contains("Тестовый коридор"));
    assert!(!site.out().join("ru/uz-ee").exists());
}

#[test]
fn failed_build_leaves_previous_output_untouched() {
    let site = fixture("basic");
    site.build().assert_code(0);
    let before: Vec<(String, Vec<u8>)> = tree(&site.out())
        .into_iter()
        .map(|f| {
            let bytes = fs::read(site.out().join(&f)).unwrap();
            (f, bytes)
        })
        .collect();
    site.write("content/kg-fi/en/work.md", "---\ntitle: [broken\n---\nx\n");
    let run = site.build();
    run.assert_code(1);
    assert!(
        run.stderr.contains("content/kg-fi/en/work.md:2: error:"),
        "{}",
        run.stderr
    );
    let after: Vec<(String, Vec<u8>)> = tree(&site.out())
        .into_iter()
        .map(|f| {
            let bytes = fs::read(site.out().join(&f)).unwrap();
            (f, bytes)
        })
        .collect();
    assert!(before == after, "output changed after a failed build");
    let leftovers: Vec<_> = fs::read_dir(&site.root)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(".public"))
        .collect();
    assert!(leftovers.is_empty(), "temporary folders left behind");
}

#[test]
fn successful_rebuild_replaces_the_output_as_a_whole() {
    let site = fixture("basic");
    site.build().assert_code(0);
    fs::write(site.out().join("stale.html"), "old").unwrap();
    site.build().assert_code(0);
    assert!(!site.out().join("stale.html").exists());
}

#[test]
fn refuses_an_output_folder_that_contains_the_site() {
    let site = fixture("basic");
    let parent = site.root.parent().unwrap().to_str().unwrap().to_string();
    for out in [".", "..", parent.as_str()] {
        let run = site.run(&["build", "--out", out]);
        run.assert_code(2);
        assert!(run.stderr.contains("refusing"), "{}", run.stderr);
    }
    assert!(site.root.join("site.yaml").is_file(), "the site is intact");
}

#[test]
fn refuses_a_foreign_non_empty_output_folder() {
    let site = fixture("basic");
    site.write("notes/thesis.txt", "precious");
    let run = site.run(&["build", "--out", "notes"]);
    run.assert_code(2);
    assert_eq!(site.read("notes/thesis.txt"), "precious");
}

#[test]
fn usage_errors_exit_2() {
    let site = fixture("basic");
    site.run(&["build", "--no-such-flag"]).assert_code(2);
    site.run(&["build", "--site", "does-not-exist"])
        .assert_code(2);
    site.run(&["frobnicate"]).assert_code(2);
}
