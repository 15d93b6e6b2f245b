//! The A4 booklet: the typeset A6 pages imposed four to a side, to print on
//! both sides of A4 (flipping on the long edge), cut once across and fold
//! into a saddle-stitched A6 booklet. The pages Typst already laid out are
//! placed on larger pages; nothing is typeset twice.
//!
//! Each A4 sheet is two A5 sheets of the booklet, one above the other.
//! Printed in order and cut, the top halves stacked on the bottom halves,
//! the A5 sheets lie outermost first; folded, the pages read in order. The
//! guide is padded with blank pages to a multiple of 8 before its last page,
//! so the wallet card stays the back cover, beside the cover on the outer
//! sheet.

use typst::layout::{Abs, Frame, Point, Size};
use typst::visualize::{Color, FixedStroke, Geometry};
use typst_layout::Page;

/// Page size of the sheet and of a booklet page.
pub const A4: (f64, f64) = (210.0, 297.0);
pub const A6: (f64, f64) = (105.0, 148.0);
/// Nothing but marks comes closer than this to the sheet's edge.
pub const SAFE_MM: f64 = 5.0;
/// Marks run from the sheet's edge this far in.
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

/// Imposes `pages` (A6 frames) onto A4 sides: sheet 0 front, sheet 0 back,
/// sheet 1 front, and so on.
pub fn impose(pages: &[Frame]) -> Vec<Page> {
    let n = pages.len();
    let total = padded(n);
    let sides = total / 4;
    let mm = Abs::mm;
    let mut frames: Vec<Frame> = (0..sides)
        .map(|_| Frame::hard(Size::new(mm(A4.0), mm(A4.1))))
        .collect();
    // The A6 page sits in its 105 x 148.5 mm quarter, centred vertically.
    let slack = (A4.1 / 2.0 - A6.1) / 2.0;
    for p in 0..total {
        let Some(i) = page_at(p, n) else { continue };
        let s = slot(p, total);
        let at = Point::new(
            mm(s.column as f64 * A6.0),
            mm(s.half as f64 * A4.1 / 2.0 + slack),
        );
        frames[s.sheet * 2 + s.side].push_frame(at, pages[i].clone());
    }
    for frame in &mut frames {
        marks(frame);
    }
    frames
        .into_iter()
        .map(|frame| Page {
            frame,
            bleed: Default::default(),
            fill: typst::foundations::Smart::Auto,
            numbering: None,
            supplement: typst::foundations::Content::empty(),
            number: 0,
        })
        .collect()
}

/// Cut marks where the sheet is cut across (solid), fold marks where each
/// half is folded (dashed); all within the edge band printers leave blank.
fn marks(frame: &mut Frame) {
    let mm = Abs::mm;
    let solid = FixedStroke::from_pair(Color::BLACK, Abs::pt(0.5));
    let mut dashed = solid.clone();
    dashed.dash = Some(typst::visualize::DashPattern {
        array: vec![mm(1.0), mm(0.8)],
        phase: Abs::zero(),
    });
    let mid = A4.1 / 2.0;
    let mut line = |x: f64, y: f64, dx: f64, dy: f64, stroke: &FixedStroke| {
        frame.push(
            Point::new(mm(x), mm(y)),
            typst::layout::FrameItem::Shape(
                Geometry::Line(Point::new(mm(dx), mm(dy))).stroked(stroke.clone()),
                typst::syntax::Span::detached(),
            ),
        );
    };
    // Cut across the middle.
    line(0.0, mid, MARK_MM, 0.0, &solid);
    line(A4.0 - MARK_MM, mid, MARK_MM, 0.0, &solid);
    // Fold each half down its middle.
    let fold = A4.0 / 2.0;
    for (y, dy) in [(0.0, MARK_MM), (A4.1 - MARK_MM, MARK_MM)] {
        line(fold, y, 0.0, dy, &dashed);
    }
    line(fold, mid - MARK_MM, 0.0, MARK_MM, &dashed);
    line(fold, mid, 0.0, MARK_MM, &dashed);
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
}
