//! Markdown events → Typst markup. Every piece of user text is escaped, so
//! nothing in a page can run Typst code: punctuation becomes `\x` escapes
//! (Typst reads `\` + any character as that character), URLs and code become
//! string literals. Raw HTML is dropped, never printed as code; the site's
//! own images are printed, others leave their description.

use crate::diagnostic::Origin;
use crate::markdown::chapter_link_target;
use crate::model::ImageSource;
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
        image_starts: page
            .events
            .iter()
            .enumerate()
            .filter(|(_, e)| matches!(e, Event::Start(Tag::Image { .. })))
            .map(|(i, _)| i)
            .collect(),
        last_heading: 1,
        links: 0,
        strikes: 0,
        objects: 0,
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
    c.last_heading = 1;
    c.convert(0..events.len(), &footnotes)
}

struct Converter<'a, 'p> {
    page: &'a Page,
    has_chapter: &'a dyn Fn(&str) -> bool,
    printed: &'p mut dyn FnMut(&str, Origin<'_>),
    /// The events that start images, in order: the n-th is `page.images[n]`
    /// (footnotes are converted out of order, and an image's description
    /// may hold another).
    image_starts: Vec<usize>,
    /// The level of the last heading (the chapter's own title is 1).
    last_heading: usize,
    /// Open links and strikethroughs: PDF/UA-1 lets text carry one
    /// decoration at a time, and a link is underlined.
    links: usize,
    strikes: usize,
    /// Links and footnotes since the last paragraph break (see
    /// [`OBJECTS_PER_PARAGRAPH`]).
    objects: usize,
}

/// The typesetter lays out a paragraph in time that grows with the square
/// of its links and footnotes (40,000 links in one paragraph: 14 s, in 400
/// paragraphs: 3.7 s). A paragraph with more than this many is set as
/// several, one after another: no guide a person writes has that many.
pub const OBJECTS_PER_PARAGRAPH: usize = 100;

/// What closes an element, and which decoration count it ends.
struct Closer {
    text: &'static str,
    ends: Option<Decoration>,
}

#[derive(Clone, Copy)]
enum Decoration {
    Link,
    Strike,
}

impl Closer {
    fn plain(text: &'static str) -> Self {
        Closer { text, ends: None }
    }
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
    /// Counts a link or footnote; a paragraph break when the paragraph has
    /// had its share.
    fn object(&mut self) -> String {
        self.objects += 1;
        if self.objects > OBJECTS_PER_PARAGRAPH {
            self.objects = 1;
            "#parbreak()".to_string()
        } else {
            String::new()
        }
    }

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
        let mut closers: Vec<Closer> = Vec::new();
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
                Event::Start(Tag::CodeBlock(_)) => code = Some(String::new()),
                Event::Start(Tag::FootnoteDefinition(_) | Tag::HtmlBlock) => skip_depth = 1,
                Event::Start(tag) => {
                    if let Tag::Paragraph = tag {
                        self.objects = 0;
                    }
                    if let (Tag::Link { .. }, 0) = (tag, self.links) {
                        out.push_str(&self.object());
                    }
                    let (open, close) = self.open(tag, i);
                    out.push_str(&open);
                    match close {
                        Some(c) => closers.push(c),
                        // The element is printed whole (an image): its
                        // events up to its end are not.
                        None => skip_depth = 1,
                    }
                }
                Event::End(_) => {
                    if let Some(c) = closers.pop() {
                        match c.ends {
                            Some(Decoration::Link) => self.links -= 1,
                            Some(Decoration::Strike) => self.strikes -= 1,
                            None => {}
                        }
                        out.push_str(c.text);
                    }
                }
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
                    out.push_str(&self.object());
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

    /// The markup that opens `tag` (event `i`), and what closes it; `None`
    /// when the element is printed whole here.
    fn open(&mut self, tag: &Tag, i: usize) -> (String, Option<Closer>) {
        let plain =
            |open: &str, close: &'static str| (open.to_string(), Some(Closer::plain(close)));
        match tag {
            Tag::Paragraph => plain("", "\n\n"),
            Tag::Heading { level, .. } => {
                // PDF/UA-1: a heading has words, and levels go down one at a
                // time; a heading without words is printed as its content.
                let end = matching_end(&self.page.events, i);
                // An image's description is not the heading's words.
                let mut in_image = 0usize;
                let has_words = self.page.events[i + 1..end].iter().any(|e| {
                    match e {
                        Event::Start(Tag::Image { .. }) => in_image += 1,
                        Event::End(TagEnd::Image) => in_image -= 1,
                        Event::Text(t) | Event::Code(t) => {
                            return in_image == 0 && !t.trim().is_empty();
                        }
                        _ => {}
                    }
                    false
                });
                if !has_words {
                    return plain("", "\n\n");
                }
                let level = (*level as usize).max(2).min(self.last_heading + 1);
                self.last_heading = level;
                plain(
                    &format!("#heading(level: {level}, outlined: false)["),
                    "]\n\n",
                )
            }
            Tag::BlockQuote(_) => plain("#quote(block: true)[", "]\n\n"),
            Tag::List(None) => plain("#list(", ")\n\n"),
            Tag::List(Some(start)) => plain(&format!("#enum(start: {start}, "), ")\n\n"),
            Tag::Item => plain("[", "],\n"),
            Tag::Emphasis => plain("#emph[", "]"),
            Tag::Strong => plain("#strong[", "]"),
            Tag::Strikethrough if self.links > 0 => plain("", ""),
            Tag::Strikethrough => {
                self.strikes += 1;
                (
                    "#strike[".to_string(),
                    Some(Closer {
                        text: "]",
                        ends: Some(Decoration::Strike),
                    }),
                )
            }
            Tag::Link { dest_url, .. } => {
                let target = match chapter_link_target(dest_url) {
                    Some(slug) if (self.has_chapter)(slug) => Some(label(slug)),
                    Some(_) => None,
                    None if is_linkable(dest_url) => Some(string(dest_url)),
                    None => None,
                };
                let Some(target) = target else {
                    return plain("#[", "]");
                };
                self.links += 1;
                let (open, close) = if self.strikes > 0 {
                    (format!("#link({target})["), "]")
                } else {
                    (format!("#link({target})[#underline["), "]]")
                };
                (
                    open,
                    Some(Closer {
                        text: close,
                        ends: Some(Decoration::Link),
                    }),
                )
            }
            Tag::Image { .. } => {
                let image = self
                    .page
                    .images
                    .get(self.image_starts.partition_point(|&s| s < i));
                match image {
                    Some(img) => match &img.source {
                        ImageSource::Media(path) => {
                            // The description is the image's alt text for
                            // screen readers; it prints nothing.
                            let alt = if img.alt.trim().is_empty() {
                                path.as_str()
                            } else {
                                img.alt.as_str()
                            };
                            (
                                format!(
                                    "#image({}, alt: {}, width: 100%)",
                                    string(&format!("/media/{path}")),
                                    string(alt)
                                ),
                                None,
                            )
                        }
                        // Left out, as on the web: its description stays,
                        // so no text is lost.
                        ImageSource::Foreign => plain("#emph[\\[", "\\]]"),
                    },
                    None => (String::new(), None),
                }
            }
            Tag::Table(aligns) => plain(
                &format!("#table(columns: {}, ", aligns.len().max(1)),
                ")\n\n",
            ),
            Tag::TableHead => plain("table.header(", "),\n"),
            Tag::TableRow => plain("", ""),
            Tag::TableCell => plain("[", "], "),
            _ => plain("", ""),
        }
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
        let page = crate::markdown::test_page("content/x/en/p.md", "p", s);
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

    /// Each image prints its own file, wherever it stands: in a footnote
    /// (converted first), inside another image's description, or after
    /// either.
    #[test]
    fn every_image_prints_its_own_file() {
        let out = md(
            "Text[^n] ![B](b.png)\n\n[^n]: ![A](a.png)\n\n![C ![D](d.png)](c.png) ![E](e.png)\n",
        );
        for (alt, file) in [("A", "a"), ("B", "b"), ("C D", "c"), ("E", "e")] {
            assert!(
                out.contains(&format!(
                    "#image(\"/media/x/en/{file}.png\", alt: \"{alt}\""
                )),
                "{alt}: {out}"
            );
        }
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
        assert!(out.contains("#link(<ch-work>)[#underline[w]]"), "{out}");
        assert!(out.contains("#[x]"));
        assert!(out.contains("#link(\"https://example.org/\\\"x\")[#underline[e]]"));
        assert!(out.contains("#list([a],\n[b],\n)"), "{out}");
        assert!(out.contains("#enum(start: 1, "));
        assert!(
            out.contains("#table(columns: 1, table.header([h], ),\n[d], )"),
            "{out}"
        );
        assert!(out.contains("#footnote[Note\\.]"), "{out}");
    }

    /// PDF/UA-1 rules the content must not break: one text decoration at a
    /// time, headings that have words and never skip a level.
    #[test]
    fn output_follows_pdf_ua() {
        let out = md("~~a [b](https://example.org) c~~ [~~d~~](https://example.org)\n");
        assert!(
            out.contains("#strike[a #link(\"https://example.org\")[b] c]"),
            "{out}"
        );
        assert!(
            out.contains("#link(\"https://example.org\")[#underline[d]]"),
            "{out}"
        );
        let out = md("### three\n\n###### six\n\n## two\n\n#\n\n## ![map](https://x.org/m.png)\n");
        let levels: Vec<&str> = out
            .match_indices("#heading(level: ")
            .map(|(i, _)| &out[i + 16..i + 17])
            .collect();
        assert_eq!(levels, ["2", "3", "2"], "{out}");
    }

    #[test]
    fn strings_escape_quotes_and_backslashes() {
        assert_eq!(string("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"");
    }
}
