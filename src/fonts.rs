//! The fonts the printed guides are set in, and what they cover: Typst's
//! bundled fonts (Latin, Cyrillic, Greek), the Noto families compiled in
//! for the other scripts labour migrants read (`assets/fonts/`, OFL), and a
//! site's own `fonts/*.ttf` and `*.otf`, which come first (a site font wins
//! for the characters it covers). The PDF engine typesets with a
//! [`FontSet`]; `check` asks it about every character the PDF would print,
//! because Typst drops a character no font has without a word.

use include_dir::{include_dir, Dir};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, OnceLock};
use typst::foundations::Bytes;
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;

static NOTO: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/assets/fonts");

/// The families a guide's text is set in, in the order Typst tries them:
/// the Latin, Cyrillic and Greek serif first, then a family for each other
/// script. A character none of them has falls back to any font of the set.
pub const FAMILIES: [&str; 14] = [
    "Libertinus Serif",
    "New Computer Modern",
    "DejaVu Sans Mono",
    "Noto Naskh Arabic",
    "Noto Sans Devanagari",
    "Noto Sans Bengali",
    "Noto Sans Ethiopic",
    "Noto Sans Myanmar",
    "Noto Sans Thai",
    "Noto Sans Khmer",
    "Noto Sans Sinhala",
    "Noto Sans Tamil",
    "Noto Sans Hebrew",
    "Noto Sans Thaana",
];

/// Fonts to typeset with, and what they cover.
pub struct FontSet {
    pub fonts: Vec<Font>,
    pub book: LazyHash<FontBook>,
    /// The site's own families, tried before [`FAMILIES`].
    pub site_families: Vec<String>,
    /// Coverage of the Basic Multilingual Plane, remembered: 0 not asked
    /// yet, 1 covered, 2 not. Shared by all threads; asking twice is
    /// harmless.
    known: Box<[AtomicU8]>,
}

impl FontSet {
    fn new(fonts: Vec<Font>, site_families: Vec<String>) -> FontSet {
        FontSet {
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
            site_families,
            known: (0..0x10000).map(|_| AtomicU8::new(0)).collect(),
        }
    }

    /// Whether some font has a glyph for `c` (Typst falls back across all
    /// of them).
    pub fn covers(&self, c: char) -> bool {
        self.fonts
            .iter()
            .any(|f| f.info().coverage.contains(c as u32))
    }

    /// Whether the fonts draw `c`, or it needs no glyph: spaces, control
    /// characters, and the invisible marks that steer direction and joining.
    pub fn is_covered(&self, c: char) -> bool {
        if c.is_whitespace() || c.is_control() || c.is_ascii_graphic() || invisible(c) {
            return true;
        }
        // Most characters repeat thousands of times: the fonts are asked once.
        let Some(slot) = self.known.get(c as usize) else {
            return self.covers(c);
        };
        match slot.load(Ordering::Relaxed) {
            1 => true,
            2 => false,
            _ => {
                let covered = self.covers(c);
                slot.store(if covered { 1 } else { 2 }, Ordering::Relaxed);
                covered
            }
        }
    }

    /// Whether the fonts can draw every character of `text`.
    pub fn all_covered(&self, text: &str) -> bool {
        // Printable ASCII is in every font (a test makes sure).
        text.bytes()
            .all(|b| (b' '..=b'~').contains(&b) || b == b'\n')
            || text.chars().all(|c| self.is_covered(c))
    }

    /// `("Site Font", "Libertinus Serif", …)` for Typst's `text(font:)`.
    pub fn typst_families(&self) -> String {
        let all: Vec<String> = self
            .site_families
            .iter()
            .map(String::as_str)
            .chain(FAMILIES)
            .map(crate::render::typst_doc::string)
            .collect();
        format!("({})", all.join(", "))
    }
}

/// Characters that steer how text is shown and need no glyph of their own.
fn invisible(c: char) -> bool {
    crate::rules::is_bidi_control(c)
        || matches!(
            c,
            '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{00ad}'
        )
}

/// Typst's fonts and the compiled-in Noto families, parsed once per
/// process.
pub fn builtin() -> &'static Arc<FontSet> {
    static SET: OnceLock<Arc<FontSet>> = OnceLock::new();
    SET.get_or_init(|| Arc::new(FontSet::new(builtin_fonts(), Vec::new())))
}

fn builtin_fonts() -> Vec<Font> {
    typst_assets::fonts()
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .chain(
            NOTO.files()
                .filter(|f| f.path().extension().is_some_and(|e| e == "ttf"))
                .flat_map(|f| Font::iter(Bytes::new(f.contents()))),
        )
        .collect()
}

/// The built-in fonts with a site's own, which come first: `files` is each
/// font file's site-relative path and bytes. A file that is no font is an
/// error naming it.
pub fn with_site_fonts(
    files: Vec<(std::path::PathBuf, Vec<u8>)>,
) -> (Arc<FontSet>, Vec<crate::diagnostic::Diagnostic>) {
    if files.is_empty() {
        return (Arc::clone(builtin()), Vec::new());
    }
    let mut diags = Vec::new();
    let mut site = Vec::new();
    for (rel, bytes) in files {
        let faces: Vec<Font> = Font::iter(Bytes::new(bytes)).collect();
        if faces.is_empty() {
            diags.push(crate::diagnostic::Diagnostic::error(
                rel,
                None,
                "is not a font pocketguide can read (TrueType or OpenType, .ttf or .otf)",
            ));
        }
        site.extend(faces);
    }
    let mut families: Vec<String> = Vec::new();
    for f in &site {
        let family = f.info().family.clone();
        if !families.contains(&family) {
            families.push(family);
        }
    }
    let fonts = site.into_iter().chain(builtin_fonts()).collect();
    (Arc::new(FontSet::new(fonts, families)), diags)
}

/// A font family to suggest for a script none of the fonts cover.
pub fn family_for(script: &str) -> String {
    match script {
        "Han" | "Hiragana" | "Katakana" | "Hangul" | "Bopomofo" => "Noto Sans CJK".to_string(),
        "Common" | "Inherited" | "Unknown" => {
            "a font with these symbols, e.g. Noto Sans Symbols 2".to_string()
        }
        s => format!("Noto Sans {s}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scripts_of_labour_migration_are_covered() {
        let set = builtin();
        let samples = [
            "Oʻzbekcha Русский Eesti õäöüšž English 112 +372 → ✂ «»“”",
            "تمام انسان آزاد اور حقوق ٹ ڈ ڑ ں ے ۓ ټ ډ ړ ږ ښ ګ ڼ ۍ ې پ چ ژ گ",
            "सभी मनुष्यों को गौरव क्षत्रज्ञ",
            "সকল মানুষ স্বাধীনভাবে",
            "የሰው ልጅ ሁሉ ትግርኛ",
            "လူတိုင်းသည် တူညီ",
            "มนุษย์ทั้งหลาย",
            "មនុស្សទាំងអស់",
            "සියලු මනුෂ්‍යයෝ",
            "மனிதப் பிறவியினர்",
            "כל בני האדם",
            "ހުރިހާ އިންސާނުން",
            "Тоҷикӣ ғ ӣ қ ӯ ҳ ҷ Кыргызча ң ө ү",
        ];
        for s in samples {
            for c in s.chars() {
                assert!(set.is_covered(c), "{c:?} U+{:04X} in {s}", c as u32);
            }
        }
        assert!(!set.covers('\u{13000}'));
        assert!((' '..='~').all(|c| set.covers(c)), "printable ASCII");
        for c in ['ʻ', 'Ж', '\u{13000}', '\u{E000}', 'क'] {
            assert_eq!(set.is_covered(c), set.covers(c));
            assert_eq!(set.is_covered(c), set.covers(c), "{c:?} remembered");
        }
        // Marks that steer direction and joining need no glyph.
        for c in ['\u{200c}', '\u{200d}', '\u{200f}', '\u{061c}'] {
            assert!(set.is_covered(c));
        }
    }

    #[test]
    fn every_family_named_is_a_font_of_the_set() {
        let set = builtin();
        for family in FAMILIES {
            assert!(
                set.fonts.iter().any(|f| f.info().family == family),
                "{family} is named but not built in"
            );
        }
    }
}
