//! Reading the site's files: UTF-8 text reported by its site-relative path,
//! front matter split from the body, and the rule that nothing outside the
//! site folder is ever read into the output. Every module that reads a
//! source file (load, i18n, theme, translations) comes here, so this sits
//! below all of them.

use crate::diagnostic::Diagnostic;
use std::path::{Path, PathBuf};

/// Reads a file as UTF-8 text (a leading BOM is dropped), reporting it by its
/// site-relative path. The file must pass [`site_file`].
pub fn read_text(root: &Path, rel: &Path) -> Result<String, Diagnostic> {
    let real = site_file(root, rel).map_err(|why| Diagnostic::error(rel, None, why))?;
    let bytes = std::fs::read(real)
        .map_err(|e| Diagnostic::error(rel, None, format!("cannot read file: {e}")))?;
    text_from_bytes(rel, bytes)
}

/// The one rule for every file a site is made of (pages, YAML, strings,
/// theme files, images): where `rel` really is, if it may be read. A
/// symbolic link is followed only while it stays inside the site folder; a
/// folder, FIFO, socket or device where a file belongs is refused (reading
/// a FIFO would block the build for ever). The reason is a sentence to
/// print after the file's name.
pub fn site_file(root: &Path, rel: &Path) -> Result<PathBuf, String> {
    let path = root.join(rel);
    let linked = match std::fs::symlink_metadata(&path) {
        Ok(m) => m.file_type().is_symlink(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err("no such file".to_string())
        }
        Err(e) => return Err(format!("cannot read file: {e}")),
    };
    let real = match path.canonicalize() {
        Ok(real) => real,
        Err(e) if is_loop(&e) => {
            return Err(
                "is a symbolic link loop: it leads back to itself, so there is no file to read"
                    .to_string(),
            )
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err("is a symbolic link to a file that does not exist".to_string())
        }
        Err(e) => return Err(format!("cannot read file: {e}")),
    };
    let inside = root.canonicalize().is_ok_and(|root| real.starts_with(root));
    if !inside {
        return Err(if linked {
            "is a symbolic link that leads outside the site folder, so it is not read: copy the file into the site".to_string()
        } else {
            "lies in a folder that is a symbolic link leading outside the site folder, so it is not read: copy the files into the site".to_string()
        });
    }
    let kind = std::fs::metadata(&real)
        .map_err(|e| format!("cannot read file: {e}"))?
        .file_type();
    if kind.is_dir() {
        return Err("is a folder where a file belongs".to_string());
    }
    if !kind.is_file() {
        return Err(
            "is not a regular file (a FIFO, socket or device) where a file belongs".to_string(),
        );
    }
    Ok(real)
}

/// Whether an error is the system's "too many levels of symbolic links".
pub fn is_loop(e: &std::io::Error) -> bool {
    #[cfg(unix)]
    if e.raw_os_error() == Some(eloop()) {
        return true;
    }
    e.to_string()
        .to_ascii_lowercase()
        .contains("symbolic links")
}

#[cfg(unix)]
fn eloop() -> i32 {
    // ELOOP is 40 on Linux and 62 on the BSDs and macOS.
    if cfg!(target_os = "linux") {
        40
    } else {
        62
    }
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

/// The folders a site is built from, besides site.yaml: an output inside
/// one would be read back as part of the site, and serve watches them.
pub const SOURCE_DIRS: [&str; 5] = ["content", "locales", "themes", "fonts", "translit"];

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
    fn the_one_rule_for_site_files() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        std::fs::create_dir_all(&site).unwrap();
        std::fs::write(tmp.path().join("secret"), "s").unwrap();
        std::fs::write(site.join("own"), "o").unwrap();
        std::os::unix::fs::symlink(tmp.path().join("secret"), site.join("link")).unwrap();
        std::os::unix::fs::symlink(site.join("own"), site.join("inner")).unwrap();
        std::os::unix::fs::symlink(site.join("loop"), site.join("loop")).unwrap();
        std::fs::create_dir(site.join("folder")).unwrap();
        assert!(site_file(&site, Path::new("own")).is_ok());
        assert!(site_file(&site, Path::new("inner")).is_ok());
        let why = |rel: &str| site_file(&site, Path::new(rel)).unwrap_err();
        assert!(why("link").contains("outside the site"), "{}", why("link"));
        assert!(why("../secret").contains("outside the site"));
        assert!(why("loop").contains("loop"), "{}", why("loop"));
        assert!(why("folder").contains("is a folder"));
        assert!(why("none").contains("no such file"));
    }
}
