//! The embedded default: one SQLite file in the data directory, no set-up.

use std::{path::Path, str::FromStr, time::Duration};

use async_trait::async_trait;
use sqlx::{
    Row,
    sqlite::{
        SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
        SqliteSynchronous,
    },
};

use super::{
    ClientRecord, CodeRecord, Consumed, GrantRecord, PendingRecord, Store, Timestamp, TokenKind,
    TokenRecord, migrations::MIGRATIONS,
};
use crate::{Error, Result};

const FILE: &str = "gumstack.db";

#[derive(Clone, Debug)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Open (creating if needed) `<data_dir>/gumstack.db` and migrate it.
    pub async fn open(data_dir: &Path) -> Result<Self> {
        create_private_dir(data_dir)?;
        let path = data_dir.join(FILE);
        let options = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))?
            .create_if_missing(true)
            // WAL + NORMAL: a committed write survives a process crash.
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true);
        // Another process (a second `serve`, a `login`) may be creating the same
        // file: SQLite then answers "locked" to the WAL switch, so retry briefly.
        let mut attempt = 0;
        let pool = loop {
            match SqlitePoolOptions::new()
                .max_connections(4)
                .connect_with(options.clone())
                .await
            {
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
        let store = Self { pool };
        store.migrate().await?;
        Ok(store)
    }

    async fn migrate(&self) -> Result<()> {
        // BEGIN IMMEDIATE takes the write lock first, so two processes starting
        // together apply each migration once: the second sees the new version.
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
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
            sqlx::query("INSERT INTO meta (key, value) VALUES ('schema_version', ?1) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
                .bind((i + 1).to_string())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

fn is_busy(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.message().contains("locked") || e.message().contains("busy"))
}

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
    })
}

fn client(row: &SqliteRow) -> Result<ClientRecord> {
    let metadata: String = row.try_get("metadata")?;
    Ok(ClientRecord {
        client_id: row.try_get("client_id")?,
        secret_hash: row.try_get("secret_hash")?,
        metadata: serde_json::from_str(&metadata)?,
        created_at: row.try_get("created_at")?,
    })
}

fn pending(row: &SqliteRow) -> Result<PendingRecord> {
    Ok(PendingRecord {
        id: row.try_get("id")?,
        client_id: row.try_get("client_id")?,
        redirect_uri: row.try_get("redirect_uri")?,
        code_challenge: row.try_get("code_challenge")?,
        state: row.try_get("state")?,
        scope: row.try_get("scope")?,
        resource: row.try_get("resource")?,
        csrf_hash: row.try_get("csrf_hash")?,
        consented: row.try_get::<i64, _>("consented")? != 0,
        expires_at: row.try_get("expires_at")?,
        reconnect_grant: row.try_get("reconnect_grant")?,
    })
}

fn code(row: &SqliteRow) -> Result<CodeRecord> {
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

fn grant(row: &SqliteRow) -> Result<GrantRecord> {
    Ok(GrantRecord {
        id: row.try_get("id")?,
        client_id: row.try_get("client_id")?,
        sealed: row.try_get("sealed")?,
        nickname: row.try_get("nickname")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        disconnected: row.try_get::<i64, _>("disconnected")? != 0,
    })
}

fn token(row: &SqliteRow) -> Result<TokenRecord> {
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
impl Store for SqliteStore {
    async fn auth_type(&self) -> Result<Option<String>> {
        self.get_meta("auth_type").await
    }

    async fn set_auth_type(&self, auth_type: &str) -> Result<()> {
        // Only ever set once: an existing value is never overwritten.
        sqlx::query(
            "INSERT INTO meta (key, value) VALUES ('auth_type', ?1) ON CONFLICT (key) DO NOTHING",
        )
        .bind(auth_type)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn get_meta(&self, key: &str) -> Result<Option<String>> {
        let row = sqlx::query("SELECT value FROM meta WHERE key = ?1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get("value")).transpose()?)
    }

    async fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        sqlx::query("INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            .bind(key)
            .bind(value)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn put_client(&self, c: &ClientRecord) -> Result<()> {
        sqlx::query("INSERT INTO clients (client_id, secret_hash, metadata, created_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (client_id) DO UPDATE SET secret_hash = excluded.secret_hash, metadata = excluded.metadata")
            .bind(&c.client_id)
            .bind(&c.secret_hash)
            .bind(serde_json::to_string(&c.metadata)?)
            .bind(c.created_at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn get_client(&self, client_id: &str) -> Result<Option<ClientRecord>> {
        sqlx::query("SELECT * FROM clients WHERE client_id = ?1")
            .bind(client_id)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(client)
            .transpose()
    }

    async fn put_pending(&self, p: &PendingRecord) -> Result<()> {
        sqlx::query("INSERT INTO pending (id, client_id, redirect_uri, code_challenge, state, scope, resource, csrf_hash, consented, expires_at, reconnect_grant) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)")
            .bind(&p.id)
            .bind(&p.client_id)
            .bind(&p.redirect_uri)
            .bind(&p.code_challenge)
            .bind(&p.state)
            .bind(&p.scope)
            .bind(&p.resource)
            .bind(&p.csrf_hash)
            .bind(i64::from(p.consented))
            .bind(p.expires_at)
            .bind(&p.reconnect_grant)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn get_pending(&self, id: &str) -> Result<Option<PendingRecord>> {
        sqlx::query("SELECT * FROM pending WHERE id = ?1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(pending)
            .transpose()
    }

    async fn set_pending_consented(&self, id: &str) -> Result<()> {
        sqlx::query("UPDATE pending SET consented = 1 WHERE id = ?1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn take_pending(&self, id: &str) -> Result<Option<PendingRecord>> {
        sqlx::query("DELETE FROM pending WHERE id = ?1 RETURNING *")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(pending)
            .transpose()
    }

    async fn set_pending_upstream(&self, id: &str, state_hash: &str, verifier: &str) -> Result<()> {
        sqlx::query(
            "UPDATE pending SET upstream_state_hash = ?1, upstream_verifier = ?2 WHERE id = ?3",
        )
        .bind(state_hash)
        .bind(verifier)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn take_pending_by_upstream_state(
        &self,
        state_hash: &str,
    ) -> Result<Option<(PendingRecord, String)>> {
        let row = sqlx::query("DELETE FROM pending WHERE upstream_state_hash = ?1 RETURNING *")
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
        sqlx::query("INSERT INTO codes (code_hash, grant_id, client_id, redirect_uri, code_challenge, resource, scope, used, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, ?8)")
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
            sqlx::query("UPDATE codes SET used = 1 WHERE code_hash = ?1 AND used = 0 RETURNING *")
                .bind(code_hash)
                .fetch_optional(&self.pool)
                .await?;
        if let Some(row) = fresh {
            return Ok(Consumed::Fresh(code(&row)?));
        }
        let used = sqlx::query("SELECT grant_id FROM codes WHERE code_hash = ?1")
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
        sqlx::query("INSERT INTO grants (id, client_id, sealed, nickname, created_at, updated_at, disconnected) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (id) DO UPDATE SET sealed = excluded.sealed, nickname = excluded.nickname, updated_at = excluded.updated_at, disconnected = excluded.disconnected")
            .bind(&g.id)
            .bind(&g.client_id)
            .bind(&g.sealed)
            .bind(&g.nickname)
            .bind(g.created_at)
            .bind(g.updated_at)
            .bind(i64::from(g.disconnected))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn get_grant(&self, id: &str) -> Result<Option<GrantRecord>> {
        sqlx::query("SELECT * FROM grants WHERE id = ?1")
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
            "DELETE FROM tokens WHERE grant_id = ?1",
            "DELETE FROM codes WHERE grant_id = ?1",
            "DELETE FROM browser_grants WHERE grant_id = ?1",
            "DELETE FROM grants WHERE id = ?1",
        ] {
            sqlx::query(sql).bind(id).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn set_grant_disconnected(&self, id: &str, disconnected: bool) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE grants SET disconnected = ?1 WHERE id = ?2")
            .bind(i64::from(disconnected))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if disconnected {
            // The client's next request gets 401; its refresh token then works
            // again only if the user reconnected in between.
            sqlx::query("DELETE FROM tokens WHERE grant_id = ?1 AND kind = 'access'")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn link_browser(&self, browser_hash: &str, grant_id: &str) -> Result<()> {
        sqlx::query("INSERT INTO browser_grants (browser_hash, grant_id, created_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING")
            .bind(browser_hash)
            .bind(grant_id)
            .bind(super::now())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn grants_of_browser(&self, browser_hash: &str) -> Result<Vec<GrantRecord>> {
        sqlx::query("SELECT g.* FROM grants g JOIN browser_grants b ON b.grant_id = g.id WHERE b.browser_hash = ?1 ORDER BY g.created_at, g.id")
            .bind(browser_hash)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(grant)
            .collect()
    }

    async fn put_token(&self, t: &TokenRecord) -> Result<()> {
        sqlx::query("INSERT INTO tokens (token_hash, kind, grant_id, client_id, resource, scope, used, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7)")
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

    async fn get_token(&self, token_hash: &str, kind: TokenKind) -> Result<Option<TokenRecord>> {
        sqlx::query("SELECT * FROM tokens WHERE token_hash = ?1 AND kind = ?2 AND used = 0")
            .bind(token_hash)
            .bind(kind.as_str())
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(token)
            .transpose()
    }

    async fn consume_refresh_token(&self, token_hash: &str) -> Result<Consumed<TokenRecord>> {
        let fresh = sqlx::query("UPDATE tokens SET used = 1 WHERE token_hash = ?1 AND kind = 'refresh' AND used = 0 RETURNING *")
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?;
        if let Some(row) = fresh {
            return Ok(Consumed::Fresh(token(&row)?));
        }
        let used =
            sqlx::query("SELECT grant_id FROM tokens WHERE token_hash = ?1 AND kind = 'refresh'")
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
        sqlx::query("DELETE FROM tokens WHERE token_hash = ?1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn delete_tokens_of_grant(&self, grant_id: &str) -> Result<()> {
        sqlx::query("DELETE FROM tokens WHERE grant_id = ?1")
            .bind(grant_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn purge_expired(&self, now: Timestamp) -> Result<()> {
        // Used refresh tokens are kept until they expire: a replay must still be
        // recognised (and revoke the grant) rather than look unknown.
        for sql in [
            "DELETE FROM pending WHERE expires_at < ?1",
            "DELETE FROM codes WHERE expires_at < ?1",
            "DELETE FROM tokens WHERE expires_at < ?1",
        ] {
            sqlx::query(sql).bind(now).execute(&self.pool).await?;
        }
        Ok(())
    }
}
