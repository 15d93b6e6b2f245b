//! The rules of a value's form: what a slug, a language or country code, a
//! phone number, an e-mail address, a `base_url` or a theme name may be.
//! Values become paths, URLs and `tel:`/`mailto:` links, so these are the
//! safety rules of the content format. Load, check, the scaffolder and the
//! command line all ask here.

/// Slugs become folder names, URL segments and PDF labels: `[a-z0-9-]+`.
pub fn valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// A Telegram handle (with or without `@`): 5 to 32 letters, digits or `_`.
pub fn valid_telegram(handle: &str) -> bool {
    let h = handle.trim_start_matches('@');
    (5..=32).contains(&h.len()) && h.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A BCP 47 language tag, e.g. `uz`, `ru`, `uz-Cyrl`, whose language is an
/// ISO 639 code of two or three letters (what the typesetter knows).
pub fn valid_language(code: &str) -> Result<(), String> {
    match code.parse::<unic_langid::LanguageIdentifier>() {
        Ok(id) if !(2..=3).contains(&id.language.as_str().len()) => Err(format!(
            "unknown language code '{code}': the language must be an ISO 639 code of 2 or 3 letters, such as uz, ru, et, en"
        )),
        Ok(id) if id == code => Ok(()),
        Ok(id) => Err(format!(
            "unknown language code '{code}' (did you mean '{id}'?)"
        )),
        Err(_) => Err(format!(
            "unknown language code '{code}': use a BCP 47 code such as uz, ru, et, en"
        )),
    }
}

/// `base_url` or `--base-url`: an absolute http(s) address with a host and
/// nothing after the path. Returned as the URL parser normalises it (tabs,
/// newlines and spaces cannot survive into links, the sitemap or the QR
/// code), ending in `/`.
pub fn valid_base_url(raw: &str) -> Result<String, String> {
    let bad = |why: &str| Err(format!("base_url '{raw}' {why}"));
    let Ok(url) = url::Url::parse(raw) else {
        return bad("is not an absolute address such as https://example.org/guides/");
    };
    if !matches!(url.scheme(), "http" | "https") {
        return bad("must start with https:// or http://");
    }
    if url.host_str().is_none_or(str::is_empty) {
        return bad("has no host name");
    }
    if !url.username().is_empty() || url.password().is_some() {
        return bad("must not carry a user name or password");
    }
    if url.query().is_some() || url.fragment().is_some() {
        return bad("must end with its path: no ? or #");
    }
    let mut normal = url.to_string();
    if !normal.ends_with('/') {
        normal.push('/');
    }
    Ok(normal)
}

/// A folder name under `themes/`: nothing that could name a path elsewhere.
pub fn valid_theme(name: &str) -> Result<(), String> {
    let plain = !name.is_empty()
        && !name.starts_with(['.', '-'])
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if plain {
        Ok(())
    } else {
        Err(format!(
            "theme '{name}' must be the name of a folder in themes/ (letters, digits, - and _), not a path"
        ))
    }
}

/// An e-mail address for a `mailto:` link. `?`, `&`, `%` and `#` would add
/// headers or a body to the mail a reader sends (or cut the address off),
/// so they are refused even where RFC 5322 allows them.
pub fn valid_email(e: &str) -> Result<(), String> {
    let smuggles = |c: char| {
        matches!(
            c,
            '?' | '&'
                | '%'
                | '#'
                | '"'
                | '<'
                | '>'
                | '\\'
                | ','
                | ';'
                | ':'
                | '('
                | ')'
                | '['
                | ']'
        ) || c.is_whitespace()
            || c.is_control()
    };
    if let Some(c) = e.chars().find(|&c| smuggles(c)) {
        return Err(format!(
            "e-mail '{e}' may not contain {c:?}: it would change what the mailto: link sends"
        ));
    }
    let domain = e.rsplit_once('@').map_or("", |(_, d)| d);
    if !email_address::EmailAddress::is_valid(e) || !domain.contains('.') {
        return Err(format!("e-mail '{e}' is not well-formed"));
    }
    Ok(())
}

/// ISO 3166-1 alpha-2, upper case.
pub fn valid_country(code: &str) -> Result<(), String> {
    match isocountry::CountryCode::for_alpha2(code) {
        Ok(_) => Ok(()),
        Err(_) => match isocountry::CountryCode::for_alpha2(&code.to_ascii_uppercase()) {
            Ok(_) => Err(format!(
                "country code '{code}' must be upper case: '{}'",
                code.to_ascii_uppercase()
            )),
            Err(_) => Err(format!(
                "unknown country code '{code}': use ISO 3166-1 alpha-2, e.g. EE, UZ"
            )),
        },
    }
}

/// `+E.164` with spaces (a real number for its country), or, where allowed,
/// a short national number of 2 to 6 digits (112, 1247).
/// Loads libphonenumber's database (about 70 ms, once per process) on a
/// thread of its own, so it is ready by the time the files are read.
pub fn warm_up() {
    static STARTED: std::sync::Once = std::sync::Once::new();
    STARTED.call_once(|| {
        let _ = std::thread::Builder::new()
            .name("phone-database".into())
            .spawn(|| valid_phone("+44 20 7946 0018", false));
    });
}

pub fn valid_phone(phone: &str, allow_short: bool) -> Result<(), String> {
    let p = phone.trim();
    if let Some(rest) = p.strip_prefix('+') {
        if !rest.chars().all(|c| c.is_ascii_digit() || c == ' ') {
            return Err("after + only digits and spaces are allowed".into());
        }
        let digits = rest.chars().filter(|c| c.is_ascii_digit()).count();
        if !(7..=15).contains(&digits) || rest.starts_with('0') {
            return Err("an international number has a country code and 7 to 15 digits".into());
        }
        return match phonenumber::parse(None, p) {
            Ok(n) if phonenumber::is_valid(&n) => Ok(()),
            _ => Err("no such number in its country's numbering plan".into()),
        };
    }
    let digits = p.chars().filter(char::is_ascii_digit).count();
    let spaced = p.chars().all(|c| c.is_ascii_digit() || c == ' ') && !p.contains("  ");
    if allow_short && (2..=6).contains(&digits) && spaced {
        return Ok(());
    }
    Err(if allow_short {
        "write it as +<country code> <number> (e.g. +372 612 3500) or as a short national number (e.g. 112)".into()
    } else {
        "write it as +<country code> <number>, e.g. +372 612 3500".into()
    })
}

/// Characters that change what a reader sees without being seen: C0 and C1
/// controls, DEL, the byte-order mark, line and paragraph separators, and
/// the bidi controls (U+200E, U+200F, U+061C, U+202A–U+202E,
/// U+2066–U+2069). Direction is the renderer's job (SPEC 9.1): an override
/// in a contact's name can show "116 006" as "600 611". Tab, newline and
/// carriage return are allowed where `line_breaks` says so. ZWJ and ZWNJ
/// are letters' business (Persian, Indic scripts) and always allowed.
pub fn hidden_char(c: char, line_breaks: bool) -> bool {
    match c {
        '\t' | '\n' | '\r' => !line_breaks,
        c if c.is_control() => true,
        '\u{feff}' | '\u{2028}' | '\u{2029}' => true,
        c => is_bidi_control(c),
    }
}

/// The bidi formatting characters: marks, embeddings, overrides, isolates.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `U+202E (right-to-left override)`: a character nobody can see, named.
pub fn describe_char(c: char) -> String {
    let name = match c {
        '\0' => "NUL",
        '\t' => "tab",
        '\n' => "line break",
        '\r' => "carriage return",
        '\u{b}' => "vertical tab, a line break pasted from a word processor",
        '\u{c}' => "form feed, a page break pasted from a word processor",
        '\u{1b}' => "escape",
        '\u{7f}' => "delete",
        '\u{feff}' => "byte-order mark",
        '\u{2028}' => "line separator",
        '\u{2029}' => "paragraph separator",
        '\u{200e}' => "left-to-right mark",
        '\u{200f}' => "right-to-left mark",
        '\u{061c}' => "Arabic letter mark",
        '\u{202a}' => "left-to-right embedding",
        '\u{202b}' => "right-to-left embedding",
        '\u{202c}' => "pop directional formatting",
        '\u{202d}' => "left-to-right override",
        '\u{202e}' => "right-to-left override",
        '\u{2066}' => "left-to-right isolate",
        '\u{2067}' => "right-to-left isolate",
        '\u{2068}' => "first strong isolate",
        '\u{2069}' => "pop directional isolate",
        _ => "control character",
    };
    format!("U+{:04X} ({name})", c as u32)
}

/// The first hidden character of a data field (a contact's name, a title
/// in YAML), and what to do about it. A trailing line break (YAML's `|`)
/// is not counted.
pub fn hidden_in_field(text: &str) -> Option<String> {
    let c = text
        .trim_end_matches(['\n', '\r'])
        .chars()
        .find(|&c| hidden_char(c, false))?;
    Some(format!(
        "contains the invisible character {}: remove it (the direction of text and numbers is pocketguide's to set, and a control character can change what a reader sees)",
        describe_char(c)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones() {
        assert!(valid_phone("112", true).is_ok());
        assert!(valid_phone("1247", true).is_ok());
        assert!(valid_phone("+372 640 6000", true).is_ok());
        assert!(valid_phone("+372 612 3500", true).is_ok());
        assert!(valid_phone("+372 611 6088", true).is_ok());
        assert!(valid_phone("+998 71 123 45 67", true).is_ok());
        assert!(valid_phone("116 006", true).is_ok());
        assert!(valid_phone("1 1 6 0 0 6 7", true).is_err());
        assert!(valid_phone("112", false).is_err());
        assert!(valid_phone("+372-640", true).is_err());
        assert!(valid_phone("0800 FLOWERS", true).is_err());
        assert!(valid_phone("+1 2", true).is_err());
    }

    #[test]
    fn slugs() {
        assert!(valid_slug("rights-at-work") && valid_slug("uz-ee") && valid_slug("step-2"));
        for bad in ["", "My Page", "über", "a_b", "a.b", "a/b"] {
            assert!(!valid_slug(bad), "{bad}");
        }
    }

    #[test]
    fn base_urls() {
        assert_eq!(
            valid_base_url("https://example.org/guides").unwrap(),
            "https://example.org/guides/"
        );
        assert_eq!(
            valid_base_url("https://exa\tmple.org/g/").unwrap(),
            "https://example.org/g/"
        );
        for bad in [
            "javascript:alert(1)//",
            "ftp://example.org/",
            "data:text/html,x",
            "/guides/",
            "example.org/guides/",
            "https://user:pw@example.org/",
            "https://example.org/?q=1",
            "https://example.org/#x",
            "file:///etc/",
            "",
        ] {
            assert!(valid_base_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn emails_and_themes() {
        assert!(valid_email("migrationadvice@politsei.ee").is_ok());
        assert!(valid_email("first.last+tag@example.org").is_ok());
        for bad in [
            "help?bcc=all@example.org",
            "help@example.org?body=x",
            "a&b@example.org",
            "a%0Ab@example.org",
            "a#b@example.org",
            "\"a b\"@example.org",
            "a@localhost",
            "not-an-email",
        ] {
            assert!(valid_email(bad).is_err(), "{bad}");
        }
        assert!(valid_theme("default").is_ok() && valid_theme("ngo_2").is_ok());
        for bad in ["/etc", "../x", "a/b", ".", "..", "", "-x", "C:\\x"] {
            assert!(valid_theme(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn codes() {
        assert!(valid_country("EE").is_ok());
        assert!(valid_country("ee").is_err());
        assert!(valid_country("XX").is_err());
        assert!(valid_language("uz").is_ok());
        assert!(valid_language("uz-Cyrl").is_ok());
        assert!(valid_language("fil").is_ok());
        assert!(valid_language("abcde").is_err(), "Typst knows 2-3 letters");
        assert!(valid_language("english!").is_err());
    }

    #[test]
    fn hidden_characters() {
        for c in [
            '\u{202e}', '\u{202b}', '\u{2066}', '\u{2069}', '\u{061c}', '\0', '\u{1b}', '\u{7f}',
            '\u{feff}', '\n', '\u{85}', '\u{200e}',
        ] {
            assert!(hidden_char(c, false), "{c:?}");
        }
        for c in ['\u{200d}', '\u{200c}', 'a', 'ʻ', ' ', '\u{a0}'] {
            assert!(!hidden_char(c, false), "{c:?}");
        }
        assert!(!hidden_char('\n', true) && !hidden_char('\t', true));
        assert!(hidden_in_field("116 006\n").is_none());
        assert!(hidden_in_field("Help\u{202e}line")
            .unwrap()
            .contains("U+202E (right-to-left override)"));
        assert!(hidden_in_field("a\nb").is_some());
    }
}
