//! The one place that knows which YAML library we use. serde_yaml is
//! deprecated upstream; a maintained fork with the same serde API replaces it
//! by changing the `use` below.
//!
//! serde_yaml gives a position for syntax and type errors but none for values,
//! so [`Lines`] takes the line of every key and item from saphyr-parser's
//! events: any style (block, flow, quoted keys) is located as YAML reads it.

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

/// Where each node of a YAML text starts, by path, as the YAML parser saw
/// it: `title` is the line of the key `title:`, `chapters/2` the line of the
/// third chapter, `3/phone` the `phone:` of the fourth contact. Values come
/// from serde_yaml; positions come from a second, event-level parser
/// (serde_yaml has none for values), so a repeated key or value in another
/// mapping can never point at the wrong line.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Lines {
    map: BTreeMap<String, usize>,
}

impl Lines {
    /// Indexes `text`; `first_line` is the file line `text` starts on. A
    /// syntax error ends the index where it occurs (serde_yaml reports it).
    pub fn of(text: &str, first_line: usize) -> Lines {
        let mut walk = Walk::default();
        for event in saphyr_parser::Parser::new_from_str(text) {
            let Ok((event, span)) = event else { break };
            walk.event(&event, span.start.line() + first_line - 1);
        }
        Lines { map: walk.map }
    }

    /// The line of the node at `path` (segments joined by `/`).
    pub fn get(&self, path: &str) -> Option<usize> {
        self.map.get(path).copied()
    }

    /// The index of the node at `prefix`, with paths relative to it.
    pub fn under(&self, prefix: &str) -> Lines {
        let lead = format!("{prefix}/");
        let map = self
            .map
            .range(lead.clone()..)
            .take_while(|(k, _)| k.starts_with(&lead))
            .map(|(k, &v)| (k[lead.len()..].to_string(), v))
            .collect();
        Lines { map }
    }
}

enum Frame {
    Mapping(Slot),
    Sequence { next: usize },
}

/// What a mapping expects next.
enum Slot {
    Key,
    /// Inside a key that is itself a mapping or sequence (rare, unnamed).
    ComplexKey,
    /// The value of the key whose name is on the path.
    Value,
}

#[derive(Default)]
struct Walk {
    path: Vec<String>,
    stack: Vec<Frame>,
    map: BTreeMap<String, usize>,
}

impl Walk {
    fn event(&mut self, event: &saphyr_parser::Event, line: usize) {
        use saphyr_parser::Event;
        match event {
            Event::Scalar(value, ..) => {
                if let Some(Frame::Mapping(slot @ Slot::Key)) = self.stack.last_mut() {
                    *slot = Slot::Value;
                    self.path.push(value.to_string());
                    self.record(line);
                } else {
                    self.enter(line);
                    self.leave();
                }
            }
            Event::Alias(_) => {
                self.enter(line);
                self.leave();
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                self.enter(line);
                self.stack.push(match event {
                    Event::MappingStart(..) => Frame::Mapping(Slot::Key),
                    _ => Frame::Sequence { next: 0 },
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
                self.leave();
            }
            _ => {}
        }
    }

    /// A node other than a plain key begins. A sequence item gets its own
    /// path segment; a mapping value keeps its key's segment (the key's line
    /// is the one recorded).
    fn enter(&mut self, line: usize) {
        match self.stack.last_mut() {
            Some(Frame::Sequence { next }) => {
                self.path.push(next.to_string());
                *next += 1;
                self.record(line);
            }
            Some(Frame::Mapping(slot @ Slot::Key)) => {
                *slot = Slot::ComplexKey;
                self.path.push("?".into());
            }
            _ => {}
        }
    }

    /// A node ends: a sequence item's segment goes; after a complex key
    /// comes its value, after a value the next key.
    fn leave(&mut self) {
        match self.stack.last_mut() {
            Some(Frame::Sequence { .. }) => {
                self.path.pop();
            }
            Some(Frame::Mapping(slot @ Slot::ComplexKey)) => *slot = Slot::Value,
            Some(Frame::Mapping(slot @ Slot::Value)) => {
                *slot = Slot::Key;
                self.path.pop();
            }
            _ => {}
        }
    }

    fn record(&mut self, line: usize) {
        self.map.entry(self.path.join("/")).or_insert(line);
    }
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
    fn lines_come_from_the_parser() {
        let text = "# c\n- id: a\n  phone: \"1\"\n  name:\n    en: A\n- id: b\n  name: { en: B }\n  phone: \"2\"\n";
        let lines = Lines::of(text, 1);
        assert_eq!(lines.get("0"), Some(2));
        assert_eq!(lines.get("1"), Some(6));
        assert_eq!(lines.get("0/phone"), Some(3));
        assert_eq!(lines.get("0/name/en"), Some(5));
        // The second `phone:` is the second contact's, not the first's.
        let second = lines.under("1");
        assert_eq!(second.get("phone"), Some(8));
        assert_eq!(second.get("name/en"), Some(7));
        assert_eq!(second.get("id"), Some(6));
    }

    #[test]
    fn sequences_in_block_and_flow_style() {
        let text = "origin: UZ\nchapters:\n  - a\n  # note\n  - b\nupdated: 2020-01-01\nlanguages: [uz,\n  ru]\n";
        let lines = Lines::of(text, 1);
        assert_eq!(lines.get("chapters"), Some(2));
        assert_eq!(lines.get("chapters/0"), Some(3));
        assert_eq!(lines.get("chapters/1"), Some(5));
        assert_eq!(lines.get("updated"), Some(6));
        assert_eq!(lines.get("languages/1"), Some(8));
    }

    #[test]
    fn offset_broken_and_odd_input() {
        assert_eq!(
            Lines::of("title: x\nsummary: y\n", 2).get("summary"),
            Some(3)
        );
        // Everything before the syntax error is still indexed.
        let broken = Lines::of("a: 1\nb: [\n", 1);
        assert_eq!(broken.get("a"), Some(1));
        // A complex key does not shift the keys after it.
        let odd = Lines::of("? [x, y]\n: 1\nz: 2\n", 1);
        assert_eq!(odd.get("z"), Some(3));
        assert_eq!(Lines::of("", 1), Lines::default());
    }
}
