//! `pocketguide new corridor <origin>-<destination>`: a corridor skeleton
//! that passes `check` at once. It never overwrites and never invents a
//! contact: contacts.yaml holds only a commented example.

use crate::model::SiteConfig;
use crate::rules::valid_country;
use std::fs;
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub enum NewError {
    /// The argument is not `<origin>-<destination>` with ISO codes.
    BadName(String),
    /// The corridor folder exists already.
    Exists(String),
    Io(String),
}

/// Starter chapters, written in the source language.
const STARTERS: [(&str, &str, &str); 2] = [
    (
        "before-you-go",
        "Before you go",
        "What to check before you agree to work abroad.",
    ),
    (
        "rights-at-work",
        "Rights at work",
        "Where to get help with a problem at work.",
    ),
];

/// Parses `uz-ee` into (`UZ`, `EE`), both ISO 3166-1 alpha-2.
pub fn parse_name(name: &str) -> Result<(String, String), NewError> {
    let bad = |why: String| NewError::BadName(why);
    let (o, d) = name.split_once('-').ok_or_else(|| {
        bad(format!(
            "'{name}' is not <origin>-<destination>, e.g. uz-ee"
        ))
    })?;
    if name != name.to_ascii_lowercase() {
        return Err(bad(format!(
            "write the corridor in lower case: {}",
            name.to_ascii_lowercase()
        )));
    }
    let (o, d) = (o.to_ascii_uppercase(), d.to_ascii_uppercase());
    for code in [&o, &d] {
        valid_country(code).map_err(bad)?;
    }
    if o == d {
        return Err(bad("origin and destination are the same country".into()));
    }
    Ok((o, d))
}

/// Creates the corridor; returns the files written, relative to the site.
pub fn new_corridor(
    root: &Path,
    config: &SiteConfig,
    name: &str,
) -> Result<Vec<PathBuf>, NewError> {
    let (origin, destination) = parse_name(name)?;
    let dir_rel = PathBuf::from("content").join(name);
    let dir = root.join(&dir_rel);
    if dir.exists() {
        return Err(NewError::Exists(format!(
            "{} already exists; pocketguide new never overwrites",
            dir_rel.display()
        )));
    }
    let source = config.default_language.clone();
    let country = |code: &str| {
        isocountry::CountryCode::for_alpha2(code)
            .map(|c| c.name().to_string())
            .unwrap_or_else(|_| code.to_string())
    };
    let title = format!("{} → {}", country(&origin), country(&destination));
    let langs: Vec<&str> = config.languages.iter().map(|l| l.code.as_str()).collect();

    let mut corridor = format!(
        "origin: {origin}\ndestination: {destination}\nsource_language: {source}\nlanguages: [{}]\n",
        langs.join(", ")
    );
    corridor.push_str("title:                  # translate each title\n");
    for l in &langs {
        corridor.push_str(&format!("  {l}: \"{title}\"\n"));
    }
    corridor.push_str(&format!(
        "updated: {}\nchapters:\n",
        chrono::Local::now().date_naive()
    ));
    for (slug, _, _) in STARTERS {
        corridor.push_str(&format!("  - {slug}\n"));
    }
    corridor.push_str("  - contacts              # built in: every contact, from contacts.yaml\n");

    let contacts = format!(
        "# Contacts of this corridor. Add only numbers you found in a public source,\n\
         # with that source and the day you checked it. An example of the format\n\
         # (an invented organisation: do not publish it):\n\
         #\n\
         # - id: example-helpline\n\
         #   name: {{ {source}: \"Example Helpline\" }}\n\
         #   country: {destination}\n\
         #   phone: \"+372 5555 0000\"\n\
         #   email: help@example.org\n\
         #   hours: {{ {source}: \"Mon-Fri 09:00-17:00\" }}\n\
         #   languages: [{source}]\n\
         #   emergency: false\n\
         #   verified: 2026-01-31\n\
         #   source: \"https://example.org/contacts\"\n"
    );

    let mut files: Vec<(PathBuf, String)> = vec![
        (dir_rel.join("corridor.yaml"), corridor),
        (dir_rel.join("contacts.yaml"), contacts),
    ];
    for (slug, title, summary) in STARTERS {
        files.push((
            dir_rel.join(&source).join(format!("{slug}.md")),
            format!(
                "---\ntitle: {title}\nsummary: {summary}\n---\nWrite this chapter in Markdown. Link to another chapter like this:\n[Useful contacts](contacts.md).\n"
            ),
        ));
    }
    for (rel, text) in &files {
        let path = root.join(rel);
        if let Some(p) = path.parent() {
            fs::create_dir_all(p)
                .map_err(|e| NewError::Io(format!("cannot create {}: {e}", p.display())))?;
        }
        fs::write(&path, text)
            .map_err(|e| NewError::Io(format!("cannot write {}: {e}", rel.display())))?;
    }
    Ok(files.into_iter().map(|(rel, _)| rel).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(parse_name("uz-ee").unwrap(), ("UZ".into(), "EE".into()));
        assert!(matches!(parse_name("uz-xx"), Err(NewError::BadName(_))));
        assert!(matches!(parse_name("uzee"), Err(NewError::BadName(_))));
        assert!(matches!(parse_name("UZ-EE"), Err(NewError::BadName(_))));
        assert!(matches!(parse_name("ee-ee"), Err(NewError::BadName(_))));
    }
}
