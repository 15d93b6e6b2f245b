//! XHTML for the EPUB: the tree the sanitiser already built, written out as
//! XML (void elements closed, every entity numeric, `xml:lang` beside
//! `lang`), so EPUB chapters say exactly what the web pages say.

use ammonia::rcdom::{Handle, NodeData};

const VOID: [&str; 14] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// The children of `root` (a sanitised fragment) as XHTML.
pub fn fragment(root: &Handle) -> String {
    let mut out = String::new();
    for child in root.children.borrow().iter() {
        node(child, &mut out);
    }
    out
}

fn node(handle: &Handle, out: &mut String) {
    match &handle.data {
        NodeData::Document => {
            for child in handle.children.borrow().iter() {
                node(child, out);
            }
        }
        NodeData::Text { contents } => escape(&contents.borrow(), false, out),
        NodeData::Element { name, attrs, .. } => {
            let tag: &str = &name.local;
            // ammonia's fragment root wraps everything in <html>.
            if tag == "html" {
                for child in handle.children.borrow().iter() {
                    node(child, out);
                }
                return;
            }
            out.push('<');
            out.push_str(tag);
            for attr in attrs.borrow().iter() {
                let key: &str = &attr.name.local;
                out.push(' ');
                out.push_str(key);
                out.push_str("=\"");
                escape(&attr.value, true, out);
                out.push('"');
                if key == "lang" {
                    out.push_str(" xml:lang=\"");
                    escape(&attr.value, true, out);
                    out.push('"');
                }
            }
            if VOID.contains(&tag) {
                out.push_str("/>");
                return;
            }
            out.push('>');
            for child in handle.children.borrow().iter() {
                node(child, out);
            }
            out.push_str("</");
            out.push_str(tag);
            out.push('>');
        }
        NodeData::Comment { .. }
        | NodeData::Doctype { .. }
        | NodeData::ProcessingInstruction { .. } => {}
    }
}

/// XML escaping; characters XML 1.0 forbids (most C0 controls) are dropped.
pub fn escape(s: &str, attribute: bool, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || matches!(c as u32, 0xFFFE | 0xFFFF) => {}
            c => out.push(c),
        }
    }
}
