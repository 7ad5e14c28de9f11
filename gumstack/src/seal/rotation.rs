//! Rotating the generated key file (`<data_dir>/secret.key`): a new key becomes
//! current while the old one stays readable as `secret.key.previous`, until
//! `rotate-key` has sealed every value again and deletes it.
//!
//! The files change one atomic step at a time, in an order where a crash
//! anywhere leaves a set that the server opens (every value sealed so far opens
//! under a key present) and the next `rotate-key` completes without generating
//! yet another key:
//!
//! | step                                        | `secret.key` | `.previous` | `.next` |
//! |---------------------------------------------|--------------|-------------|---------|
//! | before                                      | old          | -           | -       |
//! | 1. generate (temp file, hard-linked in)     | old          | -           | new     |
//! | 2. keep the old key (hard link)             | old          | old         | new     |
//! | 3. promote (rename `.next` over the key)    | new          | old         | -       |
//! | re-seal every value (the caller)            | new          | old         | -       |
//! | 4. retire (delete `.previous`)              | new          | -           | -       |
//!
//! `secret.key` is never missing: a server that found no key file would
//! generate a key of its own and open nothing.

use std::path::{Path, PathBuf};

pub(crate) use super::PREVIOUS_FILE;
use super::{KEY_FILE, create_key_file, key_id, read_key};
use crate::{Error, Result};

/// The new key, generated, not yet current.
const NEXT_FILE: &str = "secret.key.next";

/// One step of bringing the key files to "new key current, old one previous".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// Generate the new key into `.next`.
    Generate,
    /// Keep the current key as `.previous`.
    KeepOld,
    /// Rename `.next` over `secret.key`.
    Promote,
}

/// The steps still to take, from which files are there (`.previous`, `.next`):
/// the state each step leaves is recognised by the files it made.
fn steps(previous: bool, next: bool) -> &'static [Step] {
    use Step::*;
    match (previous, next) {
        (false, false) => &[Generate, KeepOld, Promote],
        (false, true) => &[KeepOld, Promote],
        (true, true) => &[Promote],
        (true, false) => &[],
    }
}

/// Where the key files stand after [`promote`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Promoted {
    /// The id of the key now current (new values are sealed with it).
    pub current: String,
    /// The id of the key kept as `.previous`.
    pub previous: String,
    /// A rotation was under way already (interrupted): it is completed, and no
    /// new key was generated.
    pub resumed: bool,
    /// `secret.key` and `secret.key.previous`.
    pub current_file: PathBuf,
    pub previous_file: PathBuf,
}

/// Bring the key files of `data_dir` to "a new key current, the old one
/// previous": start a rotation, or complete the steps of one interrupted.
pub(crate) fn promote(data_dir: &Path) -> Result<Promoted> {
    let [current, previous, next] =
        [KEY_FILE, PREVIOUS_FILE, NEXT_FILE].map(|name| data_dir.join(name));
    let todo = steps(previous.exists(), next.exists());
    for step in todo {
        match step {
            Step::Generate => {
                create_key_file(&next)?;
            }
            Step::KeepOld => std::fs::hard_link(&current, &previous).map_err(|e| {
                Error::config(format!(
                    "cannot keep the current key as {}: {e}",
                    previous.display()
                ))
            })?,
            Step::Promote => std::fs::rename(&next, &current).map_err(|e| {
                Error::config(format!(
                    "cannot make {} the current key {}: {e}",
                    next.display(),
                    current.display()
                ))
            })?,
        }
        sync_dir(data_dir)?;
    }
    let id_of = |path: &Path| -> Result<String> {
        let key = read_key(path)?
            .ok_or_else(|| Error::config(format!("the key file {} disappeared", path.display())))?;
        Ok(key_id(&key))
    };
    Ok(Promoted {
        current: id_of(&current)?,
        previous: id_of(&previous)?,
        resumed: todo.len() < 3,
        current_file: current,
        previous_file: previous,
    })
}

/// Delete `secret.key.previous`: every value is sealed with the current key.
pub(crate) fn retire(data_dir: &Path) -> Result<()> {
    let previous = data_dir.join(PREVIOUS_FILE);
    match std::fs::remove_file(&previous) {
        Ok(()) => sync_dir(data_dir),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::config(format!(
            "cannot delete the previous key {}: {e}",
            previous.display()
        ))),
    }
}

/// A rename or link is durable once its directory is synced.
fn sync_dir(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    let _ = dir;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seal::{Sealer, file_keys};

    #[test]
    fn each_state_of_the_files_has_the_steps_that_complete_it() {
        use Step::*;
        // (previous, next, steps, rule)
        let cases: [(bool, bool, &[Step], &str); 4] = [
            (
                false,
                false,
                &[Generate, KeepOld, Promote],
                "no rotation: start one",
            ),
            (
                false,
                true,
                &[KeepOld, Promote],
                "crashed after generating: reuse that key",
            ),
            (
                true,
                true,
                &[Promote],
                "crashed after keeping the old key: promote the new one",
            ),
            (
                true,
                false,
                &[],
                "promoted: only re-sealing and retiring are left",
            ),
        ];
        for (previous, next, expected, rule) in cases {
            assert_eq!(steps(previous, next), expected, "{rule}");
        }
    }

    fn write_key(path: &Path, key: &[u8; 32]) {
        use base64::Engine;
        use std::{io::Write, os::unix::fs::OpenOptionsExt};
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)
            .unwrap();
        let text = base64::engine::general_purpose::STANDARD.encode(key);
        file.write_all(text.as_bytes()).unwrap();
    }

    fn sealer_of(dir: &Path) -> Sealer {
        let (current, previous) = file_keys(dir).unwrap();
        Sealer::from_keys(&current, &previous)
    }

    /// Every state a crash can leave (after each step) is one the server opens
    /// (the old key still reads what it sealed) and `promote` completes, to the
    /// new key generated before the crash when there was one.
    #[test]
    fn a_crash_after_any_step_leaves_files_the_server_opens_and_promote_completes() {
        let old = [1u8; 32];
        let staged = [2u8; 32];
        // (files after the crash: previous, next; rule)
        let cases = [
            (false, false, "before the first step"),
            (false, true, "after generating the new key"),
            (true, true, "after keeping the old key"),
            (true, false, "after promoting the new key"),
        ];
        for (previous, next, rule) in cases {
            let dir = tempfile_dir(rule);
            let promoted_already = previous && !next;
            write_key(
                &dir.join(KEY_FILE),
                if promoted_already { &staged } else { &old },
            );
            if previous {
                write_key(&dir.join(PREVIOUS_FILE), &old);
            }
            if next {
                write_key(&dir.join(NEXT_FILE), &staged);
            }
            let sealed = Sealer::from_keys(&old, &[]).seal(b"value", "ctx");
            let server = sealer_of(&dir);
            assert_eq!(&*server.open(&sealed, "ctx").unwrap(), b"value", "{rule}");

            let promoted = promote(&dir).unwrap();
            assert_eq!(promoted.previous, key_id(&old), "{rule}");
            assert_eq!(promoted.resumed, previous || next, "{rule}");
            if previous || next {
                assert_eq!(promoted.current, key_id(&staged), "{rule}: no other key");
            } else {
                assert_ne!(promoted.current, key_id(&old), "{rule}: a new key");
            }
            assert!(!dir.join(NEXT_FILE).exists(), "{rule}");
            let server = sealer_of(&dir);
            assert_eq!(server.key_id(), promoted.current, "{rule}");
            assert_eq!(&*server.open(&sealed, "ctx").unwrap(), b"value", "{rule}");
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                for name in [KEY_FILE, PREVIOUS_FILE] {
                    let mode = std::fs::metadata(dir.join(name))
                        .unwrap()
                        .permissions()
                        .mode();
                    assert_eq!(mode & 0o777, 0o600, "{rule}: {name}");
                }
            }

            retire(&dir).unwrap();
            assert!(!dir.join(PREVIOUS_FILE).exists(), "{rule}");
            assert_eq!(sealer_of(&dir).previous_key_ids(), Vec::<&str>::new());
            retire(&dir).unwrap();
            std::fs::remove_dir_all(&dir).unwrap();
        }
    }

    fn tempfile_dir(rule: &str) -> PathBuf {
        let mut nonce = [0u8; 4];
        getrandom::fill(&mut nonce).unwrap();
        let dir = std::env::temp_dir().join(format!(
            "gumstack-rotation-{}-{}-{}",
            std::process::id(),
            rule.len(),
            crate::crypto::hex(&nonce)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
