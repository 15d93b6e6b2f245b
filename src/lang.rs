//! Languages as readers meet them: a BCP 47 tag, the script it is written
//! in and the direction that script runs. Every output asks here, so no
//! code assumes left to right: `ar`, `ur` and `ps` are right to left
//! without a word in site.yaml, `uz-Cyrl` is Cyrillic, and `dir:` on a
//! language overrides what its script says.

use serde::Deserialize;

/// Which way a script runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Dir {
    Ltr,
    Rtl,
}

impl Dir {
    /// `ltr` or `rtl`, as HTML's `dir` and EPUB's
    /// `page-progression-direction` write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Dir::Ltr => "ltr",
            Dir::Rtl => "rtl",
        }
    }

    pub fn is_rtl(self) -> bool {
        self == Dir::Rtl
    }
}

/// Scripts that run right to left (ISO 15924 codes): Arabic, Hebrew,
/// Thaana, Syriac, N'Ko, Adlam, Hanifi Rohingya, Samaritan, Mandaic,
/// Old Persian aside.
const RTL_SCRIPTS: [&str; 9] = [
    "Arab", "Hebr", "Thaa", "Syrc", "Nkoo", "Adlm", "Rohg", "Samr", "Mand",
];

/// The script a language is usually written in, for a tag without a script
/// subtag. Languages not listed are taken to be Latin.
fn usual_script(language: &str) -> &'static str {
    match language {
        // Arabic script, right to left.
        "ar" | "fa" | "prs" | "ps" | "ur" | "ckb" | "sd" | "ug" | "ks" | "pnb" | "skr" | "bal"
        | "glk" | "mzn" | "lrc" | "haz" | "arz" | "apc" | "acm" | "ary" => "Arab",
        "he" | "yi" | "lad" => "Hebr",
        "dv" => "Thaa",
        "syr" => "Syrc",
        "nqo" => "Nkoo",
        "rhg" => "Rohg",
        // Left to right, not Latin.
        "ne" | "hi" | "mr" | "mai" | "bho" | "sa" | "new" | "doi" | "kok" => "Deva",
        "bn" | "as" => "Beng",
        "am" | "ti" | "tig" | "byn" => "Ethi",
        "my" | "shn" | "ksw" => "Mymr",
        "th" => "Thai",
        "lo" => "Laoo",
        "km" => "Khmr",
        "si" => "Sinh",
        "ta" => "Taml",
        "te" => "Telu",
        "kn" => "Knda",
        "ml" => "Mlym",
        "gu" => "Gujr",
        "pa" => "Guru",
        "or" => "Orya",
        "ka" => "Geor",
        "hy" => "Armn",
        "el" => "Grek",
        "zh" => "Hans",
        "ja" => "Jpan",
        "ko" => "Kore",
        "mn" | "ru" | "uk" | "be" | "bg" | "mk" | "sr" | "kk" | "ky" | "tg" | "tt" | "ba"
        | "cv" | "ce" | "os" | "sah" => "Cyrl",
        _ => "Latn",
    }
}

/// A language tag's script: its script subtag when it has one (`uz-Cyrl`,
/// `pa-Arab`), else the language's usual script.
pub fn script_of(tag: &str) -> String {
    let mut parts = tag.split(['-', '_']);
    let language = parts.next().unwrap_or("").to_ascii_lowercase();
    let subtag = parts.find(|p| p.len() == 4 && p.chars().all(|c| c.is_ascii_alphabetic()));
    match subtag {
        Some(s) => {
            let mut s = s.to_ascii_lowercase();
            s[..1].make_ascii_uppercase();
            s
        }
        None => usual_script(&language).to_string(),
    }
}

/// Whether text in `script` runs right to left.
pub fn script_dir(script: &str) -> Dir {
    if RTL_SCRIPTS.contains(&script) {
        Dir::Rtl
    } else {
        Dir::Ltr
    }
}

/// The direction of a language tag, from its script.
pub fn dir_of(tag: &str) -> Dir {
    script_dir(&script_of(tag))
}

/// The ISO 639 language of a tag, without script or region (`uz-Cyrl` is
/// `uz`): what hyphenation and the typesetter's quotes follow.
pub fn base_language(tag: &str) -> &str {
    tag.split(['-', '_']).next().unwrap_or(tag)
}

/// Whether Burmese text looks like Zawgyi, the legacy font encoding that
/// shares Unicode's code points but not their order or meaning: text in it
/// shows as garbage on a phone with a Unicode font (and in the PDF). The
/// signs: a vowel sign E (U+1031) or medial (U+103B) that starts a
/// syllable, which Unicode stores after the consonant; and the stacked
/// forms Zawgyi keeps in U+1060–U+1097, which Burmese in Unicode never
/// uses. Returns the byte offset of the first sign.
pub fn zawgyi_at(text: &str) -> Option<usize> {
    let consonant_or_medial = |c: char| matches!(c, '\u{1000}'..='\u{102a}' | '\u{103b}'..='\u{103f}' | '\u{1039}' | '\u{103a}' | '\u{1031}');
    let mut prev: Option<char> = None;
    for (i, c) in text.char_indices() {
        let starts_syllable = !prev.is_some_and(consonant_or_medial);
        let sign = match c {
            '\u{1031}' | '\u{103b}' => starts_syllable,
            '\u{1060}'..='\u{1097}' => true,
            _ => false,
        };
        if sign {
            return Some(i);
        }
        prev = Some(c);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direction_follows_the_script() {
        for rtl in [
            "ar", "fa", "prs", "ps", "ur", "ckb", "sd", "ug", "dv", "ks", "yi", "he", "pa-Arab",
            "az-Arab", "uz-Arab",
        ] {
            assert_eq!(dir_of(rtl), Dir::Rtl, "{rtl}");
        }
        for ltr in [
            "uz", "uz-Cyrl", "ru", "et", "en", "ne", "am", "ti", "my", "th", "km", "bn", "si",
            "ta", "tg", "ky", "sr-Latn", "en-US",
        ] {
            assert_eq!(dir_of(ltr), Dir::Ltr, "{ltr}");
        }
    }

    #[test]
    fn scripts_from_subtags_and_usage() {
        assert_eq!(script_of("uz"), "Latn");
        assert_eq!(script_of("uz-Cyrl"), "Cyrl");
        assert_eq!(script_of("uz-cyrl"), "Cyrl");
        assert_eq!(script_of("ne"), "Deva");
        assert_eq!(script_of("am"), "Ethi");
        assert_eq!(script_of("my"), "Mymr");
        assert_eq!(script_of("ur"), "Arab");
        assert_eq!(script_of("sr-Latn-RS"), "Latn");
        assert_eq!(script_of("ru-RU"), "Cyrl");
        assert_eq!(base_language("uz-Cyrl"), "uz");
    }

    #[test]
    fn zawgyi_is_told_from_unicode() {
        // "Myanmar" and "say" in Unicode, then as Zawgyi stores them.
        assert_eq!(
            zawgyi_at(
                "\u{1019}\u{103c}\u{1014}\u{103a}\u{1019}\u{102c} \u{1015}\u{103c}\u{1031}\u{102c}"
            ),
            None
        );
        assert_eq!(
            zawgyi_at("\u{1000}\u{103b}\u{1031}\u{1038}\u{1007}\u{1030}\u{1038}"),
            None,
            "ကျေးဇူး"
        );
        assert!(zawgyi_at("\u{103b}\u{1019}\u{1014}\u{1039}\u{1019}\u{102c}").is_some());
        assert!(zawgyi_at("abc \u{1031}\u{103b}\u{1015}\u{102c}").is_some());
        assert!(zawgyi_at("\u{1000}\u{1060}").is_some());
        assert_eq!(zawgyi_at("English only"), None);
    }
}
