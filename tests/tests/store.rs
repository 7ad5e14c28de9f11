//! The contract of `gumstack::store::Store`, on both backends: every test body is
//! written once and runs as `sqlite::<name>` (a store in a temp directory) and
//! `postgres::<name>` (a fresh database on a real server, see
//! `gumstack_tests::postgres`). "Another process" or "another replica" is a
//! second store opened on the same directory or URL.

use std::{collections::HashSet, sync::Arc};

use gumstack::store::{
    self, AuditQuery, AuditRecord, ClientMetadata, ClientRecord, CodeRecord, Consumed, GrantRecord,
    GrantSummary, PendingRecord, SealedAt, SealedValue, Store, TokenKind, TokenRecord,
};
use tempfile::TempDir;

/// Where a store's data lives; [`Place::open`] may be called again on it.
enum Place {
    Sqlite(TempDir),
    Postgres(String),
}

impl Place {
    async fn sqlite() -> Self {
        Self::Sqlite(tempfile::tempdir().expect("temp dir"))
    }

    async fn postgres() -> Self {
        Self::Postgres(gumstack_tests::postgres::fresh_database().await)
    }

    /// A store on this place, as a (new) process would open it.
    async fn open(&self) -> Arc<dyn Store> {
        match self {
            Place::Sqlite(dir) => Arc::new(store::open(dir.path()).await.expect("open SQLite")),
            Place::Postgres(url) => {
                Arc::new(store::connect(url).await.expect("connect PostgreSQL"))
            }
        }
    }
}

/// Instantiate each contract test for both backends.
macro_rules! contract {
    ($($test:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $test() {
                    super::$test(super::Place::sqlite().await).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $test() {
                    super::$test(super::Place::postgres().await).await;
                }
            )*
        }
    };
}

contract!(
    auth_type_is_set_once,
    meta_round_trips,
    clients_round_trip_and_upsert,
    pending_requests_complete_once,
    upstream_state_takes_pending_once,
    codes_are_single_use,
    concurrent_code_use_has_one_winner,
    grants_round_trip_and_upsert,
    deleting_a_grant_deletes_what_hangs_on_it,
    disconnecting_drops_access_tokens_only,
    browser_links_list_grants_oldest_first,
    tokens_are_found_by_kind,
    refresh_tokens_are_single_use,
    concurrent_refresh_has_one_winner,
    tokens_are_deleted,
    a_grants_tokens_get_a_wider_scope,
    purge_drops_only_expired,
    purge_drops_unused_clients_and_abandoned_grants,
    reopening_keeps_data_and_schema,
    concurrent_first_opens_migrate_once,
    stores_on_one_place_share_state,
    sessions_keep_their_state_and_first_binding,
    grants_are_listed_with_their_clients_and_last_use,
    a_clients_grant_is_found_by_its_account,
    sealed_values_are_listed_and_swapped_only_from_what_was_read,
    values_are_spent_once_across_replicas,
    tasks_are_read_by_every_replica_and_an_end_is_final,
    audit_records_are_appended_filtered_and_purged,
);

const HOUR: i64 = 3600;

fn later() -> i64 {
    store::now() + HOUR
}

fn client(id: &str) -> ClientRecord {
    ClientRecord {
        client_id: id.into(),
        secret_hash: None,
        metadata: ClientMetadata {
            redirect_uris: vec!["http://127.0.0.1:33418/callback".into()],
            client_name: Some("Test client".into()),
            client_uri: None,
            token_endpoint_auth_method: "none".into(),
            grant_types: vec!["authorization_code".into(), "refresh_token".into()],
            response_types: vec!["code".into()],
            scope: None,
        },
        created_at: 1_700_000_000,
    }
}

fn pending(id: &str, expires_at: i64) -> PendingRecord {
    PendingRecord {
        id: id.into(),
        client_id: "client-1".into(),
        redirect_uri: "http://127.0.0.1:33418/callback".into(),
        code_challenge: "challenge".into(),
        state: Some("client-state".into()),
        scope: None,
        resource: Some("http://127.0.0.1:8000/mcp".into()),
        browser_hash: "browser-hash".into(),
        consented: false,
        expires_at,
        reconnect_grant: Some("grant-0".into()),
    }
}

fn code(hash: &str, grant_id: &str, expires_at: i64) -> CodeRecord {
    CodeRecord {
        code_hash: hash.into(),
        grant_id: grant_id.into(),
        client_id: "client-1".into(),
        redirect_uri: "http://127.0.0.1:33418/callback".into(),
        code_challenge: "challenge".into(),
        resource: Some("http://127.0.0.1:8000/mcp".into()),
        scope: None,
        expires_at,
    }
}

fn grant(id: &str, created_at: i64) -> GrantRecord {
    GrantRecord {
        id: id.into(),
        client_id: Some("client-1".into()),
        sealed: format!("sealed-{id}"),
        nickname: Some(format!("user of {id}")),
        account_id: Some(format!("account of {id}")),
        created_at,
        updated_at: created_at,
        disconnected: false,
    }
}

fn token(hash: &str, kind: TokenKind, grant_id: &str, expires_at: i64) -> TokenRecord {
    TokenRecord {
        token_hash: hash.into(),
        kind,
        grant_id: grant_id.into(),
        client_id: "client-1".into(),
        resource: "http://127.0.0.1:8000/mcp".into(),
        scope: Some("mcp".into()),
        expires_at,
    }
}

async fn auth_type_is_set_once(place: Place) {
    let store = place.open().await;
    assert_eq!(store.auth_type().await.unwrap(), None);
    store.set_auth_type("cred").await.unwrap();
    assert_eq!(store.auth_type().await.unwrap().as_deref(), Some("cred"));
    store.set_auth_type("oauth").await.unwrap();
    assert_eq!(
        store.auth_type().await.unwrap().as_deref(),
        Some("cred"),
        "the auth type is never overwritten"
    );
    drop(store);
    let reopened = place.open().await;
    reopened.set_auth_type("none").await.unwrap();
    assert_eq!(reopened.auth_type().await.unwrap().as_deref(), Some("cred"));
}

async fn meta_round_trips(place: Place) {
    let store = place.open().await;
    assert_eq!(store.get_meta("key").await.unwrap(), None);
    store.set_meta("key", "one").await.unwrap();
    store.set_meta("other", "two").await.unwrap();
    assert_eq!(store.get_meta("key").await.unwrap().as_deref(), Some("one"));
    store.set_meta("key", "three").await.unwrap();
    assert_eq!(
        store.get_meta("key").await.unwrap().as_deref(),
        Some("three")
    );
    assert_eq!(
        store.get_meta("other").await.unwrap().as_deref(),
        Some("two")
    );
}

async fn clients_round_trip_and_upsert(place: Place) {
    let store = place.open().await;
    assert_eq!(store.get_client("client-1").await.unwrap(), None);
    let first = client("client-1");
    store.put_client(&first).await.unwrap();
    store.put_client(&client("client-2")).await.unwrap();
    assert_eq!(
        store.get_client("client-1").await.unwrap(),
        Some(first.clone())
    );

    let mut updated = client("client-1");
    updated.secret_hash = Some("secret-hash".into());
    updated.metadata.redirect_uris = vec!["https://app.example/cb".into()];
    updated.metadata.client_name = None;
    updated.metadata.scope = Some("mcp".into());
    updated.created_at = first.created_at + 100;
    store.put_client(&updated).await.unwrap();
    let got = store.get_client("client-1").await.unwrap().expect("client");
    assert_eq!(got.secret_hash, updated.secret_hash);
    assert_eq!(got.metadata, updated.metadata);
    assert_eq!(
        got.created_at, first.created_at,
        "the registration time is kept"
    );
    assert_eq!(
        store.get_client("client-2").await.unwrap(),
        Some(client("client-2"))
    );
}

async fn pending_requests_complete_once(place: Place) {
    let store = place.open().await;
    let mut request = pending("req-1", later());
    let mut bare = pending("req-2", later());
    (bare.state, bare.resource, bare.reconnect_grant) = (None, None, None);
    bare.scope = Some("mcp".into());
    store.put_pending(&request).await.unwrap();
    store.put_pending(&bare).await.unwrap();
    assert_eq!(
        store.get_pending("req-1").await.unwrap(),
        Some(request.clone())
    );
    assert_eq!(
        store.get_pending("req-2").await.unwrap(),
        Some(bare.clone())
    );
    assert_eq!(store.get_pending("nope").await.unwrap(), None);

    store
        .set_pending_consented("req-1", Some("mcp read"))
        .await
        .unwrap();
    request.consented = true;
    request.scope = Some("mcp read".into());
    assert_eq!(
        store.get_pending("req-1").await.unwrap(),
        Some(request.clone())
    );
    assert!(!store.get_pending("req-2").await.unwrap().unwrap().consented);

    assert_eq!(store.take_pending("req-1").await.unwrap(), Some(request));
    assert_eq!(
        store.take_pending("req-1").await.unwrap(),
        None,
        "taken once"
    );
    assert_eq!(store.get_pending("req-1").await.unwrap(), None);
    assert_eq!(store.take_pending("nope").await.unwrap(), None);
    assert_eq!(store.get_pending("req-2").await.unwrap(), Some(bare));
}

async fn upstream_state_takes_pending_once(place: Place) {
    let store = place.open().await;
    let request = pending("req-1", later());
    store.put_pending(&request).await.unwrap();
    store.put_pending(&pending("req-2", later())).await.unwrap();
    assert_eq!(
        store
            .take_pending_by_upstream_state("state-1")
            .await
            .unwrap(),
        None,
        "no provider leg yet"
    );
    store
        .set_pending_upstream("req-1", "state-1", "verifier-1", "browser-1")
        .await
        .unwrap();
    store
        .set_pending_upstream("req-2", "state-2", "verifier-2", "browser-2")
        .await
        .unwrap();
    let mut in_browser = request.clone();
    in_browser.browser_hash = "browser-1".into();
    assert_eq!(
        store
            .take_pending_by_upstream_state("state-1")
            .await
            .unwrap(),
        Some((in_browser, "verifier-1".into())),
        "the provider leg records the browser it runs in"
    );
    assert_eq!(
        store
            .take_pending_by_upstream_state("state-1")
            .await
            .unwrap(),
        None
    );
    assert_eq!(store.get_pending("req-1").await.unwrap(), None);
    assert!(store.get_pending("req-2").await.unwrap().is_some());
}

async fn codes_are_single_use(place: Place) {
    let store = place.open().await;
    let issued = code("code-1", "grant-1", later());
    store.put_code(&issued).await.unwrap();
    store
        .put_code(&code("code-2", "grant-1", later()))
        .await
        .unwrap();
    assert_eq!(
        store.consume_code("code-1").await.unwrap(),
        Consumed::Fresh(issued)
    );
    assert_eq!(
        store.consume_code("code-1").await.unwrap(),
        Consumed::Reused {
            grant_id: "grant-1".into()
        }
    );
    assert_eq!(
        store.consume_code("never-issued").await.unwrap(),
        Consumed::Unknown
    );
    assert!(
        matches!(store.consume_code("code-2").await.unwrap(), Consumed::Fresh(c) if c.code_hash == "code-2"),
        "another code is unaffected"
    );
}

/// Run `consume` 20 times at once, spread over 4 stores on one place (as over 4
/// processes); every outcome.
async fn race<R: Send + 'static>(
    place: &Place,
    consume: fn(Arc<dyn Store>) -> futures::future::BoxFuture<'static, R>,
) -> Vec<R> {
    let mut stores = Vec::new();
    for _ in 0..4 {
        stores.push(place.open().await);
    }
    let barrier = Arc::new(tokio::sync::Barrier::new(20));
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let store = stores[i % stores.len()].clone();
            let barrier = barrier.clone();
            tokio::spawn(async move {
                barrier.wait().await;
                consume(store).await
            })
        })
        .collect();
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await.expect("task"));
    }
    outcomes
}

/// Exactly one of the racing uses got the value; every other one saw a reuse of
/// `grant-1`'s value. Returns that reuse.
fn one_fresh_then_reused<T: std::fmt::Debug + PartialEq>(outcomes: &[Consumed<T>]) -> Consumed<T> {
    let fresh = outcomes
        .iter()
        .filter(|o| matches!(o, Consumed::Fresh(_)))
        .count();
    assert_eq!(fresh, 1, "exactly one use wins: {outcomes:?}");
    let reused = Consumed::Reused {
        grant_id: "grant-1".into(),
    };
    assert_eq!(
        outcomes.iter().filter(|o| **o == reused).count(),
        outcomes.len() - 1,
        "{outcomes:?}"
    );
    reused
}

async fn concurrent_code_use_has_one_winner(place: Place) {
    place
        .open()
        .await
        .put_code(&code("code-1", "grant-1", later()))
        .await
        .unwrap();
    let outcomes = race(&place, |store| {
        Box::pin(async move { store.consume_code("code-1").await.unwrap() })
    })
    .await;
    one_fresh_then_reused(&outcomes);
}

async fn grants_round_trip_and_upsert(place: Place) {
    let store = place.open().await;
    assert_eq!(store.get_grant("grant-1").await.unwrap(), None);
    let first = grant("grant-1", 1_000);
    let mut local = grant("local", 2_000);
    local.client_id = None;
    local.nickname = None;
    store.put_grant(&first).await.unwrap();
    store.put_grant(&local).await.unwrap();
    assert_eq!(
        store.get_grant("grant-1").await.unwrap(),
        Some(first.clone())
    );
    assert_eq!(store.get_grant("local").await.unwrap(), Some(local));

    let updated = GrantRecord {
        sealed: "sealed-again".into(),
        nickname: Some("renamed".into()),
        created_at: 5_000,
        updated_at: 6_000,
        disconnected: true,
        ..first.clone()
    };
    store.put_grant(&updated).await.unwrap();
    assert_eq!(
        store.get_grant("grant-1").await.unwrap(),
        Some(GrantRecord {
            created_at: first.created_at,
            ..updated
        }),
        "an update keeps the creation time"
    );
}

async fn grants_are_listed_with_their_clients_and_last_use(place: Place) {
    let store = place.open().await;
    assert_eq!(store.list_grants().await.unwrap(), []);
    store.put_client(&client("client-1")).await.unwrap();
    let mut unregistered = grant("from-a-document", 1_000);
    unregistered.client_id = Some("https://app.example/client.json".into());
    let mut local = grant("local", 3_000);
    local.client_id = None;
    local.nickname = None;
    local.account_id = None;
    for g in [grant("registered", 2_000), unregistered, local] {
        store.put_grant(&g).await.unwrap();
    }
    store.set_grant_disconnected("local", true).await.unwrap();
    store.grant_used("registered", 2_500).await.unwrap();
    store.grant_used("registered", 2_400).await.unwrap();

    let listed = store.list_grants().await.unwrap();
    let summary = |id: &str, client_id: Option<&str>, client_name: Option<&str>| GrantSummary {
        id: id.into(),
        client_id: client_id.map(Into::into),
        client_name: client_name.map(Into::into),
        nickname: Some(format!("user of {id}")),
        account_id: Some(format!("account of {id}")),
        created_at: 0,
        last_used_at: None,
        disconnected: false,
    };
    assert_eq!(
        listed,
        [
            GrantSummary {
                created_at: 1_000,
                ..summary(
                    "from-a-document",
                    Some("https://app.example/client.json"),
                    None
                )
            },
            GrantSummary {
                created_at: 2_000,
                last_used_at: Some(2_500),
                ..summary("registered", Some("client-1"), Some("Test client"))
            },
            GrantSummary {
                created_at: 3_000,
                nickname: None,
                account_id: None,
                disconnected: true,
                ..summary("local", None, None)
            },
        ],
        "oldest first; a client known only by its document has no stored name; a use recorded late never moves the time back"
    );
}

async fn a_clients_grant_is_found_by_its_account(place: Place) {
    let store = place.open().await;
    let of = |g: &str, client: &str, account: &str, updated_at: i64| GrantRecord {
        client_id: Some(client.into()),
        account_id: Some(account.into()),
        updated_at,
        ..grant(g, 1_000)
    };
    for g in [
        of("old", "c1", "alice", 1_000),
        of("new", "c1", "alice", 2_000),
        of("bobs", "c1", "bob", 3_000),
        of("elsewhere", "c2", "alice", 4_000),
        of("gone", "c3", "alice", 5_000),
    ] {
        store.put_grant(&g).await.unwrap();
    }
    store.set_grant_disconnected("gone", true).await.unwrap();
    let found = |client: &'static str, account: &'static str| {
        let store = store.clone();
        async move { store.connected_grant_of(client, account).await.unwrap() }
    };
    assert_eq!(
        found("c1", "alice").await.as_deref(),
        Some("new"),
        "the newest"
    );
    assert_eq!(found("c1", "bob").await.as_deref(), Some("bobs"));
    assert_eq!(found("c2", "alice").await.as_deref(), Some("elsewhere"));
    assert_eq!(
        found("c3", "alice").await,
        None,
        "a disconnected grant is not kept"
    );
    assert_eq!(found("c1", "carol").await, None);
    assert_eq!(found("c9", "alice").await, None);
}

async fn sealed_values_are_listed_and_swapped_only_from_what_was_read(place: Place) {
    let store = place.open().await;
    store.put_grant(&grant("g", 1_000)).await.unwrap();
    store.put_pending(&pending("p", later())).await.unwrap();
    store
        .put_pending(&pending("no-leg", later()))
        .await
        .unwrap();
    store
        .set_pending_upstream("p", "state-hash", "sealed-verifier", "browser-hash")
        .await
        .unwrap();
    store.set_meta("key_check", "sealed-check").await.unwrap();
    let mut listed = store.sealed_values().await.unwrap();
    listed.sort_by(|a, b| a.at.cmp(&b.at));
    assert_eq!(
        listed,
        [
            SealedValue {
                at: SealedAt::Grant("g".into()),
                sealed: "sealed-g".into()
            },
            SealedValue {
                at: SealedAt::Verifier("p".into()),
                sealed: "sealed-verifier".into()
            },
        ],
        "a pending request without a provider leg has nothing sealed"
    );

    // (where, what it holds, rule)
    let cases = [
        (SealedAt::Grant("g".into()), "sealed-g", "a grant's values"),
        (
            SealedAt::Verifier("p".into()),
            "sealed-verifier",
            "a pending PKCE verifier",
        ),
        (
            SealedAt::Meta("key_check".into()),
            "sealed-check",
            "a meta value",
        ),
    ];
    for (at, holds, rule) in cases {
        assert!(
            !store
                .replace_sealed(&at, "something else", "new")
                .await
                .unwrap(),
            "{rule}: not swapped from a value it does not hold"
        );
        assert!(
            store.replace_sealed(&at, holds, "resealed").await.unwrap(),
            "{rule}: swapped from what it holds"
        );
        assert!(
            !store.replace_sealed(&at, holds, "again").await.unwrap(),
            "{rule}: not swapped twice from the same read"
        );
    }
    assert_eq!(
        store.get_grant("g").await.unwrap().unwrap().sealed,
        "resealed"
    );
    assert_eq!(
        store.get_meta("key_check").await.unwrap().as_deref(),
        Some("resealed")
    );
    let (_, verifier) = store
        .take_pending_by_upstream_state("state-hash")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(verifier, "resealed");
    assert!(
        !store
            .replace_sealed(&SealedAt::Grant("gone".into()), "x", "y")
            .await
            .unwrap(),
        "a row that is not there"
    );
}

async fn deleting_a_grant_deletes_what_hangs_on_it(place: Place) {
    let store = place.open().await;
    for id in ["doomed", "kept"] {
        store.put_grant(&grant(id, 1_000)).await.unwrap();
        for (kind, name) in [
            (TokenKind::Access, "access"),
            (TokenKind::Refresh, "refresh"),
        ] {
            store
                .put_token(&token(&format!("{name}-{id}"), kind, id, later()))
                .await
                .unwrap();
        }
        store
            .put_code(&code(&format!("code-{id}"), id, later()))
            .await
            .unwrap();
        store.link_browser("browser", id).await.unwrap();
    }

    store.delete_grant("doomed").await.unwrap();
    assert_eq!(store.get_grant("doomed").await.unwrap(), None);
    assert_eq!(
        store
            .get_token("access-doomed", TokenKind::Access)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store.consume_refresh_token("refresh-doomed").await.unwrap(),
        Consumed::Unknown,
        "its refresh token is gone, not merely used"
    );
    assert_eq!(
        store.consume_code("code-doomed").await.unwrap(),
        Consumed::Unknown
    );
    let linked: Vec<String> = store
        .grants_of_browser("browser")
        .await
        .unwrap()
        .into_iter()
        .map(|g| g.id)
        .collect();
    assert_eq!(linked, ["kept"]);

    assert!(store.get_grant("kept").await.unwrap().is_some());
    assert!(
        store
            .get_token("access-kept", TokenKind::Access)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        store
            .get_token("refresh-kept", TokenKind::Refresh)
            .await
            .unwrap()
            .is_some()
    );
    assert!(matches!(
        store.consume_code("code-kept").await.unwrap(),
        Consumed::Fresh(_)
    ));
}

async fn disconnecting_drops_access_tokens_only(place: Place) {
    let store = place.open().await;
    store.put_grant(&grant("grant-1", 1_000)).await.unwrap();
    store.put_grant(&grant("grant-2", 1_000)).await.unwrap();
    let access = token("access-1", TokenKind::Access, "grant-1", later());
    let refresh = token("refresh-1", TokenKind::Refresh, "grant-1", later());
    let other = token("access-2", TokenKind::Access, "grant-2", later());
    for t in [&access, &refresh, &other] {
        store.put_token(t).await.unwrap();
    }

    store.set_grant_disconnected("grant-1", true).await.unwrap();
    assert!(
        store
            .get_grant("grant-1")
            .await
            .unwrap()
            .unwrap()
            .disconnected
    );
    assert_eq!(
        store
            .get_token("access-1", TokenKind::Access)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .get_token("refresh-1", TokenKind::Refresh)
            .await
            .unwrap(),
        Some(refresh.clone().into())
    );
    assert_eq!(
        store
            .get_token("access-2", TokenKind::Access)
            .await
            .unwrap(),
        Some(other.into()),
        "other grants keep theirs"
    );
    assert!(
        !store
            .get_grant("grant-2")
            .await
            .unwrap()
            .unwrap()
            .disconnected
    );

    store
        .set_grant_disconnected("grant-1", false)
        .await
        .unwrap();
    assert!(
        !store
            .get_grant("grant-1")
            .await
            .unwrap()
            .unwrap()
            .disconnected
    );
    assert_eq!(
        store
            .get_token("refresh-1", TokenKind::Refresh)
            .await
            .unwrap(),
        Some(refresh.into())
    );
    assert_eq!(
        store
            .get_token("access-1", TokenKind::Access)
            .await
            .unwrap(),
        None,
        "reconnecting does not bring dropped access tokens back"
    );
}

async fn browser_links_list_grants_oldest_first(place: Place) {
    let store = place.open().await;
    // Put in an order that is neither creation nor name order.
    for (id, created_at) in [("b", 3_000), ("c", 1_000), ("a", 2_000), ("other", 500)] {
        store.put_grant(&grant(id, created_at)).await.unwrap();
    }
    for id in ["b", "c", "a"] {
        store.link_browser("browser-1", id).await.unwrap();
    }
    store.link_browser("browser-1", "b").await.unwrap(); // twice: still once
    store.link_browser("browser-2", "other").await.unwrap();

    let grants = store.grants_of_browser("browser-1").await.unwrap();
    assert_eq!(grants[0], grant("c", 1_000));
    let ids: Vec<&str> = grants.iter().map(|g| g.id.as_str()).collect();
    assert_eq!(ids, ["c", "a", "b"]);
    let ids: Vec<String> = store
        .grants_of_browser("browser-2")
        .await
        .unwrap()
        .into_iter()
        .map(|g| g.id)
        .collect();
    assert_eq!(ids, ["other"]);
    assert!(store.grants_of_browser("unknown").await.unwrap().is_empty());
}

async fn tokens_are_found_by_kind(place: Place) {
    let store = place.open().await;
    let access = token("access-1", TokenKind::Access, "grant-1", later());
    let mut refresh = token("refresh-1", TokenKind::Refresh, "grant-1", later());
    refresh.scope = None;
    store.put_token(&access).await.unwrap();
    store.put_token(&refresh).await.unwrap();
    assert_eq!(
        store
            .get_token("access-1", TokenKind::Access)
            .await
            .unwrap(),
        Some(access.into())
    );
    assert_eq!(
        store
            .get_token("refresh-1", TokenKind::Refresh)
            .await
            .unwrap(),
        Some(refresh.into())
    );
    assert_eq!(
        store
            .get_token("access-1", TokenKind::Refresh)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .get_token("refresh-1", TokenKind::Access)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store.get_token("unknown", TokenKind::Access).await.unwrap(),
        None
    );
}

async fn refresh_tokens_are_single_use(place: Place) {
    let store = place.open().await;
    let refresh = token("refresh-1", TokenKind::Refresh, "grant-1", later());
    store.put_token(&refresh).await.unwrap();
    store
        .put_token(&token("access-1", TokenKind::Access, "grant-1", later()))
        .await
        .unwrap();

    assert_eq!(
        store.consume_refresh_token("refresh-1").await.unwrap(),
        Consumed::Fresh(refresh)
    );
    assert_eq!(
        store
            .get_token("refresh-1", TokenKind::Refresh)
            .await
            .unwrap(),
        None,
        "a used refresh token is invisible"
    );
    assert_eq!(
        store.consume_refresh_token("refresh-1").await.unwrap(),
        Consumed::Reused {
            grant_id: "grant-1".into()
        }
    );
    assert_eq!(
        store.consume_refresh_token("access-1").await.unwrap(),
        Consumed::Unknown,
        "an access token is no refresh token"
    );
    assert!(
        store
            .get_token("access-1", TokenKind::Access)
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(
        store.consume_refresh_token("never-issued").await.unwrap(),
        Consumed::Unknown
    );
}

async fn concurrent_refresh_has_one_winner(place: Place) {
    place
        .open()
        .await
        .put_token(&token("refresh-1", TokenKind::Refresh, "grant-1", later()))
        .await
        .unwrap();
    let outcomes = race(&place, |store| {
        Box::pin(async move { store.consume_refresh_token("refresh-1").await.unwrap() })
    })
    .await;
    let reused = one_fresh_then_reused(&outcomes);
    assert_eq!(
        place
            .open()
            .await
            .consume_refresh_token("refresh-1")
            .await
            .unwrap(),
        reused
    );
}

async fn a_grants_tokens_get_a_wider_scope(place: Place) {
    let store = place.open().await;
    for (hash, kind, grant_id) in [
        ("access-1", TokenKind::Access, "grant-1"),
        ("refresh-1", TokenKind::Refresh, "grant-1"),
        ("access-2", TokenKind::Access, "grant-2"),
    ] {
        store
            .put_token(&token(hash, kind, grant_id, later()))
            .await
            .unwrap();
    }
    // Read once, so the checked copy is cached: it must not outlive the change.
    let before = store
        .get_token("access-1", TokenKind::Access)
        .await
        .unwrap();
    assert_ne!(before.unwrap().scope.as_deref(), Some("mcp read write"));
    store
        .set_scope_of_grant_tokens("grant-1", "mcp read write")
        .await
        .unwrap();
    let scope = |hash: &'static str, kind| {
        let store = store.clone();
        async move {
            store
                .get_token(hash, kind)
                .await
                .unwrap()
                .unwrap()
                .scope
                .clone()
        }
    };
    assert_eq!(
        scope("access-1", TokenKind::Access).await.as_deref(),
        Some("mcp read write")
    );
    assert_eq!(
        scope("refresh-1", TokenKind::Refresh).await.as_deref(),
        Some("mcp read write")
    );
    assert_ne!(
        scope("access-2", TokenKind::Access).await.as_deref(),
        Some("mcp read write")
    );
}

async fn tokens_are_deleted(place: Place) {
    let store = place.open().await;
    for (hash, kind, grant_id) in [
        ("access-1", TokenKind::Access, "grant-1"),
        ("access-1b", TokenKind::Access, "grant-1"),
        ("refresh-1", TokenKind::Refresh, "grant-1"),
        ("access-2", TokenKind::Access, "grant-2"),
        ("refresh-2", TokenKind::Refresh, "grant-2"),
    ] {
        store
            .put_token(&token(hash, kind, grant_id, later()))
            .await
            .unwrap();
    }
    store.delete_token("access-1").await.unwrap();
    assert_eq!(
        store
            .get_token("access-1", TokenKind::Access)
            .await
            .unwrap(),
        None
    );
    assert!(
        store
            .get_token("access-1b", TokenKind::Access)
            .await
            .unwrap()
            .is_some()
    );

    store.delete_tokens_of_grant("grant-1").await.unwrap();
    assert_eq!(
        store
            .get_token("access-1b", TokenKind::Access)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store.consume_refresh_token("refresh-1").await.unwrap(),
        Consumed::Unknown
    );
    assert!(
        store
            .get_token("access-2", TokenKind::Access)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        store
            .get_token("refresh-2", TokenKind::Refresh)
            .await
            .unwrap()
            .is_some()
    );
}

async fn purge_drops_only_expired(place: Place) {
    let store = place.open().await;
    let now = 1_000_000;
    let (past, future) = (now - 10, now + 10);
    store.put_pending(&pending("old", past)).await.unwrap();
    store.put_pending(&pending("live", future)).await.unwrap();
    store.put_code(&code("old", "grant-1", past)).await.unwrap();
    store
        .put_code(&code("live", "grant-1", future))
        .await
        .unwrap();
    for (hash, kind, expires_at) in [
        ("old-access", TokenKind::Access, past),
        ("live-access", TokenKind::Access, future),
        ("old-refresh", TokenKind::Refresh, past),
        ("live-refresh", TokenKind::Refresh, future),
        ("used-refresh", TokenKind::Refresh, future),
    ] {
        store
            .put_token(&token(hash, kind, "grant-1", expires_at))
            .await
            .unwrap();
    }
    assert!(matches!(
        store.consume_refresh_token("used-refresh").await.unwrap(),
        Consumed::Fresh(_)
    ));

    store.purge_expired(now).await.unwrap();

    assert_eq!(store.get_pending("old").await.unwrap(), None);
    assert!(store.get_pending("live").await.unwrap().is_some());
    assert_eq!(store.consume_code("old").await.unwrap(), Consumed::Unknown);
    assert!(matches!(
        store.consume_code("live").await.unwrap(),
        Consumed::Fresh(_)
    ));
    assert_eq!(
        store
            .get_token("old-access", TokenKind::Access)
            .await
            .unwrap(),
        None
    );
    assert!(
        store
            .get_token("live-access", TokenKind::Access)
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(
        store.consume_refresh_token("old-refresh").await.unwrap(),
        Consumed::Unknown
    );
    assert!(
        store
            .get_token("live-refresh", TokenKind::Refresh)
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(
        store.consume_refresh_token("used-refresh").await.unwrap(),
        Consumed::Reused {
            grant_id: "grant-1".into()
        },
        "a used, unexpired refresh token is kept so a replay is recognised"
    );
}

async fn purge_drops_unused_clients_and_abandoned_grants(place: Place) {
    let store = place.open().await;
    let now = store::now();
    let day = 24 * HOUR;
    let mut old = client("old-unused");
    old.created_at = now - day - 10;
    let mut old_used = client("old-used");
    old_used.created_at = now - day - 10;
    let mut young = client("young-unused");
    young.created_at = now - 10;
    for c in [&old, &old_used, &young] {
        store.put_client(c).await.unwrap();
    }
    store.client_authorized("old-used").await.unwrap();

    // Disconnected now and never reconnected; disconnected then reconnected;
    // never disconnected.
    for id in ["abandoned", "reconnected", "connected"] {
        store.put_grant(&grant(id, now - 40 * day)).await.unwrap();
        store
            .put_token(&token(
                &format!("{id}-refresh"),
                TokenKind::Refresh,
                id,
                now + 60 * day,
            ))
            .await
            .unwrap();
    }
    store
        .set_grant_disconnected("abandoned", true)
        .await
        .unwrap();
    store
        .set_grant_disconnected("reconnected", true)
        .await
        .unwrap();
    store
        .set_grant_disconnected("reconnected", false)
        .await
        .unwrap();

    store.purge_expired(now).await.unwrap();
    assert_eq!(store.get_client("old-unused").await.unwrap(), None);
    assert!(store.get_client("old-used").await.unwrap().is_some());
    assert!(store.get_client("young-unused").await.unwrap().is_some());

    store.purge_expired(now + 29 * day).await.unwrap();
    assert!(
        store.get_grant("abandoned").await.unwrap().is_some(),
        "disconnected for less than 30 days"
    );
    store.purge_expired(now + 31 * day).await.unwrap();
    assert_eq!(store.get_grant("abandoned").await.unwrap(), None);
    assert_eq!(
        store
            .consume_refresh_token("abandoned-refresh")
            .await
            .unwrap(),
        Consumed::Unknown,
        "its tokens went with it"
    );
    assert!(store.get_grant("reconnected").await.unwrap().is_some());
    assert!(store.get_grant("connected").await.unwrap().is_some());
    assert!(
        store.get_client("old-used").await.unwrap().is_some(),
        "a client that authorized is kept"
    );
}

async fn reopening_keeps_data_and_schema(place: Place) {
    let store = place.open().await;
    store.set_auth_type("oauth").await.unwrap();
    store.put_client(&client("client-1")).await.unwrap();
    store.put_grant(&grant("grant-1", 1_000)).await.unwrap();
    store
        .put_token(&token("refresh-1", TokenKind::Refresh, "grant-1", later()))
        .await
        .unwrap();
    let version = store.get_meta("schema_version").await.unwrap();
    assert!(version.is_some(), "the schema version is recorded");
    drop(store);

    // Opening again does not re-run the migrations (they would fail on the
    // existing tables), and finds everything.
    for _ in 0..2 {
        let store = place.open().await;
        assert_eq!(store.get_meta("schema_version").await.unwrap(), version);
        assert_eq!(store.auth_type().await.unwrap().as_deref(), Some("oauth"));
        assert_eq!(
            store.get_client("client-1").await.unwrap(),
            Some(client("client-1"))
        );
        assert_eq!(
            store.get_grant("grant-1").await.unwrap(),
            Some(grant("grant-1", 1_000))
        );
        assert!(
            store
                .get_token("refresh-1", TokenKind::Refresh)
                .await
                .unwrap()
                .is_some()
        );
    }
}

async fn concurrent_first_opens_migrate_once(place: Place) {
    let place = Arc::new(place);
    let opens: Vec<_> = (0..4)
        .map(|_| {
            let place = place.clone();
            tokio::spawn(async move { place.open().await })
        })
        .collect();
    let mut stores = Vec::new();
    for open in opens {
        stores.push(open.await.expect("every concurrent open succeeds"));
    }
    let mut versions = HashSet::new();
    for store in &stores {
        versions.insert(store.get_meta("schema_version").await.unwrap());
    }
    assert_eq!(versions.len(), 1, "one schema: {versions:?}");
    assert!(versions.iter().all(Option::is_some));
    // And the schema works from each.
    for (i, store) in stores.iter().enumerate() {
        store
            .put_grant(&grant(&format!("grant-{i}"), 1_000))
            .await
            .unwrap();
    }
    for i in 0..stores.len() {
        assert!(
            stores[0]
                .get_grant(&format!("grant-{i}"))
                .await
                .unwrap()
                .is_some()
        );
    }
}

async fn stores_on_one_place_share_state(place: Place) {
    // Two replicas (or two processes) on the same data.
    let (one, two) = (place.open().await, place.open().await);

    one.set_auth_type("cred").await.unwrap();
    two.set_auth_type("oauth").await.unwrap();
    assert_eq!(two.auth_type().await.unwrap().as_deref(), Some("cred"));

    one.put_client(&client("client-1")).await.unwrap();
    assert_eq!(
        two.get_client("client-1").await.unwrap(),
        Some(client("client-1"))
    );

    one.put_pending(&pending("req-1", later())).await.unwrap();
    two.set_pending_consented("req-1", None).await.unwrap();
    assert!(one.get_pending("req-1").await.unwrap().unwrap().consented);
    assert!(two.take_pending("req-1").await.unwrap().is_some());
    assert_eq!(one.take_pending("req-1").await.unwrap(), None);

    one.put_grant(&grant("grant-1", 1_000)).await.unwrap();
    one.put_code(&code("code-1", "grant-1", later()))
        .await
        .unwrap();
    assert!(matches!(
        two.consume_code("code-1").await.unwrap(),
        Consumed::Fresh(_)
    ));
    assert_eq!(
        one.consume_code("code-1").await.unwrap(),
        Consumed::Reused {
            grant_id: "grant-1".into()
        }
    );

    two.put_token(&token("refresh-1", TokenKind::Refresh, "grant-1", later()))
        .await
        .unwrap();
    assert!(matches!(
        one.consume_refresh_token("refresh-1").await.unwrap(),
        Consumed::Fresh(_)
    ));
    assert!(matches!(
        two.consume_refresh_token("refresh-1").await.unwrap(),
        Consumed::Reused { .. }
    ));

    one.link_browser("browser-1", "grant-1").await.unwrap();
    assert_eq!(two.grants_of_browser("browser-1").await.unwrap().len(), 1);
    two.delete_grant("grant-1").await.unwrap();
    assert_eq!(one.get_grant("grant-1").await.unwrap(), None);
    assert!(one.grants_of_browser("browser-1").await.unwrap().is_empty());
}

async fn sessions_keep_their_state_and_first_binding(place: Place) {
    let (one, two) = (place.open().await, place.open().await);
    assert_eq!(one.get_session("s-1").await.unwrap(), None);
    assert_eq!(one.session_grant("s-1").await.unwrap(), None);

    one.put_session("s-1", r#"{"initialize_params":{}}"#)
        .await
        .unwrap();
    assert_eq!(
        two.get_session("s-1").await.unwrap().as_deref(),
        Some(r#"{"initialize_params":{}}"#),
        "another replica resumes the session"
    );
    // The first binding wins, on any replica, and is never replaced.
    assert_eq!(one.bind_session("s-1", "grant-a").await.unwrap(), "grant-a");
    assert_eq!(two.bind_session("s-1", "grant-b").await.unwrap(), "grant-a");
    assert_eq!(
        two.session_grant("s-1").await.unwrap().as_deref(),
        Some("grant-a")
    );
    // A binding may come before the state (the order of the two writes is rmcp's).
    assert_eq!(two.bind_session("s-2", "grant-b").await.unwrap(), "grant-b");
    assert_eq!(two.get_session("s-2").await.unwrap(), None);
    two.put_session("s-2", "{}").await.unwrap();
    assert_eq!(
        one.session_grant("s-2").await.unwrap().as_deref(),
        Some("grant-b"),
        "storing the state keeps the binding"
    );

    two.delete_session("s-1").await.unwrap();
    assert_eq!(one.get_session("s-1").await.unwrap(), None);
    assert_eq!(one.session_grant("s-1").await.unwrap(), None);

    // Deleting a grant ends its sessions; old sessions are purged.
    one.put_grant(&grant("grant-b", 1_000)).await.unwrap();
    one.delete_grant("grant-b").await.unwrap();
    assert_eq!(two.get_session("s-2").await.unwrap(), None);
    one.put_session("s-3", "{}").await.unwrap();
    one.purge_expired(store::now()).await.unwrap();
    assert!(one.get_session("s-3").await.unwrap().is_some());
    let lifetime = store::SESSION_LIFETIME.as_secs() as i64;
    one.purge_expired(store::now() + lifetime + 10)
        .await
        .unwrap();
    assert_eq!(one.get_session("s-3").await.unwrap(), None);
}

/// `spend_once` (a 2026-07-28 `requestState`'s id): twenty racing uses on
/// four handles of one store, one wins; the id stays spent until it expires.
async fn values_are_spent_once_across_replicas(place: Place) {
    let exp = later() + HOUR;
    let outcomes = race(&place, |store| {
        Box::pin(async move { store.spend_once("state-1", later() + HOUR).await.unwrap() })
    })
    .await;
    let fresh = outcomes.iter().filter(|fresh| **fresh).count();
    assert_eq!(fresh, 1, "exactly one use wins");
    let (one, two) = (place.open().await, place.open().await);
    assert!(!two.spend_once("state-1", exp).await.unwrap());
    assert!(one.spend_once("state-2", exp).await.unwrap());
    // Purged once expired (a state past its expiry is refused unopened).
    one.purge_expired(exp - 1).await.unwrap();
    assert!(!two.spend_once("state-1", exp).await.unwrap(), "kept");
    one.purge_expired(exp + 60).await.unwrap();
    assert!(two.spend_once("state-1", exp).await.unwrap(), "purged");
}

fn audit(id: &str, at_ms: i64, grant: Option<&str>, name: &str, outcome: &str) -> AuditRecord {
    AuditRecord {
        id: id.into(),
        at_ms,
        grant_id: grant.map(Into::into),
        client_id: grant.map(|g| format!("client-of-{g}")),
        kind: "tool".into(),
        name: name.into(),
        arguments: r#"{"city":"Paris","key":"[redacted]"}"#.into(),
        duration_us: 1234,
        outcome: outcome.into(),
    }
}

/// The audit log: a batch is appended at once (an id seen again is skipped),
/// read newest first through every filter, by any replica, and purged by age.
async fn audit_records_are_appended_filtered_and_purged(place: Place) {
    let (one, two) = (place.open().await, place.open().await);
    let t = 1_700_000_000_000;
    let batch = [
        audit("a", t, Some("g1"), "forecast", "ok"),
        audit("b", t + 1000, Some("g2"), "forecast", "tool_error"),
        audit("c", t + 2000, None, "alerts", "ok"),
        audit("d", t + 3000, Some("g1"), "alerts", "unknown"),
    ];
    one.put_audit(&batch).await.unwrap();
    one.put_audit(&[]).await.unwrap();
    // The same record again (a retried batch) is not doubled.
    two.put_audit(&batch[..1]).await.unwrap();
    let ids = |records: Vec<AuditRecord>| records.into_iter().map(|r| r.id).collect::<Vec<_>>();
    let all = AuditQuery {
        limit: 100,
        ..AuditQuery::default()
    };
    assert_eq!(two.audit(&all).await.unwrap()[3], batch[0], "round trip");
    // (query, ids, rule)
    let cases = [
        (
            all.clone(),
            vec!["d", "c", "b", "a"],
            "newest first, from another replica",
        ),
        (
            AuditQuery {
                limit: 2,
                ..all.clone()
            },
            vec!["d", "c"],
            "the newest N",
        ),
        (
            AuditQuery {
                name: Some("forecast".into()),
                ..all.clone()
            },
            vec!["b", "a"],
            "by tool",
        ),
        (
            AuditQuery {
                grant_id: Some("g1".into()),
                ..all.clone()
            },
            vec!["d", "a"],
            "by grant",
        ),
        (
            AuditQuery {
                grant_id: Some("local".into()),
                ..all.clone()
            },
            vec!["c"],
            "`local`: calls without a grant",
        ),
        (
            AuditQuery {
                client_id: Some("client-of-g2".into()),
                ..all.clone()
            },
            vec!["b"],
            "by client",
        ),
        (
            AuditQuery {
                outcome: Some("ok".into()),
                ..all.clone()
            },
            vec!["c", "a"],
            "by outcome",
        ),
        (
            AuditQuery {
                since_ms: Some(t + 2000),
                ..all.clone()
            },
            vec!["d", "c"],
            "since a time (inclusive)",
        ),
        (
            AuditQuery {
                grant_id: Some("g1".into()),
                outcome: Some("ok".into()),
                since_ms: Some(t),
                name: Some("forecast".into()),
                client_id: Some("client-of-g1".into()),
                limit: 10,
            },
            vec!["a"],
            "every filter at once",
        ),
        (
            AuditQuery {
                name: Some("' OR 1=1 --".into()),
                ..all.clone()
            },
            vec![],
            "a filter is a value, never SQL",
        ),
    ];
    for (query, expected, rule) in cases {
        assert_eq!(ids(two.audit(&query).await.unwrap()), expected, "{rule}");
    }
    assert_eq!(
        one.purge_audit(t + 2000).await.unwrap(),
        2,
        "older than the cut"
    );
    assert_eq!(
        ids(two.audit(&all).await.unwrap()),
        ["d", "c"],
        "the rest kept"
    );
    assert_eq!(one.purge_audit(t).await.unwrap(), 0, "nothing older");
    // A batch larger than one statement's rows.
    let many: Vec<AuditRecord> = (0..130)
        .map(|i| audit(&format!("m{i:03}"), t + 10_000 + i, None, "bulk", "ok"))
        .collect();
    one.put_audit(&many).await.unwrap();
    let bulk = AuditQuery {
        name: Some("bulk".into()),
        limit: 1000,
        ..AuditQuery::default()
    };
    let read = two.audit(&bulk).await.unwrap();
    assert_eq!(read.len(), 130, "every row of a large batch");
    assert_eq!(read[0], many[129], "the last, newest first");
    assert_eq!(read[129], many[0]);
}

/// A task's record: any handle reads what another wrote; once final it is
/// never replaced (a late heartbeat cannot undo the end); purged at expiry.
async fn tasks_are_read_by_every_replica_and_an_end_is_final(place: Place) {
    let (one, two) = (place.open().await, place.open().await);
    let exp = later();
    let record = |state: &str, terminal: bool| store::TaskRecord {
        id: "task-1".into(),
        owner: "grant:a".into(),
        state: state.into(),
        terminal,
        updated_at: store::now(),
        expires_at: exp,
    };
    assert_eq!(two.get_task("task-1").await.unwrap(), None);
    one.put_task(&record("working", false)).await.unwrap();
    assert_eq!(
        two.get_task("task-1").await.unwrap(),
        Some(record("working", false))
    );
    one.put_task(&record("completed", true)).await.unwrap();
    two.put_task(&record("working again", false)).await.unwrap();
    let kept = one.get_task("task-1").await.unwrap().unwrap();
    assert_eq!((kept.state.as_str(), kept.terminal), ("completed", true));
    one.purge_expired(exp - 1).await.unwrap();
    assert!(two.get_task("task-1").await.unwrap().is_some());
    one.purge_expired(exp + 1).await.unwrap();
    assert_eq!(two.get_task("task-1").await.unwrap(), None);
}

/// Whether `lock_grant(id)` on `store` is granted within half a second.
async fn lock_granted(store: &Arc<dyn Store>, id: &str) -> Option<store::GrantLock> {
    tokio::time::timeout(std::time::Duration::from_millis(500), store.lock_grant(id))
        .await
        .ok()
        .map(|lock| lock.expect("lock_grant"))
}

/// PostgreSQL only: a SQLite file is served by one process, whose in-process
/// lock is all there is (see `Store::lock_grant`).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_grant_locks_hold_across_replicas_until_released() {
    let place = Place::postgres().await;
    let (one, two) = (place.open().await, place.open().await);

    let held = lock_granted(&one, "grant-1").await.expect("a free lock");
    assert!(
        lock_granted(&two, "grant-1").await.is_none(),
        "another replica waits while the lock is held"
    );
    let other = lock_granted(&two, "grant-2")
        .await
        .expect("another grant's lock is independent");
    other.release().await.unwrap();

    // The waiter gets the lock once it is released.
    let waiter = tokio::spawn({
        let two = two.clone();
        async move { two.lock_grant("grant-1").await.unwrap() }
    });
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(!waiter.is_finished());
    held.release().await.unwrap();
    let second = tokio::time::timeout(std::time::Duration::from_secs(5), waiter)
        .await
        .expect("granted after release")
        .unwrap();

    // A lock dropped without release (a task cancelled, a panic) is let go too.
    // (One whose replica died goes with its connection: tests/replicas.rs.)
    drop(second);
    let third = tokio::time::timeout(std::time::Duration::from_secs(5), one.lock_grant("grant-1"))
        .await
        .expect("a dropped lock is released")
        .unwrap();
    third.release().await.unwrap();
}

/// PostgreSQL only (SQLite has one process): an access token revoked through
/// one replica stops being accepted by another replica's cache of checked
/// tokens at once, through `LISTEN`/`NOTIFY`, well before the cache's 5 s.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_revocations_reach_the_other_replicas_cached_tokens() {
    let place = Place::postgres().await;
    let (one, two) = (place.open().await, place.open().await);
    one.put_grant(&grant("grant-1", 1_000)).await.unwrap();
    for hash in ["access-1", "access-2", "access-3"] {
        one.put_token(&token(hash, TokenKind::Access, "grant-1", later()))
            .await
            .unwrap();
    }
    one.put_grant(&grant("grant-2", 1_000)).await.unwrap();
    one.put_token(&token("access-4", TokenKind::Access, "grant-2", later()))
        .await
        .unwrap();
    // Replica two checks (and caches) every token.
    for hash in ["access-1", "access-2", "access-3", "access-4"] {
        assert!(
            two.get_token(hash, TokenKind::Access)
                .await
                .unwrap()
                .is_some()
        );
    }
    let gone_within_a_second = |hash: &'static str| {
        let two = two.clone();
        async move {
            let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(1);
            while tokio::time::Instant::now() < deadline {
                if two
                    .get_token(hash, TokenKind::Access)
                    .await
                    .unwrap()
                    .is_none()
                {
                    return true;
                }
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
            false
        }
    };
    one.delete_token("access-1").await.unwrap();
    assert!(gone_within_a_second("access-1").await, "one token revoked");
    one.set_grant_disconnected("grant-1", true).await.unwrap();
    assert!(
        gone_within_a_second("access-2").await,
        "a disconnected grant"
    );
    assert!(gone_within_a_second("access-3").await);
    one.delete_grant("grant-2").await.unwrap();
    assert!(gone_within_a_second("access-4").await, "a deleted grant");
}
