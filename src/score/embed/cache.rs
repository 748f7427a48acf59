//! The embedding cache: one file per model in the data folder,
//! `DATA/.rdmatch-cache/embeddings-<model id>.bin`, so a nightly run embeds
//! only the texts it has not seen.
//!
//! A text is keyed by the first 16 bytes of the SHA-256 of the exact string
//! given to the encoder; the model by [`ModelId`] (a hash of its files and
//! of the truncation length), which names the file. A changed model or
//! truncation therefore starts a new file instead of mixing vectors.
//!
//! Layout (little-endian): the 8 bytes `RDMEMB1\n`, the dimension (u32), the
//! number of entries (u64), then per entry the 16-byte key and `dim` f32.
//! The file is written to a temporary name in the same folder and renamed
//! over the old one, so a killed run leaves the previous cache whole. A file
//! that is truncated or of another dimension is not an error: it is ignored
//! (every text is embedded again) and replaced, and the caller is told why.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

const MAGIC: &[u8; 8] = b"RDMEMB1\n";

/// Key of one text: the first 16 bytes of its SHA-256.
pub type TextKey = [u8; 16];

/// The key of `text` (the exact string the encoder sees).
pub fn text_key(text: &str) -> TextKey {
    let d = Sha256::digest(text.as_bytes());
    let mut k = [0u8; 16];
    k.copy_from_slice(&d[..16]);
    k
}

/// Identity of a model as the cache sees it: 16 hex digits of a SHA-256
/// over its files and settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelId(pub String);

impl ModelId {
    /// Hashes `parts` (file contents and settings, in a fixed order).
    pub fn from_parts<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> ModelId {
        let mut h = Sha256::new();
        for p in parts {
            h.update((p.len() as u64).to_le_bytes());
            h.update(p);
        }
        let d = h.finalize();
        ModelId(d[..8].iter().map(|b| format!("{b:02x}")).collect())
    }
}

/// Cached vectors of one model.
#[derive(Debug, Default)]
pub struct Cache {
    path: PathBuf,
    dim: usize,
    entries: HashMap<TextKey, Vec<f32>>,
    /// Entries added since loading (the file is rewritten only if any).
    added: usize,
}

/// The cache file of model `id` under the data folder `data_dir`.
pub fn cache_path(data_dir: &Path, id: &ModelId) -> PathBuf {
    data_dir
        .join(".rdmatch-cache")
        .join(format!("embeddings-{}.bin", id.0))
}

impl Cache {
    /// Opens the cache at `path` for vectors of dimension `dim`. A missing
    /// file is an empty cache; an unreadable or malformed one is an empty
    /// cache plus a note saying why (it will be replaced on save).
    pub fn open(path: PathBuf, dim: usize) -> (Cache, Option<String>) {
        let mut c = Cache {
            path,
            dim,
            entries: HashMap::new(),
            added: 0,
        };
        let bytes = match std::fs::File::open(&c.path) {
            Ok(mut f) => {
                let mut b = Vec::new();
                if let Err(e) = f.read_to_end(&mut b) {
                    let note = format!("cannot read {}: {e}", c.path.display());
                    return (c, Some(note));
                }
                b
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (c, None),
            Err(e) => {
                let note = format!("cannot read {}: {e}", c.path.display());
                return (c, Some(note));
            }
        };
        match parse(&bytes, dim) {
            Ok(entries) => {
                c.entries = entries;
                (c, None)
            }
            Err(why) => {
                let note = format!(
                    "{}: {why}; ignoring it (every text is embedded again and the file replaced)",
                    c.path.display()
                );
                (c, Some(note))
            }
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn get(&self, key: &TextKey) -> Option<&[f32]> {
        self.entries.get(key).map(Vec::as_slice)
    }

    /// Adds a vector; one of another dimension is refused (returns false).
    pub fn insert(&mut self, key: TextKey, v: Vec<f32>) -> bool {
        if v.len() != self.dim {
            return false;
        }
        if self.entries.insert(key, v).is_none() {
            self.added += 1;
        }
        true
    }

    /// Writes the cache if anything was added: to a temporary file in the
    /// same folder, then renamed into place.
    pub fn save(&mut self) -> std::io::Result<()> {
        if self.added == 0 {
            return Ok(());
        }
        let dir = self.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        let tmp = dir.join(format!(
            ".{}.tmp-{}",
            self.path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            std::process::id()
        ));
        let result = (|| {
            // Vectors of confidential texts: readable by the owner only.
            let mut opts = std::fs::OpenOptions::new();
            opts.write(true).create(true).truncate(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
            let mut f = std::io::BufWriter::new(opts.open(&tmp)?);
            f.write_all(MAGIC)?;
            let dim = u32::try_from(self.dim)
                .map_err(|_| std::io::Error::other("embedding dimension too large"))?;
            f.write_all(&dim.to_le_bytes())?;
            f.write_all(&(self.entries.len() as u64).to_le_bytes())?;
            // Sorted by key, so the same entries always make the same bytes.
            let mut keys: Vec<&TextKey> = self.entries.keys().collect();
            keys.sort_unstable();
            for k in keys {
                f.write_all(k)?;
                for x in &self.entries[k] {
                    f.write_all(&x.to_le_bytes())?;
                }
            }
            let f = f.into_inner().map_err(|e| e.into_error())?;
            f.sync_all()?;
            std::fs::rename(&tmp, &self.path)
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        } else {
            self.added = 0;
        }
        result
    }
}

fn parse(b: &[u8], dim: usize) -> Result<HashMap<TextKey, Vec<f32>>, String> {
    if b.len() < 20 || &b[..8] != MAGIC {
        return Err("not an rdmatch embedding cache".into());
    }
    let file_dim = u32::from_le_bytes([b[8], b[9], b[10], b[11]]) as usize;
    if file_dim != dim {
        return Err(format!(
            "vectors of dimension {file_dim}, the model gives {dim}"
        ));
    }
    let mut n8 = [0u8; 8];
    n8.copy_from_slice(&b[12..20]);
    let n = u64::from_le_bytes(n8);
    let entry = 16 + 4 * dim;
    let body = &b[20..];
    let n = usize::try_from(n).map_err(|_| "entry count too large".to_string())?;
    if n.checked_mul(entry) != Some(body.len()) {
        return Err(format!(
            "truncated or padded ({} bytes for {n} entries of {entry} bytes)",
            body.len()
        ));
    }
    let mut out = HashMap::with_capacity(n);
    for e in body.chunks_exact(entry) {
        let mut k = [0u8; 16];
        k.copy_from_slice(&e[..16]);
        let v: Vec<f32> = e[16..]
            .chunks_exact(4)
            .map(|x| f32::from_le_bytes([x[0], x[1], x[2], x[3]]))
            .collect();
        if v.iter().any(|x| !x.is_finite()) {
            return Err("an entry holds a value that is not a finite number".into());
        }
        out.insert(k, v);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_rewrite_only_when_added() {
        let dir = tempfile::tempdir().unwrap();
        let id = ModelId::from_parts([b"m".as_slice()]);
        let path = cache_path(dir.path(), &id);
        let (mut c, note) = Cache::open(path.clone(), 3);
        assert!(note.is_none() && c.is_empty());
        assert!(c.insert(text_key("a"), vec![1.0, 2.0, 3.0]));
        assert!(
            !c.insert(text_key("b"), vec![1.0]),
            "wrong dimension refused"
        );
        c.save().unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "owner only");
        }
        let (c2, note) = Cache::open(path.clone(), 3);
        assert!(note.is_none());
        assert_eq!(c2.len(), 1);
        assert_eq!(c2.get(&text_key("a")), Some([1.0f32, 2.0, 3.0].as_slice()));
        assert_eq!(c2.get(&text_key("b")), None);
        // Nothing added: the file is not touched.
        let before = std::fs::metadata(&path).unwrap().modified().unwrap();
        let (mut c3, _) = Cache::open(path.clone(), 3);
        c3.save().unwrap();
        assert_eq!(
            std::fs::metadata(&path).unwrap().modified().unwrap(),
            before
        );
    }

    #[test]
    fn damaged_or_foreign_file_is_ignored_with_a_note() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.bin");
        let (mut c, _) = Cache::open(path.clone(), 2);
        c.insert(text_key("x"), vec![0.5, 0.5]);
        c.save().unwrap();
        let full = std::fs::read(&path).unwrap();
        std::fs::write(&path, &full[..full.len() - 3]).unwrap();
        let (c, note) = Cache::open(path.clone(), 2);
        assert!(c.is_empty());
        assert!(note.unwrap().contains("truncated"));
        std::fs::write(&path, &full).unwrap();
        let (_, note) = Cache::open(path.clone(), 4);
        assert!(note.unwrap().contains("dimension 2"));
        std::fs::write(&path, b"hello").unwrap();
        let (_, note) = Cache::open(path, 2);
        assert!(note.unwrap().contains("not an rdmatch embedding cache"));
    }

    #[test]
    fn model_id_depends_on_every_part_and_its_boundaries() {
        let a = ModelId::from_parts([b"ab".as_slice(), b"c".as_slice()]);
        let b = ModelId::from_parts([b"a".as_slice(), b"bc".as_slice()]);
        assert_ne!(a, b);
        assert_eq!(a.0.len(), 16);
    }
}
