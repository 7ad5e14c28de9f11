//! The cost of `creds()` on the hot path, per mode: `cargo bench -p gumstack --bench creds`.
//!
//! Prints nanoseconds per call (median of 15 runs of 200k calls each) for:
//! none (the generated sync accessor), cred (a cached grant), oauth (a cached,
//! fresh token), oauth needing a refresh (each call on its own grant whose token
//! has expired, so the grant is read, unsealed, refreshed against an instant
//! in-process provider, resealed and written back). The store is a real SQLite
//! file; after the first call each `cred`/`oauth` lookup is served from the
//! bounded cache.

use std::{collections::BTreeMap, hint::black_box, sync::Arc, time::Instant};

use gumstack::{
    __private::{CredGrants, OAuthGrants, Vault},
    Account, AuthProvider, Credentials, Revoked, Secret, TokenResponse,
    seal::Sealer,
    store::Store,
};

#[derive(Credentials)]
struct Env {
    #[cred(secret, env = "BENCH_API_KEY")]
    api_key: Secret,
}

struct NoneServer;

#[gumstack::server(auth = none(Env), name = "bench")]
impl NoneServer {
    /// Reads the key.
    #[gumstack::tool]
    fn key_len(&self) -> String {
        self.creds().api_key.expose().len().to_string()
    }
}

struct Provider;

impl AuthProvider for Provider {
    fn from_env() -> gumstack::Result<Self> {
        Ok(Provider)
    }
    fn name(&self) -> &str {
        "bench"
    }
    fn get_url(&self, _: &str, _: &str) -> String {
        String::new()
    }
    async fn exchange(&self, _: &str, _: &str) -> gumstack::Result<TokenResponse> {
        Ok(TokenResponse::new("at"))
    }
    async fn refresh(&self, _: &str) -> gumstack::Result<TokenResponse> {
        Ok(TokenResponse::new("at"))
    }
    async fn get_nickname(&self, _: &str) -> gumstack::Result<String> {
        Ok("bench".into())
    }
    async fn revoke(&self, _: &str) -> gumstack::Result<Revoked> {
        Ok(Revoked::Unsupported)
    }
}

/// A provider whose tokens expire at once (`expires_in: 0`): a second later
/// every grant it served needs a refresh, the cost of the refresh path without
/// the network.
struct Expiring;

impl AuthProvider for Expiring {
    fn from_env() -> gumstack::Result<Self> {
        Ok(Expiring)
    }
    fn name(&self) -> &str {
        "bench"
    }
    fn get_url(&self, _: &str, _: &str) -> String {
        String::new()
    }
    async fn exchange(&self, _: &str, _: &str) -> gumstack::Result<TokenResponse> {
        Ok(TokenResponse::new("at"))
    }
    async fn refresh(&self, _: &str) -> gumstack::Result<TokenResponse> {
        let mut tokens = TokenResponse::new("at-refreshed");
        tokens.expires_in = Some(0);
        tokens.refresh_token = Some(Secret::new("rt-rotated"));
        Ok(tokens)
    }
    async fn get_nickname(&self, _: &str) -> gumstack::Result<String> {
        Ok("bench".into())
    }
    async fn revoke(&self, _: &str) -> gumstack::Result<Revoked> {
        Ok(Revoked::Unsupported)
    }
}

const CALLS: u32 = 200_000;
/// The refresh path writes to SQLite: fewer calls per run, and fewer runs (each
/// waits a second for its grants' tokens to expire).
const REFRESH_CALLS: u32 = 200;
const REFRESH_RUNS: usize = 5;
const RUNS: usize = 15;

/// Median nanoseconds per call of `f` over `RUNS` runs of `CALLS` calls.
async fn measure<F, Fut>(f: F) -> f64
where
    F: FnMut() -> Fut,
    Fut: Future<Output = ()>,
{
    measure_n(CALLS, f).await
}

/// Median nanoseconds per call of `f` over `RUNS` runs of `calls` calls.
async fn measure_n<F, Fut>(calls: u32, mut f: F) -> f64
where
    F: FnMut() -> Fut,
    Fut: Future<Output = ()>,
{
    let mut samples = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let start = Instant::now();
        for _ in 0..calls {
            f().await;
        }
        samples.push(start.elapsed().as_nanos() as f64 / f64::from(calls));
    }
    samples.sort_by(f64::total_cmp);
    samples[RUNS / 2]
}

fn account() -> Account {
    Account {
        id: Some("bench-user".into()),
        nickname: "n".into(),
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    // SAFETY: single-threaded at this point; the bench sets its own env.
    unsafe { std::env::set_var("BENCH_API_KEY", "sk-bench") };
    let none = measure(|| async {
        black_box(NoneServer.creds().api_key.expose().len());
    })
    .await;

    let dir = std::env::temp_dir().join(format!("gumstack-bench-{}", std::process::id()));
    let store: Arc<dyn Store> = Arc::new(gumstack::store::open(&dir).await.expect("store"));
    let sealer = || Sealer::from_keys(&[7; 32], &[]);

    let cred = CredGrants::new::<Env>(Vault::new(store.clone(), sealer()));
    let values = BTreeMap::from([("api_key".to_owned(), "sk-user".to_owned())]);
    let cred_id = cred.create(None, None, &values).await.expect("grant");
    let cred_ns = measure(|| async {
        black_box(
            cred.load::<Env>(&cred_id)
                .await
                .expect("load")
                .expect("grant"),
        );
    })
    .await;

    let oauth = OAuthGrants::new(Vault::new(store.clone(), sealer()), Provider);
    let mut tokens = TokenResponse::new("at-user");
    tokens.expires_in = Some(3600);
    tokens.refresh_token = Some(Secret::new("rt"));
    let oauth_id = oauth
        .create(None, None, tokens, Some(account()))
        .await
        .expect("grant");
    let oauth_ns = measure(|| async {
        black_box(oauth.load(&oauth_id).await.expect("load").expect("grant"));
    })
    .await;

    let expiring = OAuthGrants::new(Vault::new(store.clone(), sealer()), Expiring);
    let mut samples = Vec::with_capacity(REFRESH_RUNS);
    for _ in 0..REFRESH_RUNS {
        let mut ids = Vec::with_capacity(REFRESH_CALLS as usize);
        for _ in 0..REFRESH_CALLS {
            let mut tokens = TokenResponse::new("at-user");
            tokens.expires_in = Some(0);
            tokens.refresh_token = Some(Secret::new("rt"));
            let id = expiring
                .create(None, None, tokens, Some(account()))
                .await
                .expect("grant");
            ids.push(id);
        }
        // Tokens obtained this second are reused as they are: wait for the next.
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
        let start = Instant::now();
        for id in &ids {
            black_box(expiring.load(id).await.expect("load").expect("grant"));
        }
        samples.push(start.elapsed().as_nanos() as f64 / f64::from(REFRESH_CALLS));
    }
    samples.sort_by(f64::total_cmp);
    let refresh_ns = samples[REFRESH_RUNS / 2];

    println!("creds() hot path, median ns per call ({RUNS} runs x {CALLS} calls):");
    println!("  none  (sync, static)        {none:>8.1} ns");
    println!("  cred  (cached grant)        {cred_ns:>8.1} ns");
    println!("  oauth (cached, fresh token) {oauth_ns:>8.1} ns");
    println!(
        "  oauth (refresh every call)  {refresh_ns:>8.1} ns  ({REFRESH_RUNS} runs x {REFRESH_CALLS} calls; instant provider, SQLite write)"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
