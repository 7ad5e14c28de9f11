//! The consent page and the credentials form in real headless Chromium, as a
//! person walks them on a phone-sized window: allow, submit with the API key
//! missing, correct it, and land on the client's redirect URI with a code that
//! works.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs them); the
//! test fails, not skips, without them. With `GUMSTACK_SCREENSHOTS=1` it also
//! rewrites `docs/consent.png` and `docs/credentials-form.png`.

use std::path::PathBuf;

use gumstack_tests::{
    CredServer, args,
    browser::{ChromeDriver, body_text, element, require_chromium, wait_until, widths},
    first_text,
    oauth::{OAuthClient, REDIRECT_URI, connect_with_token, pkce},
};
use reqwest::StatusCode;
use rmcp::model::CallToolRequestParams;
use serde_json::json;

const PHONE: (u32, u32) = (390, 844);

/// Save a screenshot to `docs/NAME` when `GUMSTACK_SCREENSHOTS=1`.
async fn screenshot(browser: &fantoccini::Client, name: &str) {
    if std::env::var("GUMSTACK_SCREENSHOTS").as_deref() != Ok("1") {
        return;
    }
    let png = browser.screenshot().await.expect("screenshot");
    let docs = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs");
    std::fs::create_dir_all(&docs).expect("create docs/");
    std::fs::write(docs.join(name), png).expect("write the screenshot");
}

/// The page fits a phone's width: nothing to scroll sideways.
async fn assert_fits(browser: &fantoccini::Client, page: &str) {
    let (scroll, inner) = widths(browser).await;
    assert!(
        inner <= PHONE.0 as u64,
        "the window is phone-sized (innerWidth {inner})"
    );
    assert!(
        scroll <= inner,
        "the {page} scrolls sideways on a phone: scrollWidth {scroll} > innerWidth {inner}"
    );
}

#[tokio::test]
async fn a_person_allows_and_enters_credentials_in_chromium() {
    require_chromium();
    let server = CredServer::start().await;
    let client = OAuthClient::register(server.url()).await;
    let (verifier, challenge) = pkce();
    let state = "browser-st4te";

    let driver = ChromeDriver::start().await;
    let browser = driver.session().await;
    browser
        .set_window_size(PHONE.0, PHONE.1)
        .await
        .expect("phone-sized window");

    // The consent page names the application and where it sends the person back.
    browser
        .goto(&client.authorize_url(&challenge, state))
        .await
        .expect("open the authorize URL");
    let allow = element(&browser, r#"button[name="decision"][value="approve"]"#).await;
    element(&browser, r#"button[name="decision"][value="deny"]"#).await;
    let text = body_text(&browser).await;
    assert!(text.contains("Test Client"), "consent page: {text}");
    assert!(text.contains("127.0.0.1:9"), "consent page: {text}");
    assert_fits(&browser, "consent page").await;
    screenshot(&browser, "consent.png").await;

    // Allow: the credentials form, its secret a required password input.
    allow.click().await.expect("click Allow");
    let api_key = element(&browser, "input#f-api_key").await;
    assert_eq!(
        api_key.attr("type").await.unwrap().as_deref(),
        Some("password")
    );
    assert!(
        api_key.attr("required").await.unwrap().is_some(),
        "API Key is marked required"
    );
    assert_eq!(
        api_key.attr("aria-required").await.unwrap().as_deref(),
        Some("true")
    );
    let organization = element(&browser, "input#f-organization").await;
    assert_eq!(
        organization.attr("type").await.unwrap().as_deref(),
        Some("text")
    );
    assert!(organization.attr("required").await.unwrap().is_none());
    assert_fits(&browser, "credentials form").await;

    // Submitted without the key: a message at the field, the organization kept.
    organization
        .send_keys("org-kept")
        .await
        .expect("type the organization");
    element(
        &browser,
        r#"form[action="/authorize/credentials"] button[type="submit"]"#,
    )
    .await
    .click()
    .await
    .expect("click Connect");
    let error = element(&browser, "#e-api_key").await;
    assert!(
        error.text().await.unwrap().contains("API Key is required"),
        "{}",
        body_text(&browser).await
    );
    let api_key = element(&browser, "input#f-api_key").await;
    assert_eq!(
        api_key.attr("aria-invalid").await.unwrap().as_deref(),
        Some("true")
    );
    assert_eq!(api_key.prop("value").await.unwrap().as_deref(), Some(""));
    let organization = element(&browser, "input#f-organization").await;
    assert_eq!(
        organization.prop("value").await.unwrap().as_deref(),
        Some("org-kept")
    );
    assert_fits(&browser, "credentials form with an error").await;
    screenshot(&browser, "credentials-form.png").await;

    // Corrected: the browser is sent to the client's redirect URI with the code.
    api_key
        .send_keys("sk-browser")
        .await
        .expect("type the API key");
    element(
        &browser,
        r#"form[action="/authorize/credentials"] button[type="submit"]"#,
    )
    .await
    .click()
    .await
    .expect("click Connect");
    let landed = wait_until("the redirect to the client", || async {
        let url = browser.current_url().await.ok()?;
        url.as_str().starts_with(REDIRECT_URI).then_some(url)
    })
    .await;
    let param = |name: &str| {
        landed
            .query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    assert_eq!(param("state").as_deref(), Some(state), "{landed}");
    assert_eq!(
        param("iss").as_deref(),
        Some(client.base.as_str()),
        "{landed}"
    );
    let code = param("code").expect("a code in the redirect");

    browser.close().await.expect("end the Chromium session");
    drop(driver);

    // The code the browser carried works, and the key typed in the form arrives upstream.
    let (status, body, _) = client.exchange(&code, &verifier).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let access = body["access_token"].as_str().expect("access_token");
    let mcp = connect_with_token(server.url(), access).await;
    let result = mcp
        .call_tool(
            CallToolRequestParams::new("generate").with_arguments(args(json!({"prompt": "hi"}))),
        )
        .await
        .expect("tools/call answered");
    assert_eq!(result.is_error, Some(false), "{result:?}");
    assert!(
        first_text(&result).starts_with("auth=Bearer sk-browser"),
        "{}",
        first_text(&result)
    );
}
