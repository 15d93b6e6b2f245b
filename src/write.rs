//! Write: swap a complete output folder in, or change nothing. The new site
//! is written to a temporary folder beside the output and renamed into place
//! only when every file is on disk, so a failed build leaves the previous
//! output byte for byte as it was. A folder is replaced only if it carries
//! the marker file that only this module writes.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// The file that marks a folder as pocketguide output (see `check_out_dir`).
/// While a build writes, it holds a lock on this file in its temporary
/// folder, so a later build can tell a live build from an interrupted one.
pub const MARKER: &str = ".pocketguide-output";

const MARKER_TEXT: &str =
    "This folder was made by `pocketguide build`, which replaces it as a whole\n\
on every build. It refuses to replace any non-empty folder without this file.\n";

/// Refuses an output folder that would put the user's files at risk: the
/// site itself, a folder containing it, a file, or a non-empty folder that
/// pocketguide did not write. Returns the absolute output path.
pub fn check_out_dir(site_root: &Path, out: &Path) -> Result<PathBuf, String> {
    let site = site_root
        .canonicalize()
        .map_err(|e| format!("cannot open site folder {}: {e}", site_root.display()))?;
    if fs::symlink_metadata(out).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(format!(
            "refusing to write to {}: it is a symbolic link, and a build replaces its output folder as a whole without following links; give the folder itself as --out",
            out.display()
        ));
    }
    let out_abs = absolute(out)?;
    if site.starts_with(&out_abs) {
        return Err(format!(
            "refusing to write to {}: it contains the site folder, and a build replaces its output folder",
            out.display()
        ));
    }
    if let Ok(here) = std::env::current_dir().and_then(|d| d.canonicalize()) {
        if here.starts_with(&out_abs) {
            return Err(format!(
                "refusing to write to {}: it contains the current folder, which a build would replace under your shell",
                out.display()
            ));
        }
    }
    if let Some(dir) = crate::source::SOURCE_DIRS
        .iter()
        .find(|d| out_abs.starts_with(site.join(d)))
    {
        return Err(format!(
            "refusing to write to {}: it is inside the site's {dir}/ folder, which the next build would read as part of the site",
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
                "refusing to replace {}: it is not empty and was not made by pocketguide build (it has no {MARKER} file); nothing in it was touched: choose another --out, or empty it yourself",
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
#[cfg(test)]
fn write(out: &Path, output: &std::collections::BTreeMap<String, Vec<u8>>) -> io::Result<()> {
    use rayon::prelude::*;
    let staging = Staging::begin(out)?;
    output
        .par_iter()
        .for_each(|(rel, bytes)| staging.put(rel, bytes.clone()));
    staging.commit().map(|_| ())
}

/// A new output folder being written beside `out`: files go in as they are
/// rendered (from many threads), and [`Staging::commit`] swaps the whole
/// folder in. Dropped without a commit (the render failed), it is removed
/// and `out` stays as it was.
pub struct Staging {
    out: PathBuf,
    tmp: PathBuf,
    old: PathBuf,
    /// Folders above `out` this build made (deepest first): removed again,
    /// when empty, if the build fails, which writes nothing.
    made_parents: Vec<PathBuf>,
    /// Locked while the build writes (see [`MARKER`]).
    marker: Option<fs::File>,
    folders: Mutex<HashSet<PathBuf>>,
    files: AtomicUsize,
    /// The first error writing a file: the commit reports it.
    failed: Mutex<Option<io::Error>>,
    committed: bool,
}

impl Staging {
    pub fn begin(out: &Path) -> io::Result<Staging> {
        let parent = out.parent().unwrap_or(Path::new("/"));
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let made_parents: Vec<PathBuf> = parent
            .ancestors()
            .take_while(|p| !p.as_os_str().is_empty() && !p.exists())
            .map(Path::to_path_buf)
            .collect();
        fs::create_dir_all(parent)?;
        let mut staging = Staging {
            out: out.to_path_buf(),
            tmp: unused(parent, &format!(".{name}.new-"))?,
            old: PathBuf::new(),
            made_parents,
            marker: None,
            folders: Mutex::new(HashSet::new()),
            files: AtomicUsize::new(0),
            failed: Mutex::new(None),
            committed: false,
        };
        clean_leftovers(parent, &name, out);
        fs::create_dir(&staging.tmp)?;
        let marker = fs::File::create(staging.tmp.join(MARKER))?;
        marker.lock()?;
        io::Write::write_all(&mut &marker, MARKER_TEXT.as_bytes())?;
        staging.marker = Some(marker);
        staging.old = unused(parent, &format!(".{name}.old-"))?;
        Ok(staging)
    }

    /// Writes one file (an output-relative path with `/`). Each folder is
    /// made once: on some file systems every call costs a few hundred
    /// microseconds of system time, and a large site has thousands.
    pub fn put(&self, rel: &str, bytes: Vec<u8>) {
        let path = self.tmp.join(rel);
        let written = (|| {
            if let Some(folder) = path.parent() {
                if !self.folders.lock().unwrap().contains(folder) {
                    fs::create_dir_all(folder)?;
                    self.folders.lock().unwrap().insert(folder.to_path_buf());
                }
            }
            fs::write(&path, bytes)
        })();
        match written {
            Ok(()) => {
                self.files.fetch_add(1, Ordering::Relaxed);
            }
            Err(e) => {
                self.failed.lock().unwrap().get_or_insert(e);
            }
        }
    }

    /// Puts the new folder in place of `out`; returns the number of files
    /// written (the marker aside).
    pub fn commit(mut self) -> io::Result<usize> {
        if let Some(e) = self.failed.lock().unwrap().take() {
            return Err(e);
        }
        // A folder cannot be renamed on every system while a file in it is
        // open: elsewhere the lock goes before the swap. On Unix it is held
        // through it, and the previous output's marker is locked too, so a
        // build starting meanwhile takes neither folder for an interrupted
        // build's.
        if !cfg!(unix) {
            self.marker = None;
        }
        let (out, tmp, old) = (&self.out, &self.tmp, &self.old);
        if out.exists() {
            // (An empty folder, also accepted as the output, has none.)
            let previous = fs::File::open(out.join(MARKER)).ok();
            if let (true, Some(previous)) = (cfg!(unix), &previous) {
                previous.lock()?;
            }
            if !cfg!(unix) {
                drop(previous);
            }
            // The reader's permissions on the output stay as they were.
            fs::set_permissions(tmp, fs::metadata(out)?.permissions())?;
            fs::rename(out, old)?;
            if let Err(e) = fs::rename(tmp, out) {
                let _ = fs::rename(old, out);
                return Err(e);
            }
            self.committed = true;
            // The new output is in place: failing to delete the previous
            // one does not undo that (its marker lets a later build
            // delete it).
            let _ = fs::remove_dir_all(old);
        } else {
            fs::rename(tmp, out)?;
            self.committed = true;
        }
        Ok(*self.files.get_mut())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        self.marker = None;
        if self.committed {
            return;
        }
        let _ = fs::remove_dir_all(&self.tmp);
        for folder in &self.made_parents {
            if fs::remove_dir(folder).is_err() {
                break;
            }
        }
    }
}

/// `<parent>/<prefix><pid>`, or with `-1`, `-2`… after it where a folder of
/// that name is there already: never someone else's folder.
fn unused(parent: &Path, prefix: &str) -> io::Result<PathBuf> {
    let pid = std::process::id();
    (0..1000)
        .map(|n| match n {
            0 => parent.join(format!("{prefix}{pid}")),
            n => parent.join(format!("{prefix}{pid}-{n}")),
        })
        .find(|p| fs::symlink_metadata(p).is_err())
        .ok_or_else(|| io::Error::other(format!("no free name {prefix}{pid}-N")))
}

impl crate::render::Sink for Staging {
    fn put(&self, path: &str, bytes: Vec<u8>) {
        Staging::put(self, path, bytes);
    }
}

/// Temporary folders of builds that were interrupted (killed, power cut):
/// `.<name>.new-<pid>` and `.<name>.old-<pid>` beside the output, with the
/// marker inside and no live build holding its lock. A finished new folder
/// is only ever renamed into place, so an unfinished one goes; an old one
/// is the previous output, put back if the swap stopped halfway.
fn clean_leftovers(parent: &Path, name: &str, out: &Path) {
    let new_prefix = format!(".{name}.new-");
    let old_prefix = format!(".{name}.old-");
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let is_old = file_name.starts_with(&old_prefix);
        if !(is_old || file_name.starts_with(&new_prefix)) {
            continue;
        }
        let Ok(marker) = fs::File::open(entry.path().join(MARKER)) else {
            continue;
        };
        if marker.try_lock().is_err() {
            continue;
        }
        drop(marker);
        // Best effort: a folder that cannot be removed (permissions) is
        // left for its owner, and must not stop this build.
        if is_old && !out.exists() {
            let _ = fs::rename(entry.path(), out);
        } else {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// Writes `bytes` as the file `rel` below `root`, replacing what is there
/// without ever writing through a link: the folders on the way must be real
/// folders (made where missing), the file itself must not be a link, and
/// the new text goes to a temporary file beside it that is then renamed
/// over it (a rename replaces a name, it never follows it). An existing
/// file keeps its permissions. What the commands that edit a site (import,
/// stamp) and write translators' files (export) all use.
pub fn replace_file(root: &Path, rel: &Path, bytes: &[u8]) -> Result<(), String> {
    let path = folders_for(root, rel)?;
    let shown = crate::diagnostic::display_path(rel);
    let permissions = match fs::symlink_metadata(&path) {
        Ok(m) if m.file_type().is_symlink() => {
            return Err(format!(
                "{shown} is a symbolic link: pocketguide never writes through links; put the file itself there"
            ))
        }
        Ok(m) if !m.is_file() => return Err(format!("{shown} is not a regular file")),
        Ok(m) => Some(m.permissions()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(format!("cannot write {shown}: {e}")),
    };
    let folder = path.parent().expect("a file has a folder");
    let name = path
        .file_name()
        .expect("a file has a name")
        .to_string_lossy();
    let (tmp, mut file) = (0..1000)
        .find_map(|n| {
            let tmp = folder.join(format!(".{name}.pocketguide-{}-{n}", std::process::id()));
            fs::File::create_new(&tmp).ok().map(|f| (tmp, f))
        })
        .ok_or_else(|| format!("cannot write {shown}: no free temporary name beside it"))?;
    let written = (|| {
        io::Write::write_all(&mut file, bytes)?;
        if let Some(p) = permissions {
            file.set_permissions(p)?;
        }
        drop(file);
        fs::rename(&tmp, &path)
    })();
    written.map_err(|e| {
        let _ = fs::remove_file(&tmp);
        format!("cannot write {shown}: {e}")
    })
}

/// Writes a new file `rel` below `root`; fails if anything (a file, a
/// link, even a broken one) is there already. `new site` and `new
/// corridor` use it: they never overwrite.
pub fn create_file(root: &Path, rel: &Path, bytes: &[u8]) -> Result<(), String> {
    let path = folders_for(root, rel)?;
    let shown = crate::diagnostic::display_path(rel);
    fs::File::create_new(&path)
        .and_then(|mut f| io::Write::write_all(&mut f, bytes))
        .map_err(|e| match e.kind() {
            io::ErrorKind::AlreadyExists => {
                format!("{shown} already exists; pocketguide new never overwrites")
            }
            _ => format!("cannot write {shown}: {e}"),
        })
}

/// `root/rel`, after making sure every folder between them is a real
/// folder inside `root` (made where missing), not a link that could lead
/// elsewhere. `rel` is a plain relative path.
fn folders_for(root: &Path, rel: &Path) -> Result<PathBuf, String> {
    use std::path::Component;
    let shown = crate::diagnostic::display_path(rel);
    let mut path = root.to_path_buf();
    let parts: Vec<_> = rel.components().collect();
    let plain = !parts.is_empty() && parts.iter().all(|c| matches!(c, Component::Normal(_)));
    if !plain {
        return Err(format!("{shown} is not a path inside {}", root.display()));
    }
    for part in &parts[..parts.len() - 1] {
        path.push(part);
        match fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_symlink() => {
                return Err(format!(
                    "{} is a symbolic link: pocketguide never writes through links",
                    crate::diagnostic::display_path(path.strip_prefix(root).unwrap_or(&path))
                ))
            }
            Ok(m) if m.is_dir() => {}
            Ok(_) => {
                return Err(format!(
                    "{} is a file where a folder belongs",
                    crate::diagnostic::display_path(path.strip_prefix(root).unwrap_or(&path))
                ))
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                fs::create_dir(&path).map_err(|e| format!("cannot write {shown}: {e}"))?
            }
            Err(e) => return Err(format!("cannot write {shown}: {e}")),
        }
    }
    path.push(parts[parts.len() - 1]);
    Ok(path)
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

        fs::write(out.join("sitemap.xml"), "another generator's").unwrap();
        assert!(
            check_out_dir(&site, &out).is_err(),
            "a sitemap is no marker"
        );
        fs::remove_file(out.join("sitemap.xml")).unwrap();

        let mut o = std::collections::BTreeMap::new();
        o.insert("sitemap.xml".into(), b"x".to_vec());
        o.insert("a/b.html".into(), b"y".to_vec());
        let out_abs = check_out_dir(&site, &out).unwrap();
        write(&out_abs, &o).unwrap();
        assert_eq!(fs::read(out.join("a/b.html")).unwrap(), b"y");
        o.remove("a/b.html");
        write(&check_out_dir(&site, &out).unwrap(), &o).unwrap();
        assert!(!out.join("a/b.html").exists());
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 2, "no leftovers");
    }
}

#[cfg(test)]
mod leftover_tests {
    use super::*;

    fn output() -> std::collections::BTreeMap<String, Vec<u8>> {
        let mut o = std::collections::BTreeMap::new();
        o.insert("index.html".into(), b"new".to_vec());
        o
    }

    #[test]
    fn interrupted_builds_are_cleaned_and_live_ones_left_alone() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        // A build killed while writing: its folder has the marker, unlocked.
        let dead = tmp.path().join(".public.new-999999");
        fs::create_dir_all(&dead).unwrap();
        fs::write(dead.join(MARKER), MARKER_TEXT).unwrap();
        // A build writing right now holds its marker's lock.
        let live = tmp.path().join(".public.new-999998");
        fs::create_dir_all(&live).unwrap();
        let held = fs::File::create(live.join(MARKER)).unwrap();
        held.lock().unwrap();
        // Someone's folder that merely looks alike is not ours.
        let foreign = tmp.path().join(".public.new-notes");
        fs::create_dir_all(&foreign).unwrap();
        fs::write(foreign.join("notes.txt"), "mine").unwrap();

        write(&out, &output()).unwrap();
        assert!(!dead.exists(), "interrupted build cleaned");
        assert!(live.exists(), "live build untouched");
        assert!(
            foreign.join("notes.txt").exists(),
            "foreign folder untouched"
        );
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"new");
        assert!(out.join(MARKER).is_file());
    }

    /// A render that fails after files went into the staging folder, or
    /// a file that cannot be written, leaves the output as it was and no
    /// folder behind.
    #[test]
    fn an_abandoned_or_failed_staging_changes_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        write(&out, &output()).unwrap();

        let staging = Staging::begin(&out).unwrap();
        staging.put("a/b/page.html", b"half".to_vec());
        drop(staging);
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"new");
        assert!(!out.join("a").exists());

        let staging = Staging::begin(&out).unwrap();
        staging.put("page.html", b"x".to_vec());
        staging.put("page.html/inside.html", b"y".to_vec());
        assert!(staging.commit().is_err());
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"new");
        assert!(!out.join("page.html").exists());
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1, "no leftovers");
    }

    /// A folder that merely has a temporary folder's name (this process's
    /// id included) is someone's: never removed, never written into.
    #[test]
    fn folders_named_like_temporary_ones_are_left_alone() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let pid = std::process::id();
        for kind in ["new", "old"] {
            let theirs = tmp.path().join(format!(".public.{kind}-{pid}"));
            fs::create_dir_all(&theirs).unwrap();
            fs::write(theirs.join("notes.txt"), "mine").unwrap();
        }
        write(&out, &output()).unwrap();
        write(&out, &output()).unwrap();
        for kind in ["new", "old"] {
            let theirs = tmp.path().join(format!(".public.{kind}-{pid}"));
            assert_eq!(fs::read(theirs.join("notes.txt")).unwrap(), b"mine");
            assert_eq!(fs::read_dir(&theirs).unwrap().count(), 1);
        }
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"new");
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 3);
    }

    /// A failed build writes nothing: not even the folders above a new
    /// output folder.
    #[test]
    fn a_failed_build_removes_the_folders_it_made_for_its_output() {
        let tmp = tempfile::tempdir().unwrap();
        let staging = Staging::begin(&tmp.path().join("a/b/public")).unwrap();
        staging.put("index.html", b"x".to_vec());
        drop(staging);
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 0);
    }

    #[cfg(unix)]
    #[test]
    fn the_output_keeps_its_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        write(&out, &output()).unwrap();
        fs::set_permissions(&out, fs::Permissions::from_mode(0o700)).unwrap();
        write(&out, &output()).unwrap();
        let mode = fs::metadata(&out).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
    }

    #[test]
    fn a_swap_cut_off_halfway_gets_the_previous_output_back() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let old = tmp.path().join(".public.old-999999");
        fs::create_dir_all(&old).unwrap();
        fs::write(old.join(MARKER), MARKER_TEXT).unwrap();
        fs::write(old.join("index.html"), "previous").unwrap();
        clean_leftovers(tmp.path(), "public", &out);
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"previous");
        assert!(!old.exists());
    }

    #[cfg(unix)]
    #[test]
    fn single_files_are_never_written_through_links() {
        use std::os::unix::fs::symlink;
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        fs::create_dir_all(site.join("content")).unwrap();
        let victim = tmp.path().join("victim");
        fs::write(&victim, "keep").unwrap();
        symlink(&victim, site.join("content/page.md")).unwrap();
        symlink(tmp.path(), site.join("content/out")).unwrap();
        let err = replace_file(&site, Path::new("content/page.md"), b"x").unwrap_err();
        assert!(err.contains("symbolic link"), "{err}");
        let err = replace_file(&site, Path::new("content/out/victim"), b"x").unwrap_err();
        assert!(err.contains("symbolic link"), "{err}");
        let err = create_file(&site, Path::new("content/page.md"), b"x").unwrap_err();
        assert!(err.contains("already exists"), "{err}");
        assert!(create_file(&site, Path::new("../victim"), b"x").is_err());
        assert_eq!(fs::read_to_string(&victim).unwrap(), "keep");
        // A plain file is replaced, keeping its permissions.
        use std::os::unix::fs::PermissionsExt;
        fs::write(site.join("content/a.md"), "old").unwrap();
        fs::set_permissions(site.join("content/a.md"), fs::Permissions::from_mode(0o640)).unwrap();
        replace_file(&site, Path::new("content/a.md"), b"new").unwrap();
        assert_eq!(
            fs::read_to_string(site.join("content/a.md")).unwrap(),
            "new"
        );
        let mode = fs::metadata(site.join("content/a.md"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o640);
        create_file(&site, Path::new("content/x/y/z.md"), b"z").unwrap();
        assert_eq!(
            fs::read_to_string(site.join("content/x/y/z.md")).unwrap(),
            "z"
        );
    }
}
