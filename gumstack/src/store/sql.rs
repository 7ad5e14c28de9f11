//! The one implementation of [`Store`], on two engines through sqlx's `Any`
//! driver: SQLite (one file in the data directory, no set-up: the default) and
//! PostgreSQL (`GUMSTACK_DATABASE_URL`, shared by several replicas). Every query
//! is plain SQL both accept (`$N` parameters, `RETURNING`, `ON CONFLICT`); the
//! only engine-specific parts are how a migration and a refresh take their lock,
//! and the placeholders of the audit log's insert (`insert_audit`).

use std::{path::Path, sync::Arc, time::Duration};

use async_trait::async_trait;
use sqlx::{
    AnyPool, Row,
    any::{AnyPoolOptions, AnyRow},
};

use super::{
    checked::{self, CheckedTokens, Revoked},
    contract::{GrantLock, Lock, Store},
    migrations::MIGRATIONS,
    records::{
        AuditQuery, AuditRecord, ClientMetadata, ClientRecord, CodeRecord, Consumed,
        DISCONNECTED_GRANT_LIFETIME, GrantRecord, GrantSummary, PendingRecord, SESSION_LIFETIME,
        SealedAt, SealedValue, TaskRecord, Timestamp, TokenKind, TokenRecord,
        UNUSED_CLIENT_LIFETIME, now,
    },
};
use crate::{Error, Result};

pub(super) const FILE: &str = "gumstack.db";

/// Which engine a [`SqlStore`] runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// One file in the data directory: one process.
    Sqlite,
    /// A shared database: any number of replicas.
    Postgres,
}

/// The store on SQLite or PostgreSQL.
#[derive(Clone)]
pub struct SqlStore {
    pool: AnyPool,
    backend: Backend,
    /// Access tokens checked lately, so the bearer check of each request needs
    /// no query.
    checked: CheckedTokens,
}

impl std::fmt::Debug for SqlStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqlStore")
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}

impl SqlStore {
    /// Open (creating if needed) `<data_dir>/gumstack.db` and migrate it.
    pub async fn open_sqlite(data_dir: &Path) -> Result<Self> {
        create_private_dir(data_dir)?;
        let path = std::path::absolute(data_dir.join(FILE))?;
        // sqlx percent-decodes the path of the URL: encode it the same way.
        let file = url::Url::from_file_path(&path).map_err(|()| {
            Error::config(format!("unusable data directory {}", data_dir.display()))
        })?;
        let url = format!("sqlite://{}?mode=rwc", file.path());
        let options = AnyPoolOptions::new()
            .max_connections(4)
            .after_connect(|conn, _| {
                Box::pin(async move {
                    // WAL + NORMAL: a committed write survives a process crash.
                    sqlx::raw_sql(
                        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000",
                    )
                    .execute(conn)
                    .await?;
                    Ok(())
                })
            });
        // Another process (a second `serve`, a `login`) may be creating the same
        // file: SQLite then answers "locked" to the WAL switch, so retry briefly.
        let mut attempt = 0;
        let pool = loop {
            match options.clone().connect(&url).await {
                Ok(pool) => break pool,
                Err(e) if attempt < 50 && is_busy(&e) => {
                    attempt += 1;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => {
                    return Err(Error::config(format!(
                        "cannot open the store {}: {e}",
                        path.display()
                    )));
                }
            }
        };
        let store = Self::new(pool, Backend::Sqlite);
        store.migrate().await?;
        Ok(store)
    }

    /// Connect to the PostgreSQL database at `url` and migrate it.
    pub async fn connect_postgres(url: &str) -> Result<Self> {
        let unreachable = |e: sqlx::Error| {
            Error::config(format!(
                "cannot connect to the database of GUMSTACK_DATABASE_URL ({}): {e}",
                redact_url(url)
            ))
        };
        warn_on_plaintext(url);
        // One connection first: its error says why (refused, bad password...),
        // where the pool's would only say it timed out.
        use sqlx::Connection;
        sqlx::AnyConnection::connect(url)
            .await
            .map_err(unreachable)?
            .close()
            .await
            .map_err(unreachable)?;
        let pool = AnyPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await
            .map_err(unreachable)?;
        let store = Self::new(pool, Backend::Postgres);
        store.migrate().await?;
        store.checked.listen(url.to_owned());
        Ok(store)
    }

    fn new(pool: AnyPool, backend: Backend) -> Self {
        Self {
            pool,
            backend,
            checked: CheckedTokens::new(),
        }
    }

    /// Evict revoked access tokens here, and tell the other replicas.
    async fn revoked(&self, revoked: Revoked<'_>) {
        self.checked.forget(revoked);
        if self.backend == Backend::Postgres {
            // Best effort: a lost notice costs at most `checked::TTL`.
            let sent = sqlx::query("SELECT 1 AS sent FROM (SELECT pg_notify($1, $2)) AS n")
                .bind(checked::CHANNEL)
                .bind(revoked.payload())
                .fetch_one(&self.pool)
                .await;
            if let Err(e) = sent {
                tracing::warn!("announcing a revocation to the other replicas failed: {e}");
            }
        }
    }

    /// Which engine it runs on.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    async fn migrate(&self) -> Result<()> {
        // Two processes starting together apply each migration once: the first
        // takes the write lock (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory
        // lock held until commit), the second then sees the new version.
        let mut tx = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => {
                let mut tx = self.pool.begin().await?;
                sqlx::query("SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(hashtextextended('gumstack-migrate', 0))) AS l")
                    .fetch_one(&mut *tx)
                    .await?;
                tx
            }
        };
        sqlx::raw_sql(
            "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        )
        .execute(&mut *tx)
        .await?;
        let version: usize = sqlx::query("SELECT value FROM meta WHERE key = 'schema_version'")
            .fetch_optional(&mut *tx)
            .await?
            .map(|row| row.try_get::<String, _>("value"))
            .transpose()?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        if version > MIGRATIONS.len() {
            return Err(Error::config(format!(
                "the store's schema is version {version}, newer than this server knows ({}): run a newer server",
                MIGRATIONS.len()
            )));
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version) {
            sqlx::raw_sql(sqlx::AssertSqlSafe(*sql))
                .execute(&mut *tx)
                .await?;
            sqlx::query("INSERT INTO meta (key, value) VALUES ('schema_version', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
                .bind((i + 1).to_string())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

/// A database on another machine reached without `sslmode=require` (or
/// stricter) may send credentials and tokens in the clear: libpq's default,
/// `prefer`, silently falls back to plaintext.
fn warn_on_plaintext(url: &str) {
    if let Some(problem) = plaintext_risk(url) {
        tracing::warn!("{problem}");
    }
}

fn plaintext_risk(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    // `postgres:` is not a special scheme: its host comes back as text.
    let loopback = match parsed.host_str() {
        Some(host) => {
            host.eq_ignore_ascii_case("localhost")
                || host
                    .trim_matches(['[', ']'])
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        }
        // A Unix socket (`?host=/run/postgresql`) never leaves the machine.
        None => true,
    };
    let mode = parsed
        .query_pairs()
        .find(|(k, _)| k == "sslmode")
        .map(|(_, v)| v.into_owned());
    let safe = matches!(
        mode.as_deref(),
        Some("require" | "verify-ca" | "verify-full")
    );
    (!loopback && !safe).then(|| {
        format!(
            "GUMSTACK_DATABASE_URL reaches {} with sslmode={}: the connection may be unencrypted; add ?sslmode=require (or verify-full)",
            parsed.host_str().unwrap_or_default(),
            mode.as_deref().unwrap_or("prefer (the default)")
        )
    })
}

/// The URL without its password, for error messages and logs.
fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            if parsed.password().is_some() {
                let _ = parsed.set_password(Some("***"));
            }
            parsed.to_string()
        }
        Err(_) => "an unparsable URL".into(),
    }
}

fn is_busy(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.message().contains("locked") || e.message().contains("busy"))
}

/// Create the data directory (0700), or check an existing one: a directory
/// other users can write to is refused (they could replace the store or the
/// key file), one they can read is reported.
fn create_private_dir(dir: &Path) -> Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir).map_err(|e| {
        Error::config(format!(
            "cannot create the data directory {}: {e}",
            dir.display()
        ))
    })?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir)?.permissions().mode() & 0o777;
        if mode & 0o022 != 0 {
            return Err(Error::config(format!(
                "the data directory {} can be written by other users (mode {mode:o}): run `chmod 700 {}`",
                dir.display(),
                dir.display()
            )));
        }
        if mode & 0o077 != 0 {
            tracing::warn!(
                "the data directory {} can be read by other users (mode {mode:o}); `chmod 700` it",
                dir.display()
            );
        }
    }
    Ok(())
}

/// A flag column (`INTEGER` 0/1): `i64` in SQLite, `int4` in PostgreSQL.
fn flag(row: &AnyRow, column: &str) -> Result<bool> {
    Ok(row.try_get::<i64, _>(column)? != 0)
}

fn client(row: &AnyRow) -> Result<ClientRecord> {
    let metadata: String = row.try_get("metadata")?;
    Ok(ClientRecord {
        client_id: row.try_get("client_id")?,
        secret_hash: row.try_get("secret_hash")?,
        metadata: serde_json::from_str(&metadata)?,
        created_at: row.try_get("created_at")?,
    })
}

fn pending(row: &AnyRow) -> Result<PendingRecord> {
    Ok(PendingRecord {
        id: row.try_get("id")?,
        client_id: row.try_get("client_id")?,
        redirect_uri: row.try_get("redirect_uri")?,
        code_challenge: row.try_get("code_challenge")?,
        state: row.try_get("state")?,
        scope: row.try_get("scope")?,
        resource: row.try_get("resource")?,
        browser_hash: row.try_get("browser_hash")?,
        consented: flag(row, "consented")?,
        expires_at: row.try_get("expires_at")?,
        reconnect_grant: row.try_get("reconnect_grant")?,
    })
}

fn code(row: &AnyRow) -> Result<CodeRecord> {
    Ok(CodeRecord {
        code_hash: row.try_get("code_hash")?,
        grant_id: row.try_get("grant_id")?,
        client_id: row.try_get("client_id")?,
        redirect_uri: row.try_get("redirect_uri")?,
        code_challenge: row.try_get("code_challenge")?,
        resource: row.try_get("resource")?,
        scope: row.try_get("scope")?,
        expires_at: row.try_get("expires_at")?,
    })
}

fn grant(row: &AnyRow) -> Result<GrantRecord> {
    Ok(GrantRecord {
        id: row.try_get("id")?,
        client_id: row.try_get("client_id")?,
        sealed: row.try_get("sealed")?,
        nickname: row.try_get("nickname")?,
        account_id: row.try_get("account_id")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        disconnected: flag(row, "disconnected")?,
    })
}

fn grant_summary(row: &AnyRow) -> Result<GrantSummary> {
    // A registration whose metadata no longer parses still lists its grant.
    let metadata: Option<String> = row.try_get("metadata")?;
    let client_name = metadata
        .and_then(|m| serde_json::from_str::<ClientMetadata>(&m).ok())
        .and_then(|m| m.client_name);
    Ok(GrantSummary {
        id: row.try_get("id")?,
        client_id: row.try_get("client_id")?,
        client_name,
        nickname: row.try_get("nickname")?,
        account_id: row.try_get("account_id")?,
        created_at: row.try_get("created_at")?,
        last_used_at: row.try_get("last_used_at")?,
        disconnected: flag(row, "disconnected")?,
    })
}

fn token(row: &AnyRow) -> Result<TokenRecord> {
    let kind: String = row.try_get("kind")?;
    Ok(TokenRecord {
        token_hash: row.try_get("token_hash")?,
        kind: if kind == "refresh" {
            TokenKind::Refresh
        } else {
            TokenKind::Access
        },
        grant_id: row.try_get("grant_id")?,
        client_id: row.try_get("client_id")?,
        resource: row.try_get("resource")?,
        scope: row.try_get("scope")?,
        expires_at: row.try_get("expires_at")?,
    })
}

#[async_trait]
impl Store for SqlStore {
    async fn auth_type(&self) -> Result<Option<String>> {
        self.get_meta("auth_type").await
    }

    async fn set_auth_type(&self, auth_type: &str) -> Result<()> {
        // Only ever set once: an existing value is never overwritten.
        sqlx::query(
            "INSERT INTO meta (key, value) VALUES ('auth_type', $1) ON CONFLICT (key) DO NOTHING",
        )
        .bind(auth_type)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn get_meta(&self, key: &str) -> Result<Option<String>> {
        let row = sqlx::query("SELECT value FROM meta WHERE key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get("value")).transpose()?)
    }

    async fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        sqlx::query("INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            .bind(key)
            .bind(value)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn put_client(&self, c: &ClientRecord) -> Result<()> {
        sqlx::query("INSERT INTO clients (client_id, secret_hash, metadata, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (client_id) DO UPDATE SET secret_hash = excluded.secret_hash, metadata = excluded.metadata")
            .bind(&c.client_id)
            .bind(&c.secret_hash)
            .bind(serde_json::to_string(&c.metadata)?)
            .bind(c.created_at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn get_client(&self, client_id: &str) -> Result<Option<ClientRecord>> {
        sqlx::query("SELECT * FROM clients WHERE client_id = $1")
            .bind(client_id)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(client)
            .transpose()
    }

    async fn client_authorized(&self, client_id: &str) -> Result<()> {
        sqlx::query(
            "UPDATE clients SET authorized_at = $1 WHERE client_id = $2 AND authorized_at IS NULL",
        )
        .bind(now())
        .bind(client_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn put_pending(&self, p: &PendingRecord) -> Result<()> {
        sqlx::query("INSERT INTO pending (id, client_id, redirect_uri, code_challenge, state, scope, resource, browser_hash, consented, expires_at, reconnect_grant) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)")
            .bind(&p.id)
            .bind(&p.client_id)
            .bind(&p.redirect_uri)
            .bind(&p.code_challenge)
            .bind(&p.state)
            .bind(&p.scope)
            .bind(&p.resource)
            .bind(&p.browser_hash)
            .bind(i64::from(p.consented))
            .bind(p.expires_at)
            .bind(&p.reconnect_grant)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn get_pending(&self, id: &str) -> Result<Option<PendingRecord>> {
        sqlx::query("SELECT * FROM pending WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(pending)
            .transpose()
    }

    async fn set_pending_consented(&self, id: &str, scope: Option<&str>) -> Result<()> {
        sqlx::query("UPDATE pending SET consented = 1, scope = $2 WHERE id = $1")
            .bind(id)
            .bind(scope)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn take_pending(&self, id: &str) -> Result<Option<PendingRecord>> {
        sqlx::query("DELETE FROM pending WHERE id = $1 RETURNING *")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(pending)
            .transpose()
    }

    async fn set_pending_upstream(
        &self,
        id: &str,
        state_hash: &str,
        sealed_verifier: &str,
        browser_hash: &str,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE pending SET upstream_state_hash = $1, upstream_verifier = $2, browser_hash = $3 WHERE id = $4",
        )
        .bind(state_hash)
        .bind(sealed_verifier)
        .bind(browser_hash)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn take_pending_by_upstream_state(
        &self,
        state_hash: &str,
    ) -> Result<Option<(PendingRecord, String)>> {
        let row = sqlx::query("DELETE FROM pending WHERE upstream_state_hash = $1 RETURNING *")
            .bind(state_hash)
            .fetch_optional(&self.pool)
            .await?;
        match row {
            Some(row) => {
                let verifier: Option<String> = row.try_get("upstream_verifier")?;
                Ok(Some((pending(&row)?, verifier.unwrap_or_default())))
            }
            None => Ok(None),
        }
    }

    async fn put_code(&self, c: &CodeRecord) -> Result<()> {
        sqlx::query("INSERT INTO codes (code_hash, grant_id, client_id, redirect_uri, code_challenge, resource, scope, used, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8)")
            .bind(&c.code_hash)
            .bind(&c.grant_id)
            .bind(&c.client_id)
            .bind(&c.redirect_uri)
            .bind(&c.code_challenge)
            .bind(&c.resource)
            .bind(&c.scope)
            .bind(c.expires_at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn consume_code(&self, code_hash: &str) -> Result<Consumed<CodeRecord>> {
        let fresh =
            sqlx::query("UPDATE codes SET used = 1 WHERE code_hash = $1 AND used = 0 RETURNING *")
                .bind(code_hash)
                .fetch_optional(&self.pool)
                .await?;
        if let Some(row) = fresh {
            return Ok(Consumed::Fresh(code(&row)?));
        }
        let used = sqlx::query("SELECT grant_id FROM codes WHERE code_hash = $1")
            .bind(code_hash)
            .fetch_optional(&self.pool)
            .await?;
        Ok(match used {
            Some(row) => Consumed::Reused {
                grant_id: row.try_get("grant_id")?,
            },
            None => Consumed::Unknown,
        })
    }

    async fn put_grant(&self, g: &GrantRecord) -> Result<()> {
        sqlx::query("INSERT INTO grants (id, client_id, sealed, nickname, account_id, created_at, updated_at, disconnected) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO UPDATE SET sealed = excluded.sealed, nickname = excluded.nickname, account_id = excluded.account_id, updated_at = excluded.updated_at, disconnected = excluded.disconnected")
            .bind(&g.id)
            .bind(&g.client_id)
            .bind(&g.sealed)
            .bind(&g.nickname)
            .bind(&g.account_id)
            .bind(g.created_at)
            .bind(g.updated_at)
            .bind(i64::from(g.disconnected))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn get_grant(&self, id: &str) -> Result<Option<GrantRecord>> {
        sqlx::query("SELECT * FROM grants WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(grant)
            .transpose()
    }

    async fn delete_grant(&self, id: &str) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        for sql in [
            "DELETE FROM tokens WHERE grant_id = $1",
            "DELETE FROM codes WHERE grant_id = $1",
            "DELETE FROM browser_grants WHERE grant_id = $1",
            "DELETE FROM sessions WHERE grant_id = $1",
            "DELETE FROM grants WHERE id = $1",
        ] {
            sqlx::query(sql).bind(id).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        self.revoked(Revoked::Grant(id)).await;
        Ok(())
    }

    async fn set_grant_disconnected(&self, id: &str, disconnected: bool) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE grants SET disconnected = $1, disconnected_at = $2 WHERE id = $3")
            .bind(i64::from(disconnected))
            .bind(disconnected.then(now))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if disconnected {
            // The client's next request gets 401; its refresh token then works
            // again only if the user reconnected in between.
            sqlx::query("DELETE FROM tokens WHERE grant_id = $1 AND kind = 'access'")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        if disconnected {
            self.revoked(Revoked::Grant(id)).await;
        }
        Ok(())
    }

    async fn list_grants(&self) -> Result<Vec<GrantSummary>> {
        // Only the columns listed: the sealed values are not even read.
        sqlx::query("SELECT g.id, g.client_id, g.nickname, g.account_id, g.created_at, g.last_used_at, g.disconnected, c.metadata FROM grants g LEFT JOIN clients c ON c.client_id = g.client_id ORDER BY g.created_at, g.id")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(grant_summary)
            .collect()
    }

    async fn count_connected_grants(&self) -> Result<u64> {
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM grants WHERE disconnected = 0")
            .fetch_one(&self.pool)
            .await?;
        Ok(count as u64)
    }

    async fn grant_used(&self, id: &str, at: Timestamp) -> Result<()> {
        sqlx::query("UPDATE grants SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $1)")
            .bind(at)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn link_browser(&self, browser_hash: &str, grant_id: &str) -> Result<()> {
        sqlx::query("INSERT INTO browser_grants (browser_hash, grant_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
            .bind(browser_hash)
            .bind(grant_id)
            .bind(now())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn grants_of_browser(&self, browser_hash: &str) -> Result<Vec<GrantRecord>> {
        sqlx::query("SELECT g.* FROM grants g JOIN browser_grants b ON b.grant_id = g.id WHERE b.browser_hash = $1 ORDER BY g.created_at, g.id")
            .bind(browser_hash)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(grant)
            .collect()
    }

    async fn connected_grant_of(
        &self,
        client_id: &str,
        account_id: &str,
    ) -> Result<Option<String>> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM grants WHERE client_id = $1 AND account_id = $2 AND disconnected = 0 ORDER BY updated_at DESC, id LIMIT 1",
        )
        .bind(client_id)
        .bind(account_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    async fn put_token(&self, t: &TokenRecord) -> Result<()> {
        sqlx::query("INSERT INTO tokens (token_hash, kind, grant_id, client_id, resource, scope, used, expires_at) VALUES ($1, $2, $3, $4, $5, $6, 0, $7)")
            .bind(&t.token_hash)
            .bind(t.kind.as_str())
            .bind(&t.grant_id)
            .bind(&t.client_id)
            .bind(&t.resource)
            .bind(&t.scope)
            .bind(t.expires_at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn get_token(
        &self,
        token_hash: &str,
        kind: TokenKind,
    ) -> Result<Option<Arc<TokenRecord>>> {
        if kind == TokenKind::Access
            && let Some(token) = self.checked.get(token_hash)
        {
            return Ok(Some(token));
        }
        let found =
            sqlx::query("SELECT * FROM tokens WHERE token_hash = $1 AND kind = $2 AND used = 0")
                .bind(token_hash)
                .bind(kind.as_str())
                .fetch_optional(&self.pool)
                .await?
                .as_ref()
                .map(token)
                .transpose()?
                .map(Arc::new);
        if let Some(found) = &found
            && kind == TokenKind::Access
        {
            self.checked.insert(token_hash, found);
        }
        Ok(found)
    }

    async fn consume_refresh_token(&self, token_hash: &str) -> Result<Consumed<TokenRecord>> {
        let fresh = sqlx::query("UPDATE tokens SET used = 1 WHERE token_hash = $1 AND kind = 'refresh' AND used = 0 RETURNING *")
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?;
        if let Some(row) = fresh {
            return Ok(Consumed::Fresh(token(&row)?));
        }
        let used =
            sqlx::query("SELECT grant_id FROM tokens WHERE token_hash = $1 AND kind = 'refresh'")
                .bind(token_hash)
                .fetch_optional(&self.pool)
                .await?;
        Ok(match used {
            Some(row) => Consumed::Reused {
                grant_id: row.try_get("grant_id")?,
            },
            None => Consumed::Unknown,
        })
    }

    async fn delete_token(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM tokens WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        self.revoked(Revoked::Token(token_hash)).await;
        Ok(())
    }

    async fn delete_tokens_of_grant(&self, grant_id: &str) -> Result<()> {
        sqlx::query("DELETE FROM tokens WHERE grant_id = $1")
            .bind(grant_id)
            .execute(&self.pool)
            .await?;
        self.revoked(Revoked::Grant(grant_id)).await;
        Ok(())
    }

    async fn set_scope_of_grant_tokens(&self, grant_id: &str, scope: &str) -> Result<()> {
        sqlx::query("UPDATE tokens SET scope = $2 WHERE grant_id = $1")
            .bind(grant_id)
            .bind(scope)
            .execute(&self.pool)
            .await?;
        // The checked copies hold the old scope: forgotten here and announced.
        self.revoked(Revoked::Grant(grant_id)).await;
        Ok(())
    }

    async fn sealed_values(&self) -> Result<Vec<SealedValue>> {
        let mut values = Vec::new();
        for row in sqlx::query("SELECT id, sealed FROM grants")
            .fetch_all(&self.pool)
            .await?
        {
            values.push(SealedValue {
                at: SealedAt::Grant(row.try_get("id")?),
                sealed: row.try_get("sealed")?,
            });
        }
        for row in sqlx::query(
            "SELECT id, upstream_verifier FROM pending WHERE upstream_verifier IS NOT NULL",
        )
        .fetch_all(&self.pool)
        .await?
        {
            values.push(SealedValue {
                at: SealedAt::Verifier(row.try_get("id")?),
                sealed: row.try_get("upstream_verifier")?,
            });
        }
        Ok(values)
    }

    async fn replace_sealed(&self, at: &SealedAt, old: &str, new: &str) -> Result<bool> {
        let (sql, key) = match at {
            SealedAt::Grant(id) => (
                "UPDATE grants SET sealed = $1 WHERE id = $2 AND sealed = $3",
                id,
            ),
            SealedAt::Verifier(id) => (
                "UPDATE pending SET upstream_verifier = $1 WHERE id = $2 AND upstream_verifier = $3",
                id,
            ),
            SealedAt::Meta(key) => (
                "UPDATE meta SET value = $1 WHERE key = $2 AND value = $3",
                key,
            ),
        };
        let done = sqlx::query(sql)
            .bind(new)
            .bind(key)
            .bind(old)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn lock_grant(&self, grant_id: &str) -> Result<GrantLock> {
        match self.backend {
            // One process serves a SQLite file: the caller's in-process lock is
            // the whole story (holding SQLite's write lock during a network call
            // would stall every other write).
            Backend::Sqlite => Ok(GrantLock::none()),
            // A transaction-scoped advisory lock: released at commit, and by the
            // server itself when a replica dies holding it.
            Backend::Postgres => {
                let mut tx = self.pool.begin().await?;
                sqlx::query("SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(hashtextextended($1, 0))) AS l")
                    .bind(format!("gumstack-refresh:{grant_id}"))
                    .fetch_one(&mut *tx)
                    .await?;
                Ok(GrantLock::new(PgLock(Some(tx))))
            }
        }
    }

    async fn put_session(&self, id: &str, state: &str) -> Result<()> {
        sqlx::query("INSERT INTO sessions (id, state, created_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET state = excluded.state")
            .bind(id)
            .bind(state)
            .bind(now())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn get_session(&self, id: &str) -> Result<Option<String>> {
        let row = sqlx::query("SELECT state FROM sessions WHERE id = $1 AND state IS NOT NULL")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get("state")).transpose()?)
    }

    async fn bind_session(&self, id: &str, grant_id: &str) -> Result<String> {
        // The first binding wins and is never changed.
        let row = sqlx::query("INSERT INTO sessions (id, grant_id, created_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET grant_id = COALESCE(sessions.grant_id, excluded.grant_id) RETURNING grant_id")
            .bind(id)
            .bind(grant_id)
            .bind(now())
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get("grant_id")?)
    }

    async fn session_grant(&self, id: &str) -> Result<Option<String>> {
        let row = sqlx::query("SELECT grant_id FROM sessions WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row
            .map(|r| r.try_get::<Option<String>, _>("grant_id"))
            .transpose()?
            .flatten())
    }

    async fn delete_session(&self, id: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn put_task(&self, t: &TaskRecord) -> Result<()> {
        sqlx::query("INSERT INTO tasks (id, owner, state, terminal, updated_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO UPDATE SET state = excluded.state, terminal = excluded.terminal, updated_at = excluded.updated_at, expires_at = excluded.expires_at WHERE tasks.terminal = 0")
            .bind(&t.id)
            .bind(&t.owner)
            .bind(&t.state)
            .bind(i64::from(t.terminal))
            .bind(t.updated_at)
            .bind(t.expires_at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn get_task(&self, id: &str) -> Result<Option<TaskRecord>> {
        let row = sqlx::query("SELECT * FROM tasks WHERE id = $1 AND expires_at >= $2")
            .bind(id)
            .bind(now())
            .fetch_optional(&self.pool)
            .await?;
        row.map(|row| {
            Ok(TaskRecord {
                id: row.try_get("id")?,
                owner: row.try_get("owner")?,
                state: row.try_get("state")?,
                terminal: flag(&row, "terminal")?,
                updated_at: row.try_get("updated_at")?,
                expires_at: row.try_get("expires_at")?,
            })
        })
        .transpose()
    }

    async fn spend_once(&self, id: &str, expires_at: Timestamp) -> Result<bool> {
        let done = sqlx::query(
            "INSERT INTO spent (id, expires_at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING",
        )
        .bind(id)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn put_audit(&self, records: &[AuditRecord]) -> Result<()> {
        // Many rows a statement: one statement per row would bound the log
        // to a few tens of thousands of calls a second.
        const ROWS: usize = 64;
        if records.is_empty() {
            return Ok(());
        }
        let mut tx = self.pool.begin().await?;
        for chunk in records.chunks(ROWS) {
            let mut query =
                sqlx::query(sqlx::AssertSqlSafe(insert_audit(self.backend, chunk.len())));
            for r in chunk {
                query = query
                    .bind(&r.id)
                    .bind(r.at_ms)
                    .bind(&r.grant_id)
                    .bind(&r.client_id)
                    .bind(&r.kind)
                    .bind(&r.name)
                    .bind(&r.arguments)
                    .bind(r.duration_us)
                    .bind(&r.outcome);
            }
            query.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn audit(&self, query: &AuditQuery) -> Result<Vec<AuditRecord>> {
        // Only the filters given, each a `$N` parameter: no value is ever
        // written into the SQL.
        let mut sql = String::from("SELECT * FROM audit WHERE 1 = 1");
        let mut values: Vec<&str> = Vec::new();
        let local = query.grant_id.as_deref() == Some("local");
        for (column, value) in [
            ("name", query.name.as_deref()),
            ("grant_id", query.grant_id.as_deref().filter(|_| !local)),
            ("client_id", query.client_id.as_deref()),
            ("outcome", query.outcome.as_deref()),
        ] {
            if let Some(value) = value {
                values.push(value);
                sql.push_str(&format!(" AND {column} = ${}", values.len()));
            }
        }
        if local {
            sql.push_str(" AND grant_id IS NULL");
        }
        if query.since_ms.is_some() {
            sql.push_str(&format!(" AND at_ms >= ${}", values.len() + 1));
        }
        sql.push_str(&format!(
            " ORDER BY at_ms DESC, id DESC LIMIT {}",
            query.limit
        ));
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for value in values {
            q = q.bind(value);
        }
        if let Some(since) = query.since_ms {
            q = q.bind(since);
        }
        q.fetch_all(&self.pool)
            .await?
            .iter()
            .map(|row| {
                Ok(AuditRecord {
                    id: row.try_get("id")?,
                    at_ms: row.try_get("at_ms")?,
                    grant_id: row.try_get("grant_id")?,
                    client_id: row.try_get("client_id")?,
                    kind: row.try_get("kind")?,
                    name: row.try_get("name")?,
                    arguments: row.try_get("arguments")?,
                    duration_us: row.try_get("duration_us")?,
                    outcome: row.try_get("outcome")?,
                })
            })
            .collect()
    }

    async fn purge_audit(&self, before_ms: i64) -> Result<u64> {
        let done = sqlx::query("DELETE FROM audit WHERE at_ms < $1")
            .bind(before_ms)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    async fn purge_expired(&self, now: Timestamp) -> Result<()> {
        // Used refresh tokens are kept until they expire: a replay must still be
        // recognised (and revoke the grant) rather than look unknown.
        for sql in [
            "DELETE FROM pending WHERE expires_at < $1",
            "DELETE FROM codes WHERE expires_at < $1",
            "DELETE FROM tokens WHERE expires_at < $1",
            "DELETE FROM spent WHERE expires_at < $1",
            "DELETE FROM tasks WHERE expires_at < $1",
        ] {
            sqlx::query(sql).bind(now).execute(&self.pool).await?;
        }
        sqlx::query("DELETE FROM sessions WHERE created_at < $1")
            .bind(now - SESSION_LIFETIME.as_secs() as Timestamp)
            .execute(&self.pool)
            .await?;
        sqlx::query("DELETE FROM clients WHERE authorized_at IS NULL AND created_at < $1")
            .bind(now - UNUSED_CLIENT_LIFETIME.as_secs() as Timestamp)
            .execute(&self.pool)
            .await?;
        let abandoned: Vec<String> =
            sqlx::query("SELECT id FROM grants WHERE disconnected = 1 AND disconnected_at < $1")
                .bind(now - DISCONNECTED_GRANT_LIFETIME.as_secs() as Timestamp)
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|row| row.try_get("id"))
                .collect::<std::result::Result<_, _>>()?;
        for id in abandoned {
            self.delete_grant(&id).await?;
        }
        Ok(())
    }
}

/// The refresh lock of one grant in PostgreSQL: the transaction holding it.
struct PgLock(Option<sqlx::Transaction<'static, sqlx::Any>>);

#[async_trait]
impl Lock for PgLock {
    async fn release(&mut self) -> Result<()> {
        if let Some(tx) = self.0.take() {
            tx.commit().await?;
        }
        Ok(())
    }
}

/// The statement inserting `rows` audit records. On SQLite its parameters
/// are anonymous (`?`): sqlx binds each parameter by asking SQLite its name,
/// and SQLite finds a name by walking the statement's list of them, so with
/// numbered ones (`$N`) binding the 576 of 64 rows took half of the writer's
/// CPU time (quadratic in the row count); unnamed ones have no list to walk.
/// PostgreSQL knows only `$N`.
fn insert_audit(backend: Backend, rows: usize) -> String {
    let mut sql = String::from(
        "INSERT INTO audit (id, at_ms, grant_id, client_id, kind, name, arguments, duration_us, outcome) VALUES ",
    );
    for i in 0..rows {
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for column in 0..9 {
            if column > 0 {
                sql.push_str(", ");
            }
            match backend {
                Backend::Sqlite => sql.push('?'),
                Backend::Postgres => {
                    use std::fmt::Write;
                    let _ = write!(sql, "${}", i * 9 + column + 1);
                }
            }
        }
        sql.push(')');
    }
    sql.push_str(" ON CONFLICT (id) DO NOTHING");
    sql
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_audit_insert_numbers_its_parameters_only_on_postgres() {
        let columns =
            "(id, at_ms, grant_id, client_id, kind, name, arguments, duration_us, outcome)";
        assert_eq!(
            insert_audit(Backend::Sqlite, 2),
            format!(
                "INSERT INTO audit {columns} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING"
            )
        );
        assert_eq!(
            insert_audit(Backend::Postgres, 2),
            format!(
                "INSERT INTO audit {columns} VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9), ($10, $11, $12, $13, $14, $15, $16, $17, $18) ON CONFLICT (id) DO NOTHING"
            )
        );
    }

    #[test]
    fn remote_databases_without_tls_are_reported() {
        let cases = [
            ("postgres://u:p@db.internal/g", true),
            ("postgres://u:p@db.internal/g?sslmode=prefer", true),
            ("postgres://u:p@db.internal/g?sslmode=disable", true),
            ("postgres://u:p@db.internal/g?sslmode=require", false),
            ("postgres://u:p@db.internal/g?sslmode=verify-full", false),
            ("postgres://u:p@127.0.0.1:5432/g", false),
            ("postgres://u:p@localhost/g", false),
            ("postgres://u:p@[::1]/g", false),
        ];
        for (url, reported) in cases {
            assert_eq!(plaintext_risk(url).is_some(), reported, "{url}");
        }
        assert!(
            !plaintext_risk("postgres://u:secret@db.internal/g")
                .unwrap()
                .contains("secret")
        );
    }
}
