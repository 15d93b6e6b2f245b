//! `contacts.vcf`: every contact of a guide as vCard 4.0 (RFC 6350), so a
//! reader saves all numbers to the phone in one tap.

use super::{Done, Output, Purpose, RenderContext, Scope, Target};
use crate::diagnostic::Diagnostic;
use crate::paths;
use crate::view::{ContactView, GuideView};

pub struct VCard;

impl Output for VCard {
    fn name(&self) -> &'static str {
        "vCard"
    }

    fn scope(&self) -> Scope {
        Scope::Guide
    }

    fn offers(&self, _: &RenderContext, _: &GuideView) -> Vec<(String, &'static str)> {
        vec![(paths::VCARD.to_string(), "save-contacts")]
    }

    fn render(&self, cx: &RenderContext, target: Target) -> Result<Done, Diagnostic> {
        let Target::Guide(g) = target else {
            return Ok(Done::default());
        };
        if cx.purpose == Purpose::Check {
            return Ok(Done::default());
        }
        let guide = &cx.site.guides[g];
        Ok(Done::file(
            guide.path(paths::VCARD),
            render(guide).into_bytes(),
        ))
    }
}

pub fn render(guide: &GuideView) -> String {
    let mut out = String::new();
    for c in &guide.contacts {
        card(&mut out, c);
    }
    out
}

fn card(out: &mut String, c: &ContactView) {
    let mut line = |s: String| fold(out, &s);
    line("BEGIN:VCARD".into());
    line("VERSION:4.0".into());
    let name = &c.name.text;
    line(format!("FN:{}", escape(name)));
    line(format!("ORG:{}", escape(name)));
    if let Some(tel) = &c.tel {
        line(format!("TEL;VALUE=uri;TYPE=voice:tel:{tel}"));
    }
    if let Some(w) = &c.whatsapp {
        line(format!(
            "TEL;VALUE=uri;TYPE=cell:tel:{}",
            crate::model::digits_only(w)
        ));
    }
    if let Some(e) = &c.email {
        line(format!("EMAIL:{}", escape(e)));
    }
    if let Some(u) = &c.url {
        line(format!("URL:{}", escape(u)));
    }
    if let Some(u) = &c.telegram_url {
        line(format!("URL;TYPE=telegram:{}", escape(u)));
    }
    // How far to trust the number travels with it into the phone's
    // address book.
    let note: Vec<String> = [
        c.description.as_ref().map(|d| d.text.clone()),
        c.hours.as_ref().map(|h| h.text.clone()),
        c.verified_text.clone(),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !note.is_empty() {
        line(format!("NOTE:{}", escape(&note.join(" — "))));
    }
    if let Some(v) = c.verified {
        line(format!("REV:{}", v.format("%Y%m%dT000000Z")));
    }
    line("END:VCARD".into());
}

/// RFC 6350 §3.4: backslash, comma, semicolon and newline are escaped.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            ',' => out.push_str("\\,"),
            ';' => out.push_str("\\;"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            _ => out.push(ch),
        }
    }
    out
}

/// RFC 6350 §3.2: lines longer than 75 octets are folded with CRLF + space,
/// never inside a UTF-8 sequence.
fn fold(out: &mut String, line: &str) {
    let mut width = 0;
    for ch in line.chars() {
        if width + ch.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(ch);
        width += ch.len_utf8();
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_long_lines_on_char_boundaries() {
        let mut out = String::new();
        fold(&mut out, &format!("NOTE:{}", "ж".repeat(60)));
        for l in out.split("\r\n") {
            assert!(l.len() <= 75, "{l}");
        }
        assert_eq!(
            out.replace("\r\n ", ""),
            format!("NOTE:{}\r\n", "ж".repeat(60))
        );
    }

    #[test]
    fn escapes_specials() {
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }
}
