//! `diagnose [URL]`: checks a deployment from outside, as a client would meet
//! it, then authorizes itself as a client would. Each problem is one line
//! with its fix; the exit status says whether there was any.
//!
//! What it checks, in order (a step whose answer the next needs stops it):
//! the URL itself (https off loopback), `/healthz` and `/readyz`, the
//! unauthenticated `/mcp` (the `Host` allowlist, the 401 challenge and its
//! `resource_metadata`), the protected resource metadata at the path and
//! root forms (`resource` equal to the MCP URL), the authorization server's
//! metadata (`issuer` byte-equal to `authorization_servers[0]`, endpoints on
//! the same origin, S256, HSTS over https), the store and key where the
//! server's settings point (run it with them), then a registration, consent
//! (the browser cookie's attributes), and the mode's next step: a `cred`
//! server's credentials form (submitted with `--cred`, the code exchanged,
//! `/mcp` called with the token, the grant disconnected again), an `oauth`
//! server's redirect to the provider (its `redirect_uri` is the callback URL
//! the provider must have registered).

mod rules;

use std::{collections::BTreeMap, time::Duration};

use reqwest::{StatusCode, header};
use serde_json::{Value, json};
use url::Url;

use crate::{
    Error, Result, Server, auth_server, crypto,
    mode::{AuthMode, HostMode, Transport},
    store::Location,
};
use rules::Problem;

/// What `diagnose` was asked.
pub(crate) struct Request {
    pub url: String,
    pub creds: Vec<(String, String)>,
    pub location: Location,
}

/// Where the self-authorization asks to be sent back: a loopback URI
/// registered without a port. Nothing listens there: the code is read from
/// the redirect itself.
const REDIRECT_URI: &str = "http://127.0.0.1/callback";

pub(crate) async fn run<S: Server>(request: Request) -> Result<()> {
    let mut report = Report::default();
    match rules::mcp_url(&request.url) {
        Ok(mcp) => {
            println!("Diagnosing {} at {mcp}", S::NAME);
            let http = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(Duration::from_secs(10))
                .user_agent(concat!("gumstack-diagnose/", env!("CARGO_PKG_VERSION")))
                .build()?;
            let check = Check {
                http,
                origin: rules::origin(&mcp),
                mcp,
                report: &mut report,
            };
            check.all::<S>(&request).await;
        }
        Err(problem) => report.problem(problem),
    }
    match report.problems {
        0 => {
            println!("No problems found.");
            Ok(())
        }
        n => Err(Error::config(format!(
            "{n} problem{} found",
            if n == 1 { "" } else { "s" }
        ))),
    }
}

#[derive(Default)]
struct Report {
    problems: usize,
}

impl Report {
    fn ok(&mut self, what: impl std::fmt::Display) {
        println!("ok       {what}");
    }
    fn note(&mut self, what: impl std::fmt::Display) {
        println!("note     {what}");
    }
    fn problem(&mut self, problem: Problem) {
        self.problems += 1;
        println!("PROBLEM  {}; fix: {}", problem.what, problem.fix);
    }
    /// `Ok(())` passes as `what`; a problem is reported. Whether it passed.
    fn outcome(&mut self, what: &str, outcome: std::result::Result<(), Problem>) -> bool {
        match outcome {
            Ok(()) => {
                self.ok(what);
                true
            }
            Err(problem) => {
                self.problem(problem);
                false
            }
        }
    }
}

/// A step that cannot go on.
struct Stop;

struct Check<'r> {
    http: reqwest::Client,
    mcp: Url,
    origin: String,
    report: &'r mut Report,
}

/// The authorization server as its metadata describes it.
struct Endpoints {
    issuer: String,
    authorization: String,
    token: String,
    registration: String,
}

impl Check<'_> {
    async fn all<S: Server>(mut self, request: &Request) {
        let _ = self.steps::<S>(request).await;
    }

    async fn steps<S: Server>(&mut self, request: &Request) -> std::result::Result<(), Stop> {
        let authorizes = <S::Auth as AuthMode>::KIND != "none";
        if rules::plain_http_on_a_network(&self.mcp) {
            self.report.problem(Problem::new(
                format!("{} is plain http on a network address: tokens and cookies would cross it in clear", self.mcp),
                "serve it over https (a TLS-terminating proxy in front) and set GUMSTACK_PUBLIC_URL=https://...",
            ));
        }
        self.probes().await?;
        self.unauthenticated_mcp(authorizes).await?;
        if !authorizes {
            self.report
                .note("auth = none: no authorization server to check");
            return Ok(());
        }
        let issuer = self.resource_metadata().await?;
        let endpoints = self.server_metadata(&issuer).await?;
        self.local_store::<S>(&request.location).await;
        self.authorize(&endpoints, &request.creds).await
    }

    async fn get(&self, url: &str) -> std::result::Result<reqwest::Response, Problem> {
        self.http
            .get(url)
            .send()
            .await
            .map_err(|e| unreachable(url, &e))
    }

    /// `/healthz` and `/readyz`.
    async fn probes(&mut self) -> std::result::Result<(), Stop> {
        let healthz = format!("{}/healthz", self.origin);
        match self.get(&healthz).await {
            Ok(r) if r.status() == StatusCode::OK => self.report.ok(format!("{healthz} answers")),
            Ok(r) => self.report.problem(Problem::new(
                format!("{healthz} answers {}", r.status()),
                "check that this URL reaches the gumstack server, not another service behind the proxy",
            )),
            Err(problem) => {
                self.report.problem(problem);
                return Err(Stop);
            }
        }
        let readyz = format!("{}/readyz", self.origin);
        let ready = match self.get(&readyz).await {
            Ok(r) if r.status() == StatusCode::OK => Ok(()),
            Ok(r) => Err(Problem::new(
                format!(
                    "{readyz} answers {}: the server cannot reach its store, or its key does not open it",
                    r.status()
                ),
                "see the server's log (\"not ready: ...\")",
            )),
            Err(problem) => Err(problem),
        };
        self.report.outcome(&format!("{readyz}: ready"), ready);
        Ok(())
    }

    /// `/mcp` without a token: the `Host` accepted, then 401 with the
    /// challenge (or, for `none`, an answer).
    async fn unauthenticated_mcp(&mut self, authorizes: bool) -> std::result::Result<(), Stop> {
        let response = self
            .http
            .post(self.mcp.as_str())
            .header(header::ACCEPT, "application/json, text/event-stream")
            .json(&initialize())
            .send()
            .await
            .map_err(|e| {
                self.report.problem(unreachable(self.mcp.as_str(), &e));
                Stop
            })?;
        let status = response.status();
        let challenge = response
            .headers()
            .get(header::WWW_AUTHENTICATE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let host = self.mcp.host_str().unwrap_or_default().to_owned();
        if status == StatusCode::FORBIDDEN || status == StatusCode::MISDIRECTED_REQUEST {
            let body = response.text().await.unwrap_or_default();
            if body.to_ascii_lowercase().contains("host") {
                self.report.problem(Problem::new(
                    format!("the server refuses the Host {host:?} ({status})"),
                    format!("set GUMSTACK_PUBLIC_URL={} on the server (or add the host to GUMSTACK_ALLOWED_HOSTS), and have the proxy pass the Host clients send", self.origin),
                ));
                return Err(Stop);
            }
        }
        if !authorizes {
            let answered = if status.is_success() {
                Ok(())
            } else {
                Err(Problem::new(
                    format!("initialize at {} answers {status}", self.mcp),
                    "see the server's log",
                ))
            };
            self.report
                .outcome(&format!("{} answers initialize", self.mcp), answered);
            return Ok(());
        }
        if status != StatusCode::UNAUTHORIZED {
            self.report.problem(Problem::new(
                format!(
                    "{} answers {status} without a token, expected 401",
                    self.mcp
                ),
                "check that the URL reaches this server's /mcp, not another route of the proxy",
            ));
            return Err(Stop);
        }
        let [path_form, _] = rules::resource_metadata_urls(&self.mcp);
        let named = challenge.as_deref().and_then(|c| {
            let at = c.find("resource_metadata=\"")? + "resource_metadata=\"".len();
            Some(c[at..].split('"').next()?.to_owned())
        });
        let outcome = match named {
            Some(url) => rules::same(
                "the 401 challenge's resource_metadata",
                &url,
                &path_form,
                "set GUMSTACK_PUBLIC_URL to the URL clients use, without /mcp or a trailing slash",
            ),
            None => Err(Problem::new(
                "the 401 has no WWW-Authenticate: Bearer resource_metadata=\"...\"",
                "make the proxy pass the WWW-Authenticate header through",
            )),
        };
        self.report.outcome(
            "401 without a token, challenge names the resource metadata",
            outcome,
        );
        Ok(())
    }

    /// Both forms of the protected resource metadata; returns the issuer.
    async fn resource_metadata(&mut self) -> std::result::Result<String, Stop> {
        let mut issuer = None;
        for url in rules::resource_metadata_urls(&self.mcp) {
            let document = match self.json(&url).await {
                Ok(document) => document,
                Err(problem) => {
                    self.report.problem(problem);
                    continue;
                }
            };
            let resource = document["resource"].as_str().unwrap_or_default();
            let fix = "set GUMSTACK_PUBLIC_URL to the URL clients use (scheme, host, port; no /mcp, no trailing slash)";
            let passed = self.report.outcome(
                &format!("{url}: resource is {}", self.mcp),
                rules::same(
                    &format!("the resource of {url}"),
                    resource,
                    self.mcp.as_str(),
                    fix,
                ),
            );
            match document["authorization_servers"][0].as_str() {
                Some(found) if passed => issuer = Some(found.to_owned()),
                Some(_) => {}
                None => self.report.problem(Problem::new(
                    format!("{url} names no authorization server"),
                    "serve the metadata from gumstack itself, not a copy",
                )),
            }
        }
        issuer.ok_or(Stop)
    }

    async fn json(&self, url: &str) -> std::result::Result<Value, Problem> {
        let response = self.get(url).await?;
        let status = response.status();
        if status != StatusCode::OK {
            return Err(Problem::new(
                format!("{url} answers {status}"),
                "route /.well-known/ on the public host to the server (the proxy may keep it)",
            ));
        }
        response.json().await.map_err(|_| {
            Problem::new(
                format!("{url} is not JSON"),
                "route /.well-known/ on the public host to the server",
            )
        })
    }

    /// The authorization server metadata of `issuer`.
    async fn server_metadata(&mut self, issuer: &str) -> std::result::Result<Endpoints, Stop> {
        let Some(url) = rules::server_metadata_url(issuer) else {
            self.report.problem(Problem::new(
                format!("authorization_servers[0] {issuer:?} is not a URL"),
                "set GUMSTACK_PUBLIC_URL to the URL clients use",
            ));
            return Err(Stop);
        };
        let response = self.get(&url).await.map_err(|p| {
            self.report.problem(p);
            Stop
        })?;
        if self.mcp.scheme() == "https" {
            let hsts = response
                .headers()
                .contains_key(header::STRICT_TRANSPORT_SECURITY);
            self.report.outcome(
                "over https, answers carry Strict-Transport-Security",
                if hsts {
                    Ok(())
                } else {
                    Err(Problem::new(
                        "no Strict-Transport-Security header",
                        "set GUMSTACK_PUBLIC_URL=https://... on the server (it adds the header over https)",
                    ))
                },
            );
        }
        let document: Value = match response.status() {
            StatusCode::OK => response.json().await.unwrap_or_default(),
            status => {
                self.report.problem(Problem::new(
                    format!("{url} answers {status}"),
                    "route /.well-known/ on the public host to the server",
                ));
                return Err(Stop);
            }
        };
        let found = document["issuer"].as_str().unwrap_or_default();
        let fix = "the server's GUMSTACK_PUBLIC_URL must be exactly the URL clients use";
        if !self.report.outcome(
            &format!("{url}: issuer is authorization_servers[0] ({issuer})"),
            rules::same("the metadata's issuer", found, issuer, fix),
        ) {
            return Err(Stop);
        }
        let endpoint = |name: &str| document[name].as_str().unwrap_or_default().to_owned();
        let endpoints = Endpoints {
            issuer: issuer.to_owned(),
            authorization: endpoint("authorization_endpoint"),
            token: endpoint("token_endpoint"),
            registration: endpoint("registration_endpoint"),
        };
        let off_origin: Vec<&str> = [
            &endpoints.authorization,
            &endpoints.token,
            &endpoints.registration,
        ]
        .into_iter()
        .filter(|e| !e.starts_with(&format!("{}/", self.origin)))
        .map(String::as_str)
        .collect();
        self.report.outcome(
            "the endpoints are on the public origin",
            if off_origin.is_empty() {
                Ok(())
            } else {
                Err(Problem::new(
                    format!(
                        "endpoints outside {}: {}",
                        self.origin,
                        off_origin.join(", ")
                    ),
                    "set GUMSTACK_PUBLIC_URL to the URL clients use",
                ))
            },
        );
        let s256 = document["code_challenge_methods_supported"]
            .as_array()
            .is_some_and(|m| m.iter().any(|m| m == "S256"));
        if !s256 {
            self.report.problem(Problem::new(
                "the metadata does not offer PKCE S256: clients will not authorize",
                "serve the metadata from gumstack itself",
            ));
        }
        Ok(endpoints)
    }

    /// The store and key where the server's settings point, opened here.
    async fn local_store<S: Server>(&mut self, location: &Location) {
        let outcome = async {
            let place = location.place(S::NAME)?;
            if !place.has_store() {
                return Ok(false);
            }
            let state =
                S::Auth::open(location, S::NAME, S::Auth::settings(Transport::Http)?).await?;
            S::Auth::ready(&state).await.map(|()| true)
        };
        match outcome.await {
            Ok(true) => self.report.ok("the store opens here and the key opens what it holds"),
            Ok(false) => self.report.note(
                "no store where this command's settings point: run diagnose with the server's settings (GUMSTACK_DATA_DIR or GUMSTACK_DATABASE_URL, GUMSTACK_SECRET_KEY) to check the store and key too",
            ),
            Err(e) => self.report.problem(Problem::new(
                format!("the store or key: {e}"),
                "run diagnose with the server's own settings; see the message for which",
            )),
        }
    }

    /// Register, consent, and the mode's next step.
    async fn authorize(
        &mut self,
        endpoints: &Endpoints,
        creds: &[(String, String)],
    ) -> std::result::Result<(), Stop> {
        let registered = self
            .http
            .post(&endpoints.registration)
            .json(&json!({
                "client_name": concat!("gumstack diagnose ", env!("CARGO_PKG_VERSION")),
                "redirect_uris": [REDIRECT_URI],
                "token_endpoint_auth_method": "none",
                "grant_types": ["authorization_code", "refresh_token"],
                "response_types": ["code"],
            }))
            .send()
            .await;
        let client_id = match registered {
            Ok(r) if r.status() == StatusCode::CREATED => {
                let body: Value = r.json().await.unwrap_or_default();
                body["client_id"].as_str().unwrap_or_default().to_owned()
            }
            Ok(r) => {
                let status = r.status();
                let body = r.text().await.unwrap_or_default();
                self.report.problem(Problem::new(
                    format!("registration answers {status}: {}", truncate(&body)),
                    "see the server's log",
                ));
                return Err(Stop);
            }
            Err(e) => {
                self.report
                    .problem(unreachable(&endpoints.registration, &e));
                return Err(Stop);
            }
        };
        self.report
            .ok("a client registers (dynamic client registration)");

        let verifier = crypto::random() + &crypto::random();
        let state = crypto::random();
        let mut authorize = Url::parse(&endpoints.authorization).map_err(|_| Stop)?;
        authorize
            .query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", &client_id)
            .append_pair("redirect_uri", REDIRECT_URI)
            .append_pair("code_challenge", &crypto::pkce_challenge(&verifier))
            .append_pair("code_challenge_method", "S256")
            .append_pair("state", &state)
            .append_pair("resource", self.mcp.as_str());
        let consent = self.page(self.http.get(authorize.as_str())).await?;
        let https = self.mcp.scheme() == "https";
        let cookie_ok = match rules::cookie_problem(&consent.set_cookie, https) {
            None if consent.set_cookie.is_empty() => Err(Problem::new(
                "the consent page sets no browser cookie",
                "make the proxy pass Set-Cookie through",
            )),
            None => Ok(()),
            Some(what) => Err(Problem::new(
                what,
                "set GUMSTACK_PUBLIC_URL=https://... on the server: it sets the __Host- cookie over https",
            )),
        };
        self.report.outcome(
            "the consent page is shown, with its browser cookie",
            cookie_ok,
        );
        let cookie = consent.cookie_header();
        let (Some(pending), Some(csrf)) = (
            auth_server::input_value(&consent.body, "pending"),
            auth_server::input_value(&consent.body, "csrf"),
        ) else {
            self.report.problem(Problem::new(
                "the consent page has no form",
                "see the server's log",
            ));
            return Err(Stop);
        };
        let approved = self
            .page(self.form(
                "/authorize",
                &cookie,
                &[
                    ("pending", &pending),
                    ("csrf", &csrf),
                    ("decision", "approve"),
                ],
            ))
            .await?;
        match approved.status {
            StatusCode::OK if approved.body.contains("action=\"/authorize/credentials\"") => {
                self.report.ok("approving shows the credentials form");
                self.credentials(endpoints, &client_id, &verifier, &cookie, &approved, creds)
                    .await
            }
            StatusCode::SEE_OTHER | StatusCode::FOUND => {
                self.provider_redirect(endpoints, approved.location.as_deref());
                Ok(())
            }
            status => {
                self.report.problem(Problem::new(
                    format!("approving consent answers {status}: {}", truncate(&approved.body)),
                    "if it says the form came from another site, have the proxy pass Origin and Host unchanged",
                ));
                Err(Stop)
            }
        }
    }

    /// An `oauth` server sent the browser to the provider: with this server's
    /// callback, which the provider's OAuth app must list.
    fn provider_redirect(&mut self, endpoints: &Endpoints, location: Option<&str>) {
        let callback = format!("{}/auth/callback", endpoints.issuer);
        let Some(to) = location.and_then(|l| Url::parse(l).ok()) else {
            self.report.problem(Problem::new(
                "approving consent redirects nowhere",
                "see the server's log",
            ));
            return;
        };
        let params: BTreeMap<String, String> = to.query_pairs().into_owned().collect();
        let sent = params
            .get("redirect_uri")
            .map(String::as_str)
            .unwrap_or_default();
        self.report.outcome(
            &format!(
                "approving sends the browser to the provider ({})",
                rules::origin(&to)
            ),
            rules::same(
                "the redirect_uri sent to the provider",
                sent,
                &callback,
                "set GUMSTACK_PUBLIC_URL to the URL clients use",
            ),
        );
        if params.get("client_id").is_none_or(|c| c.is_empty()) {
            self.report.problem(Problem::new(
                "the provider is sent no client_id",
                "set the provider's client id (see `config` for its env vars)",
            ));
        }
        self.report.note(format!(
            "the provider's OAuth app must list {callback} as a redirect (callback) URL; signing in there is up to a person"
        ));
    }

    /// A `cred` server's credentials form, submitted with `--cred` values;
    /// then the code, the token, a call, and the grant disconnected again.
    async fn credentials(
        &mut self,
        endpoints: &Endpoints,
        client_id: &str,
        verifier: &str,
        cookie: &str,
        form: &Page,
        creds: &[(String, String)],
    ) -> std::result::Result<(), Stop> {
        if creds.is_empty() {
            self.report.note(
                "stopped at the credentials form: give --cred NAME=VALUE for each field to complete the authorization and call /mcp",
            );
            return Ok(());
        }
        let pending = auth_server::input_value(&form.body, "pending").unwrap_or_default();
        let csrf = auth_server::input_value(&form.body, "csrf").unwrap_or_default();
        let mut fields: Vec<(&str, &str)> = vec![("pending", &pending), ("csrf", &csrf)];
        fields.extend(creds.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let done = self
            .page(self.form("/authorize/credentials", cookie, &fields))
            .await?;
        let code = done
            .location
            .as_deref()
            .and_then(|l| Url::parse(l).ok())
            .filter(|l| l.as_str().starts_with(REDIRECT_URI))
            .and_then(|l| {
                l.query_pairs()
                    .find(|(k, _)| k == "code")
                    .map(|(_, v)| v.into_owned())
            });
        let Some(code) = code else {
            self.report.problem(Problem::new(
                format!("the credentials were not accepted ({})", done.status),
                "check the --cred values: the form's errors name the fields",
            ));
            return Err(Stop);
        };
        self.report
            .ok("the credentials are accepted and a code comes back");
        let tokens = self
            .http
            .post(&endpoints.token)
            .form(&[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", REDIRECT_URI),
                ("client_id", client_id),
                ("code_verifier", verifier),
                ("resource", self.mcp.as_str()),
            ])
            .send()
            .await;
        let access = match tokens {
            Ok(r) if r.status() == StatusCode::OK => {
                let body: Value = r.json().await.unwrap_or_default();
                body["access_token"].as_str().unwrap_or_default().to_owned()
            }
            Ok(r) => {
                self.report.problem(Problem::new(
                    format!("the token endpoint answers {}", r.status()),
                    "see the server's log",
                ));
                return Err(Stop);
            }
            Err(e) => {
                self.report.problem(unreachable(&endpoints.token, &e));
                return Err(Stop);
            }
        };
        let call = self
            .http
            .post(self.mcp.as_str())
            .bearer_auth(&access)
            .header(header::ACCEPT, "application/json, text/event-stream")
            .json(&initialize())
            .send()
            .await;
        let outcome = match call {
            Ok(r) if r.status().is_success() => Ok(()),
            Ok(r) => Err(Problem::new(
                format!("{} answers {} with the new token", self.mcp, r.status()),
                "set GUMSTACK_PUBLIC_URL to the URL clients use (it is the tokens' audience)",
            )),
            Err(e) => Err(unreachable(self.mcp.as_str(), &e)),
        };
        self.report
            .outcome("the token is accepted at /mcp (initialize)", outcome);
        self.disconnect(cookie).await;
        Ok(())
    }

    /// Delete the grant the self-authorization made, from the accounts page.
    async fn disconnect(&mut self, cookie: &str) {
        let Ok(accounts) = self
            .page(
                self.http
                    .get(format!("{}/accounts", self.origin))
                    .header(header::COOKIE, cookie),
            )
            .await
        else {
            return;
        };
        let (Some(grant), Some(csrf)) = (
            auth_server::input_value(&accounts.body, "grant"),
            auth_server::input_value(&accounts.body, "csrf"),
        ) else {
            self.report.note("the grant made by diagnose could not be found on /accounts: revoke it with `grants list` / `grants revoke`");
            return;
        };
        match self
            .page(self.form(
                "/accounts/disconnect",
                cookie,
                &[("grant", &grant), ("csrf", &csrf)],
            ))
            .await
        {
            Ok(page) if page.status.is_success() || page.status.is_redirection() => self
                .report
                .ok("the grant made by diagnose is disconnected again"),
            _ => self.report.note(format!(
                "the grant {grant} made by diagnose is left: `grants revoke {grant}` removes it"
            )),
        }
    }

    /// A form post from this server's own page, in the browser of `cookie`.
    fn form(&self, path: &str, cookie: &str, fields: &[(&str, &str)]) -> reqwest::RequestBuilder {
        self.http
            .post(format!("{}{path}", self.origin))
            .header(header::ORIGIN, &self.origin)
            .header(header::COOKIE, cookie)
            .form(fields)
    }

    async fn page(&mut self, request: reqwest::RequestBuilder) -> std::result::Result<Page, Stop> {
        match request.send().await {
            Ok(response) => Ok(Page::read(response).await),
            Err(e) => {
                let url = e.url().map(Url::to_string).unwrap_or_default();
                self.report.problem(unreachable(&url, &e));
                Err(Stop)
            }
        }
    }
}

/// An answer of the server's pages.
struct Page {
    status: StatusCode,
    location: Option<String>,
    set_cookie: Vec<String>,
    body: String,
}

impl Page {
    async fn read(response: reqwest::Response) -> Self {
        let status = response.status();
        let headers = response.headers();
        let location = headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let set_cookie = headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_owned))
            .collect();
        Self {
            status,
            location,
            set_cookie,
            body: response.text().await.unwrap_or_default(),
        }
    }

    /// The `Cookie` header a browser would send back.
    fn cookie_header(&self) -> String {
        self.set_cookie
            .iter()
            .filter_map(|c| c.split(';').next())
            .collect::<Vec<_>>()
            .join("; ")
    }
}

fn initialize() -> Value {
    json!({
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-11-25",
            "capabilities": {},
            "clientInfo": {"name": "gumstack-diagnose", "version": env!("CARGO_PKG_VERSION")},
        },
    })
}

fn unreachable(url: &str, error: &reqwest::Error) -> Problem {
    let why = if error.is_timeout() {
        "it did not answer within 10 s".to_owned()
    } else if error.is_connect() {
        // rustls' certificate errors surface as connect errors, with the cause.
        format!("cannot connect ({})", source_chain(error))
    } else {
        source_chain(error)
    };
    Problem::new(
        format!("{url}: {why}"),
        "check the URL, DNS, the TLS certificate and that the server runs (serve --http) behind the proxy",
    )
}

fn source_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn truncate(body: &str) -> String {
    let text: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
    match text.char_indices().nth(160) {
        Some((at, _)) => format!("{}...", &text[..at]),
        None => text,
    }
}
