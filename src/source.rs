//! Reading the site's files: UTF-8 text reported by its site-relative path,
//! front matter split from the body, and the rule that nothing outside the
//! site folder is ever read into the output. Every module that reads a
//! source file (load, i18n, theme, translations) comes here, so this sits
//! below all of them.

use crate::diagnostic::Diagnostic;
use std::path::{Path, PathBuf};

/// Reads a file as UTF-8 text (a leading BOM is dropped), reporting it by its
/// site-relative path.
pub fn read_text(root: &Path, rel: &Path) -> Result<String, Diagnostic> {
    let bytes = std::fs::read(root.join(rel))
        .map_err(|e| Diagnostic::error(rel, None, format!("cannot read file: {e}")))?;
    text_from_bytes(rel, bytes)
}

/// UTF-8 text from bytes, with the line of the first invalid byte on error.
pub fn text_from_bytes(rel: &Path, bytes: Vec<u8>) -> Result<String, Diagnostic> {
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

/// Where `rel` (relative to the site) really is, if that is inside the site
/// folder. A symlink to `~/.ssh/id_rsa` in a theme's `static/` must not be
/// published by a CI build of a contributor's change.
pub fn inside_site(root: &Path, rel: &Path) -> Option<PathBuf> {
    let root = root.canonicalize().ok()?;
    let real = root.join(rel).canonicalize().ok()?;
    real.starts_with(&root).then_some(real)
}

/// The line (1-based) that byte `offset` of `text` stands on.
pub fn line_at(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
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
    fn invalid_utf8_names_its_line() {
        let d = text_from_bytes(Path::new("a.md"), b"ok\nok\nbad \xff\n".to_vec()).unwrap_err();
        assert_eq!(d.line, Some(3));
        assert_eq!(
            text_from_bytes(Path::new("a"), "\u{feff}x".into()).unwrap(),
            "x"
        );
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_out_of_the_site_are_not_inside() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        std::fs::create_dir_all(&site).unwrap();
        std::fs::write(tmp.path().join("secret"), "s").unwrap();
        std::fs::write(site.join("own"), "o").unwrap();
        std::os::unix::fs::symlink(tmp.path().join("secret"), site.join("link")).unwrap();
        assert!(inside_site(&site, Path::new("own")).is_some());
        assert!(inside_site(&site, Path::new("link")).is_none());
        assert!(inside_site(&site, Path::new("../secret")).is_none());
    }
}
