//! The access tokens a store has checked lately, so the bearer check of each
//! request needs no query. A revocation in this process evicts at once; with
//! PostgreSQL, every replica hears the others' revocations through
//! `LISTEN`/`NOTIFY` and evicts too. An entry lives at most [`TTL`], which
//! bounds what a lost notification (a dropped listener connection) can cost.

use std::{
    sync::{Arc, Weak},
    time::{Duration, Instant},
};

use super::records::TokenRecord;

/// The longest another replica's revocation can go unseen here (RFC 7009 allows
/// a short propagation delay).
pub const TTL: Duration = Duration::from_secs(5);
const CAPACITY: usize = 100_000;
/// The PostgreSQL channel revocations are announced on.
pub const CHANNEL: &str = "gumstack_revoked";

type Cache = quick_cache::sync::Cache<String, (Arc<TokenRecord>, Instant)>;

/// What was revoked: one access token (by hash) or every token of a grant.
#[derive(Debug, Clone, Copy)]
pub enum Revoked<'a> {
    Token(&'a str),
    Grant(&'a str),
}

impl<'a> Revoked<'a> {
    /// The `NOTIFY` payload.
    pub fn payload(self) -> String {
        match self {
            Revoked::Token(hash) => format!("token:{hash}"),
            Revoked::Grant(id) => format!("grant:{id}"),
        }
    }

    fn parse(payload: &'a str) -> Option<Self> {
        match payload.split_once(':')? {
            ("token", hash) => Some(Revoked::Token(hash)),
            ("grant", id) => Some(Revoked::Grant(id)),
            _ => None,
        }
    }
}

#[derive(Clone)]
pub struct CheckedTokens(Arc<Cache>);

impl CheckedTokens {
    pub fn new() -> Self {
        Self(Arc::new(Cache::new(CAPACITY)))
    }

    pub fn get(&self, hash: &str) -> Option<Arc<TokenRecord>> {
        self.0
            .get(hash)
            .filter(|(_, at)| at.elapsed() < TTL)
            .map(|(token, _)| token)
    }

    pub fn insert(&self, hash: &str, token: &Arc<TokenRecord>) {
        self.0
            .insert(hash.to_owned(), (token.clone(), Instant::now()));
    }

    pub fn forget(&self, revoked: Revoked<'_>) {
        forget(&self.0, revoked);
    }

    /// Hear other replicas' revocations on `url` (PostgreSQL) until this cache
    /// is dropped.
    pub fn listen(&self, url: String) {
        let cache = Arc::downgrade(&self.0);
        tokio::spawn(listen(url, cache));
    }
}

fn forget(cache: &Cache, revoked: Revoked<'_>) {
    match revoked {
        Revoked::Token(hash) => {
            cache.remove(hash);
        }
        Revoked::Grant(id) => cache.retain(|_, (token, _)| token.grant_id != id),
    }
}

async fn listen(url: String, cache: Weak<Cache>) {
    use sqlx::postgres::PgListener;
    let mut listener = loop {
        let attempt = async {
            let mut listener = PgListener::connect(&url).await?;
            listener.listen(CHANNEL).await?;
            Ok::<_, sqlx::Error>(listener)
        };
        match attempt.await {
            Ok(listener) => break listener,
            Err(e) => {
                tracing::warn!("listening for revocations failed ({e}); retrying in 5 s");
                if cache.strong_count() == 0 {
                    return;
                }
                tokio::time::sleep(TTL).await;
            }
        }
    };
    loop {
        let heard = listener.try_recv().await;
        let Some(cache) = cache.upgrade() else { return };
        match heard {
            Ok(Some(note)) => match Revoked::parse(note.payload()) {
                Some(revoked) => forget(&cache, revoked),
                None => tracing::warn!("ignoring an unknown revocation notice"),
            },
            // The connection dropped and came back: what was announced meanwhile
            // is lost, so forget everything.
            Ok(None) => cache.clear(),
            Err(e) => {
                tracing::warn!("listening for revocations: {e}");
                cache.clear();
                drop(cache);
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}
