//! The fonts the printed guides are set in (those bundled with Typst),
//! loaded once, and what they cover. The PDF engine typesets with them;
//! `check` asks them about every character the PDF would print, because
//! Typst drops a character no font has without a word.

use std::sync::OnceLock;
use typst::foundations::Bytes;
use typst::text::Font;

/// Every bundled font face, parsed once per process.
pub fn bundled() -> &'static [Font] {
    static FONTS: OnceLock<Vec<Font>> = OnceLock::new();
    FONTS.get_or_init(|| {
        typst_assets::fonts()
            .flat_map(|data| Font::iter(Bytes::new(data)))
            .collect()
    })
}

/// Whether some bundled font has a glyph for `c` (Typst falls back across
/// all of them).
pub fn covers(c: char) -> bool {
    bundled()
        .iter()
        .any(|f| f.info().coverage.contains(c as u32))
}

/// [`covers`], remembered for the Basic Multilingual Plane (every script
/// the guides are written in): 0 not asked yet, 1 covered, 2 not. Shared by
/// all threads; asking twice is harmless.
fn covers_known(c: char) -> bool {
    use std::sync::atomic::{AtomicU8, Ordering};
    static KNOWN: [AtomicU8; 0x10000] = [const { AtomicU8::new(0) }; 0x10000];
    let Some(slot) = KNOWN.get(c as usize) else {
        return covers(c);
    };
    match slot.load(Ordering::Relaxed) {
        1 => true,
        2 => false,
        _ => {
            let covered = covers(c);
            slot.store(if covered { 1 } else { 2 }, Ordering::Relaxed);
            covered
        }
    }
}

/// Whether the bundled fonts can draw every character of `text` (spaces
/// and control characters need no glyph).
pub fn all_covered(text: &str) -> bool {
    // Printable ASCII is in every font (a test makes sure).
    text.bytes()
        .all(|b| (b' '..=b'~').contains(&b) || b == b'\n')
        || text.chars().all(is_covered)
}

pub fn is_covered(c: char) -> bool {
    // Most characters repeat thousands of times: the fonts are asked once.
    c.is_whitespace() || c.is_control() || c.is_ascii_graphic() || covers_known(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_four_languages_are_covered() {
        for c in "Oʻzbekcha Русский Eesti õäöüšž English 112 +372 → ✂ «»“”".chars()
        {
            assert!(c.is_whitespace() || covers(c), "{c:?} U+{:04X}", c as u32);
        }
        assert!(!covers('\u{13000}'));
        assert!((' '..='~').all(covers), "printable ASCII");
        for c in ['ʻ', 'Ж', '\u{13000}', '\u{E000}'] {
            assert_eq!(covers_known(c), covers(c));
            assert_eq!(covers_known(c), covers(c), "{c:?} remembered");
        }
    }
}
