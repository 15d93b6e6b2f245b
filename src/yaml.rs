//! The one place that knows which YAML library we use. serde_yaml is
//! deprecated upstream; a maintained fork with the same serde API replaces it
//! by changing the `use` below.
//!
//! serde_yaml gives a position for syntax and type errors but none for values,
//! so the locating helpers here scan the text for the line a key or list item
//! starts on. They understand the block style the docs use and degrade to the
//! item's first line for flow style.

use serde::de::DeserializeOwned;
use serde_yaml as backend;
use std::collections::BTreeMap;

pub use backend::Value;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// 1-based line within the parsed text, when the parser knows it.
    pub line: Option<usize>,
    pub message: String,
}

pub fn parse<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    backend::from_str(text).map_err(|e| YamlError {
        line: e.location().map(|l| l.line()),
        message: clean_message(&e.to_string()),
    })
}

/// serde_yaml appends " at line X column Y" to messages; we print the line
/// ourselves in the `file:line:` prefix.
fn clean_message(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// The key a line defines, if any: `key:` or `- key:` at any indentation.
fn key_of(line: &str) -> Option<&str> {
    let t = line.trim_start();
    let t = t.strip_prefix("- ").map(str::trim_start).unwrap_or(t);
    let end = t.find(':')?;
    let key = &t[..end];
    let valid = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    let rest = &t[end + 1..];
    (valid && (rest.is_empty() || rest.starts_with(' ') || rest.starts_with('\t'))).then_some(key)
}

/// Line (1-based, offset by `first_line - 1`) of the first occurrence of each
/// key in `lines`.
pub fn key_lines<'a>(
    lines: impl Iterator<Item = &'a str>,
    first_line: usize,
) -> BTreeMap<String, usize> {
    let mut map = BTreeMap::new();
    for (i, line) in lines.enumerate() {
        if let Some(key) = key_of(line) {
            map.entry(key.to_string()).or_insert(first_line + i);
        }
    }
    map
}

/// Start lines (1-based) of the items of a top-level sequence, in order.
/// An item begins with `-` at the smallest indentation any `-` line has.
pub fn sequence_items(text: &str) -> Vec<usize> {
    let dash_indent = |l: &str| {
        let t = l.trim_start();
        (t == "-" || t.starts_with("- ")).then(|| l.len() - t.len())
    };
    let Some(indent) = text.lines().filter_map(dash_indent).min() else {
        return Vec::new();
    };
    text.lines()
        .enumerate()
        .filter(|(_, l)| dash_indent(l) == Some(indent))
        .map(|(i, _)| i + 1)
        .collect()
}

/// Lines of the items of the block sequence under top-level `key:`; for a
/// flow sequence (`key: [a, b]`) every item gets the key's line.
pub fn list_item_lines(text: &str, key: &str) -> Vec<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let Some(start) = lines
        .iter()
        .position(|l| !l.starts_with([' ', '\t']) && key_of(l) == Some(key))
    else {
        return Vec::new();
    };
    let mut items = Vec::new();
    for (i, line) in lines.iter().enumerate().skip(start + 1) {
        let t = line.trim_start();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if t.starts_with("- ") || t == "-" {
            items.push(i + 1);
        } else if !line.starts_with([' ', '\t']) {
            break;
        }
    }
    if items.is_empty() {
        items.push(start + 1);
    }
    items
}

/// First line (1-based) whose text contains `needle`, or `None`.
pub fn line_containing(text: &str, needle: &str) -> Option<usize> {
    text.lines().position(|l| l.contains(needle)).map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_line_is_reported() {
        let err = parse::<Value>("a: 1\nb: [\n").unwrap_err();
        assert!(err.line.is_some());
        assert!(!err.message.contains("at line"));
    }

    #[test]
    fn finds_sequence_items_and_keys() {
        let text = "# c\n- id: a\n  phone: \"1\"\n- id: b\n  phone: \"2\"\n";
        assert_eq!(sequence_items(text), vec![2, 4]);
        let lines = key_lines(text.lines().skip(3), 4);
        assert_eq!(lines["phone"], 5);
    }

    #[test]
    fn finds_list_items_under_key() {
        let text = "origin: UZ\nchapters:\n  - a\n  # note\n  - b\nupdated: 2020-01-01\n";
        assert_eq!(list_item_lines(text, "chapters"), vec![3, 5]);
        assert_eq!(list_item_lines("chapters: [a, b]\n", "chapters"), vec![1]);
    }

    #[test]
    fn key_of_ignores_urls_and_values() {
        assert_eq!(key_of("url: \"https://x\""), Some("url"));
        assert_eq!(key_of("  - id: x"), Some("id"));
        assert_eq!(key_of("https://x"), None);
    }
}
