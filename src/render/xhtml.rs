//! XHTML for the EPUB, from the sanitiser's HTML5. That output is regular:
//! html5ever writes every attribute value in double quotes (escaping `&` and
//! `"`), escapes `&`, `<` and `>` in text, and names no entity but `&nbsp;`;
//! the sanitiser leaves no comments, scripts or styles. So XHTML is that text
//! with void elements closed, `&nbsp;` numeric, `<` escaped in attribute
//! values and `xml:lang` beside every `lang`. epubcheck, run by the tests on
//! every EPUB, is the judge.

const VOID: [&str; 14] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// Sanitised HTML5 as XHTML.
pub fn from_html(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        text(&rest[..lt], &mut out);
        rest = &rest[lt..];
        let end = tag_end(rest);
        tag(&rest[..end], &mut out);
        rest = &rest[end..];
    }
    text(rest, &mut out);
    out
}

/// Text with `&nbsp;` numeric, onto `out` without a copy in between.
fn text(s: &str, out: &mut String) {
    let (mut copied, mut at) = (0, 0);
    while let Some(i) = memchr::memchr(b'&', &s.as_bytes()[at..]) {
        at += i;
        if s[at..].starts_with("&nbsp;") {
            out.push_str(&s[copied..at]);
            out.push_str("&#160;");
            at += "&nbsp;".len();
            copied = at;
        } else {
            at += 1;
        }
    }
    out.push_str(&s[copied..]);
}

/// The length of the tag at the start of `s`, up to and with its `>`
/// outside quotes.
fn tag_end(s: &str) -> usize {
    let mut quoted = false;
    for (i, c) in s.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '>' if !quoted => return i + 1,
            _ => {}
        }
    }
    s.len()
}

fn tag(t: &str, out: &mut String) {
    let inner = t
        .strip_prefix('<')
        .and_then(|t| t.strip_suffix('>'))
        .unwrap_or(t);
    if inner.starts_with('/') {
        out.push_str(t);
        return;
    }
    let inner = inner.strip_suffix('/').unwrap_or(inner).trim_end();
    let name_end = inner
        .find(|c: char| c.is_ascii_whitespace())
        .unwrap_or(inner.len());
    let name = &inner[..name_end];
    out.push('<');
    out.push_str(name);
    let mut attrs = &inner[name_end..];
    while let Some(eq) = attrs.find('=') {
        let key = attrs[..eq].trim();
        let after = &attrs[eq + 1..];
        let value_start = after.find('"').map_or(after.len(), |q| q + 1);
        let value_len = after[value_start..]
            .find('"')
            .unwrap_or(after.len() - value_start);
        let value = &after[value_start..value_start + value_len];
        let value = value.replace('<', "&lt;").replace("&nbsp;", "&#160;");
        attribute(key, &value, out);
        if key == "lang" {
            attribute("xml:lang", &value, out);
        }
        attrs = &after[(value_start + value_len + 1).min(after.len())..];
    }
    if VOID.contains(&name.to_ascii_lowercase().as_str()) {
        out.push_str("/>");
    } else {
        out.push('>');
    }
}

fn attribute(key: &str, value: &str, out: &mut String) {
    for part in [" ", key, "=\"", value, "\""] {
        out.push_str(part);
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

#[cfg(test)]
mod tests {
    use super::from_html;

    #[test]
    fn void_elements_close_and_entities_are_numeric() {
        assert_eq!(
            from_html("<p>a<br>b&nbsp;c <img src=\"media/x.png\" alt=\"a > b < c\"></p><hr>"),
            "<p>a<br/>b&#160;c <img src=\"media/x.png\" alt=\"a > b &lt; c\"/></p><hr/>"
        );
    }

    #[test]
    fn lang_gets_its_xml_twin() {
        assert_eq!(
            from_html("<span lang=\"ru\" id=\"x\">т</span>"),
            "<span lang=\"ru\" xml:lang=\"ru\" id=\"x\">т</span>"
        );
    }

    #[test]
    fn the_sanitisers_output_stays_as_it_is_otherwise() {
        let html = "<table><thead><tr><th>a</th></tr></thead><tbody><tr><td>&amp; &lt;x&gt;</td></tr></tbody></table>";
        assert_eq!(from_html(html), html);
    }
}
