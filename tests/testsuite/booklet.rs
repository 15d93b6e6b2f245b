//! The A4 booklet and the archival, accessible A6 PDF (SPEC 7.1), read back
//! with poppler as a printer and a screen reader would meet them.

use crate::support::*;
use std::path::Path;
use std::process::Command;

const MM: f64 = 72.0 / 25.4;

fn poppler(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} (poppler-utils, installed by .ci/run): {e}"));
    assert!(out.status.success(), "{program} {args:?}");
    String::from_utf8(out.stdout).unwrap()
}

fn pages(pdf: &Path) -> usize {
    lopdf::Document::load(pdf).unwrap().get_pages().len()
}

/// The text of a page (1-based), or of a region of it given in mm, with all
/// white space removed.
fn text(pdf: &Path, page: usize, region: Option<(f64, f64, f64, f64)>) -> String {
    let p = page.to_string();
    let mut args = vec!["-f", &p, "-l", &p, "-r", "72"];
    let region =
        region.map(|(x, y, w, h)| [x, y, w, h].map(|v| format!("{}", (v * MM).round() as i64)));
    if let Some(r) = &region {
        args.extend(["-x", &r[0], "-y", &r[1], "-W", &r[2], "-H", &r[3]]);
    }
    let pdf = pdf.to_str().unwrap();
    args.extend([pdf, "-"]);
    poppler("pdftotext", &args)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

fn built() -> Site {
    let site = fixture("basic");
    site.build().assert_code(0);
    site
}

/// Which A6 page stands in each quarter of each A4 side: (side, half,
/// column) → page (0-based), found by the text each shows.
fn imposition(
    a6: &Path,
    booklet: &Path,
) -> (
    usize,
    std::collections::HashMap<(usize, usize, usize), usize>,
) {
    let n = pages(a6);
    let texts: Vec<String> = (1..=n).map(|p| text(a6, p, None)).collect();
    let mut found = std::collections::HashMap::new();
    for side in 0..pages(booklet) {
        for half in 0..2 {
            for column in 0..2 {
                let region = (column as f64 * 105.0, half as f64 * 148.5, 105.0, 148.5);
                let t = text(booklet, side + 1, Some(region));
                if t.is_empty() {
                    continue;
                }
                let matches: Vec<usize> = (0..n).filter(|&i| texts[i] == t).collect();
                assert_eq!(
                    matches.len(),
                    1,
                    "side {side} half {half} column {column}: {t}"
                );
                found.insert((side, half, column), matches[0]);
            }
        }
    }
    (n, found)
}

#[test]
fn booklet_is_a4_with_two_sides_for_every_eight_pages() {
    let site = built();
    for lang in ["uz", "ru", "en"] {
        let a6 = site.out().join(format!("{lang}/kg-fi/kg-fi-{lang}.pdf"));
        let booklet = site
            .out()
            .join(format!("{lang}/kg-fi/kg-fi-{lang}-booklet-a4.pdf"));
        let doc = lopdf::Document::load(&booklet).unwrap();
        for (_, id) in doc.get_pages() {
            let media = doc
                .get_dictionary(id)
                .unwrap()
                .get(b"MediaBox")
                .unwrap()
                .as_array()
                .unwrap();
            let num =
                |o: &lopdf::Object| o.as_float().unwrap_or_else(|_| o.as_i64().unwrap() as f32);
            let (w, h) = (
                num(&media[2]) - num(&media[0]),
                num(&media[3]) - num(&media[1]),
            );
            assert!(
                (w - 595.28).abs() < 0.5 && (h - 841.89).abs() < 0.5,
                "{w} x {h}"
            );
        }
        assert_eq!(pages(&booklet), 2 * pages(&a6).div_ceil(8), "{lang}");
    }
}

/// Printed on both sides (flipped on the long edge), cut across, the top
/// halves laid on the bottom halves and folded: the pages read in order,
/// every page once, blanks only before the wallet card.
#[test]
fn every_page_appears_once_and_the_folded_booklet_reads_in_order() {
    let site = built();
    let a6 = site.out().join("ru/kg-fi/kg-fi-ru.pdf");
    let booklet = site.out().join("ru/kg-fi/kg-fi-ru-booklet-a4.pdf");
    let (n, at) = imposition(&a6, &booklet);
    let mut seen: Vec<usize> = at.values().copied().collect();
    seen.sort();
    assert_eq!(
        seen,
        (0..n).collect::<Vec<_>>(),
        "every A6 page exactly once"
    );
    // The A5 sheets, outermost first: top halves of A4 sheets 0.., then
    // bottom halves. Folded with its front outside, a sheet reads front
    // right, back left on the way in, and back right, front left on the
    // way out (a long-edge flip puts back left behind front right).
    let sheets = pages(&booklet) / 2;
    let a5: Vec<(usize, usize)> = (0..2)
        .flat_map(|h| (0..sheets).map(move |s| (s, h)))
        .collect();
    let get = |sheet: usize, side: usize, half: usize, column: usize| {
        at.get(&(sheet * 2 + side, half, column)).copied()
    };
    let mut order: Vec<Option<usize>> = Vec::new();
    for &(s, h) in &a5 {
        order.push(get(s, 0, h, 1));
        order.push(get(s, 1, h, 0));
    }
    for &(s, h) in a5.iter().rev() {
        order.push(get(s, 1, h, 1));
        order.push(get(s, 0, h, 0));
    }
    let read: Vec<usize> = order.iter().flatten().copied().collect();
    assert_eq!(read, (0..n).collect::<Vec<_>>(), "folded order {order:?}");
    assert_eq!(
        order.last(),
        Some(&Some(n - 1)),
        "the wallet card is the back cover"
    );
    let cover = at.iter().find(|(_, &p)| p == 0).unwrap().0;
    let card = at.iter().find(|(_, &p)| p == n - 1).unwrap().0;
    assert_eq!(
        (cover.0, cover.1),
        (card.0, card.1),
        "cover and card share one side"
    );
}

#[test]
fn no_text_lies_within_5_mm_of_the_sheet_edge() {
    let site = built();
    let booklet = site.out().join("en/kg-fi/kg-fi-en-booklet-a4.pdf");
    let html = poppler("pdftotext", &["-bbox", booklet.to_str().unwrap(), "-"]);
    let mut words = 0;
    for (i, _) in html.match_indices("<word ") {
        let tag = &html[i..i + html[i..].find('>').unwrap()];
        let v = |k: &str| -> f64 {
            let s = &tag[tag.find(&format!("{k}=\"")).unwrap() + k.len() + 2..];
            s[..s.find('"').unwrap()].parse().unwrap()
        };
        let (x0, y0, x1, y1) = (v("xMin"), v("yMin"), v("xMax"), v("yMax"));
        let edge = 5.0 * MM;
        assert!(
            x0 >= edge && y0 >= edge && x1 <= 210.0 * MM - edge && y1 <= 297.0 * MM - edge,
            "text within 5 mm of the edge: {tag}"
        );
        words += 1;
    }
    assert!(words > 50, "only {words} words");
}

#[test]
fn a6_pdf_declares_pdf_ua_1_and_pdf_a_2a_with_title_language_and_date() {
    let site = built();
    let doc = lopdf::Document::load(site.out().join("ru/kg-fi/kg-fi-ru.pdf")).unwrap();
    let catalog = doc.catalog().unwrap();
    let metadata = doc
        .get_object(catalog.get(b"Metadata").unwrap().as_reference().unwrap())
        .unwrap()
        .as_stream()
        .unwrap();
    let xmp = String::from_utf8(
        metadata
            .decompressed_content()
            .unwrap_or_else(|_| metadata.content.clone()),
    )
    .unwrap();
    let declares = |prefix: &str, key: &str, value: &str| {
        xmp.contains(&format!("<{prefix}:{key}>{value}</{prefix}:{key}>"))
            || xmp.contains(&format!("{prefix}:{key}=\"{value}\""))
    };
    assert!(declares("pdfuaid", "part", "1"), "{xmp}");
    assert!(declares("pdfaid", "part", "2"), "{xmp}");
    assert!(declares("pdfaid", "conformance", "A"), "{xmp}");
    assert!(xmp.contains("Тестовый коридор"), "title in the XMP: {xmp}");
    assert!(
        xmp.contains("2026-01-02"),
        "date from the corridor's updated: {xmp}"
    );
    let lang = catalog.get(b"Lang").unwrap().as_str().unwrap();
    assert_eq!(lang, b"ru");
    let info = poppler(
        "pdfinfo",
        &[site.out().join("ru/kg-fi/kg-fi-ru.pdf").to_str().unwrap()],
    );
    assert!(info.contains("Tagged:          yes"), "{info}");
}

#[test]
fn pdfs_and_booklets_are_byte_identical_across_builds() {
    let site = built();
    let files = ["en/kg-fi/kg-fi-en.pdf", "en/kg-fi/kg-fi-en-booklet-a4.pdf"];
    let first: Vec<Vec<u8>> = files
        .iter()
        .map(|f| std::fs::read(site.out().join(f)).unwrap())
        .collect();
    site.build().assert_code(0);
    for (f, before) in files.iter().zip(first) {
        assert!(
            std::fs::read(site.out().join(f)).unwrap() == before,
            "{f} differs"
        );
    }
}

/// The card on the last page is ID-1 size (85.6 x 54 mm): its grey cut line
/// is measured on a render at 10 pixels per mm; its numbers are at least
/// 9 pt.
#[test]
fn wallet_card_is_credit_card_size_with_readable_numbers() {
    let site = built();
    let pdf = site.out().join("en/kg-fi/kg-fi-en.pdf");
    let last = pages(&pdf).to_string();
    let tmp = tempfile::tempdir().unwrap();
    let prefix = tmp.path().join("card");
    poppler(
        "pdftoppm",
        &[
            "-f",
            &last,
            "-l",
            &last,
            "-r",
            "254",
            "-gray",
            "-aa",
            "no",
            "-aaVector",
            "no",
            "-png",
            pdf.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    let png = std::fs::read_dir(tmp.path())
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let img = image::open(png).unwrap().to_luma8();
    let (mut x0, mut y0, mut x1, mut y1) = (u32::MAX, u32::MAX, 0, 0);
    for (x, y, p) in img.enumerate_pixels() {
        // The card's outline is the only grey of its shade on the page.
        if (130..=150).contains(&p.0[0]) {
            (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
        }
    }
    let (w, h) = ((x1 - x0 + 1) as f64 / 10.0, (y1 - y0 + 1) as f64 / 10.0);
    assert!(
        (w - 85.6).abs() < 0.6 && (h - 54.0).abs() < 0.6,
        "card is {w} x {h} mm"
    );
    let html = poppler(
        "pdftotext",
        &[
            "-bbox",
            "-f",
            &last,
            "-l",
            &last,
            pdf.to_str().unwrap(),
            "-",
        ],
    );
    let mut numbers = 0;
    for number in ["112", "+44", "20", "7946", "0456"] {
        for (i, _) in html.match_indices(&format!(">{number}</word>")) {
            let tag = &html[html[..i].rfind("<word").unwrap()..i];
            let v = |k: &str| -> f64 {
                let s = &tag[tag.find(&format!("{k}=\"")).unwrap() + k.len() + 2..];
                s[..s.find('"').unwrap()].parse().unwrap()
            };
            assert!(
                v("yMax") - v("yMin") >= 9.0,
                "{number} is set smaller than 9 pt: {tag}"
            );
            numbers += 1;
        }
    }
    assert!(numbers >= 2, "no emergency numbers on the card");
}

#[test]
fn corridor_home_links_the_booklet_with_instructions() {
    let site = built();
    for (lang, fold) in [
        (
            "en",
            "fold it upwards at the dashed marks so the cover ends up outside",
        ),
        ("ru", "согните вверх по пунктирным меткам"),
        ("uz", "punktir belgilar boʻyicha yuqoriga buklang"),
    ] {
        let home = site.read_out(&format!("{lang}/kg-fi/index.html"));
        assert!(
            home.contains(&format!("href=\"kg-fi-{lang}-booklet-a4.pdf\"")),
            "{lang}"
        );
        assert!(
            home.contains("<details class=\"booklet\">") && home.contains(fold),
            "{lang}"
        );
        assert!(home.contains("<svg class=\"fold\""), "{lang}: the diagram");
    }
}

/// Dark pixels of each side of `pdf`, rendered in grey at `dpi`: (side,
/// x mm, y mm).
fn ink(pdf: &Path, dpi: u32) -> Vec<(usize, f64, f64)> {
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("side");
    poppler(
        "pdftoppm",
        &[
            "-r",
            &dpi.to_string(),
            "-gray",
            pdf.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    let mut files: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut dark = Vec::new();
    for (side, file) in files.iter().enumerate() {
        let pgm = std::fs::read(file).unwrap();
        // P5, width, height, maximum, then one byte a pixel.
        let mut fields = Vec::new();
        let mut at = 0;
        while fields.len() < 4 {
            while pgm[at].is_ascii_whitespace() {
                at += 1;
            }
            let start = at;
            while !pgm[at].is_ascii_whitespace() {
                at += 1;
            }
            fields.push(String::from_utf8_lossy(&pgm[start..at]).to_string());
        }
        let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
        let pixels = &pgm[at + 1..];
        let mm = |px: usize| (px as f64 + 0.5) * 25.4 / f64::from(dpi);
        for y in 0..h {
            for x in 0..w {
                if pixels[y * w + x] < 128 {
                    dark.push((side, mm(x), mm(y)));
                }
            }
        }
    }
    dark
}

#[test]
fn nothing_but_blank_paper_lies_within_5_mm_of_the_sheet_edge() {
    let site = fixture("basic");
    let tips = site.read("content/_shared/en/shared-tips.md");
    site.write(
        "content/_shared/en/shared-tips.md",
        &format!("{tips}\n{}\n", "A".repeat(150)),
    );
    site.build().assert_code(0);
    let booklet = site.out().join("en/kg-fi/kg-fi-en-booklet-a4.pdf");
    // Nothing is inked in the 5 mm band along the sheet's edge, where
    // office printers print nothing, not even the marks, which start just
    // inside it (less a pixel, which the band's own border shades).
    let band = 5.0 - 0.3;
    let stray: Vec<_> = ink(&booklet, 100)
        .into_iter()
        .filter(|&(_, x, y)| x < band || x > 210.0 - band || y < band || y > 297.0 - band)
        .collect();
    assert!(
        stray.is_empty(),
        "ink in the edge band: {:?}",
        &stray[..stray.len().min(10)]
    );
}
