//! Every script (SPEC 9.1): guides in Arabic, Urdu, Nepali, Amharic,
//! Burmese, Thai, Khmer, Bengali, Sinhala and Tamil (tests/fixtures/scripts:
//! Article 1 of the Universal Declaration of Human Rights in each, and a
//! sentence with a phone number) through every output; right-to-left pages
//! that say so everywhere; and numbers that never reverse or break.

use crate::support::*;
use std::path::Path;
use std::process::Command;

/// (corridor, language, share of the source's characters pdftotext gives
/// back in order, in per cent). Arabic loses a little: poppler maps the
/// lam-alef ligature back as alef-lam and puts tanween before the alef it
/// sits on; Khmer: a few subscript consonants come back in another order.
const SCRIPTS: [(&str, &str, u32); 10] = [
    ("et-sa", "ar", 85),
    ("pk-ae", "ur", 99),
    ("np-qa", "ne", 99),
    ("et-sa", "am", 99),
    ("mm-th", "my", 99),
    ("mm-th", "th", 99),
    ("kh-th", "km", 97),
    ("bd-my", "bn", 99),
    ("lk-kw", "si", 99),
    ("lk-kw", "ta", 99),
];

fn built() -> Site {
    let site = fixture("scripts");
    site.build().assert_code(0);
    site
}

fn pdftotext(args: &[&str], pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .args(args)
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed by .ci/run");
    String::from_utf8(out.stdout).unwrap()
}

/// The characters of `source` that come back from `text` in order, in
/// per cent, white space and direction marks aside.
fn share_back(source: &str, text: &str) -> u32 {
    let strip = |s: &str| -> Vec<char> {
        s.chars()
            .filter(|c| !c.is_whitespace() && !pocketguide::rules::is_bidi_control(*c))
            .collect()
    };
    let (s, t) = (strip(source), strip(text));
    let same: usize = similar::capture_diff_slices(similar::Algorithm::Myers, &s, &t)
        .iter()
        .map(|op| match op {
            similar::DiffOp::Equal { len, .. } => *len,
            _ => 0,
        })
        .sum();
    (100 * same / s.len()) as u32
}

#[test]
fn every_script_is_printed_and_reads_back() {
    let site = built();
    for (corridor, lang, least) in SCRIPTS {
        let page = site.read(&format!("content/{corridor}/{lang}/rights.md"));
        let body = page.splitn(3, "---\n").nth(2).unwrap();
        let pdf = site
            .out()
            .join(format!("{lang}/{corridor}/{corridor}-{lang}.pdf"));
        let text = pdftotext(&[], &pdf);
        let share = share_back(body, &text);
        assert!(
            share >= least,
            "{lang}: {share}% of the text comes back (at least {least}%)"
        );
        // Every font is embedded, as a subset.
        let fonts = Command::new("pdffonts").arg(&pdf).output().unwrap();
        let fonts = String::from_utf8_lossy(&fonts.stdout);
        for line in fonts.lines().skip(2) {
            let cols: Vec<&str> = line.split_whitespace().collect();
            assert!(
                line.contains("yes yes"),
                "{lang}: not embedded and subset: {line} ({cols:?})"
            );
        }
    }
}

#[test]
fn right_to_left_pages_say_so_everywhere() {
    let site = built();
    for (lang, dir) in [("ar", "rtl"), ("am", "ltr")] {
        for page in [
            "index.html",
            "rights/index.html",
            "work/index.html",
            "contacts/index.html",
            "print.html",
        ] {
            let html = site.read_out(&format!("{lang}/et-sa/{page}"));
            assert!(
                html.contains(&format!("<html lang=\"{lang}\" dir=\"{dir}\">")),
                "{lang}/{page}"
            );
        }
        let single = site.read_out(&format!("{lang}/et-sa/et-sa-{lang}.html"));
        assert!(single.contains(&format!("<html lang=\"{lang}\" dir=\"{dir}\">")));
    }
    // A chapter shown in English inside the Arabic guide runs left to right.
    let work = site.read_out("ar/et-sa/work/index.html");
    assert!(work.contains("<article lang=\"en\" dir=\"ltr\">"), "{work}");
    // Each language in the switcher is named in itself, in its direction.
    assert!(work.contains("lang=\"ar\" dir=\"rtl\""));
    assert!(work.contains("lang=\"am\" dir=\"ltr\""));
    let chooser = site.read_out("index.html");
    assert!(
        chooser.contains("lang=\"ur\" dir=\"rtl\" hreflang=\"ur\">اردو</a>"),
        "{chooser}"
    );
    // The EPUB reads right to left, and epubcheck is content.
    let epub = site.out().join("ar/et-sa/et-sa-ar.epub");
    let opf = unzip(&epub, "EPUB/package.opf");
    assert!(
        opf.contains("<spine page-progression-direction=\"rtl\">"),
        "{opf}"
    );
    assert!(unzip(&epub, "EPUB/ch-rights.xhtml").contains("dir=\"rtl\""));
    crate::share::assert_epubcheck_clean(&epub);
    let am = unzip(
        &site.out().join("am/et-sa/et-sa-am.epub"),
        "EPUB/package.opf",
    );
    assert!(am.contains("<spine>"), "{am}");
    // The PDF: a viewer opens it right to left.
    let ar = std::fs::read(site.out().join("ar/et-sa/et-sa-ar.pdf")).unwrap();
    let am = std::fs::read(site.out().join("am/et-sa/et-sa-am.pdf")).unwrap();
    let has = |pdf: &[u8], s: &str| pdf.windows(s.len()).any(|w| w == s.as_bytes());
    assert!(has(&ar, "/Direction/R2L"));
    assert!(!has(&am, "/Direction/R2L"));
}

fn unzip(zip: &Path, name: &str) -> String {
    let out = Command::new("unzip")
        .arg("-p")
        .arg(zip)
        .arg(name)
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

/// The x of each group of +44 20 7946 0018 on the page that shows it,
/// in the order poppler finds them.
fn number_groups_x(pdf: &Path) -> Vec<Vec<f64>> {
    let bbox = pdftotext(&["-bbox"], pdf);
    let words: Vec<(f64, f64, String)> = bbox
        .lines()
        .filter_map(|l| {
            let x = l.split("xMin=\"").nth(1)?.split('"').next()?.parse().ok()?;
            let y = l.split("yMin=\"").nth(1)?.split('"').next()?.parse().ok()?;
            let w = l.split('>').nth(1)?.split('<').next()?.to_string();
            Some((x, y, w))
        })
        .collect();
    let mut found = Vec::new();
    for (i, (_, y, w)) in words.iter().enumerate() {
        if w == "+44" {
            let same_line: Vec<f64> = words[i..]
                .iter()
                .filter(|(_, y2, w2)| {
                    (y2 - y).abs() < 2.0 && ["+44", "20", "7946", "0018"].contains(&w2.as_str())
                })
                .take(4)
                .map(|(x, ..)| *x)
                .collect();
            found.push(same_line);
        }
    }
    found
}

#[test]
fn numbers_never_reverse_in_any_output() {
    let site = built();
    for (corridor, lang) in [("et-sa", "ar"), ("pk-ae", "ur")] {
        // Pages: each number one left-to-right unit.
        let html = site.read_out(&format!("{lang}/{corridor}/rights/index.html"));
        assert!(
            html.contains("<bdi dir=\"ltr\">+44 20 7946 0018</bdi>"),
            "{html}"
        );
        let contacts = site.read_out(&format!("{lang}/{corridor}/contacts/index.html"));
        assert!(
            contacts.contains("dir=\"ltr\">+44 20 7946 0018</a>"),
            "{contacts}"
        );
        // Messages: between U+2066 and U+2069.
        for file in ["emergency.txt", "emergency-sms.txt"] {
            let text = site.read_out(&format!("{lang}/{corridor}/{file}"));
            assert!(
                text.contains("\u{2066}+44 20 7946 0018\u{2069}"),
                "{file}: {text:?}"
            );
        }
        // The PDF: on every line that shows the number, its groups stand
        // left to right (the cover, the chapter's sentence, the contacts,
        // the wallet card).
        let pdf = site
            .out()
            .join(format!("{lang}/{corridor}/{corridor}-{lang}.pdf"));
        let groups = number_groups_x(&pdf);
        assert!(groups.len() >= 4, "{lang}: {groups:?}");
        for xs in groups {
            assert_eq!(xs.len(), 4, "{lang}: all four groups on one line: {xs:?}");
            assert!(
                xs.windows(2).all(|w| w[0] < w[1]),
                "{lang}: reversed: {xs:?}"
            );
        }
    }
}

#[test]
fn a_right_to_left_booklet_binds_on_the_right() {
    let site = built();
    // The cover (with its web address) is on the first side's right in a
    // left-to-right booklet, on its left in a right-to-left one.
    for (lang, cover_right) in [("am", true), ("ar", false)] {
        let booklet = site
            .out()
            .join(format!("{lang}/et-sa/et-sa-{lang}-booklet-a4.pdf"));
        let bbox = pdftotext(&["-bbox", "-f", "1", "-l", "1"], &booklet);
        let line = bbox
            .lines()
            .find(|l| l.contains(">online"))
            .unwrap_or_else(|| panic!("{lang}: no address on the first side:\n{bbox}"));
        let x: f64 = line
            .split("xMin=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        // A4 is 595 pt wide.
        assert_eq!(x > 297.6, cover_right, "{lang}: x {x}");
    }
}

#[test]
fn characters_no_font_has_are_one_error_per_file_and_script() {
    let site = fixture("scripts");
    site.write(
        "content/np-qa/ne/rights.md",
        "---\ntitle: Gujarati and hieroglyphs\n---\nગુજરાતી લિપિ ગુજરાત\n\nMore ગુજરાતી \u{13000}\u{13001} here.\n",
    );
    let run = site.run(&["check"]);
    run.assert_code(1);
    let errors: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains(": error:"))
        .collect();
    assert_eq!(errors.len(), 2, "{}", run.stderr);
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("content/np-qa/ne/rights.md:4: error:")
                && e.contains("Gujarati")
                && e.contains("Noto Sans Gujarati")),
        "{errors:?}"
    );
    assert!(
        errors.iter().any(|e| e.contains("Egyptian Hieroglyphs")),
        "{errors:?}"
    );
    // Only the PDF cannot print them: an HTML build goes ahead.
    site.run(&["build", "--no-pdf"]).assert_code(0);
    site.build().assert_code(1);
}

#[test]
fn a_site_font_is_used_first_and_a_file_that_is_no_font_is_an_error() {
    let site = fixture("scripts");
    let dejavu = Path::new("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf");
    assert!(dejavu.exists(), "fonts-dejavu-core is installed by .ci/run");
    std::fs::create_dir_all(site.root.join("fonts")).unwrap();
    std::fs::copy(dejavu, site.root.join("fonts/DejaVuSans.ttf")).unwrap();
    site.write("fonts/OFL.txt", "a licence file is left alone");
    site.build().assert_code(0);
    let fonts = Command::new("pdffonts")
        .arg(site.out().join("en/np-qa/np-qa-en.pdf"))
        .output()
        .unwrap();
    let fonts = String::from_utf8_lossy(&fonts.stdout);
    assert!(fonts.contains("DejaVuSans"), "{fonts}");
    assert!(
        !fonts.contains("Libertinus"),
        "the site's font wins: {fonts}"
    );
    site.write("fonts/broken.ttf", "not a font");
    let run = site.run(&["check"]);
    run.assert_code(1);
    assert!(
        run.stderr
            .contains("fonts/broken.ttf: error: is not a font"),
        "{}",
        run.stderr
    );
}

#[test]
fn zawgyi_looking_burmese_is_a_warning() {
    let site = fixture("scripts");
    // "Myanmar" as Zawgyi stores it: the medial before the consonant.
    site.write(
        "content/mm-th/my/work.md",
        "---\ntitle: \"\u{1021}\u{101c}\u{102f}\u{1015}\u{103a}\"\n---\nFirst line.\n\n\u{103b}\u{1019}\u{1014}\u{1039}\u{1019}\u{102c}\n",
    );
    let run = site.run(&["check"]);
    assert!(
        run.stderr
            .contains("content/mm-th/my/work.md:6: warning: this Burmese text looks like Zawgyi"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_language_can_override_its_scripts_direction() {
    let site = fixture("scripts");
    let yaml = site.read("site.yaml").replace(
        "{ code: am, name: \"አማርኛ\" }",
        "{ code: am, name: \"አማርኛ\", dir: rtl }",
    );
    site.write("site.yaml", &yaml);
    site.run(&["build", "--no-pdf"]).assert_code(0);
    assert!(site
        .read_out("am/et-sa/index.html")
        .contains("<html lang=\"am\" dir=\"rtl\">"));
    site.write("site.yaml", &yaml.replace("dir: rtl", "dir: sideways"));
    let run = site.run(&["check"]);
    run.assert_code(1);
    assert!(run.stderr.contains("site.yaml"), "{}", run.stderr);
}
