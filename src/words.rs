//! Words in every script: what a letter is (letters, combining marks —
//! Devanagari vowel signs and viramas, Arabic harakat — and digits of any
//! script), and the anchors headings get from their words. The search
//! index ([`crate::render::search`]) cuts text into words with the same
//! rule.

use icu_properties::props::{GeneralCategory, GeneralCategoryGroup};
use icu_properties::CodePointMapData;

/// A character of a word: a letter, a mark or a digit, in any script.
/// Everything else (spaces, punctuation, symbols) stands between words.
pub fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    let gc = CodePointMapData::<GeneralCategory>::new().get(c);
    GeneralCategoryGroup::Letter.contains(gc)
        || GeneralCategoryGroup::Mark.contains(gc)
        || GeneralCategoryGroup::Number.contains(gc)
}

/// The words of `text`, as slices of it.
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !is_word_char(c))
        .filter(|w| !w.is_empty())
}

/// Ids the page templates use, and the footnotes' (`fn-1`, `ref-1`): a
/// heading never takes one.
const RESERVED: [&str; 8] = [
    "main",
    "search-q",
    "search-more",
    "address",
    "share-title",
    "search-results",
    "search-status",
    "keywords",
];

/// A heading's anchor from its words: lower case, words joined by `-`, in
/// its own script (`pay`, `оплата`, `ish-haqi`), unique among `taken`
/// (which it joins).
pub fn anchor(text: &str, taken: &mut std::collections::HashSet<String>) -> String {
    let mut base: String = words(&text.to_lowercase())
        .collect::<Vec<_>>()
        .join("-")
        .chars()
        .take(64)
        .collect();
    base = base.trim_end_matches('-').to_string();
    let footnote = |s: &str| {
        s.strip_prefix("fn-")
            .or_else(|| s.strip_prefix("ref-"))
            .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
    };
    if base.is_empty() {
        base = "section".into();
    } else if RESERVED.contains(&base.as_str()) || footnote(&base) {
        base = format!("h-{base}");
    }
    let mut id = base.clone();
    let mut n = 1;
    while taken.contains(&id) {
        n += 1;
        id = format!("{base}-{n}");
    }
    taken.insert(id.clone());
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_and_digits_of_every_script_are_part_of_words() {
        // Devanagari vowel signs and the virama, Uzbek ʻ, Arabic-Indic
        // digits, Thai without spaces.
        assert_eq!(
            words("नेपाली श्रमिक, Oʻzbekiston! ١١٢ ภาษาไทย").collect::<Vec<_>>(),
            ["नेपाली", "श्रमिक", "Oʻzbekiston", "١١٢", "ภาษาไทย"]
        );
    }

    #[test]
    fn anchors_are_unique_and_never_a_template_id() {
        let mut taken = Default::default();
        assert_eq!(anchor("Pay", &mut taken), "pay");
        assert_eq!(anchor("Pay!", &mut taken), "pay-2");
        assert_eq!(anchor("Ish haqi — toʻlov", &mut taken), "ish-haqi-toʻlov");
        assert_eq!(anchor("Main", &mut taken), "h-main");
        assert_eq!(anchor("fn 1", &mut taken), "h-fn-1");
        assert_eq!(anchor("«»", &mut taken), "section");
        assert_eq!(anchor("Оплата труда", &mut taken), "оплата-труда");
    }
}
