//! `sitemap.xml` with an `xhtml:link` hreflang alternate for every language
//! version of a page, as search engines expect.

use super::{Done, Output, Purpose, RenderContext, Scope, Target};
use crate::diagnostic::Diagnostic;
use crate::paths;
use crate::view::SiteView;

/// A page in all its languages: (language, output-relative path).
pub type Group = Vec<(String, String)>;

pub struct Sitemap;

impl Output for Sitemap {
    fn name(&self) -> &'static str {
        "sitemap"
    }

    fn scope(&self) -> Scope {
        Scope::Site
    }

    fn render(&self, cx: &RenderContext, _: Target) -> Result<Done, Diagnostic> {
        if cx.purpose == Purpose::Check {
            return Ok(Done::default());
        }
        Ok(Done::file(
            paths::SITEMAP.to_string(),
            render(&cx.site.base_url, &groups(cx.site)).into_bytes(),
        ))
    }
}

/// Every page of the site with its language versions: the chooser, the
/// language indexes, and per corridor its home, each chapter and
/// print.html.
pub fn groups(site: &SiteView) -> Vec<Group> {
    let mut groups = vec![vec![(
        site.default_language.clone(),
        paths::CHOOSER.to_string(),
    )]];
    groups.push(
        site.languages
            .iter()
            .map(|l| (l.code.clone(), paths::language_index(&l.code)))
            .collect(),
    );
    // The guides of one corridor stand together, in the corridors' order.
    let mut corridors: Vec<&str> = Vec::new();
    for g in &site.guides {
        if !corridors.contains(&g.corridor.as_str()) {
            corridors.push(&g.corridor);
        }
    }
    for corridor in corridors {
        let guides: Vec<_> = site
            .guides
            .iter()
            .filter(|g| g.corridor == corridor)
            .collect();
        let group = |file: &str| -> Group {
            guides
                .iter()
                .map(|g| (g.lang.code.clone(), g.path(file)))
                .collect()
        };
        groups.push(group(paths::HOME));
        for ch in &guides[0].chapters {
            groups.push(group(&paths::chapter_file(&ch.slug)));
        }
        groups.push(group(paths::PRINT));
    }
    groups
}

pub fn render(base_url: &str, groups: &[Group]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" \
         xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    for group in groups {
        for (_, path) in group {
            out.push_str("  <url>\n    <loc>");
            out.push_str(&escape(&paths::absolute(base_url, path)));
            out.push_str("</loc>\n");
            if group.len() > 1 {
                for (lang, alt) in group {
                    out.push_str(&format!(
                        "    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>\n",
                        escape(lang),
                        escape(&paths::absolute(base_url, alt))
                    ));
                }
            }
            out.push_str("  </url>\n");
        }
    }
    out.push_str("</urlset>\n");
    out
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
