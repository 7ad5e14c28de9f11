//! Schema migrations, applied in order; `meta.schema_version` records the last.
//! Plain SQL that SQLite and PostgreSQL both accept.

pub const MIGRATIONS: &[&str] = &[
    // 1: the first schema.
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
     CREATE TABLE clients (
        client_id TEXT PRIMARY KEY,
        secret_hash TEXT,
        metadata TEXT NOT NULL,
        created_at BIGINT NOT NULL
     );
     CREATE TABLE pending (
        id TEXT PRIMARY KEY,
        client_id TEXT NOT NULL,
        redirect_uri TEXT NOT NULL,
        code_challenge TEXT NOT NULL,
        state TEXT,
        scope TEXT,
        resource TEXT,
        csrf_hash TEXT NOT NULL,
        consented INTEGER NOT NULL DEFAULT 0,
        expires_at BIGINT NOT NULL
     );
     CREATE TABLE grants (
        id TEXT PRIMARY KEY,
        client_id TEXT,
        sealed TEXT NOT NULL,
        nickname TEXT,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
     );
     CREATE TABLE codes (
        code_hash TEXT PRIMARY KEY,
        grant_id TEXT NOT NULL,
        client_id TEXT NOT NULL,
        redirect_uri TEXT NOT NULL,
        code_challenge TEXT NOT NULL,
        resource TEXT,
        scope TEXT,
        used INTEGER NOT NULL DEFAULT 0,
        expires_at BIGINT NOT NULL
     );
     CREATE TABLE tokens (
        token_hash TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        grant_id TEXT NOT NULL,
        client_id TEXT NOT NULL,
        resource TEXT NOT NULL,
        scope TEXT,
        used INTEGER NOT NULL DEFAULT 0,
        expires_at BIGINT NOT NULL
     );
     CREATE INDEX tokens_by_grant ON tokens (grant_id);
     CREATE INDEX codes_by_grant ON codes (grant_id);",
    // 2: the upstream leg of `oauth` authorizations: the state sent to the
    // provider (hashed) and the PKCE verifier toward it.
    "ALTER TABLE pending ADD COLUMN upstream_state_hash TEXT;
     ALTER TABLE pending ADD COLUMN upstream_verifier TEXT;
     CREATE INDEX pending_by_upstream_state ON pending (upstream_state_hash);",
    // 3: which browser connected which grants, for the connected-accounts page.
    "CREATE TABLE browser_grants (
        browser_hash TEXT NOT NULL,
        grant_id TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (browser_hash, grant_id)
     );
     CREATE INDEX browser_grants_by_grant ON browser_grants (grant_id);",
    // 4: OAuth grants the provider refused are kept, disconnected, until the
    // user reconnects them (or authorizes anew); a pending request may be a
    // reconnection of an existing grant instead of a new authorization.
    "ALTER TABLE grants ADD COLUMN disconnected INTEGER NOT NULL DEFAULT 0;
     ALTER TABLE pending ADD COLUMN reconnect_grant TEXT;",
    // 5: MCP sessions, so any replica can resume one (rmcp replays `initialize`
    // from `state`) and check that it belongs to the caller (`grant_id`).
    "CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        state TEXT,
        grant_id TEXT,
        created_at BIGINT NOT NULL
     );
     CREATE INDEX sessions_by_grant ON sessions (grant_id);
     CREATE INDEX sessions_by_age ON sessions (created_at);",
    // 6: bounded storage and stable accounts. A pending request is tied to the
    // browser that opened it (its cookie, hashed; page tokens derive from it);
    // registered clients that never complete an authorization expire, and so do
    // grants left disconnected; a grant remembers the provider's account id, so
    // a reconnection is accepted only for the same account.
    "ALTER TABLE pending RENAME COLUMN csrf_hash TO browser_hash;
     ALTER TABLE clients ADD COLUMN authorized_at BIGINT;
     ALTER TABLE grants ADD COLUMN account_id TEXT;
     ALTER TABLE grants ADD COLUMN disconnected_at BIGINT;
     CREATE INDEX clients_by_authorized ON clients (authorized_at, created_at);
     CREATE INDEX grants_by_disconnected ON grants (disconnected, disconnected_at);",
    // 7: when each grant was last used, for the operator's `grants list`:
    // recorded when tokens are issued for it and, at most every few minutes,
    // when a bearer check accepts one (`auth_server::usage`).
    "ALTER TABLE grants ADD COLUMN last_used_at BIGINT;",
    // 8: single-use values that are not rows of their own: the id of each
    // MCP 2026-07-28 `requestState` a retry has spent, kept until it expires,
    // so any replica refuses the same state twice.
    "CREATE TABLE spent (
        id TEXT PRIMARY KEY,
        expires_at BIGINT NOT NULL
     );
     CREATE INDEX spent_by_expiry ON spent (expires_at);",
    // 9: tool calls running as tasks (SEP-2663), as `tasks/get` answers them,
    // so any replica, and the server after a restart, can answer for them.
    "CREATE TABLE tasks (
        id TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        state TEXT NOT NULL,
        terminal INTEGER NOT NULL,
        updated_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL
     );
     CREATE INDEX tasks_by_expiry ON tasks (expires_at);",
    // 10: the audit log: one row per tool call, prompt or resource read
    // (`crate::audit`), written in batches, purged past the retention.
    "CREATE TABLE audit (
        id TEXT PRIMARY KEY,
        at_ms BIGINT NOT NULL,
        grant_id TEXT,
        client_id TEXT,
        kind TEXT NOT NULL,
        name TEXT NOT NULL,
        arguments TEXT NOT NULL,
        duration_us BIGINT NOT NULL,
        outcome TEXT NOT NULL
     );
     CREATE INDEX audit_by_time ON audit (at_ms);
     CREATE INDEX audit_by_grant ON audit (grant_id, at_ms);",
    // 11: the audit log without its index by grant. Each row's entry in it
    // lands wherever its grant's calls are (not at the end, as in the time
    // index), so a batch touched many more pages: it was half of what the
    // writer spent per row (`cargo bench -p gumstack --bench audit`). A
    // query by grant walks the time index instead, newest first, until it
    // has its `limit`: at once for a busy grant or with `--since`, the whole
    // log for one absent from it.
    "DROP INDEX audit_by_grant;",
    // 12: a client's grant for one provider account, which an `oauth`
    // authorization looks for to keep the same grant (a step-up) rather
    // than scan every grant.
    "CREATE INDEX grants_by_client_account ON grants (client_id, account_id);",
];
