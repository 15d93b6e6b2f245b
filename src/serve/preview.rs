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
//! A guide's outputs are all the files under `<lang>/<corridor>/`; the
//! glyph check and the page-weight warnings are kept per guide and per file
//! the same way. While the site has errors nothing is rendered and what
//! changed is remembered, so the first good build after them re-renders all
//! of it. Tests compare every step with a fresh `check` and a fresh render.

use crate::diagnostic::Diagnostic;
use crate::load::{self, Cache};
use crate::model::{Scope, Site, SHARED};
use crate::render::{self, GuideKey, RenderOptions, Selection};
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
    opts: RenderOptions,
    load: Cache,
    html: render::Cache,
    /// The model of the last update, errors or not.
    site: Option<Arc<Site>>,
    /// Diagnostics of the last update: exactly what `check` would say.
    diagnostics: Vec<Diagnostic>,
    /// What [`crate::check_guide`] finds, per guide of `site`.
    guide_checks: BTreeMap<GuideKey, Vec<Diagnostic>>,
    /// Page-weight warnings of the last good render, by output file.
    weights: BTreeMap<String, Diagnostic>,
    /// The last good render's files (everything but the PDFs).
    files: BTreeMap<String, Arc<Vec<u8>>>,
    /// What changed since the last good render and is not shown yet.
    pending: Option<Selection>,
}

impl Preview {
    pub fn new(root: &Path, base_url: &str) -> Preview {
        Preview {
            root: root.to_path_buf(),
            opts: RenderOptions {
                base_url: base_url.to_string(),
                pdf: true,
                progress: None,
            },
            load: Cache::default(),
            html: render::Cache::default(),
            site: None,
            diagnostics: Vec::new(),
            guide_checks: BTreeMap::new(),
            weights: BTreeMap::new(),
            files: BTreeMap::new(),
            pending: None,
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

    pub fn options(&self) -> &RenderOptions {
        &self.opts
    }

    /// Brings the preview up to date with the site folder after `changed`.
    /// `made` holds the PDFs typeset so far (the home pages show their
    /// sizes).
    pub fn update(&mut self, changed: &Changed, made: &BTreeMap<String, usize>) -> Update {
        let impact = self.forget(changed);
        let old = self.site.take();
        let loaded = load::load_with(&self.root, &mut self.load);
        let mut diagnostics = loaded.diagnostics;
        let Some(site) = loaded.site.map(Arc::new) else {
            self.guide_checks.clear();
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
        self.check_guides(&site, &selection);
        diagnostics.extend(self.guide_checks.values().flatten().cloned());
        crate::diagnostic::sort(&mut diagnostics);

        let wanted = merge(self.pending.take(), selection);
        let mut rendered = None;
        let mut files = 0;
        if diagnostics.iter().any(Diagnostic::is_error) {
            self.pending = Some(wanted);
        } else {
            match render::render_html_selected(&site, &self.opts, made, &wanted, &self.html) {
                Ok(output) => {
                    files = output.files.len();
                    self.replace(old.as_deref(), &site, &wanted, output);
                    self.html.keep_only(&site);
                    rendered = Some(wanted);
                }
                Err(errors) => {
                    diagnostics.extend(errors);
                    self.pending = Some(wanted);
                }
            }
        }
        if !diagnostics.iter().any(Diagnostic::is_error) {
            diagnostics.extend(self.weights.values().cloned());
        }
        crate::diagnostic::sort(&mut diagnostics);
        self.diagnostics = diagnostics;
        self.site = Some(site);
        Update { rendered, files }
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

    /// Runs [`crate::check_guide`] on the guides the change feeds (and any
    /// not checked yet), resolving only those.
    fn check_guides(&mut self, site: &Site, selection: &Selection) {
        use rayon::prelude::*;
        let current: BTreeSet<GuideKey> = site
            .corridors
            .iter()
            .flat_map(|c| c.languages.iter().map(move |l| (c.slug.clone(), l.clone())))
            .collect();
        self.guide_checks.retain(|k, _| current.contains(k));
        let stale: Vec<(&crate::model::Corridor, &str)> = site
            .corridors
            .iter()
            .flat_map(|c| c.languages.iter().map(move |l| (c, l.as_str())))
            .filter(|(c, l)| {
                selection.has(&c.slug, l)
                    || !self
                        .guide_checks
                        .contains_key(&(c.slug.clone(), l.to_string()))
            })
            .collect();
        let found: Vec<(GuideKey, Vec<Diagnostic>)> = stale
            .par_iter()
            .map(|&(c, l)| {
                let guide = crate::guide::Guide::new(site, c, l);
                (
                    (c.slug.clone(), l.to_string()),
                    crate::check_guide(&guide, &site.config.base_url),
                )
            })
            .collect();
        self.guide_checks.extend(found);
    }

    /// Puts a render's files in place of the ones it supersedes: all of a
    /// re-rendered guide's folder, and the site's own files when those were
    /// rendered.
    fn replace(
        &mut self,
        old: Option<&Site>,
        site: &Site,
        selection: &Selection,
        output: render::Output,
    ) {
        match selection {
            Selection::All => {
                self.files.clear();
                self.weights.clear();
            }
            Selection::Some { guides, site_pages } => {
                let dirs: Vec<String> = guides
                    .iter()
                    .map(|(corridor, lang)| format!("{lang}/{corridor}/"))
                    .collect();
                let mut all_dirs: BTreeSet<String> = guide_dirs(site);
                if let Some(old) = old {
                    all_dirs.extend(guide_dirs(old));
                }
                let superseded = |path: &str| {
                    dirs.iter().any(|d| path.starts_with(d.as_str()))
                        || (*site_pages && !all_dirs.iter().any(|d| path.starts_with(d.as_str())))
                };
                self.files.retain(|path, _| !superseded(path));
                self.weights.retain(|path, _| !superseded(path));
            }
        }
        for (path, bytes) in output.files {
            self.files.insert(path, Arc::new(bytes));
        }
        self.weights.extend(output.warnings);
    }
}

/// `<lang>/<corridor>/` of every guide of `site`.
fn guide_dirs(site: &Site) -> BTreeSet<String> {
    site.corridors
        .iter()
        .flat_map(|c| c.languages.iter().map(move |l| format!("{l}/{}/", c.slug)))
        .collect()
}

fn merge(a: Option<Selection>, b: Selection) -> Selection {
    match (a, b) {
        (None, b) => b,
        (Some(Selection::All), _) | (_, Selection::All) => Selection::All,
        (
            Some(Selection::Some {
                guides: mut g1,
                site_pages: s1,
            }),
            Selection::Some {
                guides: g2,
                site_pages: s2,
            },
        ) => {
            g1.extend(g2);
            Selection::Some {
                guides: g1,
                site_pages: s1 || s2,
            }
        }
    }
}

/// What a set of changed files feeds, before looking at the model.
#[derive(Debug, Default)]
enum Impact {
    #[default]
    Nothing,
    Some {
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
            *self = Impact::Some {
                pages: BTreeSet::new(),
                corridors: BTreeSet::new(),
                shared_contacts: false,
            };
        }
        let Impact::Some {
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
        let Impact::Some {
            pages,
            corridors,
            shared_contacts,
        } = self
        else {
            return match self {
                Impact::Nothing => Selection::Some {
                    guides: BTreeSet::new(),
                    site_pages: false,
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
        Selection::Some {
            guides,
            site_pages: *shared_contacts || !corridors.is_empty() || images_moved,
        }
    }
}
