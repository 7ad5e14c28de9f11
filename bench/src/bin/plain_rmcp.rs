//! The baseline: the weather example's `get_alerts(region: String) -> String` tool,
//! written by hand against rmcp 3.11's own API (no gumstack).
//!
//! ```sh
//! plain_rmcp serve --stdio
//! plain_rmcp serve --http 127.0.0.1:8000 [--stateless]
//! ```
//!
//! Same transport set-up as gumstack's host: rmcp's `StreamableHttpService` at
//! `/mcp` in axum, `TCP_NODELAY` on accepted sockets, and in stateless mode no
//! sessions and plain JSON replies.

use std::{net::SocketAddr, sync::Arc};

use axum::serve::ListenerExt;
use rmcp::{
    ErrorData, RoleServer, ServerHandler, ServiceExt,
    model::{
        CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
        JsonObject, ListToolsResult, PaginatedRequestParams, ServerCapabilities, ServerConfig,
        Tool,
    },
    service::RequestContext,
    transport::streamable_http_server::{
        StreamableHttpServerConfig, StreamableHttpService, session::local::LocalSessionManager,
    },
};

#[derive(Clone)]
struct Plain {
    tools: Arc<Vec<Tool>>,
}

impl Plain {
    fn new() -> Self {
        let schema: JsonObject = serde_json::from_value(serde_json::json!({
            "type": "object",
            "properties": { "region": { "type": "string" } },
            "required": ["region"],
        }))
        .expect("static schema");
        let tool = Tool::new(
            "get_alerts",
            "Whether a weather alert is in force for a region.",
            schema,
        );
        Self {
            tools: Arc::new(vec![tool]),
        }
    }
}

impl ServerHandler for Plain {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("plain-rmcp", "0.1.0"))
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(self.tools.to_vec()))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        if request.name != "get_alerts" {
            return Err(ErrorData::invalid_params(
                format!("unknown tool `{}`", request.name),
                None,
            ));
        }
        let region = request
            .arguments
            .as_ref()
            .and_then(|a| a.get("region"))
            .and_then(|r| r.as_str())
            .ok_or_else(|| ErrorData::invalid_params("`region` must be a string", None))?;
        let text = format!("No weather alerts in force for {region}.");
        Ok(CallToolResult::success(vec![ContentBlock::text(text)]).into())
    }
}

fn usage() -> ! {
    eprintln!("usage: plain_rmcp serve --stdio | plain_rmcp serve --http ADDR [--stateless]");
    std::process::exit(2);
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["serve", "--stdio"] => {
            let running = Plain::new().serve(rmcp::transport::stdio()).await?;
            running.waiting().await?;
            Ok(())
        }
        ["serve", "--http", addr, rest @ ..] => {
            let stateless = match rest {
                [] => false,
                ["--stateless"] => true,
                _ => usage(),
            };
            serve_http(addr.parse()?, stateless).await
        }
        _ => usage(),
    }
}

async fn serve_http(addr: SocketAddr, stateless: bool) -> Result<(), Box<dyn std::error::Error>> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    let mut config = StreamableHttpServerConfig::default();
    if stateless {
        config = config
            .with_legacy_session_mode(false)
            .with_json_response(true);
    }
    let server = Plain::new();
    let service = StreamableHttpService::new(
        move || Ok(server.clone()),
        Arc::new(LocalSessionManager::default()),
        config,
    );
    let router = axum::Router::new().nest_service("/mcp", service);
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    eprintln!("serving MCP over streamable HTTP at http://{local}/mcp");
    axum::serve(listener, router).await?;
    Ok(())
}
