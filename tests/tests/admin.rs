//! The operator's commands (`grants list`, `grants revoke`, `rotate-key`) run
//! as processes of the real example binaries, beside (or between runs of) the
//! server they administer: `openai` (`auth = cred`, stub OpenAI on loopback),
//! `oauth2` (`auth = oauth`, gumstack's mock provider), `weather` (`none`).

use std::{process::Output, time::Duration};

use base64::{Engine, engine::general_purpose::STANDARD};
use gumstack::{store::Store, testing::MockProvider};
use gumstack_tests::{
    HttpServer, TEST_KEY, first_text, free_port, generate, mcp_status,
    oauth::{OAuthClient, connect_with_token},
    postgres::fresh_database,
    run_example, store_file, stub_openai,
};
use reqwest::StatusCode;
use rmcp::model::CallToolRequestParams;
use sha2::{Digest, Sha256};

/// An example server on a fixed address (a restart keeps its tokens'
/// audience), with the settings its operator commands get too.
struct Example {
    name: &'static str,
    env: Vec<(String, String)>,
    addr: String,
    server: Option<HttpServer>,
    dir: tempfile::TempDir,
}

impl Example {
    /// `name` with its own data directory and these settings (the data
    /// directory is added).
    fn new(name: &'static str, env: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        env.push((
            "GUMSTACK_DATA_DIR".into(),
            dir.path().to_str().unwrap().into(),
        ));
        Self {
            name,
            env,
            addr: format!("127.0.0.1:{}", free_port()),
            server: None,
            dir,
        }
    }

    /// The `openai` example on a stub OpenAI, with these settings.
    async fn openai(env: &[(&str, &str)]) -> Self {
        let upstream = format!("http://{}/v1", stub_openai().await);
        let mut all = vec![("OPENAI_BASE_URL", upstream.as_str())];
        all.extend_from_slice(env);
        Self::new("openai", &all)
    }

    fn env(&self) -> Vec<(&str, &str)> {
        self.env
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }

    /// Replace setting `name` (or add it).
    fn set(&mut self, name: &str, value: &str) {
        self.env.retain(|(k, _)| k != name);
        self.env.push((name.into(), value.into()));
    }

    async fn start(&mut self) {
        self.stop().await;
        self.server = Some(HttpServer::start_at(self.name, &self.env(), &self.addr, &[]).await);
    }

    async fn stop(&mut self) {
        if let Some(mut server) = self.server.take() {
            let _ = server.child.kill().await;
            let _ = server.child.wait().await;
        }
    }

    fn mcp(&self) -> String {
        format!("http://{}/mcp", self.addr)
    }

    /// Run an operator command with the server's settings.
    async fn admin(&self, args: &[&str]) -> Output {
        let output = run_example(self.name, &self.env(), args).await;
        eprintln!(
            "[{} {}] status {:?}\n{}{}",
            self.name,
            args.join(" "),
            output.status.code(),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }

    /// Run an operator command that must succeed; its standard output.
    async fn admin_ok(&self, args: &[&str]) -> String {
        let output = self.admin(args).await;
        assert!(output.status.success(), "{} {args:?} failed", self.name);
        String::from_utf8(output.stdout).unwrap()
    }

    fn key_file(&self, name: &str) -> std::path::PathBuf {
        self.dir.path().join(name)
    }
}

/// The data line of `grants list` that contains `needle`, as its columns
/// (split at two or more spaces).
fn row<'a>(list: &'a str, needle: &str) -> Vec<&'a str> {
    let line = list
        .lines()
        .skip(1)
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no grant line with {needle:?} in:\n{list}"));
    line.split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect()
}

/// `YYYY-MM-DDTHH:MM:SSZ`.
fn is_rfc3339_utc(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 20
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 => *c == b':',
            19 => *c == b'Z',
            _ => c.is_ascii_digit(),
        })
}

fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A fresh sealing key, base64: unique per call (time, process, count).
fn new_key() -> String {
    static COUNT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let n = COUNT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    STANDARD.encode(Sha256::digest(format!(
        "{nanos}-{}-{n}",
        std::process::id()
    )))
}

/// The id sealed values carry for the key `base64`.
fn key_id(base64: &str) -> String {
    let bytes = STANDARD.decode(base64.trim()).unwrap();
    Sha256::digest(&bytes)[..4]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether `token` gets 401 on `/mcp` within 7 s (a server on SQLite hears of
/// another process's revocation when its cache of checked tokens expires, 5 s).
async fn refused_soon(mcp: &str, token: &str) -> bool {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(7);
    while tokio::time::Instant::now() < deadline {
        if mcp_status(mcp, token).await == StatusCode::UNAUTHORIZED {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

/// What `generate` answers with `token` (the stub echoes the key it got).
async fn generated_with(mcp: &str, token: &str) -> String {
    let client = connect_with_token(mcp, token).await;
    let result = generate(&client, "hi").await;
    assert_eq!(result.is_error, Some(false), "{result:?}");
    first_text(&result).to_owned()
}

#[tokio::test]
async fn grants_list_shows_each_user_with_their_client_and_never_a_secret() {
    let mut s = Example::openai(&[("GUMSTACK_SECRET_KEY", TEST_KEY)]).await;
    s.start().await;
    assert_eq!(
        s.admin_ok(&["grants", "list"]).await,
        "No grants: nobody has connected to this server yet.\n",
        "an empty store says so"
    );

    let alice = OAuthClient::register_named(&s.mcp(), "Claude Desktop").await;
    let (alice_access, alice_refresh) = alice.tokens(&[("api_key", "sk-alice-0123456789")]).await;
    let bob = OAuthClient::register_named(&s.mcp(), "VS Code").await;
    let (bob_access, bob_refresh) = bob
        .tokens(&[
            ("api_key", "sk-bob-9876543210"),
            ("organization", "org-bobs"),
        ])
        .await;
    for (token, key) in [(&alice_access, "sk-alice"), (&bob_access, "sk-bob")] {
        assert!(generated_with(&s.mcp(), token).await.contains(key));
    }

    let list = s.admin_ok(&["grants", "list"]).await;
    assert_eq!(list.lines().count(), 3, "a header and one line per grant");
    let header: Vec<&str> = list.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(
        header,
        ["ID", "ACCOUNT", "CLIENT", "CREATED", "LAST", "USED"]
    );
    for (client, name) in [(&alice, "Claude Desktop"), (&bob, "VS Code")] {
        let columns = row(&list, name);
        assert_eq!(columns.len(), 5, "connected: no status column: {columns:?}");
        assert_eq!(columns[1], "-", "a cred grant names no account");
        assert_eq!(columns[2], format!("{} ({name})", client.client_id));
        assert!(is_rfc3339_utc(columns[3]), "created: {}", columns[3]);
        assert!(
            is_rfc3339_utc(columns[4]),
            "last used (tokens were issued): {}",
            columns[4]
        );
    }

    // Nothing entered, issued or sealed is printed.
    let pool = store_file(s.dir.path()).await;
    let sealed: Vec<(String,)> = sqlx::query_as("SELECT sealed FROM grants")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(sealed.len(), 2);
    let mut secrets = vec![
        "sk-alice".to_owned(),
        "0123456789".into(),
        "sk-bob".into(),
        "9876543210".into(),
        "org-bobs".into(),
        "v1.".into(),
    ];
    for token in [&alice_access, &alice_refresh, &bob_access, &bob_refresh] {
        secrets.push(token.clone());
        secrets.push(sha256_hex(token));
    }
    secrets.extend(sealed.into_iter().map(|(s,)| s));
    for secret in &secrets {
        assert!(
            !list.contains(secret.as_str()),
            "{secret:?} printed:\n{list}"
        );
    }
}

#[tokio::test]
async fn grants_revoke_ends_one_users_tokens_and_not_the_others() {
    let mut s = Example::openai(&[("GUMSTACK_SECRET_KEY", TEST_KEY)]).await;
    s.start().await;
    let alice = OAuthClient::register_named(&s.mcp(), "Claude Desktop").await;
    let (alice_access, alice_refresh) = alice.tokens(&[("api_key", "sk-alice")]).await;
    let bob = OAuthClient::register_named(&s.mcp(), "VS Code").await;
    let (bob_access, _) = bob.tokens(&[("api_key", "sk-bob")]).await;
    // Both tokens checked (and cached) by the running server.
    for token in [&alice_access, &bob_access] {
        assert_ne!(mcp_status(&s.mcp(), token).await, StatusCode::UNAUTHORIZED);
    }

    let list = s.admin_ok(&["grants", "list"]).await;
    let alice_grant = row(&list, "Claude Desktop")[0].to_owned();
    let said = s.admin_ok(&["grants", "revoke", &alice_grant]).await;
    assert!(
        said.starts_with(&format!(
            "Revoked grant {alice_grant}: deleted here with every token issued for it."
        )),
        "{said}"
    );

    assert!(
        refused_soon(&s.mcp(), &alice_access).await,
        "the revoked user's access token gets 401"
    );
    let (status, body, _) = alice
        .token(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", &alice_refresh),
        ])
        .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "and its refresh token: {body}"
    );
    assert!(
        generated_with(&s.mcp(), &bob_access)
            .await
            .starts_with("auth=Bearer sk-bob "),
        "the other user keeps working"
    );
    let list = s.admin_ok(&["grants", "list"]).await;
    assert!(!list.contains(&alice_grant), "{list}");
    assert!(list.contains("VS Code"), "{list}");

    // An unknown id is an error that names it.
    let output = s.admin(&["grants", "revoke", "no-such-grant"]).await;
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("\"no-such-grant\""), "{stderr}");
    assert!(output.stdout.is_empty());
    // Ids are base64url and may start with `-`: an id, not a flag.
    let output = s.admin(&["grants", "revoke", "-no-such-grant"]).await;
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("\"-no-such-grant\""), "{stderr}");
}

/// The LAST USED column of the grant of client "Claude Desktop".
async fn last_used(s: &Example) -> String {
    row(&s.admin_ok(&["grants", "list"]).await, "Claude")[4].to_owned()
}

#[tokio::test]
async fn a_bearer_check_records_last_use_once_per_period_not_per_request() {
    let mut s = Example::openai(&[("GUMSTACK_SECRET_KEY", TEST_KEY)]).await;
    s.start().await;
    let client = OAuthClient::register_named(&s.mcp(), "Claude Desktop").await;
    let (access, _) = client.tokens(&[("api_key", "sk-use")]).await;
    let pool = store_file(s.dir.path()).await;
    let forget = || async {
        sqlx::query("UPDATE grants SET last_used_at = NULL")
            .execute(&pool)
            .await
            .unwrap();
    };

    // A new process has recorded nothing: its first bearer check writes.
    forget().await;
    s.start().await;
    assert_eq!(last_used(&s).await, "-");
    assert_ne!(
        mcp_status(&s.mcp(), &access).await,
        StatusCode::UNAUTHORIZED
    );
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let seen = last_used(&s).await;
        if is_rfc3339_utc(&seen) {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the bearer check did not record the use: {seen}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // The next requests of the period write nothing.
    forget().await;
    for _ in 0..5 {
        assert_ne!(
            mcp_status(&s.mcp(), &access).await,
            StatusCode::UNAUTHORIZED
        );
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(last_used(&s).await, "-", "no write per request");
}

#[tokio::test]
async fn oauth_grants_are_revoked_at_the_provider_when_it_can() {
    let provider = MockProvider::start().await;
    let env: Vec<(String, String)> = provider.env();
    let mut env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    env.push(("GUMSTACK_SECRET_KEY", TEST_KEY));
    let mut s = Example::new("oauth2", &env);
    s.start().await;
    let ada_client = OAuthClient::register_named(&s.mcp(), "Claude Desktop").await;
    let (ada, _) = ada_client.oauth_tokens("ada").await;
    let bob_client = OAuthClient::register_named(&s.mcp(), "VS Code").await;
    let (bob, _) = bob_client.oauth_tokens("bob").await;

    let list = s.admin_ok(&["grants", "list"]).await;
    let ada_row = row(&list, "Claude Desktop");
    assert_eq!(
        ada_row[1], "ada@example.com (mock-ada)",
        "nickname and account id"
    );
    assert_eq!(row(&list, "VS Code")[1], "bob@example.com (mock-bob)");
    assert!(
        !list.contains("mock-at-") && !list.contains("mock-rt-"),
        "{list}"
    );

    let said = s.admin_ok(&["grants", "revoke", ada_row[0]]).await;
    assert!(
        said.contains(": revoked at mock, and deleted here with every token issued for it."),
        "{said}"
    );
    assert_eq!(
        provider.revocations(),
        1,
        "the revocation reached the provider"
    );
    assert!(refused_soon(&s.mcp(), &ada).await);
    let bobs = connect_with_token(&s.mcp(), &bob).await;
    let result = bobs
        .call_tool(CallToolRequestParams::new("whoami"))
        .await
        .unwrap();
    assert_eq!(result.is_error, Some(false), "{result:?}");

    // A provider without a revocation endpoint: said so, deleted here only.
    s.env.retain(|(k, _)| k != "OAUTH_REVOKE_URL");
    s.start().await;
    let list = s.admin_ok(&["grants", "list"]).await;
    let said = s
        .admin_ok(&["grants", "revoke", row(&list, "VS Code")[0]])
        .await;
    assert!(
        said.contains(": the provider has no revocation endpoint (mock); deleted here only"),
        "{said}"
    );
    assert_eq!(provider.revocations(), 1);
    assert!(refused_soon(&s.mcp(), &bob).await);
}

#[tokio::test]
async fn none_servers_offer_no_operator_commands() {
    let help = run_example("weather", &[], &["--help"]).await;
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("serve"), "{help}");
    // The about line is the server's name (and its instructions, if any).
    assert!(help.starts_with("weather: "), "{help}");
    for command in ["grants", "rotate-key", "login", "logout", "audit"] {
        assert!(!help.contains(command), "{command}: {help}");
    }
    for args in [
        &["grants", "list"][..],
        &["audit"],
        &["rotate-key"],
        &["login"],
        &["logout"],
    ] {
        let output = run_example("weather", &[], args).await;
        assert!(!output.status.success());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains(&format!("unrecognized subcommand '{}'", args[0])),
            "{stderr}"
        );
    }
    // `cred` and `oauth` servers list them, and keep their own about text.
    for name in ["openai", "oauth2"] {
        let help = run_example(name, &[], &["--help"]).await;
        let help = String::from_utf8_lossy(&help.stdout);
        for command in ["grants", "rotate-key", "login", "logout", "audit"] {
            assert!(help.contains(command), "{command}: {help}");
        }
        assert!(help.starts_with(&format!("{name}: ")), "{help}");
    }
    // Pointed at a directory with no store, they say so and create nothing.
    let dir = tempfile::tempdir().unwrap();
    for args in [&["grants", "list"][..], &["audit"]] {
        let output = run_example(
            "openai",
            &[("GUMSTACK_DATA_DIR", dir.path().to_str().unwrap())],
            args,
        )
        .await;
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("there is no store of openai in"),
            "{args:?}: {stderr}"
        );
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

/// Every sealed value of the SQLite store in `dir` carries key `id`.
async fn all_sealed_with(dir: &std::path::Path, id: &str) -> bool {
    let pool = store_file(dir).await;
    let values: Vec<(String,)> = sqlx::query_as(
        "SELECT sealed FROM grants UNION ALL SELECT value FROM meta WHERE key = 'key_check'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    pool.close().await;
    values
        .iter()
        .all(|(v,)| v.starts_with(&format!("v1.{id}.")))
}

fn write_key(path: &std::path::Path, key: &str) {
    use std::{io::Write, os::unix::fs::OpenOptionsExt};
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .unwrap();
    file.write_all(key.as_bytes()).unwrap();
}

#[tokio::test]
async fn rotate_key_on_the_key_file_reseals_everything_and_completes_an_interrupted_rotation() {
    // No GUMSTACK_SECRET_KEY: the server generates secret.key.
    let mut s = Example::openai(&[]).await;
    s.start().await;
    let alice = OAuthClient::register(&s.mcp()).await;
    let (alice_access, _) = alice.tokens(&[("api_key", "sk-alice")]).await;
    let first_key = std::fs::read_to_string(s.key_file("secret.key")).unwrap();

    // The procedure: stop the server, rotate, start it.
    s.stop().await;
    let said = s.admin_ok(&["rotate-key"]).await;
    let second_key = std::fs::read_to_string(s.key_file("secret.key")).unwrap();
    let (old, new) = (key_id(&first_key), key_id(&second_key));
    assert_ne!(old, new, "a new key");
    assert!(
        said.contains(&format!("Generated a new key {new} in ")),
        "{said}"
    );
    assert!(
        said.contains(&format!("Re-sealed 2 values with key {new} ")),
        "the grant and the key check: {said}"
    );
    assert!(
        said.contains(&format!("No value sealed with key {old} remains")),
        "{said}"
    );
    assert!(!s.key_file("secret.key.previous").exists());
    assert!(all_sealed_with(s.dir.path(), &new).await);
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(s.key_file("secret.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    s.start().await;
    assert!(
        generated_with(&s.mcp(), &alice_access)
            .await
            .starts_with("auth=Bearer sk-alice "),
        "the restarted server still serves the user's credentials"
    );

    // Interrupted after promoting a key: the new key current, the old one
    // previous, some values sealed with each (a user connected meanwhile).
    s.stop().await;
    let third_key = new_key();
    write_key(&s.key_file("secret.key.previous"), &second_key);
    std::fs::remove_file(s.key_file("secret.key")).unwrap();
    write_key(&s.key_file("secret.key"), &third_key);
    s.start().await;
    let bob = OAuthClient::register_named(&s.mcp(), "Bob's client").await;
    let (bob_access, _) = bob.tokens(&[("api_key", "sk-bob")]).await;
    s.stop().await;
    assert!(!all_sealed_with(s.dir.path(), &key_id(&third_key)).await);
    let said = s.admin_ok(&["rotate-key"]).await;
    let (old, new) = (key_id(&second_key), key_id(&third_key));
    assert!(
        said.contains(&format!(
            "Completing an interrupted rotation: key {new} is current, the previous key {old}"
        )),
        "{said}"
    );
    assert!(
        said.contains(&format!("Re-sealed 2 values with key {new} ")),
        "alice's grant and the key check, not bob's: {said}"
    );
    assert_eq!(
        std::fs::read_to_string(s.key_file("secret.key")).unwrap(),
        third_key,
        "no other key generated"
    );
    assert!(!s.key_file("secret.key.previous").exists());
    assert!(all_sealed_with(s.dir.path(), &new).await);

    // Interrupted after generating the next key only: it is the one used.
    let fourth_key = new_key();
    write_key(&s.key_file("secret.key.next"), &fourth_key);
    let said = s.admin_ok(&["rotate-key"]).await;
    let newest = key_id(&fourth_key);
    assert!(said.contains(&format!("key {newest} is current")), "{said}");
    assert!(said.contains("Re-sealed 3 values"), "{said}");
    assert_eq!(
        std::fs::read_to_string(s.key_file("secret.key")).unwrap(),
        fourth_key
    );
    assert!(!s.key_file("secret.key.next").exists());
    assert!(!s.key_file("secret.key.previous").exists());

    s.start().await;
    for (token, key) in [(&alice_access, "sk-alice"), (&bob_access, "sk-bob")] {
        assert!(generated_with(&s.mcp(), token).await.contains(key));
    }
}

#[tokio::test]
async fn rotate_key_with_env_keys_on_postgres_says_when_the_old_key_can_go() {
    let database = fresh_database().await;
    let old_key = TEST_KEY.to_owned();
    let new_key = new_key();
    let (old, new) = (key_id(&old_key), key_id(&new_key));
    let mut s = Example::openai(&[
        ("GUMSTACK_DATABASE_URL", &database),
        ("GUMSTACK_SECRET_KEY", &old_key),
    ])
    .await;
    s.start().await;
    let alice = OAuthClient::register(&s.mcp()).await;
    let (alice_access, _) = alice.tokens(&[("api_key", "sk-alice")]).await;

    // Every server gets both keys, the new one current, before the rotation;
    // one keeps running through it and connects another user.
    s.set("GUMSTACK_SECRET_KEY", &new_key);
    s.set("GUMSTACK_PREVIOUS_SECRET_KEYS", &old_key);
    s.start().await;
    let bob = OAuthClient::register_named(&s.mcp(), "Bob's client").await;
    let (bob_access, _) = bob.tokens(&[("api_key", "sk-bob")]).await;

    // A value sealed with the old key that does not open (alice's, copied to
    // another row): the rotation cannot re-seal it.
    let store = gumstack::store::connect(&database).await.unwrap();
    let grants = store.list_grants().await.unwrap();
    let alices = grants
        .iter()
        .find(|g| g.client_id.as_deref() == Some(&alice.client_id))
        .unwrap();
    let mut planted = store.get_grant(&alices.id).await.unwrap().unwrap();
    planted.id = "planted".into();
    store.put_grant(&planted).await.unwrap();

    let output = s.admin(&["rotate-key"]).await;
    let said = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "not complete: {said}");
    assert!(
        said.contains(&format!(
            "Re-sealed 2 values with key {new} (GUMSTACK_SECRET_KEY)"
        )),
        "alice's grant and the key check: {said}"
    );
    assert!(
        said.contains(&format!("1 value is still sealed with key {old}")),
        "{said}"
    );
    assert!(said.contains("Not re-sealed: grant:planted: "), "{said}");
    assert!(
        !said.contains(&format!("No value sealed with key {old} remains")),
        "not while one remains: {said}"
    );

    // Once it is gone, the old key can go: said on the run that finds so, and
    // again on every rerun, which re-seals nothing.
    s.admin_ok(&["grants", "revoke", "planted"]).await;
    for _ in 0..2 {
        let said = s.admin_ok(&["rotate-key"]).await;
        assert!(
            said.contains(&format!(
                "Nothing to re-seal: no value needed key {new} (GUMSTACK_SECRET_KEY)."
            )),
            "{said}"
        );
        assert!(
            said.contains(&format!(
                "No value sealed with key {old} remains: it can be removed from GUMSTACK_PREVIOUS_SECRET_KEYS."
            )),
            "{said}"
        );
    }

    // And it can: a server with the new key alone serves both users.
    s.env.retain(|(k, _)| k != "GUMSTACK_PREVIOUS_SECRET_KEYS");
    s.start().await;
    for (token, key) in [(&alice_access, "sk-alice"), (&bob_access, "sk-bob")] {
        assert!(generated_with(&s.mcp(), token).await.contains(key));
    }
}
