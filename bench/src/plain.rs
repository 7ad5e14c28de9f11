//! The hand-written rmcp server the benchmarks compare gumstack with: the
//! `get_alerts(region: String) -> String` tool of the `weather` example, written
//! against rmcp's `ServerHandler` directly (tool table built once, argument read
//! from the JSON object, no validation beyond "is a string").

use std::sync::Arc;

use axum::http::request::Parts;
use rmcp::{
    ErrorData, RoleServer, ServerHandler,
    model::{
        CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
        JsonObject, ListToolsResult, PaginatedRequestParams, ServerCapabilities, ServerConfig,
        Tool,
    },
    service::RequestContext,
};

/// A user of the `--bearer` server: what gumstack's `creds()` returns in `cred` mode.
pub struct User {
    pub api_key: String,
}

#[derive(Clone)]
pub struct Plain {
    tools: Arc<Vec<Tool>>,
}

impl Plain {
    pub fn new() -> Self {
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

impl Default for Plain {
    fn default() -> Self {
        Self::new()
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
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        // Behind `--bearer`: the user the middleware found (rmcp passes the HTTP
        // request's parts, extensions included, to the handler).
        if let Some(user) = context
            .extensions
            .get::<Parts>()
            .and_then(|parts| parts.extensions.get::<Arc<User>>())
        {
            std::hint::black_box(user.api_key.as_str());
        }
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
