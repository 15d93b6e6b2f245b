//! The A4 booklet: the typeset A6 pages imposed four to a side, to print on
//! both sides of A4 (flipping on the long edge), cut once across and fold
//! into a saddle-stitched A6 booklet. The finished A6 PDF's pages are
//! placed on larger pages; nothing is typeset or encoded twice.
//!
//! Each A4 sheet is two A5 sheets of the booklet, one above the other.
//! Printed in order and cut, the top halves stacked on the bottom halves,
//! the A5 sheets lie outermost first; folded, the pages read in order. The
//! guide is padded with blank pages to a multiple of 8 before its last page,
//! so the wallet card stays the back cover, beside the cover on the outer
//! sheet. A right-to-left guide binds on the right: every side is mirrored,
//! so folded it opens from the left edge as its readers expect.

use hayro_write::hayro_syntax::Pdf as Source;
use hayro_write::{ChunkSettings, ExtractionQuery};
use pdf_writer::{Content, Date, Finish, Name, Pdf, Rect, Ref, Str};

/// Page size of the sheet and of a booklet page.
pub const A4: (f64, f64) = (210.0, 297.0);
pub const A6: (f64, f64) = (105.0, 148.0);
/// Nothing but marks comes closer than this to the sheet's edge.
pub const SAFE_MM: f64 = 5.0;
/// Marks are this long, starting at the edge band printers leave blank
/// (a mark in the band would not print); the pages' margins keep them clear.
const MARK_MM: f64 = 4.0;

/// Where one booklet page goes: which A4 sheet, which side, which quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    pub sheet: usize,
    /// 0 front, 1 back.
    pub side: usize,
    /// 0 top half, 1 bottom half.
    pub half: usize,
    /// 0 left, 1 right.
    pub column: usize,
}

/// The number of pages once padded: a multiple of 8 (two A5 sheets, both
/// sides, on each A4 sheet).
pub fn padded(pages: usize) -> usize {
    pages.max(1).div_ceil(8) * 8
}

/// Which of the guide's `n` pages (0-based) stands at booklet page `p` of
/// the padded booklet, or `None` for a blank.
pub fn page_at(p: usize, n: usize) -> Option<usize> {
    let total = padded(n);
    if p + 1 == total {
        Some(n - 1)
    } else if p + 1 < n {
        Some(p)
    } else {
        None
    }
}

/// The slot of booklet page `p` (0-based) of `total` (a multiple of 8).
pub fn slot(p: usize, total: usize) -> Slot {
    let sheets = total / 8;
    // A5 sheet j holds, front: total-2j | 2j+1, back: 2j+2 | total-2j-1
    // (1-based pages, left | right).
    let (j, side, column) = {
        let q = p + 1;
        let k = q.min(total + 1 - q);
        let j = (k - 1) / 2;
        let first = k == 2 * j + 1;
        let low = q == k;
        match (first, low) {
            (true, true) => (j, 0, 1),
            (true, false) => (j, 0, 0),
            (false, true) => (j, 1, 0),
            (false, false) => (j, 1, 1),
        }
    };
    Slot {
        sheet: j % sheets,
        side,
        half: j / sheets,
        column,
    }
}

/// [`slot`] for a guide that reads `rtl` (right to left): the same sheet,
/// side and half, the other column, so the booklet binds on the right.
pub fn slot_in(p: usize, total: usize, rtl: bool) -> Slot {
    let s = slot(p, total);
    Slot {
        column: if rtl { 1 - s.column } else { s.column },
        ..s
    }
}

/// Imposes the finished A6 guide (`a6`, a PDF) onto A4 sides: sheet 0
/// front, sheet 0 back, sheet 1 front, and so on. Each A6 page becomes a
/// form XObject drawn where its slot is; its fonts and images are copied
/// as they are, so nothing is typeset or encoded again. The result is a
/// plain print file: the A6 file's tags, outline, XMP and PDF/A claims
/// describe the A6 pages, so they stay behind.
pub fn impose(a6: &[u8], ident: &str, rtl: bool) -> Result<Vec<u8>, String> {
    let source =
        Source::new(a6.to_vec()).map_err(|e| format!("booklet: cannot read the guide: {e:?}"))?;
    let n = source.pages().len();
    if n == 0 {
        return Err("booklet: the guide has no pages".into());
    }
    let mut next = Ref::new(1);
    let catalog = next.bump();
    let info = next.bump();
    let queries: Vec<ExtractionQuery> = (0..n).map(ExtractionQuery::new_xobject).collect();
    let extracted = hayro_write::extract(
        &source,
        Box::new(|| next.bump()),
        ChunkSettings::default(),
        |group| {
            group.color_space().device_rgb();
        },
        &queries,
    )
    .map_err(|e| format!("booklet: {e:?}"))?;
    let forms = extracted
        .root_refs
        .iter()
        .map(|r| r.map_err(|e| format!("booklet: {e:?}")))
        .collect::<Result<Vec<Ref>, String>>()?;
    let tree = extracted.page_tree_parent_ref;

    let total = padded(n);
    let sides = total / 4;
    let mut placed: Vec<Vec<(usize, f32, f32)>> = vec![Vec::new(); sides];
    // The A6 page sits in its 105 x 148.5 mm quarter, centred vertically.
    let slack = (A4.1 / 2.0 - A6.1) / 2.0;
    for p in 0..total {
        let Some(i) = page_at(p, n) else { continue };
        let s = slot_in(p, total, rtl);
        // PDF's y axis runs up from the sheet's foot.
        let x = s.column as f64 * A6.0;
        let y = A4.1 - (s.half as f64 * A4.1 / 2.0 + slack + A6.1);
        placed[s.sheet * 2 + s.side].push((i, pt(x), pt(y)));
    }

    let mut pdf = Pdf::new();
    let mut kids = Vec::with_capacity(sides);
    for on_side in placed {
        let (page, contents) = (next.bump(), next.bump());
        kids.push(page);
        let mut content = Content::new();
        for &(i, x, y) in &on_side {
            // A word too long to break may run past a page's margin: it
            // stops at the page's edge and never comes within the sheet's
            // edge band.
            let (x0, y0) = (x.max(pt(SAFE_MM)), y.max(pt(SAFE_MM)));
            let x1 = (x + pt(A6.0)).min(pt(A4.0 - SAFE_MM));
            let y1 = (y + pt(A6.1)).min(pt(A4.1 - SAFE_MM));
            content
                .save_state()
                .rect(x0, y0, x1 - x0, y1 - y0)
                .clip_nonzero()
                .end_path()
                .transform([1.0, 0.0, 0.0, 1.0, x, y])
                .x_object(Name(format!("P{i}").as_bytes()))
                .restore_state();
        }
        marks(&mut content);
        pdf.stream(contents, &content.finish());
        let mut writer = pdf.page(page);
        writer
            .media_box(Rect::new(0.0, 0.0, pt(A4.0), pt(A4.1)))
            .parent(tree)
            .contents(contents);
        let mut resources = writer.resources();
        let mut xobjects = resources.x_objects();
        for &(i, _, _) in &on_side {
            xobjects.pair(Name(format!("P{i}").as_bytes()), forms[i]);
        }
    }
    pdf.pages(tree).kids(kids).count(sides as i32);
    pdf.catalog(catalog).pages(tree);
    let meta = source.metadata();
    let mut document = pdf.document_info(info);
    if let Some(title) = &meta.title {
        document.pair(Name(b"Title"), Str(title));
    }
    if let Some(author) = &meta.author {
        document.pair(Name(b"Author"), Str(author));
    }
    document.pair(Name(b"Creator"), Str(b"pocketguide"));
    if let Some(date) = &meta.creation_date {
        document.creation_date(pdf_date(date));
    }
    if let Some(date) = &meta.modification_date {
        document.modified_date(pdf_date(date));
    }
    document.finish();
    pdf.extend(&extracted.chunk);
    // The booklet is its own file: an ID of its own, the second part
    // changing with the pages it holds.
    pdf.set_file_id((
        fingerprint(ident.as_bytes()).to_vec(),
        fingerprint(a6).to_vec(),
    ));
    Ok(pdf.finish())
}

fn pdf_date(d: &hayro_write::hayro_syntax::object::DateTime) -> Date {
    Date::new(d.year)
        .month(d.month)
        .day(d.day)
        .hour(d.hour)
        .minute(d.minute)
        .second(d.second)
        .utc_offset_hour(d.utc_offset_hour)
        .utc_offset_minute(d.utc_offset_minute)
}

fn pt(mm: f64) -> f32 {
    (mm * 72.0 / 25.4) as f32
}

/// Cut marks where the sheet is cut across (solid), fold marks where each
/// half is folded (dashed), just inside the edge band printers leave blank.
fn marks(content: &mut Content) {
    let mid = A4.1 / 2.0;
    let fold = A4.0 / 2.0;
    // Given from the sheet's top, as the slots are.
    let line = |content: &mut Content, x: f64, y: f64, dx: f64, dy: f64| {
        content
            .move_to(pt(x), pt(A4.1 - y))
            .line_to(pt(x + dx), pt(A4.1 - y - dy))
            .stroke();
    };
    content
        .save_state()
        .set_stroke_gray(0.0)
        .set_line_width(0.5);
    // Cut across the middle.
    line(content, SAFE_MM, mid, MARK_MM, 0.0);
    line(content, A4.0 - SAFE_MM - MARK_MM, mid, MARK_MM, 0.0);
    // Fold each half down its middle.
    content.set_dash_pattern([pt(1.0), pt(0.8)], 0.0);
    for y in [SAFE_MM, A4.1 - SAFE_MM - MARK_MM, mid - MARK_MM, mid] {
        line(content, fold, y, 0.0, MARK_MM);
    }
    content.restore_state();
}

/// 16 bytes that depend only on `bytes` (FNV-1a, twice over).
fn fingerprint(bytes: &[u8]) -> [u8; 16] {
    let mut out = [0u8; 16];
    for (half, seed) in [0xcbf2_9ce4_8422_2325u64, 0x6c62_272e_07bb_0142]
        .iter()
        .enumerate()
    {
        let hash = bytes.iter().fold(*seed, |h, &b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        });
        out[half * 8..half * 8 + 8].copy_from_slice(&hash.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Prints `total` pages, cuts, stacks the top halves on the bottom
    /// halves, folds: the page order a reader meets.
    fn folded_order(n: usize) -> Vec<Option<usize>> {
        let total = padded(n);
        let sheets = total / 8;
        // What lies in each slot.
        let mut at = std::collections::HashMap::new();
        for p in 0..total {
            let s = slot(p, total);
            assert!(
                at.insert((s.sheet, s.side, s.half, s.column), p).is_none(),
                "slot used twice"
            );
        }
        // The A5 sheets, outermost first: top halves of sheets 0.., then
        // bottom halves. Folded with the front outside, a sheet's right
        // leaf shows its front right (FR) outside and, flipped on the long
        // edge, its back left (BL) inside; its left leaf shows back right
        // (BR) inside and front left (FL) outside. Reading: FR0 BL0 FR1 BL1
        // ... (centre) ... BR1 FL1 BR0 FL0.
        let a5: Vec<(usize, usize)> = (0..2)
            .flat_map(|half| (0..sheets).map(move |sheet| (sheet, half)))
            .collect();
        let mut first_half = Vec::new();
        let mut second_half = Vec::new();
        for &(sheet, half) in &a5 {
            first_half.push(at[&(sheet, 0, half, 1)]);
            first_half.push(at[&(sheet, 1, half, 0)]);
            second_half.push(at[&(sheet, 0, half, 0)]);
            second_half.push(at[&(sheet, 1, half, 1)]);
        }
        second_half.reverse();
        first_half
            .into_iter()
            .chain(second_half)
            .map(|p| page_at(p, n))
            .collect()
    }

    #[test]
    fn folded_booklets_read_in_order_with_the_card_last() {
        // A guide has at least its cover and its wallet card.
        for n in 2..=41 {
            let order = folded_order(n);
            let total = padded(n);
            assert_eq!(order.len(), total);
            assert_eq!(total % 8, 0);
            let pages: Vec<usize> = order.iter().flatten().copied().collect();
            assert_eq!(pages, (0..n).collect::<Vec<_>>(), "{n} pages: {order:?}");
            assert_eq!(
                order.last(),
                Some(&Some(n - 1)),
                "the card is the back cover"
            );
            assert_eq!(order[0], Some(0), "the cover comes first");
        }
    }

    #[test]
    fn cover_and_card_share_the_outer_sheets_front() {
        for n in [5, 8, 11, 16, 23] {
            let total = padded(n);
            let cover = slot(0, total);
            let card = slot(total - 1, total);
            assert_eq!((cover.sheet, cover.side, cover.half), (0, 0, 0));
            assert_eq!((card.sheet, card.side, card.half), (0, 0, 0));
            assert_eq!((card.column, cover.column), (0, 1));
        }
    }

    /// A right-to-left booklet binds on the right: the cover stands where
    /// the card stood and the other way round, and folded, the pages still
    /// read in order (from the other edge).
    #[test]
    fn right_to_left_booklets_bind_on_the_right() {
        for n in [5, 8, 11, 16, 23] {
            let total = padded(n);
            let cover = slot_in(0, total, true);
            let card = slot_in(total - 1, total, true);
            assert_eq!((cover.sheet, cover.side, cover.half), (0, 0, 0));
            assert_eq!((card.column, cover.column), (1, 0));
            for p in 0..total {
                let (l, r) = (slot_in(p, total, false), slot_in(p, total, true));
                assert_eq!((l.sheet, l.side, l.half), (r.sheet, r.side, r.half));
                assert_eq!(l.column + r.column, 1, "mirrored");
            }
            // On each side, pages facing each other once folded still sum to
            // total + 1 (1-based), as in a left-bound booklet.
            for side in 0..total / 4 {
                let on: Vec<(usize, Slot)> = (0..total)
                    .map(|p| (p, slot_in(p, total, true)))
                    .filter(|(_, s)| s.sheet * 2 + s.side == side)
                    .collect();
                for half in 0..2 {
                    let pair: Vec<usize> = on
                        .iter()
                        .filter(|(_, s)| s.half == half)
                        .map(|(p, _)| p + 1)
                        .collect();
                    if pair.len() == 2 {
                        assert_eq!(pair[0] + pair[1], total + 1, "side {side}: {pair:?}");
                    }
                }
            }
        }
    }
}
