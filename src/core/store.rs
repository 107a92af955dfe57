//! The store: Tagline's file access below the document. Every write of a sidecar (and of the
//! settings file) goes through [`write_atomic_with`]: a temporary file in the same folder,
//! fsync, rename, fsync of the folder, so a reader sees the old file or the new one, never a
//! mix. [`content_hash`] fingerprints a file's bytes to notice that someone else changed it.

use std::io::Write;
use std::path::Path;

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
pub fn content_hash_file(path: &Path) -> std::io::Result<Option<ContentHash>> {
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
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
    let io = |action: &'static str| {
        move |source| SidecarError::Io {
            path: path.to_owned(),
            action,
            source,
        }
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".tagline-")
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
    tmp.persist(path)
        .map_err(|e| e.error)
        .map_err(io("cannot replace the file"))?;
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}
