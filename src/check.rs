//! Check: diagnostics of meaning over a loaded site — codes, numbers,
//! references between files, translation state. Pure: reads the model, never
//! the file system, so `build`, `check` and `serve` report the same things.

use crate::diagnostic::Diagnostic;
use crate::model::*;
use crate::rules::*;
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
    check_pages(site, &declared, today, &mut d);
    check_locales(site, &mut d);
    check_transliterations(site, &mut d);
    d
}

fn check_config(site: &Site, d: &mut Vec<Diagnostic>) {
    let c = &site.config;
    let file = Path::new("site.yaml");
    let line = |key: &str| c.lines.get(key);
    let mut seen = HashMap::new();
    for l in &c.languages {
        if let Err(e) = valid_language(&l.code) {
            d.push(Diagnostic::error(file, Some(l.line), e));
        }
        if let Some(first) = seen.insert(l.code.to_ascii_lowercase(), l.code.as_str()) {
            let also = if first == l.code {
                String::new()
            } else {
                format!(" (as '{first}': codes that differ only in case name one language, and their folders would be one on macOS and Windows)")
            };
            d.push(Diagnostic::error(
                file,
                Some(l.line),
                format!("language '{}' is listed twice{also}", l.code),
            ));
        }
        if let Some(from) = &l.transliterate_from {
            check_transliterate_from(site, l, from, d);
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
    let all: Vec<&str> = c.languages.iter().map(|l| l.code.as_str()).collect();
    check_localized_keys(&c.title, &site.config, &all, file, line("title"), d);
    check_hidden(&c.title, "title", file, &c.lines, d);
    for l in &c.languages {
        if let Some(why) = hidden_in_field(&l.name) {
            d.push(Diagnostic::error(
                file,
                Some(l.line),
                format!("the name of '{}' {why}", l.code),
            ));
        }
    }
}

/// `transliterate_from`: a declared language of the same language in
/// another script, for which pocketguide has rules.
fn check_transliterate_from(site: &Site, l: &Language, from: &str, d: &mut Vec<Diagnostic>) {
    let file = Path::new("site.yaml");
    let Some(source) = site.config.language(from) else {
        d.push(Diagnostic::error(
            file,
            Some(l.line),
            format!("transliterate_from: '{from}' is not in `languages`"),
        ));
        return;
    };
    if source.transliterate_from.is_some() || from == l.code {
        d.push(Diagnostic::error(
            file,
            Some(l.line),
            format!("transliterate_from: '{}' must come from a language written by hand, not from '{from}'", l.code),
        ));
        return;
    }
    let language = crate::lang::base_language(&l.code);
    let known =
        crate::translit::Translit::new(language, &source.script, &l.script, &Default::default())
            .is_some();
    if !known || crate::lang::base_language(from) != language {
        let pairs: Vec<&str> = crate::translit::PAIRS.iter().map(|(p, _)| *p).collect();
        d.push(Diagnostic::error(
            file,
            Some(l.line),
            format!(
                "no transliteration from '{from}' ({}) to '{}' ({}): pocketguide has rules for {} (Latin and Cyrillic); translate the pages by hand instead",
                source.script,
                l.code,
                l.script,
                pairs.join(", ")
            ),
        ));
    }
}

/// `text`'s languages are declared ones, and each of `shown_in` has its
/// words.
fn check_localized_keys(
    text: &Localized,
    config: &SiteConfig,
    shown_in: &[&str],
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
    // A language added to site.yaml needs its words here too.
    if text.texts.is_empty() {
        return;
    }
    for &code in shown_in {
        // A language made by transliteration shows its source's text.
        let made_from = config
            .language(code)
            .and_then(|l| l.transliterate_from.as_deref())
            .is_some_and(|from| text.texts.contains_key(from));
        if !text.texts.contains_key(code) && !made_from {
            d.push(Diagnostic::warning(
                file,
                line,
                format!(
                    "`title` has no '{code}' text: readers in {} see it in another language. Add `{code}: ...`, or give one title for all languages",
                    config.language(code).map_or(code, |l| l.name.as_str())
                ),
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
    let line = |key: &str| corridor.lines.get(key);
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
    if corridor.slug == crate::paths::SEARCH {
        d.push(Diagnostic::error(
            file,
            None,
            format!(
                "corridor folder '{}' is a name pocketguide keeps for each language's search page (<lang>/{}/): rename the folder",
                corridor.slug,
                crate::paths::SEARCH
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
    let published: Vec<&str> = corridor.languages.iter().map(String::as_str).collect();
    check_localized_keys(
        &corridor.title,
        &site.config,
        &published,
        file,
        line("title"),
        d,
    );
    check_hidden(&corridor.title, "title", file, &corridor.lines, d);
    for (path, value) in localized_values("title", &corridor.title) {
        if value.len() > crate::markdown::MAX_PDF_TEXT {
            d.push(Diagnostic::error(
                file,
                corridor.lines.get(&path).or(line("title")),
                format!(
                    "a title of {} bytes: the printed guide (PDF/A) takes at most {}; shorten it",
                    value.len(),
                    crate::markdown::MAX_PDF_TEXT
                ),
            ));
        }
    }
    if corridor.updated.is_none() {
        d.push(Diagnostic::error(
            file,
            None,
            "no `updated` date (e.g. `updated: 2026-11-01`): readers need to know how current the guide is, and the archival PDF and the EPUB must carry it",
        ));
    }

    check_emergency_hours(site, corridor, d);
    check_chapters(site, corridor, declared, d);
}

/// The corridor's chapter list: names, repeats, pages that exist in some
/// language it publishes, and each translation's state.
fn check_chapters(
    site: &Site,
    corridor: &Corridor,
    declared: &HashSet<&str>,
    d: &mut Vec<Diagnostic>,
) {
    let file = corridor.file.as_path();
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
            check_translation(site, corridor, chapter, lang, d);
        }
    }
}

/// A chapter in a language that is not the source's: missing (it falls
/// back) or outdated are warnings.
fn check_translation(
    site: &Site,
    corridor: &Corridor,
    chapter: &ChapterRef,
    lang: &str,
    d: &mut Vec<Diagnostic>,
) {
    let (file, slug) = (corridor.file.as_path(), chapter.slug.as_str());
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
            let ChapterText::Own { page, .. } = site.chapter_text(corridor, lang, slug) else {
                return;
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

/// A contact on every page and the printed cover must answer when a reader
/// in danger calls: `hours: "24/7"`, unless the corridor lists it in
/// `emergency_office_hours`.
fn check_emergency_hours(site: &Site, corridor: &Corridor, d: &mut Vec<Diagnostic>) {
    let emergency = site.emergency_contacts(corridor);
    // (A corridor with no contacts yet, as `new` makes it, is not done;
    // one with contacts but no line to call in danger looks done.)
    if emergency.is_empty() && !corridor.contacts.contacts.is_empty() {
        d.push(Diagnostic::warning(
            &corridor.file,
            None,
            format!(
                "corridor '{}' has no emergency contact: its pages, the PDF's cover and the wallet card show no number to call. Mark a sourced round-the-clock line `emergency: true` in {}",
                corridor.slug,
                crate::diagnostic::display_path(&Path::new("content").join(&corridor.slug).join("contacts.yaml"))
            ),
        ));
    }
    for c in emergency {
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
        let err = |key: &str, msg: String| Diagnostic::error(&c.file, Some(c.line_of(key)), msg);
        if let Some(first) = first_line.insert(&c.id, c.line_of("id")) {
            first_line.insert(&c.id, first);
            d.push(err(
                "id",
                format!(
                    "contact id '{}' is used twice in this file (first on line {first})",
                    c.id
                ),
            ));
        }
        d.extend(contact_form(c).into_iter().map(|(key, msg)| err(key, msg)));
        d.extend(contact_hidden(c).into_iter().map(|(key, msg)| {
            Diagnostic::error(
                &c.file,
                c.lines
                    .get(&key)
                    .or(Some(c.line_of(key.split('/').next().unwrap_or("id")))),
                msg,
            )
        }));
        d.extend(
            contact_languages(c, declared)
                .into_iter()
                .map(|(key, msg)| err(key, msg)),
        );
        contact_trust(site, c, today, d);
    }
}

/// How a contact is reached: id, country, numbers and addresses, each well-
/// formed. The key of each problem, and what is wrong.
fn contact_form(c: &Contact) -> Vec<(&'static str, String)> {
    let mut problems = Vec::new();
    if !valid_slug(&c.id) {
        problems.push((
            "id",
            format!("contact id '{}' may use only a-z, 0-9 and -", c.id),
        ));
    }
    if let Err(e) = valid_country(&c.country) {
        problems.push(("country", format!("country: {e}")));
    }
    if let Some(Err(e)) = c.phone.as_deref().map(|p| valid_phone(p, true)) {
        problems.push((
            "phone",
            format!(
                "phone '{}' is not well-formed: {e}",
                c.phone.as_deref().unwrap_or("")
            ),
        ));
    }
    if let Some(Err(e)) = c.whatsapp.as_deref().map(|w| valid_phone(w, false)) {
        problems.push((
            "whatsapp",
            format!(
                "whatsapp '{}' is not well-formed: {e}",
                c.whatsapp.as_deref().unwrap_or("")
            ),
        ));
    }
    if let Some(Err(why)) = c.email.as_deref().map(valid_email) {
        problems.push(("email", why));
    }
    if let Some(u) = c
        .url
        .as_deref()
        .filter(|u| !(u.starts_with("https://") || u.starts_with("http://")))
    {
        problems.push((
            "url",
            format!("url '{u}' must start with https:// or http://"),
        ));
    }
    if let Some(t) = c.telegram.as_deref().filter(|t| !valid_telegram(t)) {
        problems.push((
            "telegram",
            format!("telegram handle '{t}' is not well-formed (5-32 letters, digits or _)"),
        ));
    }
    problems
}

/// Invisible characters in any of a contact's texts: the YAML path of the
/// value (`name/ru`) and the problem.
fn contact_hidden(c: &Contact) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    for (key, text) in c.localized_fields() {
        for (path, value) in localized_values(key, text) {
            if let Some(why) = hidden_in_field(value) {
                problems.push((path, format!("{key} {why}")));
            }
        }
    }
    let plain = [
        ("id", Some(&c.id)),
        ("country", Some(&c.country)),
        ("phone", c.phone.as_ref()),
        ("email", c.email.as_ref()),
        ("url", c.url.as_ref()),
        ("telegram", c.telegram.as_ref()),
        ("whatsapp", c.whatsapp.as_ref()),
        ("source", c.source.as_ref()),
    ];
    for (key, value) in plain {
        if let Some(why) = value.and_then(|v| hidden_in_field(v)) {
            problems.push((key.to_string(), format!("{key} {why}")));
        }
    }
    problems
}

/// Each text of a localized value with its YAML path (`title/ru`, or
/// `title` for one text in every language).
fn localized_values<'a>(key: &str, text: &'a Localized) -> Vec<(String, &'a str)> {
    text.texts
        .iter()
        .map(|(l, t)| (format!("{key}/{l}"), t.as_str()))
        .chain(
            text.any_language
                .iter()
                .map(|t| (key.to_string(), t.as_str())),
        )
        .collect()
}

/// Invisible characters in a localized value of site.yaml or corridor.yaml.
fn check_hidden(
    text: &Localized,
    key: &str,
    file: &Path,
    lines: &crate::yaml::Lines,
    d: &mut Vec<Diagnostic>,
) {
    for (path, value) in localized_values(key, text) {
        if let Some(why) = hidden_in_field(value) {
            d.push(Diagnostic::error(
                file,
                lines.get(&path).or(lines.get(key)),
                format!("{key} {why}"),
            ));
        }
    }
}

/// The languages a contact names: spoken on the line, and of its texts.
fn contact_languages(c: &Contact, declared: &HashSet<&str>) -> Vec<(&'static str, String)> {
    let mut problems: Vec<(&str, String)> = c
        .languages
        .iter()
        .filter_map(|l| valid_language(l).err())
        .map(|e| ("languages", e))
        .collect();
    for (key, text) in c.localized_fields() {
        for lang in text.texts.keys().filter(|l| !declared.contains(l.as_str())) {
            problems.push((
                key,
                format!("unknown language code '{lang}': not in site.yaml `languages`"),
            ));
        }
    }
    problems
}

/// How far a reader can trust a contact: when it was last verified, and
/// where its data comes from.
fn contact_trust(site: &Site, c: &Contact, today: NaiveDate, d: &mut Vec<Diagnostic>) {
    let warn = |key: &str, msg: String| Diagnostic::warning(&c.file, Some(c.line_of(key)), msg);
    match c.verified {
        None => d.push(warn(
            "id",
            format!(
                "contact '{}' has no `verified` date: when did someone last confirm it works?",
                c.id
            ),
        )),
        Some(v) => {
            let age = (today - v).num_days();
            if age > i64::from(site.config.stale_after_days) {
                d.push(warn(
                    "verified",
                    format!(
                        "contact '{}' was last verified on {v}, {age} days ago (stale_after_days: {}): check it still works",
                        c.id, site.config.stale_after_days
                    ),
                ));
            }
        }
    }
    if c.source.as_deref().is_none_or(|s| s.trim().is_empty()) {
        d.push(warn(
            "id",
            format!(
                "contact '{}' has no `source`: say where the data comes from",
                c.id
            ),
        ));
    }
}

fn check_pages(site: &Site, declared: &HashSet<&str>, today: NaiveDate, d: &mut Vec<Diagnostic>) {
    // Which corridors publish each (scope, slug): a `_shared` page belongs
    // to every corridor that lists its slug.
    let mut users: HashMap<(&Scope, &str), Vec<&Corridor>> = HashMap::new();
    for page in &site.pages {
        users
            .entry((&page.scope, &page.slug))
            .or_insert_with(|| site.corridors.iter().filter(|c| c.uses(page)).collect());
    }
    let numbers: HashMap<&str, KnownNumbers> = site
        .corridors
        .iter()
        .map(|c| (c.slug.as_str(), KnownNumbers::of(site, c)))
        .collect();
    // Every page's text is read for typed numbers: in parallel, as serve
    // runs this on every save.
    use rayon::prelude::*;
    let per_page: Vec<Vec<Diagnostic>> = site
        .pages
        .par_iter()
        .map(|page| {
            let mut d = Vec::new();
            let corridors = &users[&(&page.scope, page.slug.as_str())];
            check_contact_links(page, corridors, &numbers, &mut d);
            if let Some(date) = page.review_by.filter(|&date| date < today) {
                d.push(Diagnostic::warning(
                    &page.file,
                    page.front_lines.get("review_by"),
                    format!("review_by {date} has passed: the facts on this page that expire (a wage, a fee, a law in force) may be out of date; check them against their sources, correct them in every language, then set the next review_by"),
                ));
            }
            d
        })
        .collect();
    d.extend(per_page.into_iter().flatten());
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

/// The phone numbers of a corridor's contacts, as digits: in full
/// (`3726607320`), without the country code (`6607320`), and short
/// numbers as they are (`112`).
struct KnownNumbers<'a> {
    by_digits: HashMap<String, &'a Contact>,
    ids: HashSet<&'a str>,
    /// Where the corridor's numbers are dialled: a national number typed
    /// without its country code is read as one of these.
    countries: Vec<phonenumber::country::Id>,
}

impl<'a> KnownNumbers<'a> {
    fn of(site: &'a Site, corridor: &'a Corridor) -> Self {
        let contacts = site.contacts(corridor);
        let mut by_digits = HashMap::new();
        for c in &contacts {
            for number in [&c.phone, &c.whatsapp].into_iter().flatten() {
                let digits: String = number.chars().filter(char::is_ascii_digit).collect();
                if let Ok(n) = phonenumber::parse(None, number.trim()) {
                    let national = n.national().value().to_string();
                    by_digits.entry(format!("0{national}")).or_insert(*c);
                    by_digits.entry(format!("8{national}")).or_insert(*c);
                    by_digits.entry(national).or_insert(*c);
                }
                by_digits.entry(digits).or_insert(*c);
            }
        }
        let countries = [&corridor.origin, &corridor.destination]
            .into_iter()
            .filter_map(|c| c.to_ascii_uppercase().parse().ok())
            .collect();
        KnownNumbers {
            by_digits,
            ids: contacts.iter().map(|c| c.id.as_str()).collect(),
            countries,
        }
    }

    /// Whether a typed run is a phone number: a contact's (which one), or
    /// a valid number of its own.
    fn phone(&self, typed: &crate::numbers::Typed, text: &str) -> Option<Option<&'a Contact>> {
        if let Some(c) = self.by_digits.get(&typed.digits) {
            return Some(Some(*c));
        }
        let digits = typed.digits.len();
        let run = &text[typed.range.clone()];
        if !(7..=15).contains(&digits) || crate::numbers::looks_like_date(run) {
            return None;
        }
        let valid =
            |region| phonenumber::parse(region, run).is_ok_and(|n| phonenumber::is_valid(&n));
        let found = if typed.international {
            valid(None)
        } else {
            // Typed the way people in the corridor's countries dial.
            self.countries.iter().any(|&c| valid(Some(c)))
        };
        found.then_some(None)
    }
}

/// A page's contact links name contacts its corridors have, and its text
/// has no phone numbers typed in (they would go stale when a contact is
/// re-verified).
fn check_contact_links(
    page: &Page,
    corridors: &[&Corridor],
    numbers: &HashMap<&str, KnownNumbers>,
    d: &mut Vec<Diagnostic>,
) {
    for (id, line) in &page.contact_links {
        if id.is_empty() {
            d.push(Diagnostic::error(
                &page.file,
                Some(*line),
                "a contact link without an id: write the contact's `id` from contacts.yaml after `contact:`, e.g. [](contact:police)",
            ));
            continue;
        }
        for corridor in corridors {
            if !numbers[corridor.slug.as_str()].ids.contains(id.as_str()) {
                d.push(Diagnostic::error(
                    &page.file,
                    Some(*line),
                    format!(
                        "link to contact '{id}', which corridor '{}' does not have: no such `id` in content/{}/contacts.yaml or content/contacts.yaml",
                        corridor.slug, corridor.slug
                    ),
                ));
            }
        }
    }
    let Some(first) = corridors.first() else {
        return;
    };
    let known = &numbers[first.slug.as_str()];
    page.doc.texts(&mut |text, line| {
        for typed in crate::numbers::typed(text) {
            let Some(contact) = known.phone(&typed, text) else {
                continue;
            };
            let number = &text[typed.range.clone()];
            let message = match contact {
                Some(c) => format!(
                    "phone number {number} typed into the text: it is the number of contact '{}'; write [](contact:{}) instead, so the text changes with contacts.yaml when the number is re-verified",
                    c.id, c.id
                ),
                None => format!(
                    "{number} looks like a phone number typed into the text, and no contact has it: add it to contacts.yaml with its `source:` and `verified:` date, then write [](contact:ID) instead"
                ),
            };
            d.push(Diagnostic::warning(&page.file, Some(line as usize), message));
        }
    });
}

/// Pages published in another script by transliteration: the words the
/// rules are unsure of (a loanword's ц or ь), so a reader of that script
/// can look at them and add them to `translit/<code>.yaml`. One warning per
/// page and language, at the first such word's line.
fn check_transliterations(site: &Site, d: &mut Vec<Diagnostic>) {
    let mut seen = HashSet::new();
    for corridor in &site.corridors {
        for lang in &corridor.languages {
            let Some(t) = site.translits.get(lang) else {
                continue;
            };
            for ch in &corridor.chapters {
                let Some(from) = translations::transliterated_from(site, corridor, lang, &ch.slug)
                else {
                    continue;
                };
                let Some(page) = site.chapter_page(corridor, from, &ch.slug) else {
                    continue;
                };
                if !seen.insert((page.file.clone(), lang.clone())) {
                    continue;
                }
                let mut doubts = Vec::new();
                crate::translit::doc(&page.doc, t, &mut doubts);
                let mut head = Vec::new();
                t.apply_noting(&page.title, &mut head);
                let title_line = page.line_of("title") as u32;
                doubts.extend(head.into_iter().map(|w| (w, Some(title_line))));
                if doubts.is_empty() {
                    continue;
                }
                let mut words: Vec<(String, Option<u32>)> = Vec::new();
                for (w, line) in doubts {
                    if !words.iter().any(|(x, _)| x.eq_ignore_ascii_case(&w.word)) {
                        words.push((w.word, line));
                    }
                }
                let line = words
                    .iter()
                    .filter_map(|(_, l)| *l)
                    .min()
                    .map(|l| l as usize);
                let list: Vec<String> = words
                    .iter()
                    .map(|(w, l)| match l {
                        Some(l) => format!("{w} (line {l})"),
                        None => w.clone(),
                    })
                    .collect();
                d.push(Diagnostic::warning(
                    &page.file,
                    line,
                    format!(
                        "transliterated into '{lang}', these words may be spelt wrong: {}. A reader of '{lang}' should check them; add the right spelling to translit/{lang}.yaml (`word: spelling`), or write the page in content/{}/{lang}/",
                        list.join(", "),
                        corridor.slug
                    ),
                ));
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

/// What the outputs found while rendering ([`crate::render::Finding`]), as
/// diagnostics: every check of a rendered guide is said here, in one place.
pub fn findings<'a>(found: impl Iterator<Item = &'a crate::render::Finding>) -> Vec<Diagnostic> {
    use crate::render::Finding;
    let mut d = Vec::new();
    // Characters no font draws: one error per file and script, not one per
    // character (an Amharic page would give hundreds).
    let mut uncovered: std::collections::BTreeMap<(std::path::PathBuf, String), Uncovered> =
        Default::default();
    for f in found {
        match f {
            Finding::Uncovered { at, ch } => {
                use unicode_script::UnicodeScript;
                let script = ch.script().full_name().replace('_', " ");
                let u = uncovered
                    .entry((at.file.clone(), script))
                    .or_insert(Uncovered {
                        line: at.line,
                        chars: Vec::new(),
                    });
                u.line = match (u.line, at.line) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
                if !u.chars.contains(ch) {
                    u.chars.push(*ch);
                }
            }
            Finding::MessageTooLong {
                kind,
                lang,
                length,
                limit,
                at,
            } => d.push(Diagnostic::error(
                &at.file,
                at.line,
                if *kind == "sms" {
                    format!("the emergency SMS in '{lang}' is {length} characters, over the {limit} of three SMS: give the emergency contacts a `short_name` in contacts.yaml")
                } else {
                    format!("the emergency message in '{lang}' is {length} characters, over the {limit} a messenger sends at once: shorten the emergency contacts' names and hours")
                },
            )),
            Finding::PageWeight { page, bytes, at } => d.push(Diagnostic::warning(
                &at.file,
                at.line,
                format!(
                    "{page} weighs {:.1} KB with its stylesheet beyond the chapter's own text (budget {} KB): trim the theme or the contacts shown on every page",
                    *bytes as f64 / 1024.0,
                    crate::render::PAGE_BUDGET / 1024
                ),
            )),
        }
    }
    for ((file, script), u) in uncovered {
        let sample: String = u.chars.iter().take(5).collect();
        let first = u.chars[0];
        d.push(Diagnostic::error(
            file,
            u.line,
            format!(
                "{} {script} character{} (first '{first}', U+{:04X}; all: {sample}{}) {} no glyph in the PDF fonts and would be missing from the printed guide: add a font that has them to fonts/ (for example {}), or build with --no-pdf",
                u.chars.len(),
                if u.chars.len() == 1 { "" } else { "s" },
                first as u32,
                if u.chars.len() > 5 { "…" } else { "" },
                if u.chars.len() == 1 { "has" } else { "have" },
                crate::fonts::family_for(&script),
            ),
        ));
    }
    d
}

/// The characters of one script a file prints that no font draws.
struct Uncovered {
    /// The first line they are on.
    line: Option<usize>,
    /// Each character once, in the order met.
    chars: Vec<char>,
}
