//! A headless MCP client for a gumstack server's whole authorization flow: it
//! registers, walks the consent page and the credentials form like a person would
//! (keeping cookies, reading hidden fields), signs in at a [`MockProvider`](super::MockProvider),
//! exchanges the code and connects rmcp's client with the token. Each step is
//! separate so tests can break one on purpose.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use reqwest::{StatusCode, header};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// A redirect URI nothing listens on: the tests read the code from `Location`.
pub const REDIRECT_URI: &str = "http://127.0.0.1:9/callback";

/// What a page answered.
#[derive(Debug)]
pub struct Page {
    /// The status code.
    pub status: StatusCode,
    /// Where a redirect points.
    pub location: Option<String>,
    /// Every header.
    pub headers: reqwest::header::HeaderMap,
    /// The body, as text.
    pub body: String,
}

impl Page {
    /// A hidden or text input's value: `name="x" value="y"` as the templates write it.
    pub fn input(&self, name: &str) -> Option<String> {
        crate::auth_server::input_value(&self.body, name)
    }

    /// A query parameter of the redirect.
    pub fn redirect_param(&self, name: &str) -> Option<String> {
        let url = url::Url::parse(self.location.as_deref()?).ok()?;
        url.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }
}

/// A browser: keeps cookies, does not follow redirects (the tests read them).
#[derive(Clone)]
pub struct Browser {
    http: reqwest::Client,
}

impl Default for Browser {
    fn default() -> Self {
        Self {
            http: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("http client"),
        }
    }
}

impl Browser {
    async fn page(response: reqwest::Response) -> Page {
        Page {
            status: response.status(),
            location: response
                .headers()
                .get(header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            headers: response.headers().clone(),
            body: response.text().await.unwrap_or_default(),
        }
    }

    /// GET `url` with this browser's cookies.
    pub async fn get(&self, url: &str) -> Page {
        Self::page(self.http.get(url).send().await.expect("GET")).await
    }

    /// POST a form to `url` with this browser's cookies.
    pub async fn post(&self, url: &str, form: &[(&str, &str)]) -> Page {
        Self::page(self.http.post(url).form(form).send().await.expect("POST")).await
    }

    /// POST a form with extra headers, as another site's page would send it
    /// (`Origin`, `Sec-Fetch-Site`), with this browser's cookies.
    pub async fn post_with(
        &self,
        url: &str,
        form: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Page {
        let mut request = self.http.post(url).form(form);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        Self::page(request.send().await.expect("POST")).await
    }
}

/// PKCE verifier and S256 challenge.
pub fn pkce() -> (String, String) {
    let verifier = format!("{}{}", uuidish(), uuidish());
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

fn uuidish() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    URL_SAFE_NO_PAD.encode(Sha256::digest(format!(
        "{nanos}-{n}-{}",
        std::process::id()
    )))
}

/// A hand-driven OAuth client of one server.
pub struct OAuthClient {
    /// `http://127.0.0.1:PORT` (the issuer).
    pub base: String,
    /// Its client id at that server.
    pub client_id: String,
    /// The person's browser, for the pages.
    pub browser: Browser,
    /// The client's own HTTP client, for `/token` and `/revoke`.
    pub http: reqwest::Client,
    /// Where it asks the user to be sent back ([`REDIRECT_URI`] unless set).
    pub redirect_uri: String,
}

impl OAuthClient {
    /// Register with dynamic client registration as "Test Client" (the same
    /// metadata, so the same client, each time).
    pub async fn register(mcp_url: &str) -> Self {
        Self::register_named(mcp_url, "Test Client").await
    }

    /// Register an application named `name`.
    pub async fn register_named(mcp_url: &str, name: &str) -> Self {
        let metadata = json!({
            "redirect_uris": [REDIRECT_URI],
            "client_name": name,
            "token_endpoint_auth_method": "none",
        });
        Self::register_with(mcp_url, &metadata, REDIRECT_URI).await
    }

    /// Register with this registration request body (as a shipping client
    /// sends it), then ask to be sent back to `redirect_uri`.
    pub async fn register_with(mcp_url: &str, metadata: &Value, redirect_uri: &str) -> Self {
        let base = mcp_url.trim_end_matches("/mcp").to_owned();
        let http = reqwest::Client::new();
        let response = http
            .post(format!("{base}/register"))
            .json(metadata)
            .send()
            .await
            .expect("register");
        let status = response.status();
        let response: Value = response.json().await.expect("registration JSON");
        assert_eq!(status, StatusCode::CREATED, "registration: {response}");
        let client_id = response["client_id"]
            .as_str()
            .expect("client_id")
            .to_owned();
        Self {
            base,
            client_id,
            browser: Browser::default(),
            http,
            redirect_uri: redirect_uri.to_owned(),
        }
    }

    /// A client whose `client_id` is the URL of its metadata document, on the
    /// server at `mcp_url`, sent back to `redirect_uri`.
    pub fn with_document(mcp_url: &str, document_url: &str, redirect_uri: &str) -> Self {
        Self {
            base: mcp_url.trim_end_matches("/mcp").to_owned(),
            client_id: document_url.to_owned(),
            browser: Browser::default(),
            http: reqwest::Client::new(),
            redirect_uri: redirect_uri.to_owned(),
        }
    }

    /// The authorization URL for this PKCE challenge and state.
    pub fn authorize_url(&self, challenge: &str, state: &str) -> String {
        let mut url = url::Url::parse(&format!("{}/authorize", self.base)).unwrap();
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", &self.client_id)
            .append_pair("redirect_uri", &self.redirect_uri)
            .append_pair("code_challenge", challenge)
            .append_pair("code_challenge_method", "S256")
            .append_pair("state", state)
            .append_pair("resource", &format!("{}/mcp", self.base));
        url.into()
    }

    /// Open the consent page and approve: returns the credentials form.
    pub async fn consent(&self, challenge: &str, state: &str) -> Page {
        self.approve(challenge, state).await
    }

    /// Submit the credentials form shown in `form`.
    pub async fn submit(&self, form: &Page, fields: &[(&str, &str)]) -> Page {
        let pending = form.input("pending").expect("pending field");
        let csrf = form.input("csrf").expect("csrf field");
        let mut body: Vec<(&str, &str)> = vec![("pending", &pending), ("csrf", &csrf)];
        body.extend_from_slice(fields);
        self.browser
            .post(&format!("{}/authorize/credentials", self.base), &body)
            .await
    }

    /// Consent and submit: the code from the redirect.
    pub async fn code(&self, challenge: &str, fields: &[(&str, &str)]) -> String {
        let form = self.consent(challenge, "st4te").await;
        let done = self.submit(&form, fields).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        assert_eq!(done.redirect_param("state").as_deref(), Some("st4te"));
        assert_eq!(
            done.redirect_param("iss").as_deref(),
            Some(self.base.as_str())
        );
        done.redirect_param("code").expect("code in the redirect")
    }

    /// POST /token; returns the status and the JSON body.
    pub async fn token(
        &self,
        form: &[(&str, &str)],
    ) -> (StatusCode, Value, reqwest::header::HeaderMap) {
        let mut body: Vec<(&str, &str)> = vec![("client_id", &self.client_id)];
        body.extend_from_slice(form);
        let response = self
            .http
            .post(format!("{}/token", self.base))
            .form(&body)
            .send()
            .await
            .expect("token request");
        let status = response.status();
        let headers = response.headers().clone();
        (
            status,
            response.json().await.unwrap_or(Value::Null),
            headers,
        )
    }

    /// Exchange a code with its PKCE verifier.
    pub async fn exchange(
        &self,
        code: &str,
        verifier: &str,
    ) -> (StatusCode, Value, reqwest::header::HeaderMap) {
        self.token(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", &self.redirect_uri),
            ("code_verifier", verifier),
        ])
        .await
    }

    /// The whole flow: an access token and a refresh token for these credentials.
    pub async fn tokens(&self, fields: &[(&str, &str)]) -> (String, String) {
        let (verifier, challenge) = pkce();
        let code = self.code(&challenge, fields).await;
        let (status, body, _) = self.exchange(&code, &verifier).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        (
            body["access_token"].as_str().unwrap().to_owned(),
            body["refresh_token"].as_str().unwrap().to_owned(),
        )
    }
}

/// An MCP client session (rmcp's client, no handler of its own).
pub type McpClient = rmcp::service::RunningService<rmcp::RoleClient, ()>;

/// rmcp's client over streamable HTTP with a fixed bearer token.
pub async fn connect_with_token(mcp_url: &str, token: &str) -> McpClient {
    use rmcp::{
        ServiceExt,
        transport::{
            StreamableHttpClientTransport,
            streamable_http_client::StreamableHttpClientTransportConfig,
        },
    };
    let config = StreamableHttpClientTransportConfig::with_uri(mcp_url.to_owned())
        .auth_header(token.to_owned());
    ().serve(StreamableHttpClientTransport::from_config(config))
        .await
        .expect("MCP handshake with a bearer token")
}

impl OAuthClient {
    /// Open the consent page and approve it: in `oauth` mode the answer
    /// redirects to the provider.
    pub async fn approve(&self, challenge: &str, state: &str) -> Page {
        let consent = self
            .browser
            .get(&self.authorize_url(challenge, state))
            .await;
        assert_eq!(consent.status, StatusCode::OK, "{}", consent.body);
        self.decide(&consent, "approve").await
    }

    /// Answer the consent page `consent` with `decision` (`approve` or `deny`).
    pub async fn decide(&self, consent: &Page, decision: &str) -> Page {
        self.browser
            .post(
                &format!("{}/authorize", self.base),
                &[
                    ("pending", &consent.input("pending").expect("pending")),
                    ("csrf", &consent.input("csrf").expect("csrf")),
                    ("decision", decision),
                ],
            )
            .await
    }

    /// `oauth` mode: approve consent, sign in at the provider as `user` (a mock
    /// provider parameter), follow its redirect back to the server's callback.
    /// Returns the callback's answer (a redirect to the client, or an error page).
    pub async fn via_provider(&self, challenge: &str, state: &str, user: &str) -> Page {
        let to_provider = self.approve(challenge, state).await;
        assert_eq!(
            to_provider.status,
            StatusCode::SEE_OTHER,
            "{}",
            to_provider.body
        );
        let provider_url = format!(
            "{}&mock_user={user}",
            to_provider.location.expect("provider URL")
        );
        let back = self.browser.get(&provider_url).await;
        let callback = back.location.expect("the provider redirects back");
        self.browser.get(&callback).await
    }

    /// `oauth` mode, the whole way: tokens for the provider account `user`.
    pub async fn oauth_tokens(&self, user: &str) -> (String, String) {
        let (verifier, challenge) = pkce();
        let done = self.via_provider(&challenge, "st", user).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        let code = done.redirect_param("code").expect("code");
        let (status, body, _) = self.exchange(&code, &verifier).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        (
            body["access_token"].as_str().unwrap().to_owned(),
            body["refresh_token"].as_str().unwrap().to_owned(),
        )
    }

    /// `oauth` mode: open a reconnect link in this client's browser (the one
    /// that authorized), continue to the provider, sign in as `user`. Returns
    /// the callback's answer.
    pub async fn reconnect_as(&self, link: &str, user: &str) -> Page {
        let page = self.browser.get(link).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let to_provider = self
            .browser
            .post(
                &format!("{}/auth/reconnect", self.base),
                &[
                    ("pending", &page.input("pending").expect("pending")),
                    ("csrf", &page.input("csrf").expect("csrf")),
                ],
            )
            .await;
        assert_eq!(
            to_provider.status,
            StatusCode::SEE_OTHER,
            "{}",
            to_provider.body
        );
        let back = self
            .browser
            .get(&format!(
                "{}&mock_user={user}",
                to_provider.location.expect("provider URL")
            ))
            .await;
        self.browser
            .get(&back.location.expect("the provider redirects back"))
            .await
    }
}
