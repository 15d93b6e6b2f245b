//! Markdown events (parsed once at load) → safe HTML. Chapter links become
//! relative links to the chapter in the same language; raw HTML goes through
//! ammonia, so scripts, event handlers, `javascript:` URLs and anything that
//! would load from another host never reach a reader.

use crate::load::{chapter_link_target, is_remote};
use crate::model::Page;
use pulldown_cmark::{html, CowStr, Event, HeadingLevel, Tag, TagEnd};
use std::collections::HashMap;
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A chapter page at `<lang>/<corridor>/<slug>/index.html`.
    Chapter,
    /// One section of `print.html`: links stay within the page, headings sit
    /// one level lower, ids carry the chapter's slug.
    Print,
}

pub fn render(page: &Page, mode: Mode) -> String {
    let prefix = match mode {
        Mode::Chapter => String::new(),
        Mode::Print => format!("{}-", page.slug),
    };
    let mut footnotes: HashMap<String, usize> = HashMap::new();
    let mut number = |label: &str| {
        let next = footnotes.len() + 1;
        *footnotes.entry(label.to_string()).or_insert(next)
    };
    let events = page.events.iter().cloned().map(|event| match event {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: rewrite_link(dest_url, mode),
            title,
            id,
        }),
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) if mode == Mode::Print => Event::Start(Tag::Heading {
            level: lower(level),
            id,
            classes,
            attrs,
        }),
        Event::End(TagEnd::Heading(level)) if mode == Mode::Print => {
            Event::End(TagEnd::Heading(lower(level)))
        }
        Event::FootnoteReference(label) => {
            let n = number(&label);
            Event::InlineHtml(
                format!("<sup class=\"fn\"><a href=\"#{prefix}fn-{n}\" id=\"{prefix}ref-{n}\">{n}</a></sup>")
                    .into(),
            )
        }
        Event::Start(Tag::FootnoteDefinition(label)) => {
            let n = number(&label);
            Event::Html(
                format!("<div class=\"footnote\" id=\"{prefix}fn-{n}\"><sup>{n}</sup> ").into(),
            )
        }
        Event::End(TagEnd::FootnoteDefinition) => Event::Html("</div>\n".into()),
        other => other,
    });
    let mut out = String::with_capacity(page.body.len() * 3 / 2);
    html::push_html(&mut out, events);
    sanitizer().clean(&out).to_string()
}

fn lower(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H2,
        HeadingLevel::H2 => HeadingLevel::H3,
        HeadingLevel::H3 => HeadingLevel::H4,
        HeadingLevel::H4 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

fn rewrite_link(dest: CowStr<'static>, mode: Mode) -> CowStr<'static> {
    let Some(slug) = chapter_link_target(&dest) else {
        return dest;
    };
    let fragment = dest.split_once('#').map(|(_, f)| f);
    match (mode, fragment) {
        (Mode::Chapter, None) => format!("../{slug}/index.html").into(),
        (Mode::Chapter, Some(f)) => format!("../{slug}/index.html#{f}").into(),
        (Mode::Print, _) => format!("#ch-{slug}").into(),
    }
}

/// Built once: the allow-list of what Markdown and harmless inline HTML may
/// produce. Everything else is dropped, including `style` (CSS can load
/// remote resources) and images from other hosts.
fn sanitizer() -> &'static ammonia::Builder<'static> {
    static BUILDER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.url_schemes(["http", "https", "mailto", "tel"].into())
            .link_rel(None)
            .add_generic_attributes(["id", "lang", "dir"])
            .add_allowed_classes("div", ["footnote"])
            .add_allowed_classes("sup", ["fn"])
            .rm_tag_attributes("img", ["srcset"])
            .attribute_filter(|element, attribute, value| {
                if element == "img" && attribute == "src" && is_remote(value) {
                    None
                } else {
                    Some(value.into())
                }
            });
        b
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::markdown_options;
    use crate::model::Scope;
    use pulldown_cmark::Parser;

    fn page(body: &str) -> Page {
        Page {
            file: "x.md".into(),
            scope: Scope::Shared,
            lang: "en".into(),
            slug: "intro".into(),
            title: "T".into(),
            summary: None,
            source_hash: None,
            hash: String::new(),
            body: body.into(),
            body_line: 1,
            events: Parser::new_ext(body, markdown_options())
                .map(Event::into_static)
                .collect(),
            links: vec![],
            remote_images: vec![],
            front_lines: Default::default(),
        }
    }

    #[test]
    fn chapter_links_resolve_per_mode() {
        let p = page("See [rights](rights-at-work.md) and [x](https://a.example/b.md).");
        let html = render(&p, Mode::Chapter);
        assert!(
            html.contains("href=\"../rights-at-work/index.html\""),
            "{html}"
        );
        assert!(html.contains("href=\"https://a.example/b.md\""));
        assert!(render(&p, Mode::Print).contains("href=\"#ch-rights-at-work\""));
    }

    #[test]
    fn strips_scripts_keeps_harmless_html() {
        let p = page("<script>alert(1)</script>\n\nHi <b>bold</b> <a href=\"JaVaScRiPt:alert(1)\">x</a> <img src=x onerror=alert(1)>");
        let html = render(&p, Mode::Chapter);
        assert!(!html.to_lowercase().contains("script"), "{html}");
        assert!(!html.contains("onerror"));
        assert!(html.contains("<b>bold</b>"));
    }

    #[test]
    fn footnotes_and_tables() {
        let p = page("Text[^a].\n\n[^a]: Note.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~\n");
        let html = render(&p, Mode::Print);
        assert!(html.contains("href=\"#intro-fn-1\""), "{html}");
        assert!(html.contains("id=\"intro-fn-1\""));
        assert!(html.contains("<table>"));
        assert!(html.contains("<del>old</del>"));
    }
}
