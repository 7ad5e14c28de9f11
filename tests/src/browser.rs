//! Real headless Chromium for the page tests: a chromedriver on a free loopback
//! port, started by the test and killed on drop, and a WebDriver session with a
//! fresh profile of its own.

use std::{
    future::Future,
    path::Path,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use fantoccini::{Client, ClientBuilder, Locator, elements::Element};
use serde_json::json;

/// Debian's `chromium` package.
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// Debian's `chromium-driver` package.
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// How long any explicit wait lasts before the test fails.
pub const WAIT: Duration = Duration::from_secs(20);

/// Fail (never skip) when the browser is not installed.
#[track_caller]
pub fn require_chromium() {
    let missing: Vec<&str> = [CHROMIUM, CHROMEDRIVER]
        .into_iter()
        .filter(|path| !Path::new(path).exists())
        .collect();
    assert!(
        missing.is_empty(),
        "{} not found: the browser tests need Debian's Chromium; install it with \
         `apt-get install -y chromium chromium-driver` (`.ci/run` does this)",
        missing.join(" and ")
    );
}

/// A chromedriver process; killed (and its profile directory removed) on drop.
pub struct ChromeDriver {
    child: Child,
    /// `http://127.0.0.1:PORT`
    pub url: String,
    profile: tempfile::TempDir,
}

impl ChromeDriver {
    /// Start chromedriver on a free loopback port and wait until it listens.
    pub async fn start() -> Self {
        require_chromium();
        let port = crate::free_port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("start {CHROMEDRIVER}: {e}"));
        let driver = Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
            profile: tempfile::tempdir().expect("temp Chromium profile"),
        };
        let status = format!("{}/status", driver.url);
        let http = reqwest::Client::new();
        wait_until("chromedriver to listen", || async {
            let response = http.get(&status).send().await.ok()?;
            let body: serde_json::Value = response.json().await.ok()?;
            body["value"]["ready"].as_bool().filter(|ready| *ready)
        })
        .await;
        driver
    }

    /// A new session of headless Chromium with a fresh profile.
    pub async fn session(&self) -> Client {
        let args = [
            "--headless=new".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-quic".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            format!("--user-data-dir={}", self.profile.path().display()),
        ];
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": CHROMIUM, "args": args},
        });
        ClientBuilder::rustls()
            .expect("rustls connector")
            .capabilities(capabilities.as_object().expect("an object").clone())
            .connect(&self.url)
            .await
            .expect("a Chromium session from chromedriver")
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        // Ask chromedriver to quit its sessions (closing Chromium, which a killed
        // chromedriver would leave running), then make sure it is gone.
        let _ = shutdown(&self.url);
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `GET /shutdown`, synchronously (it runs in `Drop`, maybe while panicking).
fn shutdown(url: &str) -> std::io::Result<()> {
    use std::io::{Read, Write};
    let addr = url.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    stream.set_write_timeout(Some(Duration::from_secs(5)))?;
    write!(
        stream,
        "GET /shutdown HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer)?;
    Ok(())
}

/// Poll `check` until it returns `Some`, failing after [`WAIT`].
pub async fn wait_until<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {WAIT:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Wait until an element matching `css` is on the page.
pub async fn element(client: &Client, css: &str) -> Element {
    client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no element `{css}` within {WAIT:?}: {e}"))
}

/// The page's visible text.
pub async fn body_text(client: &Client) -> String {
    element(client, "body")
        .await
        .text()
        .await
        .expect("text of the page")
}

/// `(scrollWidth, innerWidth)`: the page fits the window when the first is not
/// larger than the second.
pub async fn widths(client: &Client) -> (u64, u64) {
    let value = client
        .execute(
            "return [document.documentElement.scrollWidth, window.innerWidth];",
            vec![],
        )
        .await
        .expect("run a script");
    let width = |i: usize| value[i].as_u64().expect("a width in pixels");
    (width(0), width(1))
}
