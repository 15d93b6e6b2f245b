//! Markdown events → Typst markup. Every piece of user text is escaped, so
//! nothing in a page can run Typst code: punctuation becomes `\x` escapes
//! (Typst reads `\` + any character as that character), URLs and code become
//! string literals. Raw HTML and images are dropped, never printed as code.

use crate::load::chapter_link_target;
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
/// a chapter of this guide; others become plain text.
pub fn body(events: &[Event<'static>], has_chapter: &dyn Fn(&str) -> bool) -> String {
    // Footnote definitions first: Typst places a footnote where it is
    // referenced, so each reference carries its definition's text.
    let mut footnotes: HashMap<String, String> = HashMap::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::FootnoteDefinition(label)) = &events[i] {
            let end = matching_end(events, i);
            footnotes.insert(
                label.to_string(),
                convert(&events[i + 1..end], has_chapter, &HashMap::new()),
            );
            i = end;
        }
        i += 1;
    }
    convert(events, has_chapter, &footnotes)
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

fn convert(
    events: &[Event<'static>],
    has_chapter: &dyn Fn(&str) -> bool,
    footnotes: &HashMap<String, String>,
) -> String {
    let mut out = String::new();
    let mut code: Option<String> = None;
    let mut skip_depth = 0usize;
    let mut i = 0;
    while i < events.len() {
        let event = &events[i];
        i += 1;
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
                Event::Text(t) => buf.push_str(t),
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
                    Some(slug) if has_chapter(slug) => {
                        out.push_str(&format!("#link({})[", label(slug)))
                    }
                    Some(_) => out.push_str("#["),
                    None if is_linkable(dest_url) => {
                        out.push_str(&format!("#link({})[", string(dest_url)))
                    }
                    None => out.push_str("#["),
                },
                Tag::Table(aligns) => {
                    out.push_str(&format!("#table(columns: {}, ", aligns.len().max(1)))
                }
                Tag::TableHead => out.push_str("table.header("),
                Tag::TableRow => {}
                Tag::TableCell => out.push('['),
                Tag::FootnoteDefinition(_) | Tag::Image { .. } | Tag::HtmlBlock => skip_depth = 1,
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
                TagEnd::Table => out.push_str(")\n\n"),
                TagEnd::TableHead => out.push_str("),\n"),
                TagEnd::TableCell => out.push_str("], "),
                _ => {}
            },
            Event::Text(t) => out.push_str(&text(t)),
            Event::Code(t) => out.push_str(&format!("#raw({})", string(t))),
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

fn is_linkable(url: &str) -> bool {
    ["https://", "http://", "mailto:", "tel:"]
        .iter()
        .any(|p| url.to_ascii_lowercase().starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::markdown_options;
    use pulldown_cmark::Parser;

    fn md(s: &str) -> String {
        let events: Vec<Event<'static>> = Parser::new_ext(s, markdown_options())
            .map(Event::into_static)
            .collect();
        body(&events, &|slug| slug == "work")
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
    fn html_and_images_are_dropped() {
        let out = md("<script>alert(1)</script>\n\nHi ![alt](x.png) <b>b</b>\n");
        assert!(
            !out.contains("script") && !out.contains("alt") && !out.contains("<b>"),
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
