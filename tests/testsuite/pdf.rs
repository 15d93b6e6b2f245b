//! The pocket guide PDFs: A6, fonts embedded, text in every script,
//! bookmarks, the emergency number and a QR code of the guide's address on
//! the cover, determinism, and glyph coverage as a build error. Uses
//! poppler's pdftotext/pdftoppm (installed by .ci/run) and lopdf/rqrr.

use crate::support::*;
use std::path::Path;
use std::process::Command;

fn pdftotext(pdf: &Path, pages: Option<(u32, u32)>) -> String {
    let mut cmd = Command::new("pdftotext");
    if let Some((first, last)) = pages {
        cmd.args(["-f", &first.to_string(), "-l", &last.to_string()]);
    }
    let out = cmd
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed by .ci/run");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

fn built() -> Site {
    let site = fixture("basic");
    site.build().assert_code(0);
    site
}

#[test]
fn one_pdf_per_published_language() {
    let site = built();
    for lang in ["uz", "ru", "en"] {
        assert!(site
            .out()
            .join(format!("{lang}/kg-fi/kg-fi-{lang}.pdf"))
            .is_file());
        let home = site.read_out(&format!("{lang}/kg-fi/index.html"));
        assert!(home.contains(&format!("href=\"../../{lang}/kg-fi/kg-fi-{lang}.pdf\"")));
    }
}

#[test]
fn pages_are_a6_with_fonts_embedded_and_bookmarks() {
    let site = built();
    let doc = lopdf::Document::load(site.out().join("ru/kg-fi/kg-fi-ru.pdf")).unwrap();
    let pages = doc.get_pages();
    assert!(
        pages.len() >= 5,
        "cover, contents, chapters, contacts, card"
    );
    for (_, id) in pages {
        let page = doc.get_dictionary(id).unwrap();
        let media = page.get(b"MediaBox").unwrap().as_array().unwrap();
        let num = |o: &lopdf::Object| o.as_float().unwrap_or_else(|_| o.as_i64().unwrap() as f32);
        let (w, h) = (
            num(&media[2]) - num(&media[0]),
            num(&media[3]) - num(&media[1]),
        );
        // 105 x 148 mm in points.
        assert!(
            (w - 297.64).abs() < 0.5 && (h - 419.53).abs() < 0.5,
            "{w} x {h}"
        );
    }
    let mut fonts = 0;
    for (_, object) in doc.objects.iter() {
        if let Ok(dict) = object.as_dict() {
            if dict.get(b"Type").and_then(|t| t.as_name()).ok()
                == Some(b"FontDescriptor".as_slice())
            {
                fonts += 1;
                assert!(
                    dict.has(b"FontFile") || dict.has(b"FontFile2") || dict.has(b"FontFile3"),
                    "a font is not embedded: {dict:?}"
                );
            }
        }
    }
    assert!(fonts > 0);
    let catalog = doc.catalog().unwrap();
    let outlines = doc
        .get_dictionary(catalog.get(b"Outlines").unwrap().as_reference().unwrap())
        .unwrap();
    let count = outlines.get(b"Count").unwrap().as_i64().unwrap();
    assert_eq!(count.abs(), 4, "one bookmark per chapter");
    assert!(catalog.has(b"StructTreeRoot"), "tagged PDF stays on");
}

#[test]
fn cover_has_emergency_numbers_and_contents_has_page_numbers() {
    let site = built();
    let pdf = site.out().join("en/kg-fi/kg-fi-en.pdf");
    let cover = pdftotext(&pdf, Some((1, 1)));
    assert!(cover.contains("112"), "{cover}");
    assert!(cover.contains("+44 20 7946 0456"), "{cover}");
    assert!(cover.contains("Testland Corridor"));
    assert!(cover.contains("https://example.org/guides/en/kg-fi/"));
    let contents = pdftotext(&pdf, Some((2, 2)));
    assert!(
        contents.contains("Contents") && contents.contains("Introduction"),
        "{contents}"
    );
    assert!(
        contents.chars().any(|c| c.is_ascii_digit()),
        "page numbers: {contents}"
    );
    let all = pdftotext(&pdf, None);
    assert!(
        all.contains("Cut out and keep in your wallet"),
        "wallet card"
    );
}

#[test]
fn qr_code_on_the_cover_decodes_to_the_guide_address() {
    let site = built();
    let tmp = tempfile::tempdir().unwrap();
    let prefix = tmp.path().join("cover");
    let status = Command::new("pdftoppm")
        .args(["-r", "200", "-f", "1", "-l", "1", "-gray", "-png"])
        .arg(site.out().join("uz/kg-fi/kg-fi-uz.pdf"))
        .arg(&prefix)
        .status()
        .expect("pdftoppm (poppler-utils) is installed by .ci/run");
    assert!(status.success());
    let png = std::fs::read_dir(tmp.path())
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let img = image::open(png).unwrap().to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(img);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code on the cover");
    let (_, content) = grids[0].decode().unwrap();
    assert_eq!(content, "https://example.org/guides/uz/kg-fi/");
}

#[test]
fn fallback_chapter_is_typeset_under_the_notice() {
    let site = built();
    let text = pdftotext(&site.out().join("uz/kg-fi/kg-fi-uz.pdf"), None);
    // uz has no intro: the ru text stands in, after the Uzbek notice.
    let notice = text.find("tarjima qilinmagan").expect("notice");
    let russian = text.find("Читайте о").expect("ru fallback text");
    assert!(notice < russian);
    assert!(text.contains("ENGLISH-WORK-TEXT"));
}

#[test]
fn pdfs_are_byte_identical_across_builds() {
    let site = built();
    let first = std::fs::read(site.out().join("ru/kg-fi/kg-fi-ru.pdf")).unwrap();
    site.build().assert_code(0);
    let second = std::fs::read(site.out().join("ru/kg-fi/kg-fi-ru.pdf")).unwrap();
    assert!(
        first == second,
        "PDF differs between two builds of the same site"
    );
}

#[test]
fn a_character_no_font_has_is_an_error_with_file_and_line() {
    let site = fixture("basic");
    site.write(
        "content/kg-fi/en/work.md",
        "---\ntitle: Work\n---\nLine one.\n\nHieroglyph \u{13000} here.\n",
    );
    let run = site.build();
    run.assert_code(1);
    assert!(
        run.stderr.contains(
            "content/kg-fi/en/work.md:6: error: 1 Egyptian Hieroglyphs character (first '\u{13000}', U+13000"
        ),
        "{}",
        run.stderr
    );
    assert!(!site.out().exists());
}

/// Markdown makes characters the source text does not hold: an entity,
/// and NUL (printed as U+FFFD). Both are found where they are.
#[test]
fn a_character_no_font_has_is_found_behind_an_entity() {
    let site = fixture("basic");
    site.write(
        "content/kg-fi/en/work.md",
        "---\ntitle: Work\n---\nLine one.\n\nHieroglyph &#x13000; here.\n",
    );
    let run = site.run(&["check"]);
    run.assert_code(1);
    assert!(
        run.stderr.contains(
            "content/kg-fi/en/work.md:6: error: 1 Egyptian Hieroglyphs character (first '\u{13000}', U+13000"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn typst_syntax_in_content_is_text_not_code() {
    let site = fixture("basic");
    site.write(
        "content/kg-fi/en/work.md",
        "---\ntitle: \"#set page(width: 1mm)\"\n---\n#pagebreak() #eval(\"1\") $x^2$ // not a comment\n\n<script>x</script>\n",
    );
    site.build().assert_code(0);
    let text = pdftotext(&site.out().join("en/kg-fi/kg-fi-en.pdf"), None);
    assert!(text.contains("#set page(width: 1mm)"), "{text}");
    assert!(
        text.contains("#pagebreak() #eval(\"1\") $x^2$ // not a comment")
            || text.contains("#pagebreak() #eval(“1”) $x^2$ // not a comment"),
        "{text}"
    );
    assert!(!text.contains("<script>"));
}

#[test]
fn no_pdf_builds_html_only() {
    let site = fixture("basic");
    site.run(&["build", "--no-pdf"]).assert_code(0);
    assert!(!tree(&site.out()).iter().any(|f| f.ends_with(".pdf")));
    assert!(!site.read_out("en/kg-fi/index.html").contains(".pdf"));
}

#[test]
fn example_site_pdfs_carry_every_script() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    run_in(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["build", "--out", out.to_str().unwrap()],
    )
    .assert_code(0);
    let text = |lang: &str| pdftotext(&out.join(format!("{lang}/uz-ee/uz-ee-{lang}.pdf")), None);
    let uz = text("uz");
    assert!(
        uz.contains("Oʻzbekiston") && uz.contains("qoʻllanma"),
        "Uzbek with U+02BB"
    );
    let ru = text("ru");
    assert!(ru.contains("Экстренный номер") && ru.contains("Узбекистан"));
    let et = text("et");
    for word in [
        "Tööinspektsioon",
        "hädaabinumber",
        "õigused",
        "Taškendis",
        "ülesanded",
    ] {
        assert!(et.to_lowercase().contains(&word.to_lowercase()), "{word}");
    }
    // print.html and the PDF hold the same chapters.
    let print = std::fs::read_to_string(out.join("et/uz-ee/print.html")).unwrap();
    for title in [
        "Enne otsustamist",
        "Sinu õigused tööl Eestis",
        "Kasulikud kontaktid",
    ] {
        assert!(print.contains(title) && et.contains(title), "{title}");
    }
}
