//! The fonts the printed guides are set in (those bundled with Typst),
//! loaded once, and what they cover. The PDF engine typesets with them;
//! `check` asks them about every character the PDF would print, because
//! Typst drops a character no font has without a word.

use crate::diagnostic::{Diagnostic, Origin};
use std::collections::HashSet;
use std::path::PathBuf;
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

fn is_covered(c: char) -> bool {
    // Most characters repeat thousands of times: the fonts are asked once.
    c.is_whitespace() || c.is_control() || c.is_ascii_graphic() || covers_known(c)
}

/// Collects the characters no font covers from text as it is printed, one
/// error per file, line and character (a page printed in several guides is
/// reported once).
#[derive(Default)]
pub struct Coverage {
    reported: HashSet<(PathBuf, Option<usize>, char)>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Coverage {
    pub fn scan(&mut self, text: &str, at: Origin<'_>) {
        if all_covered(text) {
            return;
        }
        for c in text.chars() {
            if is_covered(c) {
                continue;
            }
            if self.reported.insert((at.file.to_path_buf(), at.line, c)) {
                self.diagnostics.push(Diagnostic::error(
                    at.file,
                    at.line,
                    format!(
                        "character '{c}' (U+{:04X}) has no glyph in the PDF fonts and would be missing from the printed guide",
                        c as u32
                    ),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

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

    #[test]
    fn reports_once_per_file_line_and_character() {
        let mut cov = Coverage::default();
        let a = Path::new("a.md");
        cov.scan("ok \u{13000} \u{13000}", Origin::new(a, Some(3)));
        cov.scan(
            "\u{13000} printed again in another guide",
            Origin::new(a, Some(3)),
        );
        cov.scan("\u{13000} again", Origin::new(a, Some(9)));
        cov.scan("\u{13000}", Origin::new(Path::new("b.md"), Some(1)));
        let lines: Vec<_> = cov.diagnostics.iter().map(|d| d.line).collect();
        assert_eq!(lines, [Some(3), Some(9), Some(1)]);
    }
}
