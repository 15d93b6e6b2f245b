//! One translation, two scripts (SPEC 9.2): a language published from
//! another's pages by transliteration, through every output; a page
//! written by hand wins; the site's own words; what `translations` and
//! `check` say; and the example's Uzbek in Cyrillic.

use crate::support::*;
use std::process::Command;

/// The basic fixture with Uzbek in Cyrillic made from its Uzbek pages.
fn with_cyrillic() -> Site {
    let site = fixture("basic");
    let yaml = site.read("site.yaml").replace(
        "  - { code: uz, name: \"Oʻzbekcha\", fallback: [ru] }",
        "  - { code: uz, name: \"Oʻzbekcha\", fallback: [ru] }\n  - { code: uz-Cyrl, name: \"Ўзбекча\", transliterate_from: uz, fallback: [ru] }",
    );
    site.write("site.yaml", &yaml);
    let corridor = site.read("content/kg-fi/corridor.yaml").replace(
        "languages: [uz, ru, en]",
        "languages: [uz, uz-Cyrl, ru, en]",
    );
    site.write("content/kg-fi/corridor.yaml", &corridor);
    site.write(
        "content/kg-fi/uz/work.md",
        "---\ntitle: Ish va oʻqish\n---\nOʻzbekiston fuqarolari uchun maʼlumot: +44 20 7946 0456, `kod` va https://example.org/yoʻl.\n\nKompyuter, litsenziya va <span lang=\"en\">English words</span>.\n",
    );
    site
}

#[test]
fn a_transliterated_language_is_published_through_every_output() {
    let site = with_cyrillic();
    site.build().assert_code(0);
    let page = site.read_out("uz-Cyrl/kg-fi/work/index.html");
    assert!(
        page.contains("<html lang=\"uz-Cyrl\" dir=\"ltr\">"),
        "{page}"
    );
    assert!(page.contains("<h1>Иш ва ўқиш</h1>"), "{page}");
    assert!(
        page.contains("Ўзбекистон фуқаролари учун маълумот:"),
        "{page}"
    );
    assert!(page.contains("<code>kod</code>"), "code stays");
    assert!(page.contains("https://example.org/yoʻl"), "addresses stay");
    assert!(
        page.contains("Компьютер, лицензия ва <span lang=\"en\">English words</span>"),
        "{page}"
    );
    assert!(page.contains("<bdi dir=\"ltr\">+44 20 7946 0456</bdi>"));
    // The interface is Cyrillic too (from the built-in Uzbek strings), and
    // the switcher names both scripts, each in itself.
    assert!(
        page.contains(">Ўзбекча</a>") && page.contains(">Oʻzbekcha</a>"),
        "{page}"
    );
    assert!(
        page.contains("Асосий мазмунга ўтиш") || page.contains("ўтиш"),
        "{page}"
    );
    // Contacts: names in the reader's script.
    let contacts = site.read_out("uz-Cyrl/kg-fi/contacts/index.html");
    assert!(contacts.contains("Намуна фавқулодда хизмат"), "{contacts}");
    let vcf = site.read_out("uz-Cyrl/kg-fi/contacts.vcf");
    assert!(vcf.contains("FN:Намуна фавқулодда хизмат"), "{vcf}");
    let sms = site.read_out("uz-Cyrl/kg-fi/emergency.txt");
    assert!(sms.contains("Намуна фавқулодда хизмат"), "{sms}");
    // print.html, the one-file guide, the EPUB and the PDF.
    for file in ["print.html", "kg-fi-uz-Cyrl.html"] {
        assert!(
            site.read_out(&format!("uz-Cyrl/kg-fi/{file}"))
                .contains("Ўзбекистон фуқаролари"),
            "{file}"
        );
    }
    let epub = site.out().join("uz-Cyrl/kg-fi/kg-fi-uz-Cyrl.epub");
    let opf = Command::new("unzip")
        .arg("-p")
        .arg(&epub)
        .arg("EPUB/package.opf")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&opf.stdout).contains("<dc:language>uz-Cyrl</dc:language>"));
    crate::share::assert_epubcheck_clean(&epub);
    let pdf = Command::new("pdftotext")
        .arg(site.out().join("uz-Cyrl/kg-fi/kg-fi-uz-Cyrl.pdf"))
        .arg("-")
        .output()
        .unwrap();
    let pdf = String::from_utf8_lossy(&pdf.stdout);
    assert!(
        pdf.contains("Ўзбекистон фуқаролари") && pdf.contains("Иш ва ўқиш"),
        "{pdf}"
    );
    // The sitemap lists the Cyrillic pages as alternates.
    let sitemap = site.read_out("sitemap.xml");
    assert!(sitemap
        .contains("hreflang=\"uz-Cyrl\" href=\"https://example.org/guides/uz-Cyrl/kg-fi/work/\""));
}

#[test]
fn translations_say_transliterated_and_a_page_written_by_hand_wins() {
    let site = with_cyrillic();
    let run = site.run(&["translations", "--format", "json"]);
    run.assert_code(0);
    assert!(
        run.stdout.contains("\"page\": \"work\",\n    \"language\": \"uz-Cyrl\",\n    \"status\": \"transliterated\""),
        "{}",
        run.stdout
    );
    // uz has no intro: uz-Cyrl shows what uz shows (its Russian fallback),
    // untouched.
    site.build().assert_code(0);
    let intro = site.read_out("uz-Cyrl/kg-fi/intro/index.html");
    assert!(
        intro.contains("<article lang=\"ru\" dir=\"ltr\">"),
        "{intro}"
    );
    // A page written in Cyrillic by hand is used as it is.
    site.write(
        "content/kg-fi/uz-Cyrl/work.md",
        "---\ntitle: Қўлда ёзилган\n---\nҚўлда ёзилган матн.\n",
    );
    site.build().assert_code(0);
    let work = site.read_out("uz-Cyrl/kg-fi/work/index.html");
    assert!(work.contains("Қўлда ёзилган матн."), "{work}");
    let run = site.run(&["translations", "--format", "json"]);
    assert!(
        !run.stdout.contains("\"page\": \"work\",\n    \"language\": \"uz-Cyrl\",\n    \"status\": \"transliterated\""),
        "{}",
        run.stdout
    );
}

#[test]
fn doubtful_words_are_warnings_and_the_sites_own_words_settle_them() {
    let site = with_cyrillic();
    site.write(
        "content/kg-fi/uz/work.md",
        "---\ntitle: Ish\n---\nBirinchi qator.\n\nYangi razyezd va vagon.\n",
    );
    let run = site.run(&["check"]);
    assert!(
        run.stderr.contains("content/kg-fi/uz/work.md:6: warning: transliterated into 'uz-Cyrl', these words may be spelt wrong: razyezd (line 6)"),
        "{}",
        run.stderr
    );
    site.write("translit/uz-Cyrl.yaml", "razyezd: разъезд\n");
    let run = site.run(&["check"]);
    assert!(!run.stderr.contains("may be spelt wrong"), "{}", run.stderr);
    site.build().assert_code(0);
    assert!(site
        .read_out("uz-Cyrl/kg-fi/work/index.html")
        .contains("Янги разъезд ва вагон."));
    site.write("translit/uz-Cyrl.yaml", "razyezd: [not, a, word]\n");
    let run = site.run(&["check"]);
    run.assert_code(1);
    assert!(
        run.stderr.contains("translit/uz-Cyrl.yaml:1: error:"),
        "{}",
        run.stderr
    );
}

#[test]
fn cyrillic_written_by_hand_gives_latin_too() {
    let site = fixture("basic");
    let yaml = site.read("site.yaml").replace(
        "  - { code: uz, name: \"Oʻzbekcha\", fallback: [ru] }",
        "  - { code: uz, name: \"Oʻzbekcha\", transliterate_from: uz-Cyrl }\n  - { code: uz-Cyrl, name: \"Ўзбекча\", fallback: [ru] }",
    );
    site.write("site.yaml", &yaml);
    let corridor = site.read("content/kg-fi/corridor.yaml").replace(
        "languages: [uz, ru, en]",
        "languages: [uz, uz-Cyrl, ru, en]",
    );
    site.write("content/kg-fi/corridor.yaml", &corridor);
    std::fs::rename(
        site.root.join("content/_shared/uz"),
        site.root.join("content/_shared/uz-Cyrl"),
    )
    .unwrap();
    site.write(
        "content/_shared/uz-Cyrl/shared-tips.md",
        "---\ntitle: Умумий маслаҳатлар\n---\nЎзбекистон фуқаролари учун маълумот ва лицензия.\n",
    );
    site.write(
        "content/kg-fi/uz-Cyrl/work.md",
        "---\ntitle: Иш\n---\nИш ҳақи.\n",
    );
    site.run(&["build", "--no-pdf"]).assert_code(0);
    let tips = site.read_out("uz/kg-fi/shared-tips/index.html");
    assert!(
        tips.contains("Oʻzbekiston fuqarolari uchun maʼlumot va litsenziya."),
        "{tips}"
    );
    assert!(tips.contains("<h1>Umumiy maslahatlar</h1>"), "{tips}");
}

#[test]
fn a_pair_pocketguide_has_no_rules_for_is_an_error() {
    let site = fixture("basic");
    let yaml = site.read("site.yaml").replace(
        "  - { code: en, name: \"English\" }",
        "  - { code: en, name: \"English\" }\n  - { code: ru-Latn, name: \"Russkiy\", transliterate_from: ru }\n  - { code: ky, name: \"Кыргызча\", transliterate_from: xx }",
    );
    site.write("site.yaml", &yaml);
    let run = site.run(&["check"]);
    run.assert_code(1);
    assert!(
        run.stderr
            .contains("no transliteration from 'ru' (Cyrl) to 'ru-Latn' (Latn)"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("transliterate_from: 'xx' is not in `languages`"),
        "{}",
        run.stderr
    );
}
