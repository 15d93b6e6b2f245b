//! Translation state: the hash a translation records of its source page, and
//! the status of each corridor × chapter × language.

use crate::model::{ChapterText, Corridor, Site, CONTACTS_CHAPTER};
use sha2::{Digest, Sha256};

/// The hash of a page as readers see it: title, summary and body, with line
/// endings normalised (a Windows editor must not make every page outdated)
/// and trailing blank space at the end of the body ignored. SHA-256, first 16
/// hex digits.
pub fn page_hash(title: &str, summary: Option<&str>, body: &str) -> String {
    let body = body.replace("\r\n", "\n").replace('\r', "\n");
    let mut h = Sha256::new();
    h.update(b"title\0");
    h.update(title.trim().as_bytes());
    h.update(b"\0summary\0");
    h.update(summary.unwrap_or("").trim().as_bytes());
    h.update(b"\0body\0");
    h.update(body.trim_end().as_bytes());
    let digest = h.finalize();
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Source,
    Ok,
    Missing,
    Outdated,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Source => "source",
            Status::Ok => "ok",
            Status::Missing => "missing",
            Status::Outdated => "outdated",
        }
    }
}

/// `None` for the built-in contacts chapter, which is data, not a page.
pub fn status(site: &Site, corridor: &Corridor, slug: &str, lang: &str) -> Option<Status> {
    if slug == CONTACTS_CHAPTER {
        return None;
    }
    Some(match site.chapter_text(corridor, lang, slug) {
        ChapterText::Own { .. } if lang == corridor.source_language => Status::Source,
        ChapterText::Own { outdated: true, .. } => Status::Outdated,
        ChapterText::Own { .. } => Status::Ok,
        ChapterText::Fallback { .. } | ChapterText::Missing | ChapterText::Contacts => {
            Status::Missing
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_ignores_line_endings_and_trailing_space() {
        let a = page_hash("T", None, "a\nb\n");
        assert_eq!(a, page_hash("T", None, "a\r\nb\r\n\r\n"));
        assert_ne!(a, page_hash("T", None, "a\nc\n"));
        assert_ne!(a, page_hash("U", None, "a\nb\n"));
        assert_ne!(a, page_hash("T", Some("s"), "a\nb\n"));
        assert_eq!(a.len(), 16);
    }
}
