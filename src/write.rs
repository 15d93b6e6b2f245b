//! Write: swap a complete output folder in, or change nothing. The new site
//! is written to a temporary folder beside the output and renamed into place
//! only when every file is on disk, so a failed build leaves the previous
//! output byte for byte as it was.

use crate::render::Output;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The file that marks a folder as pocketguide output (see `check_out_dir`).
const MARKER: &str = "sitemap.xml";

/// Refuses an output folder that would put the user's files at risk: the
/// site itself, a folder containing it, a file, or a non-empty folder that
/// pocketguide did not write. Returns the absolute output path.
pub fn check_out_dir(site_root: &Path, out: &Path) -> Result<PathBuf, String> {
    let site = site_root
        .canonicalize()
        .map_err(|e| format!("cannot open site folder {}: {e}", site_root.display()))?;
    let out_abs = absolute(out)?;
    if site.starts_with(&out_abs) {
        return Err(format!(
            "refusing to write to {}: it contains the site folder, and a build replaces its output folder",
            out.display()
        ));
    }
    if out_abs.exists() {
        if !out_abs.is_dir() {
            return Err(format!(
                "output {} exists and is not a folder",
                out.display()
            ));
        }
        let empty = fs::read_dir(&out_abs)
            .map_err(|e| format!("cannot read {}: {e}", out.display()))?
            .next()
            .is_none();
        if !empty && !out_abs.join(MARKER).is_file() {
            return Err(format!(
                "refusing to replace {}: it is not empty and does not look like pocketguide output (no {MARKER}); remove it or choose another --out",
                out.display()
            ));
        }
    }
    Ok(out_abs)
}

/// `out` made absolute through its nearest existing ancestor, so symlinks
/// and `..` cannot hide that it contains the site.
fn absolute(out: &Path) -> Result<PathBuf, String> {
    let joined = if out.is_absolute() {
        out.to_path_buf()
    } else {
        std::env::current_dir()
            .map_err(|e| e.to_string())?
            .join(out)
    };
    let mut existing = joined.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        rest.push(existing.file_name().map(|n| n.to_os_string()));
        existing = match existing.parent() {
            Some(p) => p,
            None => break,
        };
    }
    let mut path = existing.canonicalize().map_err(|e| e.to_string())?;
    for part in rest.into_iter().rev() {
        match part {
            Some(name) => path.push(name),
            None => {
                path.pop();
            }
        }
    }
    Ok(path)
}

/// Writes `output` as the folder `out` (absolute, from `check_out_dir`).
pub fn write(out: &Path, output: &Output) -> io::Result<()> {
    let parent = out.parent().unwrap_or(Path::new("/"));
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    fs::create_dir_all(parent)?;
    let pid = std::process::id();
    let tmp = parent.join(format!(".{name}.new-{pid}"));
    let old = parent.join(format!(".{name}.old-{pid}"));
    for leftover in [&tmp, &old] {
        if leftover.exists() {
            fs::remove_dir_all(leftover)?;
        }
    }
    if let Err(e) = write_tree(&tmp, output) {
        let _ = fs::remove_dir_all(&tmp);
        return Err(e);
    }
    if out.exists() {
        fs::rename(out, &old)?;
        if let Err(e) = fs::rename(&tmp, out) {
            let _ = fs::rename(&old, out);
            let _ = fs::remove_dir_all(&tmp);
            return Err(e);
        }
        fs::remove_dir_all(&old)?;
    } else if let Err(e) = fs::rename(&tmp, out) {
        let _ = fs::remove_dir_all(&tmp);
        return Err(e);
    }
    Ok(())
}

/// Creates each folder once, then writes the files in parallel: on some
/// file systems creating a file costs a few hundred microseconds of system
/// time, and a large site has thousands.
fn write_tree(dir: &Path, output: &Output) -> io::Result<()> {
    use rayon::prelude::*;
    let folders: std::collections::BTreeSet<&Path> = output
        .files
        .keys()
        .filter_map(|rel| Path::new(rel).parent())
        .collect();
    fs::create_dir_all(dir)?;
    for folder in folders {
        fs::create_dir_all(dir.join(folder))?;
    }
    output
        .files
        .par_iter()
        .try_for_each(|(rel, bytes)| fs::write(dir.join(rel), bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_site_and_its_ancestors() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        fs::create_dir_all(&site).unwrap();
        assert!(check_out_dir(&site, &site).is_err());
        assert!(check_out_dir(&site, tmp.path()).is_err());
        assert!(check_out_dir(&site, &site.join("public")).is_ok());
        assert!(check_out_dir(&site, &site.join("public/../..")).is_err());
    }

    #[test]
    fn refuses_foreign_folder_and_replaces_own() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        let out = tmp.path().join("out");
        fs::create_dir_all(&site).unwrap();
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("thesis.doc"), "mine").unwrap();
        assert!(check_out_dir(&site, &out).is_err());
        fs::remove_file(out.join("thesis.doc")).unwrap();

        let mut o = Output::default();
        o.files.insert("sitemap.xml".into(), b"x".to_vec());
        o.files.insert("a/b.html".into(), b"y".to_vec());
        let out_abs = check_out_dir(&site, &out).unwrap();
        write(&out_abs, &o).unwrap();
        assert_eq!(fs::read(out.join("a/b.html")).unwrap(), b"y");
        o.files.remove("a/b.html");
        write(&check_out_dir(&site, &out).unwrap(), &o).unwrap();
        assert!(!out.join("a/b.html").exists());
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 2, "no leftovers");
    }
}
