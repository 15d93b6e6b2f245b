//! The theme: Tera templates and static files. The default theme is compiled
//! into the binary; a site's `themes/<name>/` replaces it file by file, so an
//! NGO can restyle one template without copying the rest.

use crate::diagnostic::Diagnostic;
use include_dir::{include_dir, Dir};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tera::Tera;
use walkdir::WalkDir;

static BUILTIN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

pub const DEFAULT: &str = "default";

pub struct Theme {
    pub tera: Tera,
    /// Output-relative path → bytes, copied into the output root as-is.
    pub static_files: BTreeMap<String, Vec<u8>>,
    /// Template name → the site file it came from, for error messages.
    pub template_files: BTreeMap<String, PathBuf>,
}

impl Theme {
    pub fn load(site_root: &Path, name: &str, diags: &mut Vec<Diagnostic>) -> Theme {
        let theme_rel = PathBuf::from("themes").join(name);
        let theme_dir = site_root.join(&theme_rel);
        if name != DEFAULT && !theme_dir.is_dir() {
            diags.push(Diagnostic::error(
                "site.yaml",
                None,
                format!(
                    "theme '{name}' not found: expected the folder {}/",
                    theme_rel.display()
                ),
            ));
        }

        let mut templates: BTreeMap<String, String> = BTreeMap::new();
        let mut template_files = BTreeMap::new();
        let mut static_files = BTreeMap::new();
        collect_builtin(&BUILTIN, &mut templates, &mut static_files);

        if theme_dir.is_dir() {
            for (rel_site, file) in theme_files(site_root, &theme_dir, &theme_rel, diags) {
                let parts: Vec<String> = rel_site
                    .strip_prefix(&theme_rel)
                    .expect("under the theme")
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                let real = match file {
                    Ok(real) => real,
                    Err(why) => {
                        diags.push(Diagnostic::error(&rel_site, None, why));
                        continue;
                    }
                };
                match parts.first().map(String::as_str) {
                    Some("templates") => match crate::source::read_text(site_root, &rel_site) {
                        Ok(text) => {
                            let name = parts[1..].join("/");
                            template_files.insert(name.clone(), rel_site);
                            templates.insert(name, text);
                        }
                        Err(d) => diags.push(d),
                    },
                    Some("static") => match std::fs::read(real) {
                        Ok(bytes) => {
                            static_files.insert(parts[1..].join("/"), bytes);
                        }
                        Err(e) => diags.push(Diagnostic::error(
                            rel_site,
                            None,
                            format!("cannot read: {e}"),
                        )),
                    },
                    _ => {}
                }
            }
        }

        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml", ".xhtml", ".opf"]);
        tera.set_escape_fn(escape_html);
        if let Err(e) = tera.add_raw_templates(templates.iter().map(|(n, t)| (n.as_str(), t))) {
            let file = template_files
                .iter()
                .find(|(n, _)| error_chain(&e).contains(n.as_str()))
                .map(|(_, f)| f.clone())
                .unwrap_or_else(|| theme_rel.join("templates"));
            diags.push(Diagnostic::error(
                file,
                None,
                format!("template error: {}", error_chain(&e)),
            ));
        }
        Theme {
            tera,
            static_files,
            template_files,
        }
    }
}

/// Every file of the theme folder, site-relative, with where it really is
/// or why it is not read ([`crate::source::site_file`]: links are followed
/// while they stay inside the site, a FIFO is not a file).
fn theme_files(
    site_root: &Path,
    theme_dir: &Path,
    theme_rel: &Path,
    diags: &mut Vec<Diagnostic>,
) -> Vec<(PathBuf, Result<PathBuf, String>)> {
    let root_real = site_root
        .canonicalize()
        .unwrap_or_else(|_| site_root.to_path_buf());
    let mut files = Vec::new();
    let walk = WalkDir::new(theme_dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            // A link that leads out is not entered; `site_file` reports it.
            !(e.path_is_symlink()
                && e.file_type().is_dir()
                && e.path()
                    .canonicalize()
                    .is_ok_and(|real| !real.starts_with(&root_real)))
        });
    for entry in walk {
        match entry {
            Ok(e) if e.file_type().is_dir() && !e.path_is_symlink() => {}
            Ok(e) => {
                let rel_site = theme_rel.join(e.path().strip_prefix(theme_dir).expect("in theme"));
                let file = crate::source::site_file(site_root, &rel_site);
                // A linked folder inside the site is walked; only files
                // are files.
                if !(e.file_type().is_dir()
                    && file.as_deref().is_err_and(|w| w.contains("is a folder")))
                {
                    files.push((rel_site, file));
                }
            }
            Err(e) => {
                let rel = e
                    .path()
                    .and_then(|p| p.strip_prefix(site_root).ok())
                    .unwrap_or(theme_rel)
                    .to_path_buf();
                let why = if e.loop_ancestor().is_some() {
                    "is a symbolic link loop: it leads back to a folder it is in".to_string()
                } else {
                    format!("cannot read: {e}")
                };
                diags.push(Diagnostic::error(rel, None, why));
            }
        }
    }
    // A linked folder that leads out was not entered: report it once.
    for entry in WalkDir::new(theme_dir).into_iter().flatten() {
        if entry.path_is_symlink() && entry.path().is_dir() {
            let rel_site = theme_rel.join(entry.path().strip_prefix(theme_dir).expect("in theme"));
            match crate::source::site_file(site_root, &rel_site) {
                Err(why) if !why.contains("is a folder") => {
                    diags.push(Diagnostic::error(rel_site, None, why));
                }
                _ => {}
            }
        }
    }
    files
}

fn collect_builtin(
    dir: &Dir<'static>,
    templates: &mut BTreeMap<String, String>,
    static_files: &mut BTreeMap<String, Vec<u8>>,
) {
    for file in dir.files() {
        let path = file.path().to_string_lossy().replace('\\', "/");
        if let Some(name) = path.strip_prefix("templates/") {
            let text = file.contents_utf8().expect("built-in templates are UTF-8");
            templates.insert(name.to_string(), text.to_string());
        } else if let Some(name) = path.strip_prefix("static/") {
            static_files.insert(name.to_string(), file.contents().to_vec());
        }
    }
    for sub in dir.dirs() {
        collect_builtin(sub, templates, static_files);
    }
}

/// Tera's own escaper also rewrites `/`, which bloats every URL by a third
/// and buys nothing inside quoted attributes.
pub fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + input.len() / 16);
    let mut copied = 0;
    // Every page's values pass here: copy the runs between special
    // characters whole (all are ASCII, so a byte index is a char boundary).
    for (i, b) in input.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&input[copied..i]);
        out.push_str(entity);
        copied = i + 1;
    }
    out.push_str(&input[copied..]);
    out
}

/// Tera nests the useful part of an error (the template and its line) in
/// the source chain.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn escape_html_escapes_the_five_and_keeps_the_rest() {
        assert_eq!(
            super::escape_html("Ташкент & <b>\"Tallinn\"</b> 'ü'"),
            "Ташкент &amp; &lt;b&gt;&quot;Tallinn&quot;&lt;/b&gt; &#39;ü&#39;"
        );
        assert_eq!(super::escape_html(""), "");
        assert_eq!(super::escape_html("&"), "&amp;");
    }
}
