//! A chapter's [`Doc`] as Typst markup. Every piece of user text is
//! escaped, so nothing in a page can run Typst code: punctuation becomes
//! `\x` escapes (Typst reads `\` + any character as that character), URLs
//! and code become string literals. Raw HTML is dropped, never printed as
//! code; the site's own images are printed, others leave their
//! description.

use crate::diagnostic::Origin;
use crate::doc::{Block, Doc, Inline};
use crate::markdown::chapter_link_target;
use crate::model::ImageSource;
use std::collections::HashMap;
use std::path::Path;

/// Text as Typst markup: ASCII punctuation escaped, except quotes, which
/// stay plain so Typst sets them as the language's typographic quotes.
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

/// Running text as markup, each number in it one left-to-right box that
/// never breaks across lines ([`crate::numbers`]).
pub fn numbers_kept(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for (piece, number) in crate::numbers::pieces(s) {
        if number {
            out.push_str(&number_box(&text(piece)));
        } else {
            out.push_str(&text(piece));
        }
    }
    out
}

/// Markup (escaped) as one left-to-right unit that never breaks.
pub fn number_box(markup: &str) -> String {
    format!("#box[#set text(dir: ltr);{markup}]")
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

/// The typesetter lays out a paragraph in time that grows with the square
/// of its links and footnotes (40,000 links in one paragraph: 14 s, in 400
/// paragraphs: 3.7 s). A paragraph with more than this many is set as
/// several, one after another: no guide a person writes has that many.
pub const OBJECTS_PER_PARAGRAPH: usize = 100;

/// Converts a chapter's text, which comes from `file`. `has_chapter` says
/// which `x.md` links resolve to a chapter of this guide; others become
/// plain text. Every piece of text printed goes to `printed` with its line.
pub fn body(
    doc: &Doc,
    file: &Path,
    has_chapter: &dyn Fn(&str) -> bool,
    printed: &mut dyn FnMut(&str, Origin<'_>),
) -> String {
    let mut w = Writer {
        file,
        has_chapter,
        printed,
        last_heading: 1,
        links: 0,
        strikes: 0,
        objects: 0,
        footnotes: HashMap::new(),
    };
    // Footnote definitions first: Typst places a footnote where it is
    // referenced, so each reference carries its definition's text.
    let mut defs = Vec::new();
    collect_footnotes(&doc.blocks, &mut defs);
    let mut notes = Vec::with_capacity(defs.len());
    for (label, blocks) in defs {
        let mut text = String::new();
        for b in blocks {
            w.block(b, &mut text);
        }
        notes.push((label.clone(), text));
    }
    // (Set only now: a reference inside a definition prints no note.)
    w.footnotes.extend(notes);
    w.last_heading = 1;
    let mut out = String::new();
    for b in &doc.blocks {
        w.block(b, &mut out);
    }
    out
}

fn collect_footnotes<'d>(blocks: &'d [Block], out: &mut Vec<(&'d String, &'d [Block])>) {
    for b in blocks {
        match b {
            Block::Footnote { label, blocks } => {
                out.push((label, blocks));
                collect_footnotes(blocks, out);
            }
            Block::Quote(bs) => collect_footnotes(bs, out),
            Block::List { items, .. } => items.iter().for_each(|i| collect_footnotes(i, out)),
            _ => {}
        }
    }
}

struct Writer<'a, 'p> {
    file: &'a Path,
    has_chapter: &'a dyn Fn(&str) -> bool,
    printed: &'p mut dyn FnMut(&str, Origin<'_>),
    /// The level of the last heading (the chapter's own title is 1).
    last_heading: usize,
    /// Open links and strikethroughs: PDF/UA-1 lets text carry one
    /// decoration at a time, and a link is underlined.
    links: usize,
    strikes: usize,
    /// Links and footnotes since the last paragraph break.
    objects: usize,
    /// Each footnote's text, by label (a definition's own references are
    /// left empty).
    footnotes: HashMap<String, String>,
}

impl Writer<'_, '_> {
    fn report(&mut self, text: &str, line: u32) {
        (self.printed)(text, Origin::new(self.file, Some(line as usize)));
    }

    /// Counts a link or footnote; a paragraph break when the paragraph has
    /// had its share.
    fn object(&mut self, out: &mut String) {
        self.objects += 1;
        if self.objects > OBJECTS_PER_PARAGRAPH {
            self.objects = 1;
            out.push_str("#parbreak()");
        }
    }

    fn block(&mut self, b: &Block, out: &mut String) {
        match b {
            Block::Paragraph(i) => {
                self.objects = 0;
                self.inlines(i, out);
                out.push_str("\n\n");
            }
            Block::Plain(i) => self.inlines(i, out),
            Block::Heading { level, content, .. } => {
                // PDF/UA-1: a heading has words, and levels go down one at a
                // time; a heading without words is printed as its content.
                if !has_words(content) {
                    self.inlines(content, out);
                    out.push_str("\n\n");
                    return;
                }
                let level = (*level as usize).max(2).min(self.last_heading + 1);
                self.last_heading = level;
                out.push_str(&format!("#heading(level: {level}, outlined: false)["));
                self.inlines(content, out);
                out.push_str("]\n\n");
            }
            Block::Quote(blocks) => {
                out.push_str("#quote(block: true)[");
                blocks.iter().for_each(|b| self.block(b, out));
                out.push_str("]\n\n");
            }
            Block::List { start, items } => {
                match start {
                    None => out.push_str("#list("),
                    Some(n) => out.push_str(&format!("#enum(start: {n}, ")),
                }
                for item in items {
                    out.push('[');
                    item.iter().for_each(|b| self.block(b, out));
                    out.push_str("],\n");
                }
                out.push_str(")\n\n");
            }
            Block::Code { text, line, .. } => {
                self.report(text, *line);
                out.push_str(&format!("#raw(block: true, {})\n\n", string(text)));
            }
            Block::Table { aligns, head, rows } => {
                out.push_str(&format!("#table(columns: {}, ", aligns.len().max(1)));
                out.push_str("table.header(");
                self.cells(head, out);
                out.push_str("),\n");
                for row in rows {
                    self.cells(row, out);
                }
                out.push_str(")\n\n");
            }
            Block::Rule => out.push_str("#line(length: 100%)\n\n"),
            // Raw HTML is not trusted and has no meaning on paper; a
            // footnote is printed where it is referenced.
            Block::Html(_) | Block::Footnote { .. } => {}
        }
    }

    fn cells(&mut self, cells: &[Vec<crate::doc::Inline>], out: &mut String) {
        for cell in cells {
            out.push('[');
            self.inlines(cell, out);
            out.push_str("], ");
        }
    }

    fn inlines(&mut self, inlines: &[Inline], out: &mut String) {
        for i in inlines {
            self.inline(i, out);
        }
    }

    fn inline(&mut self, i: &Inline, out: &mut String) {
        match i {
            Inline::Text { text: t, line } => {
                self.report(t, *line);
                out.push_str(&numbers_kept(t));
            }
            Inline::Code { text: t, line } => {
                self.report(t, *line);
                out.push_str(&format!("#raw({})", string(t)));
            }
            Inline::SoftBreak => out.push(' '),
            Inline::HardBreak => out.push_str("#linebreak()"),
            Inline::Html(_) => {}
            Inline::FootnoteRef(label) => {
                self.object(out);
                let note = self.footnotes.get(label).map_or("", String::as_str);
                out.push_str(&format!("#footnote[{}]", note.trim()));
            }
            Inline::Emph(c) => self.wrapped("#emph[", c, "]", out),
            Inline::Strong(c) => self.wrapped("#strong[", c, "]", out),
            Inline::Strike(c) if self.links > 0 => self.inlines(c, out),
            Inline::Strike(c) => {
                self.strikes += 1;
                self.wrapped("#strike[", c, "]", out);
                self.strikes -= 1;
            }
            Inline::Link { dest, content, .. } => {
                if self.links == 0 {
                    self.object(out);
                }
                let target = match chapter_link_target(dest) {
                    Some(slug) if (self.has_chapter)(slug) => Some(label(slug)),
                    Some(_) => None,
                    None if is_linkable(dest) => Some(string(dest)),
                    None => None,
                };
                let Some(target) = target else {
                    return self.wrapped("#[", content, "]", out);
                };
                self.links += 1;
                if self.strikes > 0 {
                    self.wrapped(&format!("#link({target})["), content, "]", out);
                } else {
                    self.wrapped(&format!("#link({target})[#underline["), content, "]]", out);
                }
                self.links -= 1;
            }
            Inline::Contact {
                id,
                line,
                content,
                to,
            } => {
                let Some(c) = to else {
                    return if content.is_empty() {
                        out.push_str(&text(id))
                    } else {
                        self.wrapped("#[", content, "]", out)
                    };
                };
                if self.links == 0 {
                    self.object(out);
                }
                // The number, printed: a page cannot be tapped.
                let number = c.number.as_deref().map(|n| {
                    self.report(n, *line);
                    number_box(&text(n))
                });
                let mut words = String::new();
                if content.is_empty() {
                    self.report(&c.name, *line);
                    words.push_str(&numbers_kept(&c.name));
                    if let Some(n) = &number {
                        words.push(' ');
                        words.push_str(n);
                    }
                } else {
                    self.links += 1;
                    self.inlines(content, &mut words);
                    self.links -= 1;
                }
                match c.href.as_deref().filter(|h| is_linkable(h)) {
                    Some(href) if self.strikes > 0 => {
                        out.push_str(&format!("#link({})[{words}]", string(href)))
                    }
                    Some(href) => {
                        out.push_str(&format!("#link({})[#underline[{words}]]", string(href)))
                    }
                    None => out.push_str(&format!("#[{words}]")),
                }
                if let (Some(n), false) = (number, content.is_empty()) {
                    out.push_str(&format!(" \\({n}\\)"));
                }
            }
            Inline::Image {
                source,
                alt,
                content,
                ..
            } => match source {
                ImageSource::Media(path) => {
                    // The description is the image's alt text for screen
                    // readers; it prints nothing.
                    let alt = if alt.trim().is_empty() {
                        path.as_str()
                    } else {
                        alt.as_str()
                    };
                    out.push_str(&format!(
                        "#image({}, alt: {}, width: 100%)",
                        string(&format!("/media/{path}")),
                        string(alt)
                    ));
                }
                // Left out, as on the web: its description stays, so no
                // text is lost.
                ImageSource::Foreign => self.wrapped("#emph[\\[", content, "\\]]", out),
            },
        }
    }

    fn wrapped(&mut self, open: &str, content: &[Inline], close: &str, out: &mut String) {
        out.push_str(open);
        self.inlines(content, out);
        out.push_str(close);
    }
}

/// Whether a heading has words of its own (an image's description is not
/// the heading's words).
fn has_words(inlines: &[Inline]) -> bool {
    inlines.iter().any(|i| match i {
        Inline::Text { text, .. } | Inline::Code { text, .. } => !text.trim().is_empty(),
        Inline::Emph(c) | Inline::Strong(c) | Inline::Strike(c) => has_words(c),
        Inline::Link { content, .. } => has_words(content),
        Inline::Contact { content, to, .. } => to.is_some() || has_words(content),
        _ => false,
    })
}

fn is_linkable(url: &str) -> bool {
    ["https://", "http://", "mailto:", "tel:"]
        .iter()
        .any(|p| url.to_ascii_lowercase().starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::ContactLink;

    #[test]
    fn a_contact_prints_its_number_after_the_words() {
        let page = crate::markdown::test_page(
            "content/x/en/p.md",
            "p",
            "Call [](contact:line) or [us](contact:line).\n",
        );
        let d = page.doc.with_contacts(&|_| {
            Some(ContactLink {
                name: "Line".into(),
                name_lang: None,
                number: Some("+44 20 7946 0018".into()),
                href: Some("tel:+442079460018".into()),
            })
        });
        let mut printed = Vec::new();
        let out = body(
            &d,
            Path::new("content/x/en/p.md"),
            &|_| false,
            &mut |t, _| printed.push(t.to_string()),
        );
        let number = number_box("\\+44 20 7946 0018");
        assert!(
            out.contains(&format!(
                "#link(\"tel:+442079460018\")[#underline[Line {number}]]"
            )),
            "{out}"
        );
        assert!(
            out.contains(&format!(
                "#link(\"tel:+442079460018\")[#underline[us]] \\({number}\\)"
            )),
            "{out}"
        );
        assert!(printed.iter().any(|t| t == "+44 20 7946 0018"));
    }
}
