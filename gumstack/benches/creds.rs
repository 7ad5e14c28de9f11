//! The cost of `creds()` on the hot path, per mode: `cargo bench -p gumstack --bench creds`.
//!
//! Prints nanoseconds per call (median of 15 runs of 200k calls each) for:
//! none (the generated sync accessor), cred (a cached grant), oauth (a cached,
//! fresh token). The store is a real SQLite file; after the first call each
//! `cred`/`oauth` lookup is served from the bounded cache.

use std::{collections::BTreeMap, hint::black_box, sync::Arc, time::Instant};

use gumstack::{
    __private::Grants, AuthProvider, Credentials, Revoked, Secret, TokenResponse, seal::Sealer,
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

const CALLS: u32 = 200_000;
const RUNS: usize = 15;

/// Median nanoseconds per call of `f` over `RUNS` runs of `CALLS` calls.
async fn measure<F, Fut>(mut f: F) -> f64
where
    F: FnMut() -> Fut,
    Fut: Future<Output = ()>,
{
    let mut samples = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let start = Instant::now();
        for _ in 0..CALLS {
            f().await;
        }
        samples.push(start.elapsed().as_nanos() as f64 / f64::from(CALLS));
    }
    samples.sort_by(f64::total_cmp);
    samples[RUNS / 2]
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

    let cred = Grants::new::<Env>(store.clone(), sealer());
    let values = BTreeMap::from([("api_key".to_owned(), "sk-user".to_owned())]);
    let cred_id = cred.create(None, None, &values, None).await.expect("grant");
    let cred_ns = measure(|| async {
        black_box(
            cred.load::<Env>(&cred_id)
                .await
                .expect("load")
                .expect("grant"),
        );
    })
    .await;

    let oauth = Grants::oauth(store.clone(), sealer(), Provider);
    let mut tokens = TokenResponse::new("at-user");
    tokens.expires_in = Some(3600);
    tokens.refresh_token = Some(Secret::new("rt"));
    let oauth_id = oauth
        .create_oauth(None, None, tokens, Some("n".into()))
        .await
        .expect("grant");
    let oauth_ns = measure(|| async {
        black_box(
            oauth
                .load_oauth(&oauth_id)
                .await
                .expect("load")
                .expect("grant"),
        );
    })
    .await;

    println!("creds() hot path, median ns per call ({RUNS} runs x {CALLS} calls):");
    println!("  none  (sync, static)        {none:>8.1} ns");
    println!("  cred  (cached grant)        {cred_ns:>8.1} ns");
    println!("  oauth (cached, fresh token) {oauth_ns:>8.1} ns");
    let _ = std::fs::remove_dir_all(&dir);
}
