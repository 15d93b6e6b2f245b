//! The document tree: a page's Markdown, converted once at load into the
//! small set of blocks and inlines the guides use. Every output walks this
//! tree and nothing else: the HTML pages, print.html and the one-file guide
//! ([`crate::render::html_doc`]), the EPUB's XHTML (the same writer), the
//! PDF's Typst markup ([`crate::render::typst_doc`]), and plain text for
//! search and messages ([`Doc::plain_text`]). Links and images are already
//! resolved here (a chapter, a site file, or something left out), so no
//! renderer interprets an address again.

use crate::model::{Image, ImageSource};
use pulldown_cmark::{Alignment, CodeBlockKind, Event, LinkType, Tag};

/// A chapter's text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Doc {
    pub blocks: Vec<Block>,
    /// The page has raw HTML: only such pages go through the sanitiser.
    pub raw_html: bool,
    /// The page links to contacts (`[](contact:ID)`): the guide fills in
    /// each one's name and number for its reader ([`Doc::with_contacts`]).
    pub contact_links: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Paragraph(Vec<Inline>),
    /// The text of a tight list item, outside any paragraph.
    Plain(Vec<Inline>),
    Heading {
        level: u8,
        content: Vec<Inline>,
        /// Its anchor, unique in the page ([`crate::words::anchor`]): the
        /// page links it as `#id`, print.html and the EPUB as
        /// `#<chapter>-id`, and search leads to it.
        id: String,
    },
    Quote(Vec<Block>),
    List {
        /// The first number of a numbered list.
        start: Option<u64>,
        items: Vec<Vec<Block>>,
    },
    Code {
        /// The info string's first word (`rust` for ```` ```rust ````).
        lang: String,
        text: String,
        line: u32,
    },
    Table {
        aligns: Vec<Alignment>,
        head: Vec<Vec<Inline>>,
        rows: Vec<Vec<Vec<Inline>>>,
    },
    Rule,
    /// Raw HTML, as written: untrusted, for the sanitiser.
    Html(String),
    Footnote {
        label: String,
        blocks: Vec<Block>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    Text {
        text: String,
        line: u32,
    },
    Code {
        text: String,
        line: u32,
    },
    /// Inline raw HTML, untrusted.
    Html(String),
    SoftBreak,
    HardBreak,
    Emph(Vec<Inline>),
    Strong(Vec<Inline>),
    Strike(Vec<Inline>),
    Link {
        dest: String,
        title: String,
        /// An e-mail autolink (`<a@example.org>`): the address without
        /// its `mailto:`.
        email: bool,
        content: Vec<Inline>,
    },
    Image {
        /// The address as written.
        dest: String,
        title: String,
        source: ImageSource,
        /// Its description as plain text (the screen reader's words).
        alt: String,
        content: Vec<Inline>,
    },
    FootnoteRef(String),
    /// `[words](contact:ID)`: the words (none for `[](contact:ID)`) link
    /// to the contact `id`, resolved for the reader by the guide.
    Contact {
        id: String,
        line: u32,
        content: Vec<Inline>,
        to: Option<Box<ContactLink>>,
    },
}

/// A contact as a link in text shows it: filled in per guide, so the one
/// number in contacts.yaml is the number every output prints.
#[derive(Debug, Clone, PartialEq)]
pub struct ContactLink {
    /// In the reader's language (or the fallback's).
    pub name: String,
    /// The language of `name` and its direction, where it is not the
    /// reader's.
    pub name_lang: Option<(String, crate::lang::Dir)>,
    /// What a reader dials or types, as contacts.yaml writes it: the
    /// phone, else WhatsApp, Telegram (`@handle`) or e-mail.
    pub number: Option<String>,
    /// Where a tap leads: `tel:`, WhatsApp, Telegram, `mailto:`, else the
    /// contact's web page.
    pub href: Option<String>,
}

/// The contact a `contact:` address names (`contact:ID`, the scheme in any
/// case), or `None` for any other address.
pub fn contact_id(dest: &str) -> Option<&str> {
    let (scheme, id) = dest.split_at_checked(8)?;
    scheme.eq_ignore_ascii_case("contact:").then(|| id.trim())
}

impl Doc {
    /// Builds the tree from a page's events (`lines[i]` is the line event
    /// `i` starts on) and its images, in the order they appear.
    pub fn build(events: &[Event<'static>], lines: &[u32], images: &[Image]) -> Doc {
        let mut b = Builder {
            events,
            lines,
            images: images.iter(),
            at: 0,
            raw_html: false,
            contact_links: false,
            depth: 0,
            flattened: 0,
        };
        let mut blocks = b.blocks();
        name_headings(&mut blocks, &mut Default::default());
        Doc {
            blocks,
            raw_html: b.raw_html,
            contact_links: b.contact_links,
        }
    }

    /// The tree with every contact link filled in by `find` (`None`: no
    /// such contact, a check error, and the link shows its words).
    pub fn with_contacts(&self, find: &dyn Fn(&str) -> Option<ContactLink>) -> Doc {
        fn inlines(i: &[Inline], find: &dyn Fn(&str) -> Option<ContactLink>) -> Vec<Inline> {
            i.iter().map(|i| inline(i, find)).collect()
        }
        fn inline(i: &Inline, find: &dyn Fn(&str) -> Option<ContactLink>) -> Inline {
            match i {
                Inline::Contact {
                    id, line, content, ..
                } => Inline::Contact {
                    id: id.clone(),
                    line: *line,
                    content: inlines(content, find),
                    to: find(id).map(Box::new),
                },
                Inline::Emph(c) => Inline::Emph(inlines(c, find)),
                Inline::Strong(c) => Inline::Strong(inlines(c, find)),
                Inline::Strike(c) => Inline::Strike(inlines(c, find)),
                Inline::Link {
                    dest,
                    title,
                    email,
                    content,
                } => Inline::Link {
                    dest: dest.clone(),
                    title: title.clone(),
                    email: *email,
                    content: inlines(content, find),
                },
                Inline::Image {
                    dest,
                    title,
                    source,
                    alt,
                    content,
                } => Inline::Image {
                    dest: dest.clone(),
                    title: title.clone(),
                    source: source.clone(),
                    alt: alt.clone(),
                    content: inlines(content, find),
                },
                other => other.clone(),
            }
        }
        let blocks = self
            .blocks
            .iter()
            .map(|b| b.map_inlines(&|i| inlines(i, find)))
            .collect();
        Doc {
            blocks,
            raw_html: self.raw_html,
            contact_links: self.contact_links,
        }
    }

    /// Every piece of text a writer typed (text and code, not link
    /// addresses or raw HTML), with its line.
    pub fn texts(&self, f: &mut dyn FnMut(&str, u32)) {
        fn inlines(i: &[Inline], f: &mut dyn FnMut(&str, u32)) {
            for i in i {
                match i {
                    Inline::Text { text, line } | Inline::Code { text, line } => f(text, *line),
                    Inline::Emph(c)
                    | Inline::Strong(c)
                    | Inline::Strike(c)
                    | Inline::Link { content: c, .. }
                    | Inline::Image { content: c, .. }
                    | Inline::Contact { content: c, .. } => inlines(c, f),
                    Inline::Html(_)
                    | Inline::SoftBreak
                    | Inline::HardBreak
                    | Inline::FootnoteRef(_) => {}
                }
            }
        }
        // Two borrows of `f`, one at a time.
        let f = std::cell::RefCell::new(f);
        for b in &self.blocks {
            b.each_inlines(
                &mut |i| inlines(i, &mut **f.borrow_mut()),
                &mut |code, line| (f.borrow_mut())(code, line),
            );
        }
    }

    /// The text a reader reads, blocks separated by blank lines: for
    /// search and messages. Raw HTML and images leave their words.
    pub fn plain_text(&self) -> String {
        let mut out = String::new();
        for b in &self.blocks {
            block_text(b, &mut out);
        }
        out.trim_end().to_string()
    }

    /// Every heading: its level, plain text and anchor, in order.
    pub fn headings(&self) -> Vec<(u8, String, String)> {
        fn walk(blocks: &[Block], out: &mut Vec<(u8, String, String)>) {
            for b in blocks {
                match b {
                    Block::Heading { level, content, id } => {
                        let mut t = String::new();
                        inlines_text(content, &mut t);
                        out.push((*level, t, id.clone()));
                    }
                    Block::Quote(bs) | Block::Footnote { blocks: bs, .. } => walk(bs, out),
                    Block::List { items, .. } => items.iter().for_each(|i| walk(i, out)),
                    _ => {}
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.blocks, &mut out);
        out
    }
}

/// Gives every heading its anchor, in reading order.
fn name_headings(blocks: &mut [Block], taken: &mut std::collections::HashSet<String>) {
    for b in blocks {
        match b {
            Block::Heading { content, id, .. } => {
                let mut text = String::new();
                inlines_text(content, &mut text);
                *id = crate::words::anchor(&text, taken);
            }
            Block::Quote(bs) | Block::Footnote { blocks: bs, .. } => name_headings(bs, taken),
            Block::List { items, .. } => items.iter_mut().for_each(|i| name_headings(i, taken)),
            _ => {}
        }
    }
}

impl Block {
    /// The block with each run of inlines in it (at any depth) replaced by
    /// `f`'s.
    fn map_inlines(&self, f: &dyn Fn(&[Inline]) -> Vec<Inline>) -> Block {
        let blocks = |bs: &[Block]| bs.iter().map(|b| b.map_inlines(f)).collect();
        match self {
            Block::Paragraph(i) => Block::Paragraph(f(i)),
            Block::Plain(i) => Block::Plain(f(i)),
            Block::Heading { level, content, id } => Block::Heading {
                level: *level,
                content: f(content),
                id: id.clone(),
            },
            Block::Quote(bs) => Block::Quote(blocks(bs)),
            Block::List { start, items } => Block::List {
                start: *start,
                items: items.iter().map(|i| blocks(i)).collect(),
            },
            Block::Table { aligns, head, rows } => Block::Table {
                aligns: aligns.clone(),
                head: head.iter().map(|c| f(c)).collect(),
                rows: rows
                    .iter()
                    .map(|r| r.iter().map(|c| f(c)).collect())
                    .collect(),
            },
            Block::Footnote { label, blocks: bs } => Block::Footnote {
                label: label.clone(),
                blocks: blocks(bs),
            },
            Block::Code { .. } | Block::Rule | Block::Html(_) => self.clone(),
        }
    }

    /// Calls `f` on each run of inlines in the block, at any depth, and
    /// `code` on each code block's text.
    fn each_inlines(&self, f: &mut dyn FnMut(&[Inline]), code: &mut dyn FnMut(&str, u32)) {
        match self {
            Block::Paragraph(i) | Block::Plain(i) | Block::Heading { content: i, .. } => f(i),
            Block::Quote(bs) | Block::Footnote { blocks: bs, .. } => {
                bs.iter().for_each(|b| b.each_inlines(f, code))
            }
            Block::List { items, .. } => {
                items.iter().flatten().for_each(|b| b.each_inlines(f, code))
            }
            Block::Table { head, rows, .. } => std::iter::once(head)
                .chain(rows)
                .flatten()
                .for_each(|c| f(c)),
            Block::Code { text, line, .. } => code(text, *line),
            Block::Rule | Block::Html(_) => {}
        }
    }
}

fn block_text(b: &Block, out: &mut String) {
    match b {
        Block::Paragraph(i) | Block::Plain(i) | Block::Heading { content: i, .. } => {
            inlines_text(i, out);
            out.push_str("\n\n");
        }
        Block::Quote(bs) | Block::Footnote { blocks: bs, .. } => {
            bs.iter().for_each(|b| block_text(b, out));
        }
        Block::List { items, .. } => {
            for item in items {
                item.iter().for_each(|b| block_text(b, out));
            }
        }
        Block::Code { text, .. } => {
            out.push_str(text);
            out.push_str("\n\n");
        }
        Block::Table { head, rows, .. } => {
            for row in std::iter::once(head).chain(rows) {
                for cell in row {
                    inlines_text(cell, out);
                    out.push(' ');
                }
                out.push_str("\n\n");
            }
        }
        Block::Rule => {}
        Block::Html(h) => {
            out.push_str(&crate::render::html_doc::text_of_html(h));
            out.push_str("\n\n");
        }
    }
}

/// The plain text of inlines, appended to `out`.
pub fn inlines_text(inlines: &[Inline], out: &mut String) {
    for i in inlines {
        match i {
            Inline::Text { text, .. } | Inline::Code { text, .. } => out.push_str(text),
            Inline::SoftBreak | Inline::HardBreak => out.push(' '),
            Inline::Emph(c) | Inline::Strong(c) | Inline::Strike(c) => inlines_text(c, out),
            Inline::Link { content, .. } | Inline::Image { content, .. } => {
                inlines_text(content, out)
            }
            Inline::Html(h) => out.push_str(&crate::render::html_doc::text_of_html(h)),
            Inline::FootnoteRef(_) => {}
            Inline::Contact { content, to, .. } => match to {
                Some(c) if content.is_empty() => {
                    out.push_str(&c.name);
                    if let Some(n) = &c.number {
                        out.push(' ');
                        out.push_str(n);
                    }
                }
                _ => inlines_text(content, out),
            },
        }
    }
}

/// The tree is at most this deep; what nests deeper is flattened into
/// its enclosing element. Such a page is an error already
/// ([`crate::markdown::MAX_NESTING`]), so it is never shown; the cap keeps
/// building it, and every writer's walk of it, off the stack's limit.
const MAX_DEPTH: usize = 64;

struct Builder<'a> {
    events: &'a [Event<'static>],
    lines: &'a [u32],
    images: std::slice::Iter<'a, Image>,
    at: usize,
    raw_html: bool,
    contact_links: bool,
    /// How deep the element being read is.
    depth: usize,
    /// Elements opened past [`MAX_DEPTH`] and not closed yet: their ends
    /// are not the enclosing element's.
    flattened: usize,
}

impl Builder<'_> {
    fn line(&self) -> u32 {
        self.lines.get(self.at).copied().unwrap_or(0)
    }

    /// Blocks up to the end of the enclosing element (its `End` is
    /// consumed) or of the events. Inline events met here (a tight list
    /// item's text) gather in a [`Block::Plain`].
    fn blocks(&mut self) -> Vec<Block> {
        let mut blocks = Vec::new();
        let mut plain: Vec<Inline> = Vec::new();
        while let Some(event) = self.events.get(self.at) {
            let block = match event {
                Event::End(_) if self.flattened > 0 => {
                    self.flattened -= 1;
                    self.at += 1;
                    continue;
                }
                Event::End(_) => {
                    self.at += 1;
                    break;
                }
                Event::Start(_) if self.depth >= MAX_DEPTH => {
                    self.flattened += 1;
                    self.at += 1;
                    continue;
                }
                Event::Start(tag) if is_block(tag) => {
                    let tag = tag.clone();
                    self.at += 1;
                    self.depth += 1;
                    let block = self.block(tag);
                    self.depth -= 1;
                    block
                }
                Event::Rule => {
                    self.at += 1;
                    Block::Rule
                }
                Event::Html(h) => {
                    // Outside an HTML block (a tight item's raw HTML line).
                    self.raw_html = true;
                    let h = h.to_string();
                    self.at += 1;
                    Block::Html(h)
                }
                _ => {
                    if let Some(i) = self.inline() {
                        plain.push(i);
                    }
                    continue;
                }
            };
            if !plain.is_empty() {
                blocks.push(Block::Plain(std::mem::take(&mut plain)));
            }
            blocks.push(block);
        }
        if !plain.is_empty() {
            blocks.push(Block::Plain(plain));
        }
        blocks
    }

    /// The block a `Start(tag)` opens (the start already consumed).
    fn block(&mut self, tag: Tag<'static>) -> Block {
        match tag {
            Tag::Paragraph => Block::Paragraph(self.inlines()),
            Tag::Heading { level, .. } => Block::Heading {
                level: level as u8,
                content: self.inlines(),
                id: String::new(),
            },
            Tag::BlockQuote(_) => Block::Quote(self.blocks()),
            Tag::List(start) => {
                let mut items = Vec::new();
                while let Some(event) = self.events.get(self.at) {
                    self.at += 1;
                    match event {
                        Event::Start(Tag::Item) => items.push(self.blocks()),
                        Event::End(_) => break,
                        _ => {}
                    }
                }
                Block::List { start, items }
            }
            Tag::CodeBlock(kind) => {
                let line = self.line();
                let mut text = String::new();
                while let Some(event) = self.events.get(self.at) {
                    self.at += 1;
                    match event {
                        Event::Text(t) => text.push_str(t),
                        Event::End(_) => break,
                        _ => {}
                    }
                }
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info.split(' ').next().unwrap_or("").to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                Block::Code { lang, text, line }
            }
            Tag::Table(aligns) => {
                let (mut head, mut rows) = (Vec::new(), Vec::new());
                while let Some(event) = self.events.get(self.at) {
                    self.at += 1;
                    match event {
                        Event::Start(Tag::TableHead) => head = self.cells(),
                        Event::Start(Tag::TableRow) => rows.push(self.cells()),
                        Event::End(_) => break,
                        _ => {}
                    }
                }
                Block::Table { aligns, head, rows }
            }
            Tag::HtmlBlock => {
                self.raw_html = true;
                let mut html = String::new();
                while let Some(event) = self.events.get(self.at) {
                    self.at += 1;
                    match event {
                        Event::Html(h) | Event::Text(h) => html.push_str(h),
                        Event::End(_) => break,
                        _ => {}
                    }
                }
                Block::Html(html)
            }
            Tag::FootnoteDefinition(label) => Block::Footnote {
                label: label.to_string(),
                blocks: self.blocks(),
            },
            // Not produced with the options the content format enables.
            _ => Block::Paragraph(self.inlines()),
        }
    }

    /// The cells of a table row or head, up to its end.
    fn cells(&mut self) -> Vec<Vec<Inline>> {
        let mut cells = Vec::new();
        while let Some(event) = self.events.get(self.at) {
            self.at += 1;
            match event {
                Event::Start(Tag::TableCell) => cells.push(self.inlines()),
                Event::End(_) => break,
                _ => {}
            }
        }
        cells
    }

    /// Inlines up to the end of the enclosing element (consumed).
    fn inlines(&mut self) -> Vec<Inline> {
        let mut out = Vec::new();
        while let Some(event) = self.events.get(self.at) {
            match event {
                Event::End(_) if self.flattened > 0 => {
                    self.flattened -= 1;
                    self.at += 1;
                    continue;
                }
                Event::End(_) => {
                    self.at += 1;
                    break;
                }
                Event::Start(_) if self.depth >= MAX_DEPTH => {
                    self.flattened += 1;
                    self.at += 1;
                    continue;
                }
                _ => {}
            }
            self.depth += 1;
            if let Some(i) = self.inline() {
                out.push(i);
            }
            self.depth -= 1;
        }
        out
    }

    /// The inline at the cursor (consumed), if it is one.
    fn inline(&mut self) -> Option<Inline> {
        let line = self.line();
        let event = self.events.get(self.at)?.clone();
        self.at += 1;
        Some(match event {
            Event::Text(t) => Inline::Text {
                text: t.to_string(),
                line,
            },
            Event::Code(t) => Inline::Code {
                text: t.to_string(),
                line,
            },
            Event::InlineHtml(h) | Event::Html(h) => {
                self.raw_html = true;
                Inline::Html(h.to_string())
            }
            Event::SoftBreak => Inline::SoftBreak,
            Event::HardBreak => Inline::HardBreak,
            Event::FootnoteReference(label) => Inline::FootnoteRef(label.to_string()),
            Event::Start(Tag::Emphasis) => Inline::Emph(self.inlines()),
            Event::Start(Tag::Strong) => Inline::Strong(self.inlines()),
            Event::Start(Tag::Strikethrough) => Inline::Strike(self.inlines()),
            Event::Start(Tag::Link { dest_url, .. }) if contact_id(&dest_url).is_some() => {
                self.contact_links = true;
                Inline::Contact {
                    id: contact_id(&dest_url).unwrap_or_default().to_string(),
                    line,
                    content: self.inlines(),
                    to: None,
                }
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            }) => Inline::Link {
                dest: dest_url.to_string(),
                title: title.to_string(),
                email: link_type == LinkType::Email,
                content: self.inlines(),
            },
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => {
                let image = self.images.next();
                Inline::Image {
                    dest: dest_url.to_string(),
                    title: title.to_string(),
                    source: image.map_or(ImageSource::Foreign, |i| i.source.clone()),
                    alt: image.map(|i| i.alt.clone()).unwrap_or_default(),
                    content: self.inlines(),
                }
            }
            // Anything else opened here is read as its content.
            Event::Start(_) => return self.inlines().into_iter().next(),
            Event::End(_) | Event::Rule | Event::TaskListMarker(_) => return None,
            Event::InlineMath(t) | Event::DisplayMath(t) => Inline::Text {
                text: t.to_string(),
                line,
            },
        })
    }
}

fn is_block(tag: &Tag) -> bool {
    matches!(
        tag,
        Tag::Paragraph
            | Tag::Heading { .. }
            | Tag::BlockQuote(_)
            | Tag::CodeBlock(_)
            | Tag::HtmlBlock
            | Tag::List(_)
            | Tag::Table(_)
            | Tag::FootnoteDefinition(_)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(md: &str) -> Doc {
        let p = crate::markdown::test_page("content/x/en/p.md", "p", md);
        p.doc.as_ref().clone()
    }

    #[test]
    fn builds_blocks_and_inlines() {
        let d = doc("# T\n\nA *b* [c](d.md)\n\n- x\n- y\n\n| h |\n|---|\n| v |\n");
        assert!(!d.raw_html);
        assert_eq!(d.blocks.len(), 4, "{:?}", d.blocks);
        assert!(matches!(&d.blocks[0], Block::Heading { level: 1, .. }));
        match &d.blocks[2] {
            Block::List { start: None, items } => {
                assert_eq!(items.len(), 2);
                assert!(matches!(items[0][0], Block::Plain(_)));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(d.plain_text(), "T\n\nA b c\n\nx\n\ny\n\nh \n\nv");
        assert_eq!(d.headings(), vec![(1, "T".to_string(), "t".to_string())]);
    }

    #[test]
    fn contact_links_are_filled_in_per_reader() {
        assert_eq!(contact_id("contact:police"), Some("police"));
        assert_eq!(contact_id("CONTACT: police "), Some("police"));
        assert_eq!(contact_id("contacts.md"), None);
        assert_eq!(contact_id("tel:112"), None);
        let d = doc("Call [](contact:police) or [the line](contact:line).\n\n| [](contact:police) |\n|---|\n| x |\n");
        assert!(d.contact_links);
        let police = ContactLink {
            name: "Police".into(),
            name_lang: None,
            number: Some("112".into()),
            href: Some("tel:112".into()),
        };
        let filled = d.with_contacts(&|id| (id == "police").then(|| police.clone()));
        // Unknown ids keep their words; known ones show name and number,
        // also inside a table.
        assert_eq!(
            filled.plain_text(),
            "Call Police 112 or the line.\n\nPolice 112 \n\nx"
        );
        let mut typed = Vec::new();
        d.texts(&mut |t, line| typed.push((t.to_string(), line)));
        assert!(typed.contains(&("the line".to_string(), 1)), "{typed:?}");
    }

    #[test]
    fn raw_html_is_marked() {
        assert!(doc("Hi <b>x</b>\n").raw_html);
        assert!(doc("<div>\nx\n</div>\n").raw_html);
        assert!(!doc("Hi `<b>`\n").raw_html);
    }
}
