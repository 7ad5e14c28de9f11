//! Sealing secrets at rest: XChaCha20-Poly1305 under a key from
//! `GUMSTACK_SECRET_KEY` or a generated key file (mode 0600).
//!
//! A sealed value is text: `v1.<key id>.<base64url(nonce || ciphertext)>`. The key
//! id lets keys rotate (old keys stay readable through
//! `GUMSTACK_PREVIOUS_SECRET_KEYS`), and the associated data binds a value to the
//! row it belongs to, so a sealed value moved to another row does not open.
//! The generated key file rotates too (`seal::rotation`): `rotate-key` makes a new
//! key current and keeps the old one readable as `secret.key.previous` until
//! every value is sealed again.

pub(crate) mod rotation;

use std::{fmt, path::Path};

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chacha20poly1305::{
    Key, XChaCha20Poly1305, XNonce,
    aead::{Aead, KeyInit, Payload},
};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::{Error, ErrorKind, Result, crypto::hex};

const KEY_FILE: &str = "secret.key";
/// The old key while a rotation of the key file is under way ([`rotation`]).
pub(crate) const PREVIOUS_FILE: &str = "secret.key.previous";
const NONCE_LEN: usize = 24;

/// A 32-byte key.
type KeyBytes = [u8; 32];

/// One 32-byte key and its id.
struct SealKey {
    id: String,
    cipher: XChaCha20Poly1305,
}

impl SealKey {
    fn new(bytes: &[u8; 32]) -> Self {
        Self {
            id: key_id(bytes),
            cipher: XChaCha20Poly1305::new(Key::from_slice(bytes)),
        }
    }
}

/// The id a key's sealed values carry: the first 4 bytes of its SHA-256, in
/// hex (it names the key without revealing it).
fn key_id(bytes: &[u8; 32]) -> String {
    hex(&Sha256::digest(bytes)[..4])
}

/// The id of the key `sealed` was sealed with; `None` when it is not a
/// sealed value.
pub fn key_id_of(sealed: &str) -> Option<&str> {
    let (id, body) = sealed.strip_prefix("v1.")?.split_once('.')?;
    (!id.is_empty() && !body.is_empty()).then_some(id)
}

/// Whether the current key comes from `GUMSTACK_SECRET_KEY` (otherwise: the
/// key file in the data directory).
pub(crate) fn key_in_env() -> bool {
    std::env::var("GUMSTACK_SECRET_KEY").is_ok()
}

/// Seals with the current key; opens with any known key.
pub struct Sealer {
    current: SealKey,
    previous: Vec<SealKey>,
}

impl fmt::Debug for Sealer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sealer")
            .field("key_id", &self.current.id)
            .finish_non_exhaustive()
    }
}

impl Sealer {
    /// A sealer over explicit keys (tests, tools).
    pub fn from_keys(current: &[u8; 32], previous: &[[u8; 32]]) -> Self {
        Self {
            current: SealKey::new(current),
            previous: previous.iter().map(SealKey::new).collect(),
        }
    }

    /// The host's keys: `GUMSTACK_SECRET_KEY` (base64 of 32 bytes) if set,
    /// otherwise `<data_dir>/secret.key`, created on first use with mode 0600
    /// (with `secret.key.previous`, while a rotation is under way); previous
    /// keys from `GUMSTACK_PREVIOUS_SECRET_KEYS`.
    pub fn load(data_dir: &Path) -> Result<Self> {
        let (current, mut previous) = match std::env::var("GUMSTACK_SECRET_KEY") {
            Ok(text) => (decode_key(&text, "GUMSTACK_SECRET_KEY")?, Vec::new()),
            Err(_) => file_keys(data_dir)?,
        };
        let listed = match std::env::var("GUMSTACK_PREVIOUS_SECRET_KEYS") {
            Ok(list) => list
                .split(',')
                .filter(|s| !s.trim().is_empty())
                .map(|k| decode_key(k, "GUMSTACK_PREVIOUS_SECRET_KEYS").map(|k| *k))
                .collect::<Result<Vec<_>>>()?,
            Err(_) => Vec::new(),
        };
        previous.extend(listed);
        Ok(Self::from_keys(&current, &previous))
    }

    /// The id of the key new values are sealed with.
    pub fn key_id(&self) -> &str {
        &self.current.id
    }

    /// The ids of the keys that only open values, in the order given.
    pub fn previous_key_ids(&self) -> Vec<&str> {
        self.previous.iter().map(|k| k.id.as_str()).collect()
    }

    /// Whether `sealed` was sealed with the current key.
    pub fn is_current(&self, sealed: &str) -> bool {
        key_id_of(sealed) == Some(self.current.id.as_str())
    }

    /// Seal `plaintext`, bound to `context` (e.g. `grant:<id>`).
    pub fn seal(&self, plaintext: &[u8], context: &str) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).expect("the OS random number generator works");
        let ciphertext = self
            .current
            .cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: context.as_bytes(),
                },
            )
            .expect("encryption of an in-memory buffer does not fail");
        let mut blob = nonce.to_vec();
        blob.extend_from_slice(&ciphertext);
        format!("v1.{}.{}", self.current.id, URL_SAFE_NO_PAD.encode(blob))
    }

    /// Open a sealed value. Errors say whether the key is unknown (wrong
    /// `GUMSTACK_SECRET_KEY`) or the value was altered.
    pub fn open(&self, sealed: &str, context: &str) -> Result<Zeroizing<Vec<u8>>> {
        let mut parts = sealed.splitn(3, '.');
        let (Some("v1"), Some(key_id), Some(body)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(tampered(context));
        };
        let key = std::iter::once(&self.current)
            .chain(&self.previous)
            .find(|k| k.id == key_id)
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::Config,
                    format!(
                        "a stored secret was sealed with key {key_id}, but the current key is {} and no previous key matches: set GUMSTACK_SECRET_KEY to the key this data was written with (or list it in GUMSTACK_PREVIOUS_SECRET_KEYS)",
                        self.current.id
                    ),
                )
            })?;
        let blob = URL_SAFE_NO_PAD
            .decode(body)
            .map_err(|_| tampered(context))?;
        if blob.len() < NONCE_LEN {
            return Err(tampered(context));
        }
        let (nonce, ciphertext) = blob.split_at(NONCE_LEN);
        key.cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: context.as_bytes(),
                },
            )
            .map(Zeroizing::new)
            .map_err(|_| tampered(context))
    }
}

fn tampered(context: &str) -> Error {
    Error::new(
        ErrorKind::Other,
        format!("the sealed value of {context} does not open: it was altered or belongs elsewhere"),
    )
}

fn decode_key(text: &str, source: &str) -> Result<Zeroizing<[u8; 32]>> {
    use base64::engine::general_purpose::STANDARD;
    let text = text.trim();
    let bytes = Zeroizing::new(
        STANDARD
            .decode(text)
            .or_else(|_| URL_SAFE_NO_PAD.decode(text))
            .map_err(|_| Error::config(format!("{source} is not base64: expected 32 random bytes in base64 (e.g. `openssl rand -base64 32`)")))?,
    );
    let mut key = Zeroizing::new([0u8; 32]);
    if bytes.len() != 32 {
        return Err(Error::config(format!(
            "{source} holds {} bytes; it must be 32 random bytes in base64 (e.g. `openssl rand -base64 32`)",
            bytes.len()
        )));
    }
    key.copy_from_slice(&bytes);
    Ok(key)
}

/// Read the key file, or create it (0600) with a fresh random key.
///
/// The new key is written to a temporary file and hard-linked into place, which
/// fails if the file exists: two processes starting together agree on one key,
/// and nobody reads a half-written file.
fn key_file(path: &Path) -> Result<Zeroizing<[u8; 32]>> {
    let source = path.display().to_string();
    match std::fs::read_to_string(path) {
        Ok(text) => {
            check_private(path)?;
            return decode_key(&text, &source);
        }
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(Error::config(format!(
                "cannot read the secret key file {source}: {e}"
            )));
        }
        Err(_) => {}
    }
    create_key_file(path)
}

/// Create the key file `path` (0600) with a fresh random key, or read the one
/// another process created first.
fn create_key_file(path: &Path) -> Result<Zeroizing<[u8; 32]>> {
    let source = path.display().to_string();
    let mut key = Zeroizing::new([0u8; 32]);
    getrandom::fill(key.as_mut_slice()).expect("the OS random number generator works");
    let text = Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(key.as_slice()));
    let mut nonce = [0u8; 8];
    getrandom::fill(&mut nonce).expect("the OS random number generator works");
    let temp = path.with_extension(format!("tmp-{}", hex(&nonce)));
    write_private(&temp, text.as_bytes())?;
    let linked = std::fs::hard_link(&temp, path);
    let _ = std::fs::remove_file(&temp);
    match linked {
        Ok(()) => {
            tracing::info!("generated a new secret key at {source}");
            Ok(key)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                Error::config(format!("cannot read the secret key file {source}: {e}"))
            })?;
            decode_key(&text, &source)
        }
        Err(e) => Err(Error::config(format!(
            "cannot create the secret key file {source}: {e}"
        ))),
    }
}

/// The keys of the key file: the current one (created on first use) and, while
/// a rotation is under way, the previous one.
fn file_keys(data_dir: &Path) -> Result<(Zeroizing<[u8; 32]>, Vec<KeyBytes>)> {
    let current = key_file(&data_dir.join(KEY_FILE))?;
    let previous = read_key(&data_dir.join(PREVIOUS_FILE))?
        .map(|key| *key)
        .into_iter()
        .collect();
    Ok((current, previous))
}

/// The key in `path` (which must be private), or `None` when there is none.
fn read_key(path: &Path) -> Result<Option<Zeroizing<[u8; 32]>>> {
    let source = path.display().to_string();
    match std::fs::read_to_string(path) {
        Ok(text) => {
            check_private(path)?;
            decode_key(&text, &source).map(Some)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::config(format!(
            "cannot read the secret key file {source}: {e}"
        ))),
    }
}

/// A key file other users can read (or write) is refused: whoever reads it
/// opens every sealed credential.
fn check_private(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map_err(|e| {
                Error::config(format!(
                    "cannot read the secret key file {}: {e}",
                    path.display()
                ))
            })?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            return Err(Error::config(format!(
                "the secret key file {} can be read or written by other users (mode {:o}); it must be private to the server's user: run `chmod 600 {}`",
                path.display(),
                mode & 0o777,
                path.display()
            )));
        }
    }
    let _ = path;
    Ok(())
}

/// Create `path` readable by its owner only, failing if it already exists.
fn write_private(path: &Path, contents: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(|e| {
        Error::config(format!(
            "cannot create the secret key file {}: {e}",
            path.display()
        ))
    })?;
    file.write_all(contents)?;
    file.sync_all()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_context_binding() {
        let sealer = Sealer::from_keys(&[7; 32], &[]);
        let sealed = sealer.seal(b"sk-123", "grant:a");
        assert!(!sealed.contains("sk-123"));
        assert_eq!(&*sealer.open(&sealed, "grant:a").unwrap(), b"sk-123");
        let moved = sealer.open(&sealed, "grant:b").unwrap_err();
        assert!(moved.to_string().contains("does not open"), "{moved}");
    }

    #[test]
    fn tampering_is_detected() {
        let sealer = Sealer::from_keys(&[7; 32], &[]);
        let sealed = sealer.seal(b"sk-123", "grant:a");
        let mut bytes = sealed.into_bytes();
        let last = bytes.len() - 2;
        bytes[last] = if bytes[last] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(bytes).unwrap();
        assert!(sealer.open(&tampered, "grant:a").is_err());
    }

    #[test]
    fn rotation_keeps_old_values_readable_and_a_wrong_key_says_so() {
        let old = Sealer::from_keys(&[1; 32], &[]);
        let sealed = old.seal(b"v", "c");
        let rotated = Sealer::from_keys(&[2; 32], &[[1; 32]]);
        assert_eq!(&*rotated.open(&sealed, "c").unwrap(), b"v");
        let wrong = Sealer::from_keys(&[3; 32], &[]);
        let error = wrong.open(&sealed, "c").unwrap_err();
        assert!(error.to_string().contains("GUMSTACK_SECRET_KEY"), "{error}");
    }

    #[cfg(unix)]
    #[test]
    fn a_key_file_others_can_read_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("gumstack-seal-open-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(KEY_FILE);
        let _ = std::fs::remove_file(&path);
        key_file(&path).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let error = key_file(&path).unwrap_err().to_string();
        assert!(error.contains("chmod 600"), "{error}");
        assert!(error.contains("644"), "{error}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn key_file_is_created_private_and_reused() {
        let dir = std::env::temp_dir().join(format!("gumstack-seal-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(KEY_FILE);
        let _ = std::fs::remove_file(&path);
        let first = key_file(&path).unwrap();
        let second = key_file(&path).unwrap();
        assert_eq!(*first, *second);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
