//! Sealing every stored value again with the current key (`rotate-key`), so
//! that an old key can be retired.
//!
//! Safe to interrupt, to run again, and to run while servers run: each value is
//! re-sealed on its own statement, values already under the current key are
//! skipped, and a value is replaced only if it still is what was read
//! (compare-and-swap), so tokens a refresh stored meanwhile are never
//! overwritten with older ones: that value is read again on the next pass.

use std::collections::BTreeMap;

use super::vault::{KEY_CHECK, Vault, context_of};
use crate::{
    Result,
    seal::key_id_of,
    store::{SealedAt, SealedValue},
};

/// Passes over the values: a value that changed under one pass is read again
/// by the next. Only a writer still sealing with an old key (a replica not
/// restarted with the new one) keeps a value stale through all of them.
const PASSES: usize = 3;

/// What re-sealing did, and what it left.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Resealed {
    /// Values sealed again with the current key.
    pub resealed: usize,
    /// Values that did not open (sealed with a key not configured, or
    /// altered), left as they are: what each is bound to, and why.
    pub unreadable: Vec<(String, String)>,
    /// How many values are left sealed with each key other than the current
    /// one, by key id (`?`: text that is not a sealed value), counted after the
    /// last pass.
    pub remaining: BTreeMap<String, usize>,
}

impl Resealed {
    /// How many values are left sealed with key `key_id`.
    pub fn remaining_under(&self, key_id: &str) -> usize {
        self.remaining.get(key_id).copied().unwrap_or(0)
    }
}

impl Vault {
    /// Seal every value the store holds (grant values, the PKCE verifiers of
    /// pending provider legs, the key check) with the current key.
    pub(crate) async fn reseal(&self) -> Result<Resealed> {
        let sealer = self.sealer();
        let mut resealed = 0;
        let mut unreadable: BTreeMap<SealedAt, String> = BTreeMap::new();
        for _ in 0..PASSES {
            let stale: Vec<SealedValue> = self
                .sealed()
                .await?
                .into_iter()
                .filter(|v| !sealer.is_current(&v.sealed) && !unreadable.contains_key(&v.at))
                .collect();
            if stale.is_empty() {
                break;
            }
            for value in stale {
                let context = context_of(&value.at);
                let plain = match sealer.open(&value.sealed, &context) {
                    Ok(plain) => plain,
                    Err(e) => {
                        unreadable.insert(value.at, e.to_string());
                        continue;
                    }
                };
                let fresh = sealer.seal(&plain, &context);
                // False: it changed (or went) since it was read; the next pass
                // sees what it is now.
                if self
                    .store()
                    .replace_sealed(&value.at, &value.sealed, &fresh)
                    .await?
                {
                    resealed += 1;
                }
            }
        }
        let mut remaining = BTreeMap::new();
        for value in self.sealed().await? {
            if !sealer.is_current(&value.sealed) {
                let id = key_id_of(&value.sealed).unwrap_or("?").to_owned();
                *remaining.entry(id).or_default() += 1;
            }
        }
        Ok(Resealed {
            resealed,
            unreadable: unreadable
                .into_iter()
                .map(|(at, why)| (context_of(&at), why))
                .collect(),
            remaining,
        })
    }

    /// Every sealed value of the store: the rows', and the key check.
    async fn sealed(&self) -> Result<Vec<SealedValue>> {
        let mut values = self.store().sealed_values().await?;
        if let Some(sealed) = self.store().get_meta(KEY_CHECK).await? {
            values.push(SealedValue {
                at: SealedAt::Meta(KEY_CHECK.to_owned()),
                sealed,
            });
        }
        Ok(values)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::{
        seal::Sealer,
        store::{self, GrantRecord, Store},
    };

    const OLD: [u8; 32] = [1; 32];
    const NEW: [u8; 32] = [2; 32];
    const UNKNOWN: [u8; 32] = [3; 32];

    fn grant(id: &str, sealed: String) -> GrantRecord {
        GrantRecord {
            id: id.into(),
            client_id: Some("c".into()),
            sealed,
            nickname: None,
            account_id: None,
            created_at: 0,
            updated_at: 0,
            disconnected: false,
        }
    }

    async fn store_in(name: &str) -> (Arc<dyn Store>, std::path::PathBuf) {
        let dir = std::env::temp_dir().join(format!(
            "gumstack-reseal-{name}-{}-{}",
            std::process::id(),
            crate::crypto::random()
        ));
        (Arc::new(store::open(&dir).await.unwrap()), dir)
    }

    #[tokio::test]
    async fn every_value_is_sealed_again_once_and_what_does_not_open_is_left() {
        let (store, dir) = store_in("all").await;
        let old = Sealer::from_keys(&OLD, &[]);
        let new = Sealer::from_keys(&NEW, &[OLD]);
        // (row, sealed with, rule)
        store
            .put_grant(&grant("a", old.seal(b"A", "grant:a")))
            .await
            .unwrap(); // under the old key: re-sealed
        store
            .put_grant(&grant("b", new.seal(b"B", "grant:b")))
            .await
            .unwrap(); // under the new key: skipped
        store
            .put_grant(&grant("moved", old.seal(b"M", "grant:a")))
            .await
            .unwrap(); // bound to another row: does not open, left
        store
            .put_grant(&grant(
                "lost",
                Sealer::from_keys(&UNKNOWN, &[]).seal(b"L", "grant:lost"),
            ))
            .await
            .unwrap(); // a key not configured: left
        let vault = Vault::new(store.clone(), Sealer::from_keys(&OLD, &[]));
        vault.check_key().await.unwrap(); // the key check, under the old key
        let vault = Vault::new(store.clone(), new);

        let report = vault.reseal().await.unwrap();
        assert_eq!(report.resealed, 2, "grant a and the key check: {report:?}");
        assert_eq!(report.remaining_under(old.key_id()), 1, "the moved value");
        assert_eq!(
            report.remaining_under(Sealer::from_keys(&UNKNOWN, &[]).key_id()),
            1
        );
        let contexts: Vec<&str> = report.unreadable.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(contexts, ["grant:lost", "grant:moved"]);

        // What was re-sealed opens with the new key alone, with its value.
        let only_new = Vault::new(store.clone(), Sealer::from_keys(&NEW, &[]));
        only_new.check_key().await.unwrap();
        assert_eq!(&*only_new.get("a").await.unwrap().unwrap().1, b"A");
        assert_eq!(&*only_new.get("b").await.unwrap().unwrap().1, b"B");

        // A second run has nothing to do.
        let again = vault.reseal().await.unwrap();
        assert_eq!(again.resealed, 0);
        assert_eq!(again.remaining, report.remaining);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[tokio::test]
    async fn a_value_written_meanwhile_is_not_overwritten() {
        let (store, dir) = store_in("race").await;
        let old = Sealer::from_keys(&OLD, &[]);
        let first = old.seal(b"tokens v1", "grant:g");
        store.put_grant(&grant("g", first.clone())).await.unwrap();
        // A refresh stores new tokens (still under the old key) after the
        // rotation read the first ones: the swap from what it read fails.
        let refreshed = old.seal(b"tokens v2", "grant:g");
        store
            .put_grant(&grant("g", refreshed.clone()))
            .await
            .unwrap();
        let at = SealedAt::Grant("g".into());
        let stale = Sealer::from_keys(&NEW, &[]).seal(b"tokens v1", "grant:g");
        assert!(!store.replace_sealed(&at, &first, &stale).await.unwrap());
        // The next pass reads v2 and re-seals it.
        let vault = Vault::new(store.clone(), Sealer::from_keys(&NEW, &[OLD]));
        let report = vault.reseal().await.unwrap();
        assert_eq!(report.resealed, 1);
        assert_eq!(&*vault.get("g").await.unwrap().unwrap().1, b"tokens v2");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
