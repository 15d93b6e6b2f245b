//! The preview's builds, incremental. Each save names the files that
//! changed; the preview reloads only those (the rest of the model comes from
//! [`load::Cache`]), runs every check afresh over the whole model (cheap, and
//! so never stale), and re-renders only the guides the changed files feed:
//!
//! | changed | re-rendered |
//! |---|---|
//! | a page `content/<corridor or _shared>/<lang>/<slug>.md` | every guide, in every language, of each corridor that lists the chapter (fallbacks and outdated notices cross languages) |
//! | `content/<corridor>/corridor.yaml` or `contacts.yaml` | that corridor's guides, and the site's own pages (language indexes list each corridor's title and emergency numbers) |
//! | `content/_shared/contacts.yaml` | every guide and the site's own pages |
//! | site.yaml, `locales/`, `themes/`, an image, a folder, anything else | everything |
//!
//! A guide's outputs are all the files under `<lang>/<corridor>/`; what
//! the outputs find (the glyph check, message lengths, page weights) is
//! kept per guide the same way. While the site has errors nothing is rendered and what
//! changed is remembered, so the first good build after them re-renders all
//! of it. Tests compare every step with a fresh `check` and a fresh render.

use crate::diagnostic::Diagnostic;
use crate::load::{self, Cache};
use crate::model::{Scope, Site, SHARED};
use crate::render::{self, Finding, GuideKey, Purpose, Selection};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What a save touched, as far as the file names tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Changed {
    /// Unknown (the first build, or the watcher lost track): all of it.
    Everything,
    /// These files, relative to the site.
    Files(Vec<PathBuf>),
}

/// The result of one update.
pub struct Update {
    /// What was re-rendered; `None` when the site has errors and nothing
    /// was.
    pub rendered: Option<Selection>,
    /// Output files written (re-rendered) by this update.
    pub files: usize,
}

pub struct Preview {
    root: PathBuf,
    base_url: String,
    load: Cache,
    /// The model of the last update, errors or not.
    site: Option<Arc<Site>>,
    /// Diagnostics of the last update: exactly what `check` would say.
    diagnostics: Vec<Diagnostic>,
    /// What the outputs found, by the guide it is about (`None`: the
    /// site's own outputs).
    found: BTreeMap<Option<GuideKey>, Vec<Finding>>,
    /// The last good render's files (everything but the PDFs).
    files: BTreeMap<String, Arc<Vec<u8>>>,
    /// What changed since the last good render and is not shown yet.
    pending: Option<Selection>,
    /// What the last good render showed whose deferred outputs (the
    /// search index) [`Preview::finish`] still has to make.
    deferred: Option<Selection>,
}

impl Preview {
    pub fn new(root: &Path, base_url: &str) -> Preview {
        Preview {
            root: root.to_path_buf(),
            base_url: base_url.to_string(),
            load: Cache::default(),
            site: None,
            diagnostics: Vec::new(),
            found: BTreeMap::new(),
            files: BTreeMap::new(),
            pending: None,
            deferred: None,
        }
    }

    pub fn site(&self) -> Option<&Arc<Site>> {
        self.site.as_ref()
    }

    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    pub fn files(&self) -> &BTreeMap<String, Arc<Vec<u8>>> {
        &self.files
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Brings the preview up to date with the site folder after `changed`.
    /// `made` holds the sizes of the PDFs typeset so far (the home pages
    /// show them).
    pub fn update(&mut self, changed: &Changed, made: &BTreeMap<String, usize>) -> Update {
        let impact = self.forget(changed);
        let old = self.site.take();
        let loaded = load::load_with(&self.root, &mut self.load);
        let mut diagnostics = loaded.diagnostics;
        let Some(site) = loaded.site.map(Arc::new) else {
            self.found.clear();
            self.pending = Some(Selection::All);
            crate::diagnostic::sort(&mut diagnostics);
            self.diagnostics = diagnostics;
            return Update {
                rendered: None,
                files: 0,
            };
        };
        let selection = match old.as_deref() {
            Some(old) => impact.selection(old, &site),
            None => Selection::All,
        };
        diagnostics.extend(crate::check::check(&site, crate::today()));
        let model_ok = !diagnostics.iter().any(Diagnostic::is_error);

        // With errors in the model nothing is shown, but what the outputs
        // find is still looked for (as `check` does), and what changed is
        // remembered for the first good render.
        let wanted = merge(self.pending.take(), selection);
        let purpose = if model_ok {
            Purpose::Preview
        } else {
            Purpose::Check
        };
        let memory = render::Memory::default();
        let (report, errors) = crate::pipeline(
            &site,
            &crate::Run {
                base_url: &self.base_url,
                purpose,
                pdf: true,
                selection: &wanted,
                phase: render::Phase::Shown,
                sink: &memory,
                progress: None,
                sizes: made,
            },
        );
        let mut rendered = None;
        let mut files = 0;
        match report {
            Some(report) => {
                self.replace_found(&site, &wanted, report.findings);
                if model_ok {
                    let made = memory.into_files();
                    files = made.len();
                    self.replace_files(old.as_deref(), &site, &wanted, made);
                    self.deferred = Some(merge(self.deferred.take(), wanted.clone()));
                    rendered = Some(wanted);
                } else {
                    self.pending = Some(wanted);
                }
            }
            None => {
                if model_ok {
                    diagnostics.extend(errors);
                }
                self.pending = Some(wanted);
            }
        }
        diagnostics.extend(crate::check::findings(self.found.values().flatten()));
        crate::diagnostic::sort(&mut diagnostics);
        self.diagnostics = diagnostics;
        self.site = Some(site);
        Update { rendered, files }
    }

    /// Makes the deferred outputs (each language's search index) of what
    /// the last updates showed, after the pages: no page waits for them.
    /// Returns the files made.
    pub fn finish(&mut self) -> usize {
        let (Some(selection), Some(site)) = (self.deferred.take(), self.site.clone()) else {
            return 0;
        };
        if self.has_errors() {
            self.deferred = Some(selection);
            return 0;
        }
        let memory = render::Memory::default();
        let (report, errors) = crate::pipeline(
            &site,
            &crate::Run {
                base_url: &self.base_url,
                purpose: Purpose::Preview,
                pdf: true,
                selection: &selection,
                phase: render::Phase::After,
                sink: &memory,
                progress: None,
                sizes: &BTreeMap::new(),
            },
        );
        if report.is_none() {
            // Shown like any error; made again with the next good save.
            self.diagnostics.extend(errors);
            crate::diagnostic::sort(&mut self.diagnostics);
            self.deferred = Some(selection);
            return 0;
        }
        let made = memory.into_files();
        // A language's index is made again whole: its old files go.
        let languages: Option<BTreeSet<&str>> = match &selection {
            Selection::All => None,
            Selection::Only { guides, site } if !*site => {
                Some(guides.iter().map(|(_, l)| l.as_str()).collect())
            }
            Selection::Only { .. } => None,
        };
        match &languages {
            Some(langs) => {
                let dirs: Vec<String> = langs.iter().map(|l| crate::paths::search_dir(l)).collect();
                self.files
                    .retain(|path, _| !dirs.iter().any(|d| path.starts_with(d.as_str())));
            }
            // Every language's, a removed language's too.
            None => self.files.retain(|path, _| !crate::paths::is_search(path)),
        }
        let n = made.len();
        for (path, bytes) in made {
            self.files.insert(path, Arc::new(bytes));
        }
        n
    }

    /// Tells the load cache what changed; returns what it touches.
    fn forget(&mut self, changed: &Changed) -> Impact {
        let Changed::Files(paths) = changed else {
            self.load.clear();
            return Impact::Everything;
        };
        let mut impact = Impact::default();
        for rel in paths {
            self.load.forget(&self.root, rel);
            impact.add(rel);
        }
        impact
    }

    /// Keeps what the outputs found for what was not re-rendered, and
    /// takes the new findings for what was; guides that are gone go.
    fn replace_found(
        &mut self,
        site: &Site,
        selection: &Selection,
        findings: Vec<(Option<GuideKey>, Finding)>,
    ) {
        let current = guide_keys(site);
        self.found.retain(|key, _| match key {
            None => !selection.site(),
            Some(k) => current.contains(k) && !selection.has(&k.0, &k.1),
        });
        for (key, f) in findings {
            self.found.entry(key).or_default().push(f);
        }
    }

    /// Puts a render's files in place of the ones it supersedes: all of a
    /// re-rendered guide's folder, and the site's own files when those were
    /// rendered.
    fn replace_files(
        &mut self,
        old: Option<&Site>,
        site: &Site,
        selection: &Selection,
        made: BTreeMap<String, Vec<u8>>,
    ) {
        match selection {
            // The search index stays until `finish` makes it again.
            Selection::All => self.files.retain(|path, _| crate::paths::is_search(path)),
            Selection::Only {
                guides,
                site: site_files,
            } => {
                let mut known = guide_keys(site);
                if let Some(old) = old {
                    known.extend(guide_keys(old));
                }
                let superseded = |path: &str| match crate::paths::guide_of(path) {
                    Some((lang, corridor)) => {
                        let key = (corridor.to_string(), lang.to_string());
                        if known.contains(&key) {
                            guides.contains(&key)
                        } else {
                            *site_files
                        }
                    }
                    None => *site_files && !crate::paths::is_search(path),
                };
                self.files.retain(|path, _| !superseded(path));
            }
        }
        for (path, bytes) in made {
            self.files.insert(path, Arc::new(bytes));
        }
    }
}

/// (corridor, language) of every guide of `site`.
fn guide_keys(site: &Site) -> BTreeSet<GuideKey> {
    site.corridors
        .iter()
        .flat_map(|c| c.languages.iter().map(move |l| (c.slug.clone(), l.clone())))
        .collect()
}

fn merge(a: Option<Selection>, b: Selection) -> Selection {
    match (a, b) {
        (None, b) => b,
        (Some(Selection::All), _) | (_, Selection::All) => Selection::All,
        (
            Some(Selection::Only {
                guides: mut g1,
                site: s1,
            }),
            Selection::Only {
                guides: g2,
                site: s2,
            },
        ) => {
            g1.extend(g2);
            Selection::Only {
                guides: g1,
                site: s1 || s2,
            }
        }
    }
}

/// What a set of changed files feeds, before looking at the model.
#[derive(Debug, Default)]
enum Impact {
    #[default]
    Nothing,
    Changed {
        /// Chapters edited: (the page's scope, its slug).
        pages: BTreeSet<(Scope, String)>,
        /// Corridors whose corridor.yaml or contacts.yaml changed.
        corridors: BTreeSet<String>,
        /// `_shared/contacts.yaml` changed.
        shared_contacts: bool,
    },
    Everything,
}

impl Impact {
    fn add(&mut self, rel: &Path) {
        let parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
        if matches!(self, Impact::Everything) {
            return;
        }
        if matches!(self, Impact::Nothing) {
            *self = Impact::Changed {
                pages: BTreeSet::new(),
                corridors: BTreeSet::new(),
                shared_contacts: false,
            };
        }
        let Impact::Changed {
            pages,
            corridors,
            shared_contacts,
        } = self
        else {
            unreachable!("set above");
        };
        let scope = |name: &str| {
            if name == SHARED {
                Scope::Shared
            } else {
                Scope::Corridor(name.to_string())
            }
        };
        match parts.as_slice() {
            ["content", dir, _lang, file] if file.ends_with(".md") && !file.starts_with('.') => {
                let slug = file.strip_suffix(".md").unwrap_or(file);
                pages.insert((scope(dir), slug.to_string()));
            }
            ["content", dir, "contacts.yaml"] if *dir == SHARED => *shared_contacts = true,
            ["content", dir, "corridor.yaml" | "contacts.yaml"] if *dir != SHARED => {
                corridors.insert(dir.to_string());
            }
            _ => *self = Impact::Everything,
        }
    }

    /// The outputs the change feeds, in the model before (`old`) and after.
    fn selection(&self, old: &Site, new: &Site) -> Selection {
        let Impact::Changed {
            pages,
            corridors,
            shared_contacts,
        } = self
        else {
            return match self {
                Impact::Nothing => Selection::Only {
                    guides: BTreeSet::new(),
                    site: false,
                },
                _ => Selection::All,
            };
        };
        let mut guides = BTreeSet::new();
        for site in [old, new] {
            for c in &site.corridors {
                let fed = *shared_contacts
                    || corridors.contains(&c.slug)
                    || pages
                        .iter()
                        .any(|(scope, slug)| c.uses_chapter(scope, slug));
                if fed {
                    guides.extend(c.languages.iter().map(|l| (c.slug.clone(), l.clone())));
                }
            }
        }
        // A page can start or stop showing an image, which is published
        // with the site's own files.
        let images_moved = !old.media.keys().eq(new.media.keys());
        Selection::Only {
            guides,
            site: *shared_contacts || !corridors.is_empty() || images_moved,
        }
    }
}
