//! Client ID metadata documents: an https URL as `client_id`, fetched with
//! size and time limits, never through a proxy or from a private address, and
//! kept as long as its `Cache-Control` allows (up to a day).

use std::time::{Duration, Instant};

use serde_json::Value;

use super::protocol::client as rules;
use crate::store::ClientRecord;

const MAX_DOCUMENT_BYTES: usize = 5 * 1024;
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);
const DOCUMENT_CACHE_ENTRIES: usize = 1_000;

/// Client metadata documents fetched lately, so `/authorize`, `/token` and
/// `/revoke` of one authorization fetch a document once.
pub(crate) struct Documents {
    cache: quick_cache::sync::Cache<String, (ClientRecord, Instant)>,
}

impl Documents {
    pub fn new() -> Self {
        Self {
            cache: quick_cache::sync::Cache::new(DOCUMENT_CACHE_ENTRIES),
        }
    }

    pub(super) fn get(&self, client_id: &str) -> Option<ClientRecord> {
        self.cache
            .get(client_id)
            .filter(|(_, until)| *until > Instant::now())
            .map(|(record, _)| record)
    }

    pub(super) fn keep(&self, record: &ClientRecord, lifetime: Duration) {
        self.cache.insert(
            record.client_id.clone(),
            (record.clone(), Instant::now() + lifetime),
        );
    }
}

/// Fetch the document of `client_id` (with `http`; from any address when
/// `anywhere`, the test mode): the client it describes, and how long it may
/// be kept. The error says why it cannot be used.
pub(super) async fn fetch(
    http: &reqwest::Client,
    anywhere: bool,
    client_id: &str,
) -> Result<(ClientRecord, Option<Duration>), String> {
    let fail = |why: String| format!("client metadata document {client_id}: {why}");
    if let Some(problem) = rules::document_url_problem(client_id) {
        return Err(fail(problem.into()));
    }
    let url = url::Url::parse(client_id).map_err(|_| fail("not a URL".into()))?;
    let mut http = http.clone();
    if !anywhere {
        let host = url.host_str().unwrap_or_default().to_owned();
        let port = url.port_or_known_default().unwrap_or(443);
        let addrs: Vec<_> = tokio::net::lookup_host((host.as_str(), port))
            .await
            .map_err(|e| fail(format!("cannot resolve its host: {e}")))?
            .collect();
        if let Some(private) = addrs.iter().find(|a| !rules::is_public(a.ip())) {
            // The address stays in the log: shown to whoever asked, it would
            // map this server's network for them.
            tracing::warn!(
                client_id,
                "refused a client metadata document whose host resolves to {}",
                private.ip()
            );
            return Err(fail(
                "its host resolves to a private address; only public hosts are fetched".into(),
            ));
        }
        // Connect to the addresses just checked, not to a second DNS answer.
        http = client_builder()
            .resolve_to_addrs(&host, &addrs)
            .build()
            .map_err(|e| fail(format!("fetch failed: {e}")))?;
    }
    let fetch = async {
        let mut response = http
            .get(url.clone())
            .header("Accept", "application/json")
            .send()
            .await
            .map_err(|e| fail(format!("fetch failed: {}", e.without_url())))?;
        if !response.status().is_success() {
            return Err(fail(format!("the server answered {}", response.status())));
        }
        let lifetime = rules::document_lifetime(
            response
                .headers()
                .get(reqwest::header::CACHE_CONTROL)
                .and_then(|v| v.to_str().ok()),
        );
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| fail(format!("fetch failed: {}", e.without_url())))?
        {
            body.extend_from_slice(&chunk);
            if body.len() > MAX_DOCUMENT_BYTES {
                return Err(fail(format!("larger than {MAX_DOCUMENT_BYTES} bytes")));
            }
        }
        Ok((body, lifetime))
    };
    let (body, lifetime) = tokio::time::timeout(FETCH_TIMEOUT, fetch)
        .await
        .map_err(|_| fail(format!("no answer within {} s", FETCH_TIMEOUT.as_secs())))??;
    let document: Value =
        serde_json::from_slice(&body).map_err(|_| fail("not a JSON document".into()))?;
    let metadata = rules::document(client_id, document).map_err(fail)?;
    Ok((ClientRecord::from_document(client_id, metadata), lifetime))
}

/// The HTTP client for metadata documents: no redirects (one could lead to a
/// private address), no proxy (it would resolve the host itself, bypassing the
/// checked, pinned addresses), short timeouts.
pub(crate) fn client_builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .connect_timeout(FETCH_TIMEOUT)
        .timeout(FETCH_TIMEOUT)
}
