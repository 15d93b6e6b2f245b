//! Markdown events → Typst markup. Every piece of user text is escaped, so
//! nothing in a page can run Typst code: punctuation becomes `\x` escapes
//! (Typst reads `\` + any character as that character), URLs and code become
//! string literals. Raw HTML is dropped, never printed as code; the site's
//! own images are printed, others leave their description.

use crate::diagnostic::Origin;
use crate::markdown::{chapter_link_target, ImageSource};
use crate::model::Page;
use pulldown_cmark::{Event, Tag, TagEnd};
use std::collections::HashMap;

/// Text as Typst markup: ASCII punctuation escaped, except quotes, which stay
/// plain so Typst sets them as the language's typographic quotes.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for ch in s.chars() {
        match ch {
            '\n' | '\r' | '\t' => out.push(' '),
            '\'' | '"' => out.push(ch),
            c if c.is_ascii_punctuation() => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A Typst string literal.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for ch in s.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A label for a chapter, `<ch-slug>`; slugs are `[a-z0-9-]` (see check).
pub fn label(slug: &str) -> String {
    format!("<ch-{slug}>")
}

/// Converts a chapter body. `has_chapter` says which `x.md` links resolve to
/// a chapter of this guide; others become plain text. Every piece of text
/// printed goes to `printed` with its line.
pub fn body(
    page: &Page,
    has_chapter: &dyn Fn(&str) -> bool,
    printed: &mut dyn FnMut(&str, Origin<'_>),
) -> String {
    let mut c = Converter {
        page,
        has_chapter,
        printed,
        images: 0,
    };
    // Footnote definitions first: Typst places a footnote where it is
    // referenced, so each reference carries its definition's text.
    let events = &page.events;
    let mut footnotes: HashMap<String, String> = HashMap::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::FootnoteDefinition(label)) = &events[i] {
            let end = matching_end(events, i);
            let text = c.convert(i + 1..end, &HashMap::new());
            footnotes.insert(label.to_string(), text);
            i = end;
        }
        i += 1;
    }
    c.images = 0;
    c.convert(0..events.len(), &footnotes)
}

struct Converter<'a, 'p> {
    page: &'a Page,
    has_chapter: &'a dyn Fn(&str) -> bool,
    printed: &'p mut dyn FnMut(&str, Origin<'_>),
    /// Images met so far, to find each one's entry in `page.images`.
    images: usize,
}

fn matching_end(events: &[Event], start: usize) -> usize {
    let mut depth = 0;
    for (i, e) in events.iter().enumerate().skip(start) {
        match e {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    events.len() - 1
}

impl Converter<'_, '_> {
    fn text(&mut self, text: &str, i: usize) -> String {
        let line = self.page.lines.get(i).map(|&l| l as usize);
        (self.printed)(text, Origin::new(&self.page.file, line));
        self::text(text)
    }

    fn convert(
        &mut self,
        range: std::ops::Range<usize>,
        footnotes: &HashMap<String, String>,
    ) -> String {
        let events = &self.page.events;
        let mut out = String::new();
        let mut code: Option<String> = None;
        let mut skip_depth = 0usize;
        let mut in_image = false;
        for i in range {
            let event = &events[i];
            if skip_depth > 0 {
                match event {
                    Event::Start(_) => skip_depth += 1,
                    Event::End(_) => skip_depth -= 1,
                    _ => {}
                }
                continue;
            }
            if let Some(buf) = code.as_mut() {
                match event {
                    Event::Text(t) => {
                        buf.push_str(t);
                        let line = self.page.lines.get(i).map(|&l| l as usize);
                        (self.printed)(t, Origin::new(&self.page.file, line));
                    }
                    Event::End(TagEnd::CodeBlock) => {
                        out.push_str(&format!("#raw(block: true, {})\n\n", string(buf)));
                        code = None;
                    }
                    _ => {}
                }
                continue;
            }
            match event {
                Event::Start(tag) => match tag {
                    Tag::Paragraph => {}
                    Tag::Heading { level, .. } => {
                        let level = (*level as usize).max(2);
                        out.push_str(&format!("#heading(level: {level}, outlined: false)["));
                    }
                    Tag::BlockQuote(_) => out.push_str("#quote(block: true)["),
                    Tag::CodeBlock(_) => code = Some(String::new()),
                    Tag::List(None) => out.push_str("#list("),
                    Tag::List(Some(start)) => out.push_str(&format!("#enum(start: {start}, ")),
                    Tag::Item => out.push('['),
                    Tag::Emphasis => out.push_str("#emph["),
                    Tag::Strong => out.push_str("#strong["),
                    Tag::Strikethrough => out.push_str("#strike["),
                    Tag::Link { dest_url, .. } => match chapter_link_target(dest_url) {
                        Some(slug) if (self.has_chapter)(slug) => {
                            out.push_str(&format!("#link({})[", label(slug)))
                        }
                        Some(_) => out.push_str("#["),
                        None if is_linkable(dest_url) => {
                            out.push_str(&format!("#link({})[", string(dest_url)))
                        }
                        None => out.push_str("#["),
                    },
                    Tag::Image { .. } => {
                        let image = self.page.images.get(self.images);
                        self.images += 1;
                        match image {
                            Some(img) => {
                                if let ImageSource::Media(path) = &img.source {
                                    // The description is the image's alt text
                                    // for screen readers; it prints nothing.
                                    let alt = if img.alt.trim().is_empty() {
                                        path.as_str()
                                    } else {
                                        img.alt.as_str()
                                    };
                                    out.push_str(&format!(
                                        "#image({}, alt: {}, width: 100%)",
                                        string(&format!("/media/{path}")),
                                        string(alt)
                                    ));
                                    skip_depth = 1;
                                } else {
                                    // Left out, as on the web: its description
                                    // stays, so no text is lost.
                                    out.push_str("#emph[\\[");
                                    in_image = true;
                                }
                            }
                            None => skip_depth = 1,
                        }
                    }
                    Tag::Table(aligns) => {
                        out.push_str(&format!("#table(columns: {}, ", aligns.len().max(1)))
                    }
                    Tag::TableHead => out.push_str("table.header("),
                    Tag::TableRow => {}
                    Tag::TableCell => out.push('['),
                    Tag::FootnoteDefinition(_) | Tag::HtmlBlock => skip_depth = 1,
                    _ => {}
                },
                Event::End(tag) => match tag {
                    TagEnd::Paragraph => out.push_str("\n\n"),
                    TagEnd::Heading(_) => out.push_str("]\n\n"),
                    TagEnd::BlockQuote(_) => out.push_str("]\n\n"),
                    TagEnd::List(_) => out.push_str(")\n\n"),
                    TagEnd::Item => out.push_str("],\n"),
                    TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link => {
                        out.push(']')
                    }
                    TagEnd::Image if in_image => {
                        out.push_str("\\]]");
                        in_image = false;
                    }
                    TagEnd::Table => out.push_str(")\n\n"),
                    TagEnd::TableHead => out.push_str("),\n"),
                    TagEnd::TableCell => out.push_str("], "),
                    _ => {}
                },
                Event::Text(t) => {
                    let t = self.text(t, i);
                    out.push_str(&t);
                }
                Event::Code(t) => {
                    let line = self.page.lines.get(i).map(|&l| l as usize);
                    (self.printed)(t, Origin::new(&self.page.file, line));
                    out.push_str(&format!("#raw({})", string(t)));
                }
                Event::SoftBreak => out.push(' '),
                Event::HardBreak => out.push_str("#linebreak()"),
                Event::Rule => out.push_str("#line(length: 100%)\n\n"),
                Event::FootnoteReference(label) => {
                    let note = footnotes.get(label.as_ref()).map_or("", String::as_str);
                    out.push_str(&format!("#footnote[{}]", note.trim()));
                }
                // Raw HTML is not trusted and has no meaning on paper.
                Event::Html(_) | Event::InlineHtml(_) => {}
                _ => {}
            }
        }
        out
    }
}

fn is_linkable(url: &str) -> bool {
    ["https://", "http://", "mailto:", "tel:"]
        .iter()
        .any(|p| url.to_ascii_lowercase().starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(s: &str) -> String {
        let a = crate::markdown::analyse(std::path::Path::new("content/x/en/p.md"), s, 1);
        let page = Page {
            file: "content/x/en/p.md".into(),
            scope: crate::model::Scope::Shared,
            lang: "en".into(),
            slug: "p".into(),
            title: "T".into(),
            summary: None,
            source_hash: None,
            hash: String::new(),
            body: s.into(),
            body_line: 1,
            events: a.events,
            lines: a.lines,
            links: vec![],
            images: a.images,
            front_lines: Default::default(),
        };
        body(&page, &|slug| slug == "work", &mut |_, _| {})
    }

    #[test]
    fn escapes_typst_syntax_in_text() {
        let out = md("#set page(width: 1mm) $x$ *a* `b` // c @ref <lbl> = h\n");
        assert!(out.contains("\\#set page\\(width\\: 1mm\\)"), "{out}");
        assert!(out.contains("\\$x\\$"));
        assert!(out.contains("\\/\\/ c \\@ref"), "{out}");
        assert_eq!(text("<lbl> = x"), "\\<lbl\\> \\= x");
        assert!(out.contains("#strong[a]") || out.contains("#emph[a]"));
        assert!(out.contains("#raw(\"b\")"));
    }

    #[test]
    fn html_is_dropped_and_images_print_or_leave_their_description() {
        let out = md(
            "<script>alert(1)</script>\n\nHi ![alt text](https://evil.example/x.png) <b>b</b>\n",
        );
        assert!(
            !out.contains("script") && !out.contains("<b>") && !out.contains("evil"),
            "{out}"
        );
        assert!(out.contains("#emph[\\[alt text\\]]"), "{out}");
        let out = md("![A map](map.png)\n");
        assert!(
            out.contains("#image(\"/media/x/en/map.png\", alt: \"A map\", width: 100%)"),
            "{out}"
        );
    }

    #[test]
    fn links_lists_tables_footnotes() {
        let out = md("[w](work.md) [x](nope.md) [e](https://example.org/\"x)\n\n- a\n- b\n\n1. c\n\n| h |\n|---|\n| d |\n\nN[^1].\n\n[^1]: Note.\n");
        assert!(out.contains("#link(<ch-work>)[w]"), "{out}");
        assert!(out.contains("#[x]"));
        assert!(out.contains("#link(\"https://example.org/\\\"x\")[e]"));
        assert!(out.contains("#list([a],\n[b],\n)"), "{out}");
        assert!(out.contains("#enum(start: 1, "));
        assert!(
            out.contains("#table(columns: 1, table.header([h], ),\n[d], )"),
            "{out}"
        );
        assert!(out.contains("#footnote[Note\\.]"), "{out}");
    }

    #[test]
    fn strings_escape_quotes_and_backslashes() {
        assert_eq!(string("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"");
    }
}
