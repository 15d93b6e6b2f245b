//! Integration tests: the real `pocketguide` binary on fixture sites copied
//! into fresh temporary folders. One module per feature.

mod booklet;
mod build;
mod check;
mod contacts_in_text;
mod diagnostics;
mod example;
mod incremental;
mod new_site;
mod pdf;
mod properties;
mod publish;
mod reliability;
mod safety;
mod scripts;
mod search;
mod serve;
mod share;
mod support;
mod translations;
mod translators;
mod translit;
mod trust;
