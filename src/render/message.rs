//! The emergency card as text to send: `emergency.txt` for Telegram or
//! WhatsApp (at most 4,096 characters, Telegram's limit) and
//! `emergency-sms.txt`, the shortest useful form: at most 201 UTF-16 code
//! units, three SMS segments of UCS-2 (the encoding of any message with a
//! character outside GSM 7-bit: Uzbek ʻ, Cyrillic, every other script, and
//! the isolates around numbers). Each number stands between U+2066 and
//! U+2069, so it reads left to right in any language's message. A message
//! over its limit is a `check` error, never cut short in silence.

use super::{Done, Finding, Output, RenderContext, Scope, Target};
use crate::diagnostic::Diagnostic;
use crate::numbers;
use crate::paths;
use crate::view::GuideView;

/// Telegram's limit for one message, in characters.
pub const LONG_LIMIT: usize = 4096;
/// Three SMS segments of 67 UCS-2 characters.
pub const SMS_LIMIT: usize = 201;

/// `emergency.txt`.
pub struct Message;

/// `emergency-sms.txt`.
pub struct Sms;

impl Output for Message {
    fn name(&self) -> &'static str {
        "emergency message"
    }

    fn scope(&self) -> Scope {
        Scope::Guide
    }

    fn offers(&self, _: &RenderContext, _: &GuideView) -> Vec<(String, &'static str)> {
        vec![(paths::MESSAGE.to_string(), "download-message")]
    }

    fn render(&self, cx: &RenderContext, target: Target) -> Result<Done, Diagnostic> {
        let Target::Guide(g) = target else {
            return Ok(Done::default());
        };
        let guide = &cx.site.guides[g];
        let text = long(guide, &cx.site.base_url);
        let mut done = Done::file(guide.path(paths::MESSAGE), Vec::new());
        done.findings = too_long(guide, "message", length(&text), LONG_LIMIT);
        done.files[0].bytes = text.into_bytes();
        Ok(done)
    }
}

impl Output for Sms {
    fn name(&self) -> &'static str {
        "emergency SMS"
    }

    fn scope(&self) -> Scope {
        Scope::Guide
    }

    fn offers(&self, _: &RenderContext, _: &GuideView) -> Vec<(String, &'static str)> {
        vec![(paths::SMS.to_string(), "download-sms")]
    }

    fn render(&self, cx: &RenderContext, target: Target) -> Result<Done, Diagnostic> {
        let Target::Guide(g) = target else {
            return Ok(Done::default());
        };
        let guide = &cx.site.guides[g];
        let text = sms(guide, &cx.site.base_url);
        let mut done = Done::file(guide.path(paths::SMS), Vec::new());
        done.findings = too_long(guide, "sms", length(&text), SMS_LIMIT);
        done.files[0].bytes = text.into_bytes();
        Ok(done)
    }
}

/// A message's length as SMS (UCS-2) and Telegram count it: in UTF-16
/// code units, so a letter outside the Basic Multilingual Plane counts
/// twice.
pub fn length(text: &str) -> usize {
    text.encode_utf16().count()
}

fn too_long(guide: &GuideView, kind: &'static str, length: usize, limit: usize) -> Vec<Finding> {
    if length <= limit {
        return Vec::new();
    }
    vec![Finding::MessageTooLong {
        kind,
        lang: guide.code().to_string(),
        length,
        limit,
        at: guide.at.clone(),
    }]
}

/// The guide's title, each emergency contact with its name, number and
/// hours, and the guide's address.
pub fn long(guide: &GuideView, base_url: &str) -> String {
    let mut out = format!("{}\n\n{}:\n", guide.title.text, guide.t("emergency-title"));
    for c in guide.emergency() {
        if let Some(n) = &c.number {
            out.push_str(&numbers::isolated(n));
            out.push_str(" — ");
        }
        out.push_str(&c.name.text);
        if let Some(h) = &c.hours {
            out.push_str(&format!(" ({})", h.text));
        }
        out.push('\n');
    }
    out.push_str(&format!(
        "\n{}: {}\n",
        guide.t("web-address"),
        numbers::isolated(&guide.url(base_url))
    ));
    out
}

/// `112 Emergency; 116 006 Victim support; https://…`: numbers with short
/// labels and the address.
pub fn sms(guide: &GuideView, base_url: &str) -> String {
    let mut parts: Vec<String> = guide
        .emergency()
        .filter_map(|c| {
            let number = numbers::isolated(c.number.as_ref()?);
            Some(format!("{number} {}", c.short_name))
        })
        .collect();
    parts.push(numbers::isolated(&guide.url(base_url)));
    parts.join("; ")
}
