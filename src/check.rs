//! Check: diagnostics of meaning over a loaded site — codes, numbers,
//! references between files, translation state. Pure: reads the model, never
//! the file system, so `build`, `check` and `serve` report the same things.

use crate::diagnostic::Diagnostic;
use crate::model::*;
use crate::translations::{self, Status};
use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// Everything wrong with `site`, as of `today` (for stale contacts).
pub fn check(site: &Site, today: NaiveDate) -> Vec<Diagnostic> {
    let mut d = Vec::new();
    check_config(site, &mut d);
    let declared: HashSet<&str> = site
        .config
        .languages
        .iter()
        .map(|l| l.code.as_str())
        .collect();
    for corridor in &site.corridors {
        check_corridor(site, corridor, &declared, &mut d);
    }
    for file in site.contact_files() {
        check_contact_file(site, file, &declared, today, &mut d);
    }
    check_pages(site, &declared, &mut d);
    check_locales(site, &mut d);
    d
}

fn check_config(site: &Site, d: &mut Vec<Diagnostic>) {
    let c = &site.config;
    let file = Path::new("site.yaml");
    let line = |key: &str| c.key_lines.get(key).copied();
    let mut seen = HashSet::new();
    for l in &c.languages {
        if let Err(e) = valid_language(&l.code) {
            d.push(Diagnostic::error(file, Some(l.line), e));
        }
        if !seen.insert(l.code.as_str()) {
            d.push(Diagnostic::error(
                file,
                Some(l.line),
                format!("language '{}' is listed twice", l.code),
            ));
        }
        for f in &l.fallback {
            if c.language(f).is_none() {
                d.push(Diagnostic::error(
                    file,
                    Some(l.line),
                    format!(
                        "unknown language code '{f}' in the fallback of '{}': not in `languages`",
                        l.code
                    ),
                ));
            }
        }
    }
    if c.language(&c.default_language).is_none() {
        d.push(Diagnostic::error(
            file,
            line("default_language"),
            format!(
                "unknown language code '{}': default_language must be one of `languages`",
                c.default_language
            ),
        ));
    }
    match valid_base_url(&c.base_url) {
        Err(e) => d.push(Diagnostic::error(file, line("base_url"), e)),
        Ok(base) => {
            // The longest guide address must fit in the cover's QR code.
            let base = base.as_str();
            let longest = site
                .corridors
                .iter()
                .flat_map(|c| {
                    c.languages
                        .iter()
                        .map(move |l| format!("{base}{l}/{}/", c.slug))
                })
                .max_by_key(String::len);
            if let Some(url) = longest.filter(|u| !crate::qr::fits(u)) {
                d.push(Diagnostic::error(
                    file,
                    line("base_url"),
                    format!(
                        "base_url is too long: the guide address {url} ({} characters) does not fit in the QR code printed on the guide",
                        url.len()
                    ),
                ));
            }
        }
    }
    if let Err(e) = valid_theme(&c.theme) {
        d.push(Diagnostic::error(file, line("theme"), e));
    }
    check_localized_keys(&c.title, &site.config, file, line("title"), d);
}

fn check_localized_keys(
    text: &Localized,
    config: &SiteConfig,
    file: &Path,
    line: Option<usize>,
    d: &mut Vec<Diagnostic>,
) {
    for lang in text.texts.keys() {
        if config.language(lang).is_none() {
            d.push(Diagnostic::error(
                file,
                line,
                format!("unknown language code '{lang}': not in site.yaml `languages`"),
            ));
        }
    }
}

fn check_corridor(
    site: &Site,
    corridor: &Corridor,
    declared: &HashSet<&str>,
    d: &mut Vec<Diagnostic>,
) {
    let file = corridor.file.as_path();
    let line = |key: &str| corridor.key_lines.get(key).copied();
    if !valid_slug(&corridor.slug) {
        d.push(Diagnostic::error(
            file,
            None,
            format!(
                "corridor folder '{}' may use only a-z, 0-9 and - (it is part of every address)",
                corridor.slug
            ),
        ));
    }
    for (key, code) in [
        ("origin", &corridor.origin),
        ("destination", &corridor.destination),
    ] {
        if let Err(e) = valid_country(code) {
            d.push(Diagnostic::error(file, line(key), format!("{key}: {e}")));
        }
    }
    for lang in &corridor.languages {
        if !declared.contains(lang.as_str()) {
            d.push(Diagnostic::error(
                file,
                line("languages"),
                format!("unknown language code '{lang}': not in site.yaml `languages`"),
            ));
        }
    }
    if !corridor.publishes(&corridor.source_language) {
        d.push(Diagnostic::error(
            file,
            line("source_language"),
            format!(
                "source_language '{}' is not one of the corridor's `languages`",
                corridor.source_language
            ),
        ));
    }
    check_localized_keys(&corridor.title, &site.config, file, line("title"), d);
    if corridor.updated.is_none() {
        d.push(Diagnostic::error(
            file,
            None,
            "no `updated` date (e.g. `updated: 2026-11-01`): readers need to know how current the guide is, and the archival PDF and the EPUB must carry it",
        ));
    }

    check_emergency_hours(site, corridor, d);

    let mut seen = HashSet::new();
    for chapter in &corridor.chapters {
        let slug = chapter.slug.as_str();
        if !valid_slug(slug) {
            d.push(Diagnostic::error(
                file,
                Some(chapter.line),
                format!("chapter '{slug}' may use only a-z, 0-9 and - (it is part of the address)"),
            ));
            continue;
        }
        if !seen.insert(slug) {
            d.push(Diagnostic::error(
                file,
                Some(chapter.line),
                format!("chapter '{slug}' is listed twice"),
            ));
            continue;
        }
        if slug == CONTACTS_CHAPTER {
            continue;
        }
        let shown = corridor
            .languages
            .iter()
            .all(|l| !matches!(site.chapter_text(corridor, l, slug), ChapterText::Missing));
        if !shown {
            let elsewhere: Vec<&str> = site
                .config
                .languages
                .iter()
                .filter(|l| site.chapter_page(corridor, &l.code, slug).is_some())
                .map(|l| l.code.as_str())
                .collect();
            let found = if elsewhere.is_empty() {
                String::new()
            } else {
                format!(
                    " (there are pages in {}, which it does not publish)",
                    elsewhere.join(", ")
                )
            };
            d.push(Diagnostic::error(
                file,
                Some(chapter.line),
                format!(
                    "chapter '{slug}' has no page in any language the corridor publishes{found}: expected content/{}/<lang>/{slug}.md or content/{SHARED}/<lang>/{slug}.md",
                    corridor.slug
                ),
            ));
            continue;
        }
        for lang in corridor
            .languages
            .iter()
            .filter(|l| declared.contains(l.as_str()))
        {
            match translations::status(site, corridor, slug, lang) {
                Some(Status::Missing) => {
                    let shown = match site.chapter_text(corridor, lang, slug) {
                        ChapterText::Fallback { page } => page.lang.as_str(),
                        _ => "no",
                    };
                    d.push(Diagnostic::warning(
                        file,
                        Some(chapter.line),
                        format!(
                            "chapter '{slug}' is not translated into '{lang}' (content/{}/{lang}/{slug}.md): readers see the '{shown}' text",
                            corridor.slug
                        ),
                    ));
                }
                Some(Status::Outdated) => {
                    let ChapterText::Own { page, .. } = site.chapter_text(corridor, lang, slug)
                    else {
                        continue;
                    };
                    let source = site
                        .chapter_page(corridor, &corridor.source_language, slug)
                        .map(|p| crate::diagnostic::display_path(&p.file))
                        .unwrap_or_default();
                    let why = if page.source_hash.is_none() {
                        "has no source_hash".to_string()
                    } else {
                        format!("{source} has changed since it was translated")
                    };
                    d.push(Diagnostic::warning(
                        &page.file,
                        Some(page.line_of("source_hash")),
                        format!(
                            "outdated translation: {why}; update the text, then run `pocketguide translations --stamp {}`",
                            crate::diagnostic::display_path(&page.file)
                        ),
                    ));
                }
                _ => {}
            }
        }
    }
}

/// A contact on every page and the printed cover must answer when a reader
/// in danger calls: `hours: "24/7"`, unless the corridor lists it in
/// `emergency_office_hours`.
fn check_emergency_hours(site: &Site, corridor: &Corridor, d: &mut Vec<Diagnostic>) {
    for c in site.emergency_contacts(corridor) {
        if corridor.emergency_office_hours.contains(&c.id) {
            continue;
        }
        let round_the_clock = c.hours.as_ref().is_some_and(|h| {
            h.texts
                .values()
                .chain(h.any_language.iter())
                .any(|t| t.contains("24/7"))
        });
        if !round_the_clock {
            d.push(Diagnostic::warning(
                &c.file,
                Some(c.line_of("hours")),
                format!(
                    "contact '{}' is an emergency contact (on every page and the printed cover) but its hours do not say \"24/7\": a reader in danger must not be sent to a closed line. Set `emergency: false`, or list it under `emergency_office_hours` in {} if that is meant",
                    c.id,
                    crate::diagnostic::display_path(&corridor.file)
                ),
            ));
        }
    }
}

fn check_contact_file(
    site: &Site,
    file: &ContactFile,
    declared: &HashSet<&str>,
    today: NaiveDate,
    d: &mut Vec<Diagnostic>,
) {
    let mut first_line: HashMap<&str, usize> = HashMap::new();
    for c in &file.contacts {
        let at = |key: &str| Some(c.line_of(key));
        let err = |d: &mut Vec<Diagnostic>, key: &str, msg: String| {
            d.push(Diagnostic::error(&c.file, at(key), msg))
        };
        if c.id.is_empty()
            || !c
                .id
                .chars()
                .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-')
        {
            err(
                d,
                "id",
                format!("contact id '{}' may use only a-z, 0-9 and -", c.id),
            );
        }
        if let Some(first) = first_line.insert(&c.id, c.line_of("id")) {
            first_line.insert(&c.id, first);
            err(
                d,
                "id",
                format!(
                    "contact id '{}' is used twice in this file (first on line {first})",
                    c.id
                ),
            );
        }
        if let Err(e) = valid_country(&c.country) {
            err(d, "country", format!("country: {e}"));
        }
        if let Some(p) = &c.phone {
            if let Err(e) = valid_phone(p, true) {
                err(d, "phone", format!("phone '{p}' is not well-formed: {e}"));
            }
        }
        if let Some(w) = &c.whatsapp {
            if let Err(e) = valid_phone(w, false) {
                err(
                    d,
                    "whatsapp",
                    format!("whatsapp '{w}' is not well-formed: {e}"),
                );
            }
        }
        if let Some(e) = &c.email {
            if let Err(why) = valid_email(e) {
                err(d, "email", why);
            }
        }
        if let Some(u) = &c.url {
            if !(u.starts_with("https://") || u.starts_with("http://")) {
                err(
                    d,
                    "url",
                    format!("url '{u}' must start with https:// or http://"),
                );
            }
        }
        if let Some(t) = &c.telegram {
            let h = t.trim_start_matches('@');
            let ok = (5..=32).contains(&h.len())
                && h.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_');
            if !ok {
                err(
                    d,
                    "telegram",
                    format!("telegram handle '{t}' is not well-formed (5-32 letters, digits or _)"),
                );
            }
        }
        for lang in &c.languages {
            if let Err(e) = valid_language(lang) {
                err(d, "languages", e);
            }
        }
        for (key, text) in c.localized_fields() {
            for lang in text.texts.keys() {
                if !declared.contains(lang.as_str()) {
                    err(
                        d,
                        key,
                        format!("unknown language code '{lang}': not in site.yaml `languages`"),
                    );
                }
            }
        }
        match c.verified {
            None => d.push(Diagnostic::warning(
                &c.file,
                at("id"),
                format!(
                    "contact '{}' has no `verified` date: when did someone last confirm it works?",
                    c.id
                ),
            )),
            Some(v) => {
                let age = (today - v).num_days();
                if age > i64::from(site.config.stale_after_days) {
                    d.push(Diagnostic::warning(
                        &c.file,
                        at("verified"),
                        format!(
                            "contact '{}' was last verified on {v}, {age} days ago (stale_after_days: {}): check it still works",
                            c.id, site.config.stale_after_days
                        ),
                    ));
                }
            }
        }
        if c.source.as_deref().is_none_or(|s| s.trim().is_empty()) {
            d.push(Diagnostic::warning(
                &c.file,
                at("id"),
                format!(
                    "contact '{}' has no `source`: say where the data comes from",
                    c.id
                ),
            ));
        }
    }
}

fn check_pages(site: &Site, declared: &HashSet<&str>, d: &mut Vec<Diagnostic>) {
    // Which corridors publish each (scope, slug): a `_shared` page belongs
    // to every corridor that lists its slug.
    let mut users: HashMap<(&Scope, &str), Vec<&Corridor>> = HashMap::new();
    for page in &site.pages {
        users.entry((&page.scope, &page.slug)).or_insert_with(|| {
            site.corridors
                .iter()
                .filter(|c| {
                    c.has_chapter(&page.slug)
                        && match &page.scope {
                            Scope::Shared => true,
                            Scope::Corridor(s) => *s == c.slug,
                        }
                })
                .collect()
        });
    }
    for page in &site.pages {
        if !valid_slug(&page.slug) {
            d.push(Diagnostic::error(
                &page.file,
                None,
                format!(
                    "file name '{}.md' may use only a-z, 0-9 and - (it becomes the chapter's address)",
                    page.slug
                ),
            ));
        }
        if !declared.contains(page.lang.as_str()) {
            d.push(Diagnostic::error(
                &page.file,
                None,
                format!(
                    "unknown language code '{}' (the folder name): not in site.yaml `languages`",
                    page.lang
                ),
            ));
        }
        let corridors = &users[&(&page.scope, page.slug.as_str())];
        let known_corridor = match &page.scope {
            Scope::Shared => true,
            Scope::Corridor(s) => site.corridors.iter().any(|c| c.slug == *s),
        };
        if corridors.is_empty() && known_corridor {
            d.push(Diagnostic::warning(
                &page.file,
                None,
                format!(
                    "page '{}' is not in any corridor's `chapters`, so it is not published",
                    page.slug
                ),
            ));
        }
        for link in &page.links {
            for corridor in corridors {
                if !corridor.has_chapter(&link.slug) {
                    d.push(Diagnostic::error(
                        &page.file,
                        Some(link.line),
                        format!(
                            "link to chapter '{}.md', which corridor '{}' does not have (see its `chapters`)",
                            link.slug, corridor.slug
                        ),
                    ));
                }
            }
        }
    }
}

fn check_locales(site: &Site, d: &mut Vec<Diagnostic>) {
    for lang in &site.config.languages {
        let code = lang.code.as_str();
        if !site.locales.has_language(code) {
            d.push(Diagnostic::warning(
                site.locales.file_for(code),
                None,
                format!("no interface strings for '{code}': every label falls back to English; add locales/{code}.ftl"),
            ));
            continue;
        }
        for key in site.locales.missing_keys(code) {
            d.push(Diagnostic::warning(
                site.locales.file_for(code),
                None,
                format!("Fluent key `{key}` is missing in '{code}'; English is shown"),
            ));
        }
    }
}

/// Slugs become folder names, URL segments and PDF labels: `[a-z0-9-]+`.
pub fn valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// A BCP 47 language tag, e.g. `uz`, `ru`, `uz-Cyrl`, whose language is an
/// ISO 639 code of two or three letters (what the typesetter knows).
pub fn valid_language(code: &str) -> Result<(), String> {
    match code.parse::<unic_langid::LanguageIdentifier>() {
        Ok(id) if !(2..=3).contains(&id.language.as_str().len()) => Err(format!(
            "unknown language code '{code}': the language must be an ISO 639 code of 2 or 3 letters, such as uz, ru, et, en"
        )),
        Ok(id) if id.to_string().eq_ignore_ascii_case(code) => Ok(()),
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
}
