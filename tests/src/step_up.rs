//! Tool calls that may be refused for scopes: the 403 and its challenge kept,
//! a tool error's step-up link, the tools a caller is shown, and the consent
//! page and token of an authorization for a scope.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::oauth::{OAuthClient, Page};

/// How `/mcp` answered a call.
pub struct Answer {
    pub status: StatusCode,
    /// `WWW-Authenticate`, on a refusal.
    pub challenge: Option<String>,
    pub body: Value,
}

/// A 2026-07-28 `tools/call` (one request, one JSON reply) of `tool` with
/// `token`, from a client that declares no capability.
pub async fn call(url: &str, token: &str, tool: &str, arguments: Value) -> Answer {
    let response = reqwest::Client::new()
        .post(url)
        .bearer_auth(token)
        .header("accept", "application/json, text/event-stream")
        .header("mcp-protocol-version", "2026-07-28")
        .header("mcp-method", "tools/call")
        .header("mcp-name", tool)
        .json(&json!({
            "jsonrpc": "2.0", "id": 1, "method": "tools/call",
            "params": {
                "name": tool, "arguments": arguments,
                "_meta": {
                    "io.modelcontextprotocol/protocolVersion": "2026-07-28",
                    "io.modelcontextprotocol/clientCapabilities": {},
                },
            },
        }))
        .send()
        .await
        .expect("POST /mcp");
    Answer {
        status: response.status(),
        challenge: response
            .headers()
            .get("www-authenticate")
            .map(|v| v.to_str().unwrap().to_owned()),
        body: response.json().await.unwrap_or(Value::Null),
    }
}

/// The names of the tools `tools/list` shows the caller of `token` (a
/// 2026-07-28 request).
pub async fn tool_names(url: &str, token: &str) -> Vec<String> {
    let answer = crate::request_2026(url, Some(token), "tools/list", json!({}), json!({})).await;
    answer["result"]["tools"]
        .as_array()
        .unwrap_or_else(|| panic!("{answer}"))
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_owned())
        .collect()
}

/// Open the consent page of an authorization of `client` for `scope`.
pub async fn consent(client: &OAuthClient, challenge: &str, scope: &str) -> Page {
    let url = format!(
        "{}&scope={}",
        client.authorize_url(challenge, "st"),
        scope.replace(' ', "%20")
    );
    let page = client.browser.get(&url).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page
}

/// The result of a call that ran (a tool error included).
pub fn result(answer: &Answer) -> &Value {
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    &answer.body["result"]
}

/// The text of a tool result that is not an error.
pub fn text(answer: &Answer) -> String {
    let result = result(answer);
    assert_ne!(result["isError"], true, "{result}");
    result["content"][0]["text"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// The link of a tool error (a step-up for a client that did not act on the 403).
pub fn link_in(answer: &Answer) -> String {
    let result = result(answer);
    assert_eq!(result["isError"], true, "{result}");
    let text = result["content"][0]["text"].as_str().unwrap();
    let start = text.find("http://").expect("a link");
    text[start..].split_whitespace().next().unwrap().to_owned()
}

/// Exchange the code of a finished authorization: the token and its scope.
pub async fn token(client: &OAuthClient, done: &Page, verifier: &str) -> (String, String) {
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let code = done.redirect_param("code").expect("code");
    let (status, body, _) = client.exchange(&code, verifier).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    (
        body["access_token"].as_str().unwrap().to_owned(),
        body["scope"].as_str().unwrap().to_owned(),
    )
}
