//! `serve --metrics ADDR`: the Prometheus text format at `http://ADDR/metrics`,
//! on a listener of its own, so that the operator's scraper needs no bearer
//! token and MCP clients never reach it. The names are in `telemetry`; the
//! recorder and the text format are `metrics-exporter-prometheus`'s.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use axum::{Router, extract::State, http::header, response::IntoResponse, routing::get};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use super::listener;
use crate::{Error, Result, Server, mode::HostMode, telemetry};

/// How often histograms are drained when nobody scrapes.
const UPKEEP: Duration = Duration::from_secs(5);

/// The process's recorder: the `metrics` facade takes one per process.
static HANDLE: std::sync::OnceLock<PrometheusHandle> = std::sync::OnceLock::new();

fn handle() -> Result<PrometheusHandle> {
    if let Some(handle) = HANDLE.get() {
        return Ok(handle.clone());
    }
    let recorder = PrometheusBuilder::new()
        .set_buckets_for_metric(
            Matcher::Full(telemetry::TOOL_CALL_DURATION.into()),
            telemetry::DURATION_BUCKETS,
        )
        .map_err(|e| Error::msg(format!("metrics: {e}")))?
        .build_recorder();
    let handle = recorder.handle();
    ::metrics::set_global_recorder(recorder)
        .map_err(|e| Error::msg(format!("metrics: another recorder is installed: {e}")))?;
    for (name, help) in telemetry::ALL {
        ::metrics::describe_counter!(*name, *help);
    }
    telemetry::enable();
    Ok(HANDLE.get_or_init(|| handle).clone())
}

struct Scrape<S: Server> {
    handle: PrometheusHandle,
    state: Arc<<S::Auth as HostMode>::State>,
}

/// Start serving server `S`'s metrics at `addr`; fails if it cannot listen.
pub(crate) async fn spawn<S: Server>(
    addr: SocketAddr,
    state: Arc<<S::Auth as HostMode>::State>,
) -> Result<()> {
    let handle = handle()?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| Error::config(format!("cannot listen on {addr} for metrics: {e}")))?;
    let local = listener.local_addr()?;
    let upkeep = handle.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(UPKEEP);
        loop {
            every.tick().await;
            upkeep.run_upkeep();
        }
    });
    let router = Router::new()
        .route("/metrics", get(scrape::<S>))
        .with_state(Arc::new(Scrape::<S> { handle, state }));
    tracing::info!("serving Prometheus metrics at http://{local}/metrics");
    tokio::spawn(listener::serve(
        listener,
        router,
        listener::Limits {
            header_timeout: Duration::from_secs(10),
            max_connections: 16,
            close_wait: Duration::ZERO,
        },
        std::future::pending(),
        async {},
    ));
    Ok(())
}

async fn scrape<S: Server>(State(scrape): State<Arc<Scrape<S>>>) -> impl IntoResponse {
    // Counted now rather than kept up to date: grants change in every replica.
    match S::Auth::active_grants(&scrape.state).await {
        Ok(Some(count)) => telemetry::active_grants(count),
        Ok(None) => {}
        Err(e) => tracing::warn!("metrics: counting grants failed: {e:#}"),
    }
    scrape.handle.run_upkeep();
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        scrape.handle.render(),
    )
}
