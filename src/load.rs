//! Load: the site folder → the typed model. Each file is read and parsed once
//! (pages in parallel). Problems with a single file's form — unreadable,
//! not UTF-8, malformed YAML, a missing or unknown key — are collected here;
//! problems of meaning across files are `check`'s.

use crate::diagnostic::Diagnostic;
use crate::i18n::Locales;
use crate::markdown;
use crate::model::*;
use crate::source::{read_text, split_front_matter};
use crate::theme::{self, Theme};
use crate::translations;
use crate::yaml;
use chrono::NaiveDate;
use rayon::prelude::*;
use serde::{Deserialize, Deserializer};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub struct Loaded {
    /// `None` when site.yaml is missing or unusable; the diagnostics say why.
    pub site: Option<Site>,
    pub diagnostics: Vec<Diagnostic>,
}

pub fn load(root: &Path) -> Loaded {
    load_with(root, &mut Cache::default())
}

/// What `serve` keeps from one load to the next: the files found, and each
/// page, contacts file, corridor and image as parsed, with the problems
/// found in it. A file reported changed is [`Cache::forget`]-ten and read
/// again; site.yaml, the strings and the theme are always read again (few,
/// small, and a change to them changes everything anyway). Everything
/// across files (the page index, duplicates, check) is worked out afresh on
/// every load, so a load with a cache gives exactly what a fresh one gives.
#[derive(Default)]
pub struct Cache {
    files: Option<(Found, Vec<Diagnostic>)>,
    pages: HashMap<PathBuf, CachedPage>,
    contacts: HashMap<PathBuf, (ContactFile, Vec<Diagnostic>)>,
    corridors: HashMap<PathBuf, (Option<Corridor>, Vec<Diagnostic>)>,
    media: HashMap<String, Result<Vec<u8>, String>>,
    /// The strings, by the languages they were loaded for.
    locales: Option<(Vec<String>, Arc<Locales>, Vec<Diagnostic>)>,
    /// The theme, by name.
    theme: Option<(String, Arc<Theme>, Vec<Diagnostic>)>,
    /// The site's fonts with the built-in ones.
    fonts: Option<(Arc<crate::fonts::FontSet>, Vec<Diagnostic>)>,
}

type CachedPage = Result<(Arc<Page>, Vec<Diagnostic>), Diagnostic>;

impl Cache {
    /// `rel` (relative to the site) changed, appeared or went away.
    pub fn forget(&mut self, root: &Path, rel: &Path) {
        let known = self.pages.contains_key(rel)
            || self.contacts.contains_key(rel)
            || self.corridors.contains_key(rel);
        // The list of files stays right as long as every changed file is
        // one it lists and still there, or neither.
        if known != root.join(rel).is_file() || !is_site_file(rel) {
            self.files = None;
        }
        self.pages.remove(rel);
        self.contacts.remove(rel);
        self.corridors.remove(rel);
        if rel.starts_with("locales") {
            self.locales = None;
        }
        if rel.starts_with("themes") {
            self.theme = None;
        }
        if rel.starts_with("fonts") {
            self.fonts = None;
        }
        if let Ok(media) = rel.strip_prefix("content") {
            self.media
                .remove(&media.to_string_lossy().replace('\\', "/"));
        }
    }

    pub fn clear(&mut self) {
        *self = Cache::default();
    }
}

/// A file `discover` would list: a page, a corridor.yaml or contacts.yaml.
fn is_site_file(rel: &Path) -> bool {
    let name = rel.file_name().unwrap_or_default().to_string_lossy();
    let depth = rel.components().count();
    rel.starts_with("content")
        && ((depth == 4 && name.ends_with(".md"))
            || (depth == 3 && (name == "corridor.yaml" || name == "contacts.yaml")))
}

/// The corridors and contact files `files` lists, from `contacts` and
/// `corridors` where they are cached there.
fn load_corridors(
    root: &Path,
    files: &Found,
    contacts: &mut HashMap<PathBuf, (ContactFile, Vec<Diagnostic>)>,
    corridors: &mut HashMap<PathBuf, (Option<Corridor>, Vec<Diagnostic>)>,
) -> (ContactFile, Vec<Corridor>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut contacts_of = |rel: &Path, diags: &mut Vec<Diagnostic>| {
        let (file, found) = contacts.entry(rel.to_path_buf()).or_insert_with(|| {
            let mut found = Vec::new();
            (load_contacts(root, rel, &mut found), found)
        });
        diags.extend(found.iter().cloned());
        file.clone()
    };
    let shared_contacts = files
        .shared_contacts
        .as_deref()
        .map(|rel| contacts_of(rel, &mut diags))
        .unwrap_or_default();

    let mut loaded = Vec::new();
    for (slug, corridor_file, contacts_file) in &files.corridors {
        let contacts = contacts_file
            .as_deref()
            .map(|rel| contacts_of(rel, &mut diags))
            .unwrap_or_default();
        match corridor_file {
            Some(rel) => {
                let (corridor, found) = corridors.entry(rel.to_path_buf()).or_insert_with(|| {
                    let mut found = Vec::new();
                    (load_corridor(root, slug, rel, &mut found), found)
                });
                diags.extend(found.iter().cloned());
                if let Some(c) = corridor {
                    loaded.push(Corridor {
                        contacts,
                        ..c.clone()
                    });
                }
            }
            None => diags.push(Diagnostic::error(
                Path::new("content").join(slug),
                None,
                "corridor folder has no corridor.yaml",
            )),
        }
    }
    (shared_contacts, loaded, diags)
}

/// Reads, in parallel, the pages `files` lists that `cache` lacks, and drops
/// from it those no longer listed.
fn load_pages(root: &Path, files: &Found, cache: &mut HashMap<PathBuf, CachedPage>) {
    let fresh: Vec<(PathBuf, CachedPage)> = files
        .pages
        .par_iter()
        .filter(|(.., rel)| !cache.contains_key(rel))
        .map(|(scope, lang, slug, rel)| {
            let page = load_page(root, scope, lang, slug, rel).map(|(p, d)| (Arc::new(p), d));
            (rel.clone(), page)
        })
        .collect();
    cache.extend(fresh);
    if cache.len() > files.pages.len() {
        let listed: std::collections::HashSet<&PathBuf> =
            files.pages.iter().map(|(.., rel)| rel).collect();
        cache.retain(|rel, _| listed.contains(rel));
    }
}

/// [`load`], taking from `cache` what has not changed and keeping what it
/// reads there.
pub fn load_with(root: &Path, cache: &mut Cache) -> Loaded {
    let mut diags = Vec::new();
    let config = load_config(root, &mut diags);
    let (files, found) = cache.files.get_or_insert_with(|| {
        let mut found = Vec::new();
        (discover(root, &mut found), found)
    });
    diags.extend(found.iter().cloned());

    // Corridors and contacts (phone numbers to parse) load beside the pages.
    let files = &*files;
    let ((shared_contacts, corridors, corridor_diags), ()) = rayon::join(
        || load_corridors(root, files, &mut cache.contacts, &mut cache.corridors),
        || load_pages(root, files, &mut cache.pages),
    );
    diags.extend(corridor_diags);
    let mut pages: Vec<Arc<Page>> = Vec::with_capacity(files.pages.len());
    for (.., rel) in &files.pages {
        match &cache.pages[rel] {
            Ok((page, found)) => {
                pages.push(Arc::clone(page));
                diags.extend(found.iter().cloned());
            }
            Err(d) => diags.push(d.clone()),
        }
    }
    let mut index = HashMap::with_capacity(pages.len());
    for (i, p) in pages.iter().enumerate() {
        let key = (p.scope.clone(), p.lang.clone(), p.slug.clone());
        if let Some(first) = index.insert(key, i) {
            diags.push(Diagnostic::error(
                &p.file,
                None,
                format!(
                    "the same page as {}: a page may exist once per language",
                    crate::diagnostic::display_path(&pages[first].file)
                ),
            ));
        }
    }
    let media = load_media(root, &pages, &mut cache.media, &mut diags);

    let translits = config
        .as_ref()
        .map(|c| load_translits(root, c, &mut diags))
        .unwrap_or_default();
    // (The key says how each language is made too: a language that becomes
    // transliterated needs its strings made anew.)
    let lang_codes: Vec<String> = config
        .as_ref()
        .map(|c| {
            c.languages
                .iter()
                .map(|l| match &l.transliterate_from {
                    Some(f) => format!("{}<{f}", l.code),
                    None => l.code.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    if cache
        .locales
        .as_ref()
        .is_none_or(|(codes, ..)| *codes != lang_codes)
    {
        let mut found = Vec::new();
        let made = config
            .as_ref()
            .map(|c| {
                c.languages
                    .iter()
                    .filter_map(|l| {
                        let from = l.transliterate_from.clone()?;
                        Some((l.code.clone(), (from, Arc::clone(translits.get(&l.code)?))))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let codes: Vec<String> = lang_codes
            .iter()
            .map(|c| c.split('<').next().unwrap_or(c).to_string())
            .collect();
        let locales = Locales::load_with(root, &codes, &made, &mut found);
        cache.locales = Some((lang_codes, Arc::new(locales), found));
    }
    let (_, locales, found) = cache.locales.as_ref().expect("loaded above");
    diags.extend(found.iter().cloned());
    let locales = Arc::clone(locales);
    // A theme name that is not a plain folder name never reaches the file
    // system: check reports it, and the built-in theme stands in.
    let theme_name = config
        .as_ref()
        .map(|c| c.theme.as_str())
        .filter(|t| crate::rules::valid_theme(t).is_ok())
        .unwrap_or(theme::DEFAULT);
    if cache
        .theme
        .as_ref()
        .is_none_or(|(name, ..)| name != theme_name)
    {
        let mut found = Vec::new();
        let theme = Theme::load(root, theme_name, &mut found);
        cache.theme = Some((theme_name.to_string(), Arc::new(theme), found));
    }
    let (_, theme, found) = cache.theme.as_ref().expect("loaded above");
    diags.extend(found.iter().cloned());
    let theme = Arc::clone(theme);

    let (fonts, found) = cache.fonts.get_or_insert_with(|| load_fonts(root));
    diags.extend(found.iter().cloned());
    let fonts = Arc::clone(fonts);

    let site = config.map(|config| Site {
        root: root.to_path_buf(),
        config,
        corridors,
        shared_contacts,
        pages,
        index,
        locales,
        theme,
        media: Arc::new(media),
        fonts,
        translits,
    });
    Loaded {
        site,
        diagnostics: diags,
    }
}

/// The files of a site, found by walking `content/` once.
#[derive(Default, Clone)]
struct Found {
    shared_contacts: Option<PathBuf>,
    /// (slug, corridor.yaml, contacts.yaml)
    corridors: Vec<(String, Option<PathBuf>, Option<PathBuf>)>,
    /// (scope, lang, slug, path)
    pages: Vec<(Scope, String, String, PathBuf)>,
}

fn discover(root: &Path, diags: &mut Vec<Diagnostic>) -> Found {
    let mut files = Found::default();
    let content = root.join("content");
    if !content.is_dir() {
        diags.push(Diagnostic::error(
            "content",
            None,
            "no content/ folder: the site has no corridors",
        ));
        return files;
    }
    // Links are followed while they stay inside the site (one rule for
    // every file: `source::site_file`); one that leads out is reported and
    // not entered.
    let root_real = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let outside = std::cell::RefCell::new(Vec::new());
    let walker = walkdir::WalkDir::new(&content)
        .min_depth(1)
        .max_depth(3)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let leads_out = e.path_is_symlink()
                && e.path()
                    .canonicalize()
                    .is_ok_and(|real| !real.starts_with(&root_real));
            if leads_out {
                outside.borrow_mut().push(e.path().to_path_buf());
            }
            !leads_out
        });
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
                let why = if e.loop_ancestor().is_some()
                    || e.io_error().is_some_and(crate::source::is_loop)
                {
                    "is a symbolic link loop: it leads back to a folder it is in".to_string()
                } else if e
                    .io_error()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::NotFound)
                {
                    "is a symbolic link to a file that does not exist".to_string()
                } else {
                    format!("cannot read: {e}")
                };
                diags.push(Diagnostic::error(rel, None, why));
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
        let kind = entry.file_type();
        let is_file = kind.is_file();
        let top = parts[0].clone();
        let scope = if top == SHARED {
            Scope::Shared
        } else {
            Scope::Corridor(top.clone())
        };
        if parts.len() == 1 && kind.is_dir() && top != SHARED {
            corridor_index.insert(top.clone(), files.corridors.len());
            files.corridors.push((top, None, None));
            continue;
        }
        let belongs_a_file = match parts.len() {
            2 => parts[1] == "contacts.yaml" || parts[1] == "corridor.yaml",
            3 => parts[2].ends_with(".md"),
            _ => false,
        };
        if belongs_a_file && !is_file {
            let why = if kind.is_dir() {
                "is a folder where a file belongs"
            } else {
                "is not a regular file (a FIFO, socket or device) where a file belongs"
            };
            diags.push(Diagnostic::error(rel, None, why));
            continue;
        }
        if parts.len() == 3 && parts[2] == format!("{CONTACTS_CHAPTER}.md") {
            diags.push(Diagnostic::warning(
                rel,
                None,
                "is not used: the `contacts` chapter is written from contacts.yaml, so a page of that name is never shown; put the text in another chapter",
            ));
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
                // One suffix only: `x.md.md` is the page `x.md` (an invalid
                // name, reported by check), never a second `x`.
                let slug = parts[2].strip_suffix(".md").unwrap_or_default().to_string();
                files.pages.push((scope, parts[1].clone(), slug, rel));
            }
            _ => {}
        }
    }
    // (A linked image is its page's to report, at the line that shows it.)
    for path in outside.into_inner() {
        let rel = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
        if !(path.is_dir() || is_site_file(&rel)) {
            continue;
        }
        diags.push(Diagnostic::error(
            rel,
            None,
            "is a symbolic link that leads outside the site folder, so it is not read: copy the files into the site",
        ));
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
    /// Overrides the direction the script gives.
    #[serde(default)]
    dir: Option<crate::lang::Dir>,
    /// Published from another language's pages by transliteration.
    #[serde(default)]
    transliterate_from: Option<String>,
}

fn load_config(root: &Path, diags: &mut Vec<Diagnostic>) -> Option<SiteConfig> {
    let rel = Path::new("site.yaml");
    if std::fs::symlink_metadata(root.join(rel)).is_err() {
        diags.push(Diagnostic::error(
            rel,
            None,
            "site.yaml not found: is this a pocketguide site folder? (see --site; `pocketguide new site DIR` starts one)",
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
    let lines = yaml::Lines::of(&text, 1);
    let languages = raw
        .languages
        .into_iter()
        .enumerate()
        .map(|(i, l)| {
            let script = crate::lang::script_of(&l.code);
            Language {
                line: lines.get(&format!("languages/{i}")).unwrap_or(1),
                dir: l.dir.unwrap_or_else(|| crate::lang::script_dir(&script)),
                script,
                code: l.code,
                name: l.name,
                fallback: l.fallback,
                transliterate_from: l.transliterate_from,
            }
        })
        .collect();
    // Kept as written when it is not an address: check reports it.
    let base_url = crate::rules::valid_base_url(&raw.base_url).unwrap_or(raw.base_url);
    Some(SiteConfig {
        title: raw.title,
        base_url,
        default_language: raw.default_language,
        theme: raw.theme.unwrap_or_else(|| theme::DEFAULT.to_string()),
        languages,
        stale_after_days: raw.stale_after_days,
        lines,
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
    #[serde(default)]
    emergency_office_hours: Vec<String>,
}

/// The corridor, its contacts left empty: the caller adds them.
fn load_corridor(
    root: &Path,
    slug: &str,
    rel: &Path,
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
    let lines = yaml::Lines::of(&text, 1);
    let chapters = raw
        .chapters
        .into_iter()
        .enumerate()
        .map(|(i, slug)| ChapterRef {
            line: lines
                .get(&format!("chapters/{i}"))
                .or(lines.get("chapters"))
                .unwrap_or(1),
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
        emergency_office_hours: raw.emergency_office_hours,
        contacts: ContactFile::default(),
        lines,
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ContactYaml {
    id: String,
    name: Localized,
    #[serde(default)]
    short_name: Option<Localized>,
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
    verified_how: VerifiedHow,
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
    let lines = yaml::Lines::of(&text, 1);
    for (i, c) in raw.into_iter().enumerate() {
        let start = lines.get(&i.to_string()).unwrap_or(1);
        file.contacts.push(Contact {
            id: c.id,
            name: c.name,
            short_name: c.short_name,
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
            verified_how: c.verified_how,
            source: c.source,
            file: rel.to_path_buf(),
            line: start,
            lines: lines.under(&i.to_string()),
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
    #[serde(default)]
    review_by: Option<yaml::Value>,
    #[serde(flatten)]
    other: BTreeMap<String, yaml::Value>,
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
        review_by: None,
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
    let front_lines = yaml::Lines::of(fm_text, 2);
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
            front_lines.get(key),
            format!(
                "unknown front-matter key `{key}` (known: title, summary, source_hash, review_by)"
            ),
        ));
    }
    let review_by = fm.review_by.as_ref().and_then(|v| {
        let date = v
            .as_str()
            .and_then(|t| NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d").ok());
        if date.is_none() {
            diags.push(Diagnostic::error(
                rel,
                front_lines.get("review_by"),
                "review_by is not a date: write the day its facts must be looked at again as YYYY-MM-DD, e.g. `review_by: 2027-01-01`",
            ));
        }
        date
    });

    let analysis = markdown::analyse(rel, body, body_line);
    diags.extend(analysis.diagnostics);
    diags.extend(markdown::hidden_chars(rel, body, body_line));
    if let Some(at) = crate::lang::zawgyi_at(body) {
        diags.push(Diagnostic::warning(
            rel,
            Some(body_line + crate::source::line_at(body, at) - 1),
            "this Burmese text looks like Zawgyi, the old font encoding, not Unicode: readers with a Unicode font (most phones since 2019) and the printed guide would show it garbled; convert it to Unicode (e.g. with Google's myanmar-tools or the Rabbit converter)",
        ));
    }
    if title.len() > markdown::MAX_PDF_TEXT {
        diags.push(Diagnostic::error(
            rel,
            front_lines.get("title"),
            format!(
                "a title of {} bytes: the printed guide (PDF/A) takes at most {}; shorten it",
                title.len(),
                markdown::MAX_PDF_TEXT
            ),
        ));
    }
    for (key, value) in [("title", Some(&title)), ("summary", fm.summary.as_ref())] {
        if let Some(why) = value.and_then(|v| crate::rules::hidden_in_field(v)) {
            diags.push(Diagnostic::error(
                rel,
                front_lines.get(key),
                format!("{key} {why}"),
            ));
        }
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
            body: body.into(),
            body_line,
            doc: Arc::new(crate::doc::Doc::build(
                &analysis.events,
                &analysis.lines,
                &analysis.images,
            )),
            links: analysis
                .links
                .into_iter()
                .map(|(slug, line)| ChapterLink { slug, line })
                .collect(),
            contact_links: analysis.contacts,
            review_by,
            images: analysis.images,
            front_lines,
        },
        diags,
    ))
}

/// The site's own fonts, `fonts/*.ttf` and `*.otf` (other files there,
/// such as a licence, are left alone), read by the one rule for site files.
fn load_fonts(root: &Path) -> (Arc<crate::fonts::FontSet>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut files = Vec::new();
    let dir = root.join("fonts");
    if dir.is_dir() {
        let mut names: Vec<_> = match std::fs::read_dir(&dir) {
            Ok(entries) => entries.flatten().map(|e| e.file_name()).collect(),
            Err(e) => {
                diags.push(Diagnostic::error(
                    "fonts",
                    None,
                    format!("cannot read: {e}"),
                ));
                Vec::new()
            }
        };
        names.sort();
        for name in names {
            let rel = Path::new("fonts").join(&name);
            let ext = rel
                .extension()
                .map(|e| e.to_string_lossy().to_ascii_lowercase())
                .unwrap_or_default();
            if !matches!(ext.as_str(), "ttf" | "otf") {
                continue;
            }
            match crate::source::site_file(root, &rel)
                .and_then(|real| std::fs::read(real).map_err(|e| format!("cannot read file: {e}")))
            {
                Ok(bytes) => files.push((rel, bytes)),
                Err(why) => diags.push(Diagnostic::error(rel, None, why)),
            }
        }
    }
    let (set, found) = crate::fonts::with_site_fonts(files);
    diags.extend(found);
    (set, diags)
}

/// How each language with `transliterate_from` is made: the built-in pair
/// for its language and scripts, with the site's own words from
/// `translit/<code>.yaml`. A language with no such pair is check's to
/// report.
fn load_translits(
    root: &Path,
    config: &SiteConfig,
    diags: &mut Vec<Diagnostic>,
) -> HashMap<String, Arc<crate::translit::Translit>> {
    let mut out = HashMap::new();
    for l in &config.languages {
        let Some(from) = l.transliterate_from.as_deref() else {
            continue;
        };
        let Some(source) = config.language(from) else {
            continue;
        };
        let rel = Path::new("translit").join(format!("{}.yaml", l.code));
        let mut extra = BTreeMap::new();
        if std::fs::symlink_metadata(root.join(&rel)).is_ok() {
            match read_text(root, &rel) {
                Ok(text) => match yaml::parse::<Option<BTreeMap<String, String>>>(&text) {
                    Ok(words) => extra = words.unwrap_or_default(),
                    Err(e) => diags.push(Diagnostic::error(
                        &rel,
                        e.line,
                        format!("{} (expected lines of `word: replacement`)", e.message),
                    )),
                },
                Err(d) => diags.push(d),
            }
        }
        let language = crate::lang::base_language(&l.code);
        // The site's words are written from the Latin side when the target
        // is not Latin, else from the other.
        let extra = if l.script == "Latn" {
            extra.into_iter().map(|(k, v)| (v, k)).collect()
        } else {
            extra
        };
        if let Some(Ok(t)) =
            crate::translit::Translit::new(language, &source.script, &l.script, &extra)
        {
            out.insert(l.code.clone(), Arc::new(t));
        }
    }
    out
}

/// Images larger than this get a warning: readers pay for every byte.
const IMAGE_BUDGET: usize = 100 * 1024;

/// Reads every image the pages show, once each. An image that is not a
/// readable file of a published format inside the site is an error at the
/// line that shows it.
fn load_media(
    root: &Path,
    pages: &[Arc<Page>],
    cache: &mut HashMap<String, Result<Vec<u8>, String>>,
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<String, Vec<u8>> {
    let mut media = BTreeMap::new();
    for page in pages {
        for img in &page.images {
            let ImageSource::Media(path) = &img.source else {
                continue;
            };
            if media.contains_key(path) {
                continue;
            }
            let read = cache
                .entry(path.clone())
                .or_insert_with(|| read_media(root, path));
            match read {
                Ok(bytes) => {
                    if bytes.len() > IMAGE_BUDGET {
                        diags.push(Diagnostic::warning(
                            &page.file,
                            Some(img.line),
                            format!(
                                "image '{}' weighs {} KB: readers on paid mobile data pay for every byte; make it smaller than {} KB",
                                img.src,
                                bytes.len() / 1024,
                                IMAGE_BUDGET / 1024
                            ),
                        ));
                    }
                    media.insert(path.clone(), bytes.clone());
                }
                // Each page that shows a missing image hears of it.
                Err(why) => {
                    diags.push(Diagnostic::error(
                        &page.file,
                        Some(img.line),
                        format!("image '{}': {why}", img.src),
                    ));
                }
            }
        }
    }
    media
}

fn read_media(root: &Path, path: &str) -> Result<Vec<u8>, String> {
    let rel = Path::new("content").join(path);
    let shown = crate::diagnostic::display_path(&rel);
    let ext = rel
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if !markdown::IMAGE_EXTENSIONS.contains(&ext.as_str()) {
        return Err(format!(
            "only {} images are published (an SVG can carry scripts)",
            markdown::IMAGE_EXTENSIONS.join(", ")
        ));
    }
    let real = crate::source::site_file(root, &rel).map_err(|why| match why.as_str() {
        "no such file" => format!("no such file: expected {shown}"),
        _ => format!("{shown} {why}"),
    })?;
    std::fs::read(real).map_err(|e| format!("cannot read {shown}: {e}"))
}
