//! Every place a file goes in the output, in one module: the pages, the
//! guides' downloads, the search index, and the relative ways back to the
//! output root. Renderers, `serve` and the tests ask here; nothing else
//! writes `<lang>/<corridor>/` by hand.

/// From a guide's home page, print.html or a download to the output root.
pub const GUIDE_ROOT: &str = "../../";
/// From a chapter page to the output root.
pub const CHAPTER_ROOT: &str = "../../../";
/// From a language's own pages (its index, its search page's folder) to
/// the output root.
pub const LANGUAGE_ROOT: &str = "../";
/// From a language's search page to the output root.
pub const SEARCH_ROOT: &str = "../../";

/// The language chooser.
pub const CHOOSER: &str = "index.html";
pub const NOT_FOUND: &str = "404.html";
pub const SITEMAP: &str = "sitemap.xml";

/// A guide's files, by name in its folder.
pub const VCARD: &str = "contacts.vcf";
pub const MESSAGE: &str = "emergency.txt";
pub const SMS: &str = "emergency-sms.txt";
pub const PRINT: &str = "print.html";
pub const HOME: &str = "index.html";

/// `<lang>/<corridor>/`: everything of one guide lives below.
pub fn guide_dir(lang: &str, corridor: &str) -> String {
    format!("{lang}/{corridor}/")
}

/// `<lang>/<corridor>/<file>`.
pub fn in_guide(lang: &str, corridor: &str, file: &str) -> String {
    format!("{lang}/{corridor}/{file}")
}

/// A chapter page, below its guide's folder: `<slug>/index.html`.
pub fn chapter_file(slug: &str) -> String {
    format!("{slug}/index.html")
}

/// `<lang>/<corridor>/<slug>/index.html`.
pub fn chapter(lang: &str, corridor: &str, slug: &str) -> String {
    in_guide(lang, corridor, &chapter_file(slug))
}

/// `<corridor>-<lang>.pdf`, the A6 pocket guide.
pub fn pdf_file(lang: &str, corridor: &str) -> String {
    format!("{corridor}-{lang}.pdf")
}

/// `<corridor>-<lang>-booklet-a4.pdf`.
pub fn booklet_file(lang: &str, corridor: &str) -> String {
    format!("{corridor}-{lang}-booklet-a4.pdf")
}

/// `<corridor>-<lang>.html`, the one-file guide.
pub fn single_file(lang: &str, corridor: &str) -> String {
    format!("{corridor}-{lang}.html")
}

/// `<corridor>-<lang>.epub`.
pub fn epub_file(lang: &str, corridor: &str) -> String {
    format!("{corridor}-{lang}.epub")
}

/// `<lang>/index.html`: the corridors in that language.
pub fn language_index(lang: &str) -> String {
    format!("{lang}/index.html")
}

/// The folder of each language's search page: no corridor may take it.
pub const SEARCH: &str = "search";

/// `<lang>/search/`: the search page and its index files.
pub fn search_dir(lang: &str) -> String {
    format!("{lang}/{SEARCH}/")
}

/// `<lang>/search/index.html`.
pub fn search_page(lang: &str) -> String {
    format!("{lang}/{SEARCH}/index.html")
}

/// A guide's file as the search page links it: `../<corridor>/<file>`.
pub fn from_search_page(corridor: &str, file: &str) -> String {
    format!("../{}", in_guide_from_language(corridor, file))
}

/// `<corridor>/<file>`: a guide's file from its language's folder.
fn in_guide_from_language(corridor: &str, file: &str) -> String {
    format!("{corridor}/{file}")
}

/// `media/<path>`: a site image, by its path below `content/`.
pub fn media(path: &str) -> String {
    format!("media/{path}")
}

/// The guide's web address: `base_url` + `<lang>/<corridor>/`.
pub fn guide_url(base_url: &str, lang: &str, corridor: &str) -> String {
    format!("{base_url}{}", guide_dir(lang, corridor))
}

/// An output path as an address: `en/uz-ee/index.html` is
/// `https://example.org/guides/en/uz-ee/`.
pub fn absolute(base_url: &str, path: &str) -> String {
    let path = path.strip_suffix("index.html").unwrap_or(path);
    format!("{base_url}{path}")
}

/// Whether an output path is a file of a language's search page or index
/// (`<lang>/search/…`), of any language: every first folder but the
/// images' (`media/search/…` is an image of a folder named `search`).
pub fn is_search(path: &str) -> bool {
    let mut parts = path.splitn(3, '/');
    let (Some(first), Some(second), Some(_)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    second == SEARCH && first != "media"
}

/// The guide an output path belongs to, as (language, corridor), if any:
/// how `serve` tells which files a re-rendered guide replaces.
pub fn guide_of(path: &str) -> Option<(&str, &str)> {
    let mut parts = path.splitn(3, '/');
    let (lang, corridor, rest) = (parts.next()?, parts.next()?, parts.next()?);
    (!rest.is_empty() && !is_search(path)).then_some((lang, corridor))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_files_are_told_from_guides_and_images() {
        assert!(is_search("uz-Cyrl/search/index.html"));
        assert!(is_search("en/search/s/6f-7a.js"));
        assert!(!is_search("media/search/map.png"));
        assert!(!is_search("en/uz-ee/search/index.html"));
        assert!(!is_search("en/search"));
        assert_eq!(guide_of("en/search/t/1.js"), None);
        assert_eq!(guide_of("en/uz-ee/index.html"), Some(("en", "uz-ee")));
    }

    #[test]
    fn paths() {
        assert_eq!(
            chapter("ru", "uz-ee", "rights"),
            "ru/uz-ee/rights/index.html"
        );
        assert_eq!(
            in_guide("en", "uz-ee", &pdf_file("en", "uz-ee")),
            "en/uz-ee/uz-ee-en.pdf"
        );
        assert_eq!(
            absolute("https://e.org/g/", "en/uz-ee/index.html"),
            "https://e.org/g/en/uz-ee/"
        );
        assert_eq!(guide_of("en/uz-ee/print.html"), Some(("en", "uz-ee")));
        assert_eq!(guide_of("en/index.html"), None);
        assert_eq!(guide_of("en/search/index.html"), None);
        assert_eq!(guide_of("style.css"), None);
    }
}
