//! Numbers in running text. In right-to-left text the Unicode bidi
//! algorithm shows a number with spaces or a leading `+` backwards:
//! `+44 20 7946 0018` inside an Arabic sentence displays as
//! `0018 7946 20 44+`. Every output keeps such a run as one left-to-right,
//! unbreakable unit (HTML `<bdi dir="ltr">`, a Typst box, U+2066 … U+2069
//! in messages), and `check` finds phone numbers typed into chapters with
//! the same finder ([`runs`]).

use std::ops::Range;

/// Spaces that may stand between the digit groups of a number.
fn is_group_space(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{202f}')
}

/// The byte ranges of `text` that are numbers the bidi algorithm could
/// reorder: a `+` and digits, or groups of digits with single spaces
/// between them (`116 006`, `+372 612 3500`), standing apart from letters.
/// A number of one group without a sign (`112`, `2026-11-01`) needs
/// nothing: its digits stay in order in any direction.
pub fn runs(text: &str) -> Vec<Range<usize>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let start = i;
        let signed = b[i] == b'+';
        let mut j = if signed { i + 1 } else { i };
        if j >= b.len() || !b[j].is_ascii_digit() {
            i += 1;
            continue;
        }
        // A number starts where a word cannot be going on.
        let before = text[..start].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '+' || c == '.' || c == ',') {
            i = skip_digits(b, j);
            continue;
        }
        let mut groups = 0;
        let mut end;
        loop {
            let k = skip_digits(b, j);
            groups += 1;
            end = k;
            // One space, then more digits: the number goes on.
            let rest = &text[k..];
            let mut chars = rest.chars();
            match (chars.next(), chars.next()) {
                (Some(s), Some(d)) if is_group_space(s) && d.is_ascii_digit() => {
                    j = k + s.len_utf8();
                }
                _ => break,
            }
        }
        let after = text[end..].chars().next();
        let apart = !after.is_some_and(char::is_alphanumeric);
        if apart && (signed || (groups > 1 && phone_like(&text[start..end]))) {
            out.push(start..end);
        }
        i = end.max(start + 1);
    }
    out
}

/// Digit groups that read as one number: a phone number's (each group
/// after the first of two to four digits, five digits or more in all:
/// `116 006`, `640 6000`) or thousands (`1 886`, `12 000`), not two numbers
/// side by side (`2019 3`).
fn phone_like(run: &str) -> bool {
    let groups: Vec<&str> = run.split(is_group_space).collect();
    let digits: usize = groups.iter().map(|g| g.len()).sum();
    let phone = digits >= 5 && groups[1..].iter().all(|g| (2..=4).contains(&g.len()));
    let thousands = groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3);
    phone || thousands
}

fn skip_digits(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    i
}

/// `text` cut into pieces, each marked whether it is a number ([`runs`]).
pub fn pieces(text: &str) -> Vec<(&str, bool)> {
    let mut out = Vec::new();
    let mut at = 0;
    for r in runs(text) {
        if r.start > at {
            out.push((&text[at..r.start], false));
        }
        out.push((&text[r.clone()], true));
        at = r.end;
    }
    if at < text.len() || out.is_empty() {
        out.push((&text[at..], false));
    }
    out
}

/// A number as plain text keeps it: between U+2066 (left-to-right
/// isolate) and U+2069 (pop directional isolate).
pub fn isolated(number: &str) -> String {
    format!("\u{2066}{number}\u{2069}")
}

/// Plain text with each number of it isolated ([`isolated`]).
pub fn isolate_all(text: &str) -> String {
    pieces(text)
        .into_iter()
        .map(|(p, number)| if number { isolated(p) } else { p.to_string() })
        .collect()
}

/// The value of a decimal digit of any script (`7`, Arabic-Indic `٧`,
/// Devanagari `७`, Khmer `៧`…): a phone number typed in Nepali or Arabic
/// is still a phone number.
pub fn decimal_digit(c: char) -> Option<u32> {
    // Where each script's digits 0–9 start (Unicode general category Nd).
    const ZEROS: [u32; 24] = [
        0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66,
        0xDE6, 0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0xFF10,
    ];
    let c = c as u32;
    if c < 0x80 {
        return (0x30..0x3A).contains(&c).then(|| c - 0x30);
    }
    if c < 0x660 {
        return None;
    }
    ZEROS
        .iter()
        .find(|&&zero| (zero..zero + 10).contains(&c))
        .map(|zero| c - zero)
}

/// A stretch of text that could be a phone number someone typed: digits
/// of any script, a leading `+`, and single separators between digit
/// groups (space, `-`, `.`, parentheses), standing apart from words.
#[derive(Debug, PartialEq, Eq)]
pub struct Typed {
    pub range: Range<usize>,
    /// Its digits, in ASCII.
    pub digits: String,
    /// Written with a leading `+`.
    pub international: bool,
    /// Its groups of digits.
    pub groups: usize,
}

/// Every stretch of `text` that could be a typed phone number ([`Typed`]).
pub fn typed(text: &str) -> Vec<Typed> {
    if !text.chars().any(|c| decimal_digit(c).is_some()) {
        return Vec::new();
    }
    let is_sep = |c: char| is_group_space(c) || matches!(c, '-' | '.' | '(' | ')');
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        let opens = decimal_digit(c).is_some()
            || (matches!(c, '+' | '(')
                && chars
                    .get(i + 1)
                    .is_some_and(|&(_, n)| decimal_digit(n).is_some()));
        let after_word = i > 0 && {
            let p = chars[i - 1].1;
            p.is_alphanumeric() || matches!(p, '+' | '.' | ',' | '/' | ':' | '_' | '-')
        };
        if !opens || after_word {
            i += 1;
            continue;
        }
        let mut digits = String::new();
        let mut groups = 0;
        let mut end = start;
        let mut j = i;
        let mut in_group = false;
        while j < chars.len() {
            let (at, c) = chars[j];
            if let Some(d) = decimal_digit(c) {
                digits.push(char::from_digit(d, 10).unwrap_or('0'));
                if !in_group {
                    groups += 1;
                }
                in_group = true;
                end = at + c.len_utf8();
            } else if c == '+' && j == i {
                in_group = false;
            } else if is_sep(c) {
                // One or two separators (`) `, ` (`), then digits again.
                let two = chars.get(j + 1).is_some_and(|&(_, n)| is_sep(n));
                let k = j + 1 + usize::from(two);
                if chars
                    .get(k)
                    .is_none_or(|&(_, n)| decimal_digit(n).is_none())
                {
                    break;
                }
                in_group = false;
                j = k;
                continue;
            } else {
                break;
            }
            j += 1;
        }
        let next = chars.get(j).map(|&(_, c)| c);
        if !digits.is_empty() && !next.is_some_and(char::is_alphanumeric) {
            out.push(Typed {
                range: start..end,
                digits,
                international: c == '+',
                groups,
            });
        }
        i = j.max(i + 1);
    }
    out
}

/// A date written with digits (`2026-11-01`, `01.11.2026`, `1/11/2026`),
/// which a phone number's check must not mistake for one.
pub fn looks_like_date(run: &str) -> bool {
    let parts: Vec<String> = run
        .split(['-', '.', '/'])
        .map(|p| {
            p.chars()
                .map(|c| {
                    decimal_digit(c)
                        .and_then(|d| char::from_digit(d, 10))
                        .unwrap_or('x')
                })
                .collect()
        })
        .collect();
    let [a, b, c] = parts.as_slice() else {
        return false;
    };
    if parts.iter().any(|p| p.is_empty() || p.contains('x')) {
        return false;
    }
    let small = |p: &str| p.len() <= 2 && p.parse::<u32>().is_ok_and(|n| (1..=31).contains(&n));
    (a.len() == 4 && small(b) && small(c)) || (small(a) && small(b) && c.len() == 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<&str> {
        runs(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn numbers_that_could_reverse_are_found() {
        assert_eq!(found("Call +372 612 3500."), ["+372 612 3500"]);
        assert_eq!(
            found("الرقم +44 20 7946 0018 للمساعدة"),
            ["+44 20 7946 0018"]
        );
        assert_eq!(found("116 006 (24/7) or 112"), ["116 006"]);
        assert_eq!(found("+3726123500"), ["+3726123500"]);
        assert_eq!(found("1 886 euros"), ["1 886"], "thousands reverse too");
        // One group needs nothing; dates and words with digits are not
        // numbers of this kind.
        assert!(found("112, 2026-11-01 A4 page 5 and 6, in 2019 3 times").is_empty());
        assert!(found("a+1 x2 3").is_empty());
        assert!(found("v1.2 3").is_empty());
        assert_eq!(found("tel:+372 612 3500"), ["+372 612 3500"]);
        assert_eq!(
            found("+372\u{a0}612\u{a0}3500"),
            ["+372\u{a0}612\u{a0}3500"]
        );
        assert!(found("ABC 123 456X").is_empty(), "part of a word");
        assert!(found("").is_empty());
    }

    #[test]
    fn typed_numbers_are_found_in_any_script() {
        let t = typed("Call +372 660-7320 or 112, (0) 71 239 43 31. In 2019.");
        let d: Vec<&str> = t.iter().map(|t| t.digits.as_str()).collect();
        assert_eq!(
            d,
            [
                "3726607320",
                "112",
                "071239 4331".replace(' ', "").as_str(),
                "2019"
            ]
        );
        assert!(t[0].international && !t[1].international);
        assert_eq!(t[0].groups, 3);
        // Nepali and Arabic-Indic digits.
        let t = typed("फोन १२४७ र ١١٢");
        assert_eq!(t[0].digits, "1247");
        assert_eq!(t[1].digits, "112");
        // Part of a word, a version or an address: not a number.
        assert!(typed("A4 v1.2 x:12 C181 ab-12").is_empty());
        assert_eq!(decimal_digit('៧'), Some(7));
        assert!(looks_like_date("2026-11-01") && looks_like_date("01.11.2026"));
        assert!(looks_like_date("१/११/२०२६"));
        assert!(!looks_like_date("+372 612 3500") && !looks_like_date("612-3500"));
        assert_eq!(decimal_digit('a'), None);
    }

    #[test]
    fn pieces_cover_the_text() {
        let text = "a +372 612 b 116 006";
        let p = pieces(text);
        assert_eq!(p.iter().map(|(s, _)| *s).collect::<String>(), text);
        assert_eq!(p.iter().filter(|(_, n)| *n).count(), 2);
        assert_eq!(isolate_all("call 116 006"), "call \u{2066}116 006\u{2069}");
    }
}
