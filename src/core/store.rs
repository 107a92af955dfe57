//! The store: Tagline's file access below the document.
//!
//! - Every write of a sidecar (and of the settings file) goes through [`write_atomic_with`]
//!   (replace) or [`write_new_with`] (no-clobber creation): a temporary file in the same folder,
//!   fsync, rename (or link, refusing an existing name), fsync of the folder, so a reader sees
//!   the old file or the new one, never a mix.
//! - Writers of one sidecar queue on an exclusive lock ([`lock_for_write`]) on a sibling lock
//!   file `.NAME.lock` that is never deleted; the lock is held from the check that the file is
//!   the one that was read through the rename. Temporary files are named after their target
//!   (`.tagline-<hash of the name>-XXXXXX.tmp`), so whoever holds the lock sweeps the ones an
//!   interrupted save left behind.
//! - Reads go through [`read_regular`] / [`open_regular`]: only regular files (after following
//!   links; FIFOs, devices and sockets are refused without blocking), at most a given size.
//! - [`content_hash`] fingerprints a file's bytes to notice that someone else changed it.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::core::sidecar::SidecarError;

/// A fingerprint of a file's bytes, to notice when someone else changed the file: its length
/// and a 64-bit SipHash, shown as `LEN-HEX`. Not cryptographic: it only tells two versions of
/// a file apart, several times faster than SHA-256 on a 50 MB sidecar. Not the article's
/// SHA-256 (a `String` in the sidecar), and never written into files.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ContentHash(String);

impl ContentHash {
    /// The fingerprint as text, e.g. `1234-00ff00ff00ff00ff`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A fingerprint written down earlier with [`ContentHash::as_str`] (a recovery journal
    /// records the sidecar its edits were made on); `None` when `text` is not one.
    pub fn from_recorded(text: &str) -> Option<ContentHash> {
        let (len, hex) = text.split_once('-')?;
        let ok = !len.is_empty()
            && len.bytes().all(|b| b.is_ascii_digit())
            && hex.len() == 16
            && hex.bytes().all(|b| b.is_ascii_hexdigit());
        ok.then(|| ContentHash(text.to_owned()))
    }
}

impl std::fmt::Display for ContentHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The [`ContentHash`] of `bytes`.
pub fn content_hash(bytes: &[u8]) -> ContentHash {
    let mut h = ContentHasher::default();
    h.write(bytes);
    h.finish()
}

/// Streaming form of [`content_hash`].
#[derive(Default)]
pub(crate) struct ContentHasher {
    sip: std::collections::hash_map::DefaultHasher,
    len: u64,
}

impl ContentHasher {
    pub(crate) fn write(&mut self, bytes: &[u8]) {
        use std::hash::Hasher;
        self.sip.write(bytes);
        self.len += bytes.len() as u64;
    }

    pub(crate) fn finish(&self) -> ContentHash {
        use std::hash::Hasher;
        ContentHash(format!("{}-{:016x}", self.len, self.sip.finish()))
    }
}

/// Hashes what is written through it.
pub(crate) struct HashingWriter<'h, W> {
    pub(crate) inner: W,
    pub(crate) hash: &'h mut ContentHasher,
}

impl<W: Write> Write for HashingWriter<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.write(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// The [`content_hash`] of the file at `path`, read in pieces; `None` when there is no file.
/// Anything but a regular file is an error (a FIFO would block forever).
pub fn content_hash_file(path: &Path) -> std::io::Result<Option<ContentHash>> {
    let mut file = match open_regular(path) {
        Ok((f, _)) => f,
        Err(ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(ReadError::Io(e)) => return Err(e),
        Err(e) => return Err(std::io::Error::other(e.to_string())),
    };
    let mut h = ContentHasher::default();
    let mut buf = vec![0; 256 * 1024];
    loop {
        let n = std::io::Read::read(&mut file, &mut buf)?;
        if n == 0 {
            break;
        }
        h.write(&buf[..n]);
    }
    Ok(Some(h.finish()))
}

/// Hashes what passes through it.
pub(crate) struct HashingReader<R> {
    pub(crate) inner: R,
    pub(crate) hash: std::rc::Rc<std::cell::RefCell<ContentHasher>>,
}

impl<R: std::io::Read> std::io::Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hash.borrow_mut().write(&buf[..n]);
        Ok(n)
    }
}

/// Largest sidecar Tagline reads: 2 GiB (a 1,000,000-annotation sidecar is about 500 MB).
pub const MAX_SIDECAR_BYTES: u64 = 2 * 1024 * 1024 * 1024;
/// Largest scheme file Tagline reads: 1 MiB (the news scheme is 4 KB).
pub const MAX_SCHEME_BYTES: u64 = 1024 * 1024;
/// How long a save waits for another writer of the same sidecar before giving up.
pub const DEFAULT_LOCK_WAIT: Duration = Duration::from_secs(10);
/// Test hook: a writer that took a lock pauses this many milliseconds before going on, so
/// tests can hold one process inside its save while another waits. Not for use otherwise.
pub const HOLD_LOCK_ENV: &str = "TAGLINE_TEST_HOLD_LOCK_MS";

/// Why a file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The system refused.
    #[error("{0}")]
    Io(std::io::Error),
    /// The path (after following links) is not a regular file.
    #[error("is {0}, not a regular file; Tagline reads only regular files")]
    NotRegular(&'static str),
    /// The file is larger than the limit.
    #[error("too large ({size} bytes; the limit is {limit} bytes)")]
    TooLarge {
        /// Its size (or how much was read before giving up) in bytes.
        size: u64,
        /// The cap in bytes.
        limit: u64,
    },
}

/// What kind of file `kind` is, in words ("a folder", "a FIFO (named pipe)", …).
pub fn describe_kind(kind: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    if kind.is_dir() {
        "a folder"
    } else if kind.is_symlink() {
        "a symbolic link"
    } else if kind.is_file() {
        "a regular file"
    } else {
        "a special file"
    }
}

/// Opens `path` for reading if it is a regular file (links followed), without blocking on a
/// FIFO or device: returns the file and its size.
pub fn open_regular(path: &Path) -> Result<(std::fs::File, u64), ReadError> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // A FIFO opened for reading blocks until a writer comes; non-blocking it opens at once
        // and is then refused. Regular files ignore the flag.
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(ReadError::Io)?;
    let meta = file.metadata().map_err(ReadError::Io)?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular(describe_kind(meta.file_type())));
    }
    Ok((file, meta.len()))
}

/// Reads the regular file at `path`, refusing anything larger than `limit` bytes (checked on
/// the size and again while reading, so a file that grows is cut off too).
pub fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let (file, size) = open_regular(path)?;
    if size > limit {
        return Err(ReadError::TooLarge { size, limit });
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

/// The lock file of `target`: `.NAME.lock` in the same folder. Never deleted (deleting it
/// would let a waiter lock a file a newcomer no longer sees).
pub fn lock_path(target: &Path) -> PathBuf {
    let mut name = std::ffi::OsString::from(".");
    name.push(target.file_name().unwrap_or_default());
    name.push(".lock");
    target.with_file_name(name)
}

/// An exclusive lock on writing one file, held until dropped. See [`lock_for_write`].
#[derive(Debug)]
pub struct WriteLock {
    file: std::fs::File,
    target: PathBuf,
}

impl WriteLock {
    /// The file this lock is for.
    pub fn target(&self) -> &Path {
        &self.target
    }
}

impl Drop for WriteLock {
    fn drop(&mut self) {
        let _ = self.file.unlock();
    }
}

/// Takes the exclusive write lock of `target`, waiting up to `wait` for another writer to
/// finish (then [`SidecarError::Busy`]). Once held, removes the temporary files an interrupted
/// write of `target` left behind.
pub fn lock_for_write(target: &Path, wait: Duration) -> Result<WriteLock, SidecarError> {
    let lock = lock_path(target);
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&lock)
        .map_err(|source| SidecarError::Io {
            path: target.to_owned(),
            action: "cannot create its lock file",
            source,
        })?;
    let start = Instant::now();
    let mut pause = Duration::from_millis(5);
    loop {
        match file.try_lock() {
            Ok(()) => break,
            Err(std::fs::TryLockError::WouldBlock) => {
                let waited = start.elapsed();
                if waited >= wait {
                    return Err(SidecarError::Busy {
                        path: target.to_owned(),
                        waited,
                    });
                }
                std::thread::sleep(pause.min(wait - waited));
                pause = (pause * 2).min(Duration::from_millis(100));
            }
            Err(std::fs::TryLockError::Error(source)) => {
                return Err(SidecarError::Io {
                    path: target.to_owned(),
                    action: "cannot lock it for writing",
                    source,
                });
            }
        }
    }
    let guard = WriteLock {
        file,
        target: target.to_owned(),
    };
    sweep_temp_files(target);
    if let Some(ms) = std::env::var(HOLD_LOCK_ENV)
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        std::thread::sleep(Duration::from_millis(ms));
    }
    Ok(guard)
}

/// FNV-1a of a file name: stable across builds, so any Tagline finds the temporary files an
/// earlier one left for the same target.
fn name_hash(name: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for &b in name {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// The prefix of the temporary files written for `target`: `.tagline-<FNV-1a of its name>-`.
pub fn temp_prefix(target: &Path) -> String {
    let name = target.file_name().unwrap_or_default().as_encoded_bytes();
    format!(".tagline-{:08x}-", name_hash(name))
}

fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Removes leftover temporary files of `target` (only safe under its [`WriteLock`]: every
/// writer of `target` holds it while its temporary file exists). Returns how many.
pub fn sweep_temp_files(target: &Path) -> usize {
    let prefix = temp_prefix(target);
    let Ok(entries) = std::fs::read_dir(folder_of(target)) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if name.starts_with(&prefix)
            && name.ends_with(".tmp")
            && entry.file_type().is_ok_and(|t| t.is_file())
            && std::fs::remove_file(entry.path()).is_ok()
        {
            removed += 1;
        }
    }
    removed
}

/// Temporary files of `target` present now (for tests and the kill loop).
pub fn temp_files_of(target: &Path) -> Vec<PathBuf> {
    let prefix = temp_prefix(target);
    let mut out: Vec<PathBuf> = std::fs::read_dir(folder_of(target))
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_str()
                .is_some_and(|n| n.starts_with(&prefix) && n.ends_with(".tmp"))
        })
        .map(|e| e.path())
        .collect();
    out.sort();
    out
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder, fsync, rename over
/// the target, fsync the folder. Readers see the old file or the new one, never a mix.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), SidecarError> {
    write_atomic_with(path, |f| f.write_all(bytes))
}

/// [`write_atomic`] with the content written by `write` into the temporary file.
pub fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> Result<(), SidecarError> {
    write_inner(path, false, write)
}

/// Like [`write_atomic_with`], but creates `path` only if no file has that name: an existing
/// one is never replaced (an `AlreadyExists` I/O error).
pub fn write_new_with(
    path: &Path,
    write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> Result<(), SidecarError> {
    write_inner(path, true, write)
}

fn write_inner(
    path: &Path,
    no_clobber: bool,
    write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> Result<(), SidecarError> {
    let io = |action: &'static str| {
        move |source| SidecarError::Io {
            path: path.to_owned(),
            action,
            source,
        }
    };
    let dir = folder_of(path);
    let mut tmp = tempfile::Builder::new()
        .prefix(&temp_prefix(path))
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(io("cannot create a temporary file next to it"))?;
    write(tmp.as_file_mut()).map_err(io("cannot write"))?;
    // Temporary files are private (0600); a sidecar keeps the permissions of the file it
    // replaces, or gets the usual rw-r--r-- when new.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map_or(0o644, |m| m.permissions().mode() & 0o7777);
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(io("cannot set permissions"))?;
    }
    tmp.as_file()
        .sync_all()
        .map_err(io("cannot flush to disk"))?;
    if no_clobber {
        tmp.persist_noclobber(path)
            .map_err(|e| e.error)
            .map_err(io("cannot create the file"))?;
    } else {
        tmp.persist(path)
            .map_err(|e| e.error)
            .map_err(io("cannot replace the file"))?;
    }
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_is_not_a_regular_file() {
        let dir = tempfile::tempdir().unwrap();
        let e = read_regular(dir.path(), 10).unwrap_err();
        assert!(matches!(e, ReadError::NotRegular("a folder")), "{e}");
        #[cfg(unix)]
        {
            let e = read_regular(Path::new("/dev/zero"), 10).unwrap_err();
            assert!(matches!(e, ReadError::NotRegular("a device")), "{e}");
        }
        let p = dir.path().join("f");
        std::fs::write(&p, b"12345").unwrap();
        assert_eq!(read_regular(&p, 5).unwrap(), b"12345");
        assert!(matches!(
            read_regular(&p, 4),
            Err(ReadError::TooLarge { size: 5, limit: 4 })
        ));
    }

    #[test]
    fn lock_queues_and_sweeps_leftovers() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a.txt.annotations.json");
        let stale = dir
            .path()
            .join(format!("{}abcdef.tmp", temp_prefix(&target)));
        std::fs::write(&stale, b"half").unwrap();
        let other = dir.path().join(format!(
            "{}abcdef.tmp",
            temp_prefix(Path::new("b.txt.annotations.json"))
        ));
        std::fs::write(&other, b"not ours").unwrap();
        let held = lock_for_write(&target, Duration::ZERO).unwrap();
        assert!(!stale.exists(), "a leftover of this target is swept");
        assert!(
            other.exists(),
            "another target's temporary file is left alone"
        );
        let e = lock_for_write(&target, Duration::from_millis(30)).unwrap_err();
        assert!(matches!(e, SidecarError::Busy { .. }), "{e}");
        drop(held);
        lock_for_write(&target, Duration::ZERO).unwrap();
        assert!(lock_path(&target).exists(), "the lock file stays");
    }

    #[test]
    fn no_clobber_creation_refuses_an_existing_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.json");
        write_new_with(&p, |f| f.write_all(b"one")).unwrap();
        let e = write_new_with(&p, |f| f.write_all(b"two")).unwrap_err();
        assert!(
            matches!(&e, SidecarError::Io { source, .. } if source.kind() == std::io::ErrorKind::AlreadyExists),
            "{e}"
        );
        assert_eq!(std::fs::read(&p).unwrap(), b"one");
        assert!(temp_files_of(&p).is_empty());
    }
}
