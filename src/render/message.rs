//! The emergency card as text to send: `emergency.txt` for Telegram or
//! WhatsApp (at most 4,096 characters, Telegram's limit) and
//! `emergency-sms.txt`, the shortest useful form: at most 201 characters,
//! three SMS segments once the text has characters outside GSM 7-bit (as
//! Uzbek ʻ and Cyrillic do). A message over its limit is a `check` error,
//! never cut short in silence.

use super::{html::Shared, Format};
use crate::diagnostic::Diagnostic;
use crate::guide::Guide;

/// Telegram's limit for one message, in characters.
pub const LONG_LIMIT: usize = 4096;
/// Three SMS segments of 67 UCS-2 characters.
pub const SMS_LIMIT: usize = 201;

pub const LONG: Format = Format {
    name: |_| "emergency.txt".to_string(),
    render: |shared: &Shared, gi| Ok(long(&shared.guides[gi], &shared.opts.base_url).into_bytes()),
    label: "download-message",
};

pub const SMS: Format = Format {
    name: |_| "emergency-sms.txt".to_string(),
    render: |shared: &Shared, gi| Ok(sms(&shared.guides[gi], &shared.opts.base_url).into_bytes()),
    label: "download-sms",
};

/// The guide's title, each emergency contact with its name, number and
/// hours, and the guide's address.
pub fn long(guide: &Guide, base_url: &str) -> String {
    let mut out = format!("{}\n\n{}:\n", guide.title.text, guide.t("emergency-title"));
    for c in guide.emergency() {
        let contact = c.contact;
        let number = contact.phone.as_deref().or(contact.whatsapp.as_deref());
        if let Some(n) = number {
            out.push_str(n);
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
        guide.url(base_url)
    ));
    out
}

/// `112 Emergency; 116 006 Victim support; https://…`: numbers with short
/// labels and the address.
pub fn sms(guide: &Guide, base_url: &str) -> String {
    let mut parts: Vec<String> = guide
        .emergency()
        .filter_map(|c| {
            let contact = c.contact;
            let number = contact.phone.as_deref().or(contact.whatsapp.as_deref())?;
            let label = contact
                .short_name
                .as_ref()
                .map_or_else(|| c.name.text.clone(), |s| s.get(&guide.chain));
            Some(format!("{number} {label}"))
        })
        .collect();
    parts.push(guide.url(base_url));
    parts.join("; ")
}

/// The guide's messages that would not fit: errors at the corridor's
/// file, naming the language and what to shorten.
pub fn too_long(guide: &Guide, base_url: &str) -> Vec<Diagnostic> {
    let mut d = Vec::new();
    {
        let file = &guide.corridor.file;
        let line = guide.corridor.lines.get("title");
        let sms = sms(guide, base_url).chars().count();
        if sms > SMS_LIMIT {
            d.push(Diagnostic::error(
                file,
                line,
                format!(
                    "the emergency SMS in '{}' is {sms} characters, over the {SMS_LIMIT} of three SMS: give the emergency contacts a `short_name` in contacts.yaml",
                    guide.lang
                ),
            ));
        }
        let long = long(guide, base_url).chars().count();
        if long > LONG_LIMIT {
            d.push(Diagnostic::error(
                file,
                line,
                format!(
                    "the emergency message in '{}' is {long} characters, over the {LONG_LIMIT} a messenger sends at once: shorten the emergency contacts' names and hours",
                    guide.lang
                ),
            ));
        }
    }
    d
}
