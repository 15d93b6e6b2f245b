//! `sitemap.xml` with an `xhtml:link` hreflang alternate for every language
//! version of a page, as search engines expect.

/// A page in all its languages: (language, output-relative path).
pub type Group = Vec<(String, String)>;

pub fn render(base_url: &str, groups: &[Group]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" \
         xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    for group in groups {
        for (_, path) in group {
            out.push_str("  <url>\n    <loc>");
            out.push_str(&escape(&absolute(base_url, path)));
            out.push_str("</loc>\n");
            if group.len() > 1 {
                for (lang, alt) in group {
                    out.push_str(&format!(
                        "    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>\n",
                        escape(lang),
                        escape(&absolute(base_url, alt))
                    ));
                }
            }
            out.push_str("  </url>\n");
        }
    }
    out.push_str("</urlset>\n");
    out
}

/// `en/uz-ee/index.html` → `https://example.org/guides/en/uz-ee/`.
pub fn absolute(base_url: &str, path: &str) -> String {
    let path = path.strip_suffix("index.html").unwrap_or(path);
    format!("{base_url}{path}")
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alternates_for_each_language() {
        let g = vec![
            ("en".to_string(), "en/index.html".to_string()),
            ("ru".to_string(), "ru/index.html".to_string()),
        ];
        let xml = render("https://example.org/g/", &[g]);
        assert_eq!(xml.matches("<url>").count(), 2);
        assert_eq!(xml.matches("hreflang=").count(), 4);
        assert!(xml.contains("<loc>https://example.org/g/ru/</loc>"));
    }
}
