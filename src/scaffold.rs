//! `pocketguide new site` and `pocketguide new corridor`: skeletons that pass
//! `check --strict` at once. They never overwrite and never invent a
//! contact: contacts.yaml holds only a commented example.

use crate::model::SiteConfig;
use crate::rules::{valid_country, valid_language};
use crate::translations::page_hash;
use chrono::NaiveDate;
use std::fs;
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub enum NewError {
    /// A wrong argument: exit 2, nothing written.
    Usage(String),
    /// The corridor folder exists already.
    Exists(String),
    Io(String),
}

/// A language pocketguide has interface strings and starter pages for.
struct Builtin {
    code: &'static str,
    /// The language named in itself, for the language chooser.
    name: &'static str,
    site_title: &'static str,
    /// (slug, title, summary) of each starter chapter.
    chapters: [(&'static str, &'static str, &'static str); 2],
    body: &'static str,
}

/// Starter chapters are placeholders for the editor, not advice: they say
/// what the chapter is for and how to write it, nothing a reader could act on.
const BUILTINS: [Builtin; 4] = [
    Builtin {
        code: "uz",
        name: "Oʻzbekcha",
        site_title: "Xavfsiz mehnat migratsiyasi boʻyicha qoʻllanmalar",
        chapters: [
            (
                "before-you-go",
                "Ketishdan oldin",
                "Chet elda ishlashga rozi boʻlishdan oldin nimalarni tekshirish kerak.",
            ),
            (
                "rights-at-work",
                "Ishdagi huquqlar",
                "Ishda muammo boʻlsa, qayerdan yordam olish mumkin.",
            ),
        ],
        body: "Bu bobni shu yerda Markdown formatida yozing. Boshqa bobga havola shunday yoziladi: [Foydali aloqalar](contacts.md).",
    },
    Builtin {
        code: "ru",
        name: "Русский",
        site_title: "Памятки о безопасной трудовой миграции",
        chapters: [
            (
                "before-you-go",
                "Перед отъездом",
                "Что проверить, прежде чем соглашаться на работу за границей.",
            ),
            (
                "rights-at-work",
                "Права на работе",
                "Куда обратиться за помощью, если на работе возникла проблема.",
            ),
        ],
        body: "Напишите эту главу здесь, в формате Markdown. Ссылка на другую главу выглядит так: [Полезные контакты](contacts.md).",
    },
    Builtin {
        code: "et",
        name: "Eesti",
        site_title: "Turvalise töörände juhendid",
        chapters: [
            (
                "before-you-go",
                "Enne lahkumist",
                "Mida kontrollida enne, kui nõustute välismaal töötama.",
            ),
            (
                "rights-at-work",
                "Õigused tööl",
                "Kust saada abi, kui tööl tekib probleem.",
            ),
        ],
        body: "Kirjutage see peatükk siia, Markdown-vormingus. Viide teisele peatükile näeb välja nii: [Kasulikud kontaktid](contacts.md).",
    },
    Builtin {
        code: "en",
        name: "English",
        site_title: "Safe labour migration guides",
        chapters: [
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
        ],
        body: "Write this chapter here, in Markdown. A link to another chapter looks like this: [Useful contacts](contacts.md).",
    },
];

fn builtin(code: &str) -> Option<&'static Builtin> {
    BUILTINS.iter().find(|b| b.code == code)
}

/// The languages `new site` can start with, in the order of `BUILTINS`.
pub fn builtin_codes() -> Vec<&'static str> {
    BUILTINS.iter().map(|b| b.code).collect()
}

/// Parses `uz-ee` into (`UZ`, `EE`), both ISO 3166-1 alpha-2.
pub fn parse_name(name: &str) -> Result<(String, String), NewError> {
    let bad = |why: String| NewError::Usage(why);
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

/// What `new site` is asked for.
#[derive(Debug, Clone)]
pub struct SiteOptions {
    pub languages: Vec<String>,
    /// The language translations are made from; `None`: English if listed,
    /// else the first language.
    pub source: Option<String>,
    pub corridor: String,
    /// Also write a GitHub Actions workflow that publishes to GitHub Pages.
    pub github_pages: bool,
    /// The corridor's `updated` date.
    pub today: NaiveDate,
}

/// The workflow `--github-pages` writes, installing the pocketguide version
/// that wrote it; docs/publishing.md explains it.
pub fn pages_workflow() -> String {
    include_str!("scaffold/pages.yml").replace("@VERSION@", env!("CARGO_PKG_VERSION"))
}

/// Creates a site folder at `dir`; returns the files written, relative to it.
pub fn new_site(dir: &Path, opts: &SiteOptions) -> Result<Vec<PathBuf>, NewError> {
    let usage = |m: String| Err(NewError::Usage(m));
    if opts.languages.is_empty() {
        return usage("--languages needs at least one language code".into());
    }
    let mut langs: Vec<&'static Builtin> = Vec::new();
    for code in &opts.languages {
        valid_language(code).map_err(NewError::Usage)?;
        let Some(b) = builtin(code) else {
            return usage(format!(
                "pocketguide has no built-in interface strings for '{code}' (it has {}): \
                 start the site with those and add '{code}' afterwards, as pocketguide's \
                 docs/site.md (\"Add a language\") shows",
                builtin_codes().join(", ")
            ));
        };
        if langs.iter().any(|l| l.code == b.code) {
            return usage(format!("--languages lists '{code}' twice"));
        }
        langs.push(b);
    }
    let source = match &opts.source {
        Some(s) if langs.iter().any(|l| l.code == s) => s.clone(),
        Some(s) => {
            return usage(format!(
                "--source '{s}' is not one of --languages ({})",
                opts.languages.join(",")
            ))
        }
        None if opts.languages.iter().any(|l| l == "en") => "en".into(),
        None => opts.languages[0].clone(),
    };
    parse_name(&opts.corridor)?;
    match fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return usage(format!(
                    "{} exists and is not empty; pocketguide new never overwrites: choose a new folder",
                    dir.display()
                ));
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) if dir.exists() => {
            return usage(format!(
                "{} exists and is not a folder pocketguide can use: {e}",
                dir.display()
            ))
        }
        Err(e) => return Err(NewError::Io(format!("cannot read {}: {e}", dir.display()))),
    }

    let mut files = vec![
        (PathBuf::from("site.yaml"), site_yaml(&langs, &source)),
        (PathBuf::from(".gitignore"), GITIGNORE.to_string()),
    ];
    let codes: Vec<&str> = langs.iter().map(|l| l.code).collect();
    files.extend(corridor_files(&opts.corridor, &codes, &source, opts.today)?);
    if opts.github_pages {
        files.push((
            PathBuf::from(".github/workflows/pages.yml"),
            pages_workflow(),
        ));
    }
    fs::create_dir_all(dir)
        .map_err(|e| NewError::Io(format!("cannot create {}: {e}", dir.display())))?;
    write_new(dir, &files)
}

const GITIGNORE: &str =
    "# The built site: pocketguide build writes it, so it is not kept in git.\n/public/\n";

fn site_yaml(langs: &[&Builtin], source: &str) -> String {
    let mut y = String::from(
        "# Site-wide settings. Each key is explained in pocketguide's docs/site.md.\n\
         \n\
         # The site's name, in each language.\n\
         title:\n",
    );
    for l in langs {
        y.push_str(&format!("  {}: \"{}\"\n", l.code, l.site_title));
    }
    y.push_str(&format!(
        "\n\
         # Where the site will be published, ending in /. Links, the sitemap and\n\
         # the QR code on every PDF use it: change it before you print.\n\
         # `pocketguide build --base-url ...` overrides it for one build.\n\
         base_url: \"https://example.org/guides/\"\n\
         \n\
         # The language of the site's front page and the last fallback.\n\
         default_language: {source}\n\
         \n\
         # Languages in the order the language switcher shows them, each named in\n\
         # itself. `fallback`: what a reader sees, in order, when a chapter is not\n\
         # yet translated into their language (for example uz readers often read\n\
         # Russian: `fallback: [ru]`); after it comes the corridor's source language.\n\
         languages:\n"
    ));
    for l in langs {
        y.push_str(&format!(
            "  - {{ code: {}, name: \"{}\" }}\n",
            l.code, l.name
        ));
    }
    y.push_str(
        "\n\
         # Contacts not confirmed within this many days are flagged by `check`.\n\
         stale_after_days: 365\n",
    );
    y
}

/// The files of a corridor skeleton, relative to the site: corridor.yaml,
/// a commented contacts.yaml, and the starter chapters in every language
/// that has starter text, translations stamped as up to date.
fn corridor_files(
    name: &str,
    langs: &[&str],
    source: &str,
    today: NaiveDate,
) -> Result<Vec<(PathBuf, String)>, NewError> {
    let (origin, destination) = parse_name(name)?;
    let dir = PathBuf::from("content").join(name);
    let country = |code: &str| {
        isocountry::CountryCode::for_alpha2(code)
            .map(|c| c.name().to_string())
            .unwrap_or_else(|_| code.to_string())
    };
    let title = format!("{} → {}", country(&origin), country(&destination));
    let starter = builtin(source)
        .or_else(|| builtin("en"))
        .expect("en is built in");

    let mut corridor = format!(
        "# One guide, published in each of `languages`. Every key is explained in\n\
         # pocketguide's docs/site.md.\n\
         origin: {origin}              # ISO 3166-1 country codes\n\
         destination: {destination}\n\
         source_language: {source}     # the language translators translate from\n\
         languages: [{}]\n\
         title:                  # translate each title\n",
        langs.join(", ")
    );
    for l in langs {
        corridor.push_str(&format!("  {l}: \"{title}\"\n"));
    }
    corridor.push_str(&format!(
        "updated: {today}     # printed in the PDF: change it when the guide changes\n\
         chapters:               # the guide's order; each is <language>/<slug>.md\n"
    ));
    for (slug, _, _) in starter.chapters {
        corridor.push_str(&format!("  - {slug}\n"));
    }
    corridor.push_str("  - contacts            # built in: every contact, from contacts.yaml\n");

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

    let mut files = vec![
        (dir.join("corridor.yaml"), corridor),
        (dir.join("contacts.yaml"), contacts),
    ];
    for (i, (slug, title, summary)) in starter.chapters.into_iter().enumerate() {
        let source_hash = page_hash(title, Some(summary), starter.body);
        for l in langs {
            let Some(text) = builtin(l) else { continue };
            let (_, t, s) = text.chapters[i];
            let stamp = if *l == source {
                String::new()
            } else {
                format!("source_hash: {source_hash}\n")
            };
            files.push((
                dir.join(l).join(format!("{slug}.md")),
                format!("---\ntitle: {t}\nsummary: {s}\n{stamp}---\n{}\n", text.body),
            ));
        }
    }
    Ok(files)
}

/// Writes each file, creating folders; a file that appeared meanwhile is
/// never replaced (`create_new`).
fn write_new(root: &Path, files: &[(PathBuf, String)]) -> Result<Vec<PathBuf>, NewError> {
    for (rel, text) in files {
        crate::write::create_file(root, rel, text.as_bytes()).map_err(NewError::Io)?;
    }
    Ok(files.iter().map(|(rel, _)| rel.clone()).collect())
}

/// Creates the corridor in an existing site; returns the files written,
/// relative to the site.
pub fn new_corridor(
    root: &Path,
    config: &SiteConfig,
    name: &str,
    today: NaiveDate,
) -> Result<Vec<PathBuf>, NewError> {
    parse_name(name)?;
    let dir_rel = PathBuf::from("content").join(name);
    if root.join(&dir_rel).exists() {
        return Err(NewError::Exists(format!(
            "{} already exists; pocketguide new never overwrites",
            dir_rel.display()
        )));
    }
    let langs: Vec<&str> = config.languages.iter().map(|l| l.code.as_str()).collect();
    let files = corridor_files(name, &langs, &config.default_language, today)?;
    write_new(root, &files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(parse_name("uz-ee").unwrap(), ("UZ".into(), "EE".into()));
        for bad in ["uz-xx", "uzee", "UZ-EE", "ee-ee"] {
            assert!(matches!(parse_name(bad), Err(NewError::Usage(_))), "{bad}");
        }
    }

    #[test]
    fn translations_are_stamped_with_the_source_pages_hash() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        let files = corridor_files("kg-ru", &["ru", "en"], "en", today).unwrap();
        let text = |p: &str| &files.iter().find(|(f, _)| f == Path::new(p)).unwrap().1;
        let en = text("content/kg-ru/en/before-you-go.md");
        let ru = text("content/kg-ru/ru/before-you-go.md");
        assert!(!en.contains("source_hash"));
        let hash = crate::translations::hash_of_text(en).unwrap();
        assert!(ru.contains(&format!("source_hash: {hash}\n")), "{ru}");
        assert!(text("content/kg-ru/corridor.yaml").contains("languages: [ru, en]"));
    }

    #[test]
    fn every_builtin_language_has_interface_strings() {
        for code in builtin_codes() {
            assert!(
                crate::i18n::is_builtin(code),
                "{code} has starter pages but no locales/{code}.ftl"
            );
        }
    }
}
