//! Load: the site folder → the typed model. Each file is read and parsed once
//! (pages in parallel). Problems with a single file's form — unreadable,
//! not UTF-8, malformed YAML, a missing or unknown key — are collected here;
//! problems of meaning across files are `check`'s.

use crate::diagnostic::Diagnostic;
use crate::i18n::Locales;
use crate::model::*;
use crate::theme::{self, Theme};
use crate::translations;
use crate::yaml;
use chrono::NaiveDate;
use pulldown_cmark::{Event, Options, Parser, Tag};
use rayon::prelude::*;
use serde::{Deserialize, Deserializer};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

pub struct Loaded {
    /// `None` when site.yaml is missing or unusable; the diagnostics say why.
    pub site: Option<Site>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads a file as UTF-8 text (a leading BOM is dropped), reporting it by its
/// site-relative path.
pub fn read_text(root: &Path, rel: &Path) -> Result<String, Diagnostic> {
    let bytes = std::fs::read(root.join(rel))
        .map_err(|e| Diagnostic::error(rel, None, format!("cannot read file: {e}")))?;
    match String::from_utf8(bytes) {
        Ok(mut s) => {
            if s.starts_with('\u{feff}') {
                s.drain(..3);
            }
            Ok(s)
        }
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() + 1;
            Err(Diagnostic::error(
                rel,
                Some(line),
                "file is not valid UTF-8: save it with UTF-8 encoding",
            ))
        }
    }
}

pub fn load(root: &Path) -> Loaded {
    let mut diags = Vec::new();
    let config = load_config(root, &mut diags);
    let files = discover(root, &mut diags);

    let shared_contacts = files
        .shared_contacts
        .as_deref()
        .map(|rel| load_contacts(root, rel, &mut diags))
        .unwrap_or_default();

    let mut corridors = Vec::new();
    for (slug, corridor_file, contacts_file) in &files.corridors {
        let contacts = contacts_file
            .as_deref()
            .map(|rel| load_contacts(root, rel, &mut diags))
            .unwrap_or_default();
        match corridor_file {
            Some(rel) => {
                if let Some(c) = load_corridor(root, slug, rel, contacts, &mut diags) {
                    corridors.push(c);
                }
            }
            None => diags.push(Diagnostic::error(
                Path::new("content").join(slug),
                None,
                "corridor folder has no corridor.yaml",
            )),
        }
    }

    let results: Vec<Result<(Page, Vec<Diagnostic>), Diagnostic>> = files
        .pages
        .par_iter()
        .map(|(scope, lang, slug, rel)| load_page(root, scope, lang, slug, rel))
        .collect();
    let mut pages = Vec::with_capacity(results.len());
    for r in results {
        match r {
            Ok((page, d)) => {
                pages.push(page);
                diags.extend(d);
            }
            Err(d) => diags.push(d),
        }
    }
    let index = pages
        .iter()
        .enumerate()
        .map(|(i, p)| ((p.scope.clone(), p.lang.clone(), p.slug.clone()), i))
        .collect();

    let lang_codes: Vec<String> = config
        .as_ref()
        .map(|c| c.languages.iter().map(|l| l.code.clone()).collect())
        .unwrap_or_default();
    let locales = Locales::load(root, &lang_codes, &mut diags);
    let theme_name = config.as_ref().map_or(theme::DEFAULT, |c| c.theme.as_str());
    let theme = Theme::load(root, theme_name, &mut diags);

    let site = config.map(|config| Site {
        root: root.to_path_buf(),
        config,
        corridors,
        shared_contacts,
        pages,
        index,
        locales,
        theme,
    });
    Loaded {
        site,
        diagnostics: diags,
    }
}

/// The files of a site, found by walking `content/` once.
#[derive(Default)]
struct Files {
    shared_contacts: Option<PathBuf>,
    /// (slug, corridor.yaml, contacts.yaml)
    corridors: Vec<(String, Option<PathBuf>, Option<PathBuf>)>,
    /// (scope, lang, slug, path)
    pages: Vec<(Scope, String, String, PathBuf)>,
}

fn discover(root: &Path, diags: &mut Vec<Diagnostic>) -> Files {
    let mut files = Files::default();
    let content = root.join("content");
    if !content.is_dir() {
        diags.push(Diagnostic::error(
            "content",
            None,
            "no content/ folder: the site has no corridors",
        ));
        return files;
    }
    let walker = walkdir::WalkDir::new(&content)
        .min_depth(1)
        .max_depth(3)
        .sort_by_file_name();
    let mut corridor_index: HashMap<String, usize> = HashMap::new();
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let rel = e
                    .path()
                    .and_then(|p| p.strip_prefix(root).ok())
                    .unwrap_or(Path::new("content"))
                    .to_path_buf();
                diags.push(Diagnostic::error(rel, None, format!("cannot read: {e}")));
                continue;
            }
        };
        let rel = entry
            .path()
            .strip_prefix(root)
            .expect("under root")
            .to_path_buf();
        let parts: Vec<String> = rel
            .components()
            .skip(1)
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if parts.iter().any(|p| p.starts_with('.')) {
            continue;
        }
        let is_file = entry.file_type().is_file();
        let top = parts[0].clone();
        let scope = if top == SHARED {
            Scope::Shared
        } else {
            Scope::Corridor(top.clone())
        };
        if parts.len() == 1 && !is_file && top != SHARED {
            corridor_index.insert(top.clone(), files.corridors.len());
            files.corridors.push((top, None, None));
            continue;
        }
        match (parts.len(), is_file) {
            (2, true) if parts[1] == "contacts.yaml" => match &scope {
                Scope::Shared => files.shared_contacts = Some(rel),
                Scope::Corridor(c) => files.corridors[corridor_index[c]].2 = Some(rel),
            },
            (2, true) if parts[1] == "corridor.yaml" => match &scope {
                Scope::Corridor(c) => files.corridors[corridor_index[c]].1 = Some(rel),
                Scope::Shared => diags.push(Diagnostic::warning(
                    rel,
                    None,
                    "_shared/ is not a corridor; this corridor.yaml is ignored",
                )),
            },
            (3, true) if parts[2].ends_with(".md") => {
                let slug = parts[2].trim_end_matches(".md").to_string();
                files.pages.push((scope, parts[1].clone(), slug, rel));
            }
            _ => {}
        }
    }
    files
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SiteYaml {
    title: Localized,
    base_url: String,
    default_language: String,
    #[serde(default)]
    theme: Option<String>,
    languages: Vec<LanguageYaml>,
    #[serde(default = "default_stale")]
    stale_after_days: u32,
}

fn default_stale() -> u32 {
    365
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LanguageYaml {
    code: String,
    name: String,
    #[serde(default)]
    fallback: Vec<String>,
}

fn load_config(root: &Path, diags: &mut Vec<Diagnostic>) -> Option<SiteConfig> {
    let rel = Path::new("site.yaml");
    if !root.join(rel).is_file() {
        diags.push(Diagnostic::error(
            rel,
            None,
            "site.yaml not found: is this a pocketguide site folder? (see --site)",
        ));
        return None;
    }
    let text = read_text(root, rel).map_err(|d| diags.push(d)).ok()?;
    let raw: SiteYaml = match yaml::parse(&text) {
        Ok(r) => r,
        Err(e) => {
            diags.push(Diagnostic::error(rel, e.line, e.message));
            return None;
        }
    };
    let languages = raw
        .languages
        .into_iter()
        .map(|l| Language {
            line: yaml::line_containing(&text, &format!("code: {}", l.code))
                .or_else(|| yaml::line_containing(&text, &l.code))
                .unwrap_or(1),
            code: l.code,
            name: l.name,
            fallback: l.fallback,
        })
        .collect();
    let mut base_url = raw.base_url;
    if !base_url.ends_with('/') {
        base_url.push('/');
    }
    Some(SiteConfig {
        title: raw.title,
        base_url,
        default_language: raw.default_language,
        theme: raw.theme.unwrap_or_else(|| theme::DEFAULT.to_string()),
        languages,
        stale_after_days: raw.stale_after_days,
        key_lines: yaml::key_lines(text.lines(), 1),
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CorridorYaml {
    origin: String,
    destination: String,
    source_language: String,
    languages: Vec<String>,
    title: Localized,
    #[serde(default)]
    updated: Option<NaiveDate>,
    chapters: Vec<String>,
}

fn load_corridor(
    root: &Path,
    slug: &str,
    rel: &Path,
    contacts: ContactFile,
    diags: &mut Vec<Diagnostic>,
) -> Option<Corridor> {
    let text = read_text(root, rel).map_err(|d| diags.push(d)).ok()?;
    let raw: CorridorYaml = match yaml::parse(&text) {
        Ok(r) => r,
        Err(e) => {
            diags.push(Diagnostic::error(rel, e.line, e.message));
            return None;
        }
    };
    let key_lines = yaml::key_lines(text.lines(), 1);
    let item_lines = yaml::list_item_lines(&text, "chapters");
    let chapters_line = key_lines.get("chapters").copied().unwrap_or(1);
    let chapters = raw
        .chapters
        .into_iter()
        .enumerate()
        .map(|(i, slug)| ChapterRef {
            line: item_lines
                .get(i)
                .or(item_lines.last())
                .copied()
                .unwrap_or(chapters_line),
            slug,
        })
        .collect();
    Some(Corridor {
        slug: slug.to_string(),
        file: rel.to_path_buf(),
        origin: raw.origin,
        destination: raw.destination,
        source_language: raw.source_language,
        languages: raw.languages,
        title: raw.title,
        updated: raw.updated,
        chapters,
        contacts,
        key_lines,
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ContactYaml {
    id: String,
    name: Localized,
    #[serde(default)]
    description: Option<Localized>,
    country: String,
    #[serde(default, deserialize_with = "string_or_number")]
    phone: Option<String>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    telegram: Option<String>,
    #[serde(default, deserialize_with = "string_or_number")]
    whatsapp: Option<String>,
    #[serde(default)]
    hours: Option<Localized>,
    #[serde(default)]
    languages: Vec<String>,
    #[serde(default)]
    emergency: bool,
    #[serde(default)]
    verified: Option<NaiveDate>,
    #[serde(default)]
    source: Option<String>,
}

/// Editors write `phone: 112` as often as `phone: "112"`; both mean the same.
fn string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Repr {
        S(String),
        N(u64),
    }
    Ok(Option::<Repr>::deserialize(d)?.map(|r| match r {
        Repr::S(s) => s,
        Repr::N(n) => n.to_string(),
    }))
}

fn load_contacts(root: &Path, rel: &Path, diags: &mut Vec<Diagnostic>) -> ContactFile {
    let mut file = ContactFile {
        file: rel.to_path_buf(),
        contacts: Vec::new(),
    };
    let Ok(text) = read_text(root, rel).map_err(|d| diags.push(d)) else {
        return file;
    };
    // A file of only comments is an empty list, not an error.
    if matches!(yaml::parse::<yaml::Value>(&text), Ok(yaml::Value::Null)) {
        return file;
    }
    let raw: Vec<ContactYaml> = match yaml::parse(&text) {
        Ok(r) => r,
        Err(e) => {
            diags.push(Diagnostic::error(rel, e.line, e.message));
            return file;
        }
    };
    let items = yaml::sequence_items(&text);
    let lines: Vec<&str> = text.lines().collect();
    for (i, c) in raw.into_iter().enumerate() {
        let start = items.get(i).copied().unwrap_or(1);
        let end = items.get(i + 1).map_or(lines.len(), |n| n - 1);
        let key_lines = yaml::key_lines(
            lines[start.saturating_sub(1)..end.max(start).min(lines.len())]
                .iter()
                .copied(),
            start,
        );
        file.contacts.push(Contact {
            id: c.id,
            name: c.name,
            description: c.description,
            country: c.country,
            phone: c.phone,
            email: c.email,
            url: c.url,
            telegram: c.telegram,
            whatsapp: c.whatsapp,
            hours: c.hours,
            languages: c.languages,
            emergency: c.emergency,
            verified: c.verified,
            source: c.source,
            file: rel.to_path_buf(),
            line: start,
            key_lines,
        });
    }
    file
}

#[derive(Deserialize)]
struct FrontMatter {
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    source_hash: Option<String>,
    #[serde(flatten)]
    other: BTreeMap<String, yaml::Value>,
}

/// Splits `---\nyaml\n---\nbody` into (yaml, body, first body line).
pub fn split_front_matter(text: &str) -> Option<(&str, &str, usize)> {
    let rest = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))?;
    let mut offset = 0;
    for (i, line) in rest.split_inclusive('\n').enumerate() {
        let trimmed = line.trim_end_matches(['\n', '\r']);
        if trimmed == "---" || trimmed == "..." {
            let fm = &rest[..offset];
            let body = &rest[offset + line.len()..];
            // Line 1 is the opening `---`; the closing one is line i + 2.
            return Some((fm, body, i + 3));
        }
        offset += line.len();
    }
    None
}

pub fn markdown_options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH
}

/// `slug.md` or `slug.md#part` → `slug`; anything with a scheme or a path
/// is not a chapter link.
pub fn chapter_link_target(dest: &str) -> Option<&str> {
    let path = dest.split('#').next().unwrap_or(dest);
    let slug = path.strip_suffix(".md")?;
    let plain =
        !slug.is_empty() && !slug.contains(['/', '\\', ':', '?']) && !dest.starts_with("//");
    plain.then_some(slug)
}

type PageResult = Result<(Page, Vec<Diagnostic>), Diagnostic>;

fn load_page(root: &Path, scope: &Scope, lang: &str, slug: &str, rel: &Path) -> PageResult {
    let text = read_text(root, rel)?;
    let mut diags = Vec::new();
    // A page with broken front matter stays in the model (with its error),
    // so it does not also show up as a missing chapter.
    let (fm_text, body, body_line) = split_front_matter(&text).unwrap_or_else(|| {
        diags.push(Diagnostic::error(
            rel,
            Some(1),
            "no front matter: a page starts with a line `---`, then `title: ...`, then `---`",
        ));
        ("", text.as_str(), 1)
    });
    let empty = || FrontMatter {
        title: None,
        summary: None,
        source_hash: None,
        other: BTreeMap::new(),
    };
    let fm: FrontMatter = if fm_text.trim().is_empty() {
        empty()
    } else {
        yaml::parse(fm_text).unwrap_or_else(|e| {
            diags.push(Diagnostic::error(
                rel,
                Some(e.line.unwrap_or(1) + 1),
                format!("front matter is not valid YAML: {}", e.message),
            ));
            FrontMatter {
                title: Some(slug.to_string()),
                ..empty()
            }
        })
    };
    let front_lines = yaml::key_lines(fm_text.lines(), 2);
    let title = match fm.title.filter(|t| !t.trim().is_empty()) {
        Some(t) => t,
        None if diags.is_empty() => {
            diags.push(Diagnostic::error(
                rel,
                Some(1),
                "missing `title` in the front matter",
            ));
            slug.to_string()
        }
        None => slug.to_string(),
    };
    for key in fm.other.keys() {
        diags.push(Diagnostic::warning(
            rel,
            front_lines.get(key).copied(),
            format!("unknown front-matter key `{key}` (known: title, summary, source_hash)"),
        ));
    }

    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(body.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_at = |offset: usize| body_line + line_starts.partition_point(|&s| s <= offset) - 1;
    let mut events = Vec::new();
    let mut links = Vec::new();
    let mut remote_images = Vec::new();
    for (event, range) in Parser::new_ext(body, markdown_options()).into_offset_iter() {
        match &event {
            Event::Start(Tag::Link { dest_url, .. }) => {
                if let Some(slug) = chapter_link_target(dest_url) {
                    links.push(ChapterLink {
                        slug: slug.to_string(),
                        line: line_at(range.start),
                    });
                }
            }
            Event::Start(Tag::Image { dest_url, .. }) if is_remote(dest_url) => {
                remote_images.push((dest_url.to_string(), line_at(range.start)));
            }
            _ => {}
        }
        events.push(event.into_static());
    }
    let hash = translations::page_hash(&title, fm.summary.as_deref(), body);
    Ok((
        Page {
            file: rel.to_path_buf(),
            scope: scope.clone(),
            lang: lang.to_string(),
            slug: slug.to_string(),
            title,
            summary: fm.summary,
            source_hash: fm.source_hash,
            hash,
            body: body.to_string(),
            body_line,
            events,
            links,
            remote_images,
            front_lines,
        },
        diags,
    ))
}

/// A URL that would make the reader's phone contact another host.
pub fn is_remote(url: &str) -> bool {
    let u = url.trim_start();
    u.starts_with("//")
        || u.split_once(':')
            .is_some_and(|(scheme, _)| !scheme.contains('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_with_crlf() {
        let (fm, body, line) = split_front_matter("---\r\ntitle: A\r\n---\r\nHello\r\n").unwrap();
        assert_eq!(fm, "title: A\r\n");
        assert_eq!(body, "Hello\r\n");
        assert_eq!(line, 4);
        assert!(split_front_matter("title: A\n").is_none());
    }

    #[test]
    fn recognises_chapter_links() {
        assert_eq!(
            chapter_link_target("rights-at-work.md"),
            Some("rights-at-work")
        );
        assert_eq!(chapter_link_target("a.md#x"), Some("a"));
        assert_eq!(chapter_link_target("https://x.org/a.md"), None);
        assert_eq!(chapter_link_target("../a.md"), None);
    }

    #[test]
    fn remote_urls() {
        assert!(is_remote("https://evil.example/x.png"));
        assert!(is_remote("//evil.example/x.png"));
        assert!(!is_remote("img/x.png"));
    }
}
