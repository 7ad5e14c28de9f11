//! Descriptors of resources, templates and prompts, and the protocol's small
//! requests the generated handler passes on (completion of unknown references,
//! log level, subscriptions).

use rmcp::ErrorData;

use crate::context::ServerState;

/// A resource's descriptor, built once into the static list.
pub fn resource(
    uri: &'static str,
    name: &'static str,
    title: Option<&'static str>,
    description: &'static str,
    mime_type: Option<&'static str>,
) -> rmcp::model::Resource {
    let mut resource = rmcp::model::Resource::new(uri, name).with_description(description);
    resource.title = title.map(str::to_owned);
    resource.mime_type = mime_type.map(str::to_owned);
    resource
}

/// A resource template's descriptor.
pub fn resource_template(
    uri_template: &'static str,
    name: &'static str,
    title: Option<&'static str>,
    description: &'static str,
    mime_type: Option<&'static str>,
) -> rmcp::model::ResourceTemplate {
    let mut template =
        rmcp::model::ResourceTemplate::new(uri_template, name).with_description(description);
    template.title = title.map(str::to_owned);
    template.mime_type = mime_type.map(str::to_owned);
    template
}

/// A prompt's descriptor; `arguments` are (name, description, required).
pub fn prompt(
    name: &'static str,
    title: Option<&'static str>,
    description: &'static str,
    arguments: &[(&'static str, Option<&'static str>, bool)],
) -> rmcp::model::Prompt {
    let arguments: Vec<rmcp::model::PromptArgument> = arguments
        .iter()
        .map(|(name, description, required)| {
            let mut argument = rmcp::model::PromptArgument::new(*name).with_required(*required);
            argument.description = description.map(str::to_owned);
            argument
        })
        .collect();
    let mut prompt = rmcp::model::Prompt::new(
        name,
        Some(description),
        (!arguments.is_empty()).then_some(arguments),
    );
    prompt.title = title.map(str::to_owned);
    prompt
}

pub fn unknown_prompt(name: &str) -> ErrorData {
    ErrorData::invalid_params(format!("unknown prompt `{name}`"), None)
}

/// `completion/complete` for something this server does not have.
pub fn unknown_completion_ref(reference: &rmcp::model::Reference) -> ErrorData {
    let what = match reference {
        rmcp::model::Reference::Prompt(p) => format!("prompt `{}`", p.name),
        rmcp::model::Reference::Resource(r) => format!("resource template `{}`", r.uri),
        _ => "reference".to_owned(),
    };
    ErrorData::invalid_params(format!("cannot complete: unknown {what}"), None)
}

/// `logging/setLevel`: remembered for the session, read by `Context::log`.
#[allow(deprecated)] // see `context/mod.rs`: logging is current in 2025-11-25
pub fn set_level(
    state: &'static ServerState,
    request: rmcp::model::SetLevelRequestParams,
    context: &rmcp::service::RequestContext<rmcp::RoleServer>,
) {
    if let Some(session) = crate::context::session_key(context) {
        state.set_level(&session, crate::context::LogLevel::from_mcp(request.level));
    }
}

/// `resources/subscribe` to `uri`, which the server says whether it offers.
pub fn subscribe(
    state: &'static ServerState,
    uri: &str,
    subscribable: bool,
    context: &rmcp::service::RequestContext<rmcp::RoleServer>,
) -> std::result::Result<(), ErrorData> {
    if !subscribable {
        return Err(ErrorData::invalid_params(
            format!("resource `{uri}` does not offer subscriptions"),
            Some(serde_json::json!({ "uri": uri })),
        ));
    }
    // Stateless HTTP has no session to notify later: accepted, and moot.
    if let Some(session) = crate::context::session_key(context) {
        state.subscribe(uri, &session, context.peer.clone());
    }
    Ok(())
}

/// What a `subscriptions/listen` stream may receive: updates of the
/// requested resources that offer subscriptions (the lists of tools, prompts
/// and resources never change, so their notifications are never accepted).
pub fn accepted_subscription_filter(
    requested: &rmcp::model::SubscriptionFilter,
    subscribable: impl Fn(&str) -> bool,
) -> Option<rmcp::model::SubscriptionFilter> {
    let mut accepted = rmcp::model::SubscriptionFilter::new();
    accepted.resource_subscriptions = requested
        .resource_subscriptions
        .as_ref()
        .map(|uris| uris.iter().filter(|u| subscribable(u)).cloned().collect());
    Some(accepted)
}

/// Serve a `subscriptions/listen` stream until the client closes it.
pub async fn listen(
    state: &'static ServerState,
    context: rmcp::service::SubscriptionContext,
) -> std::result::Result<(), ErrorData> {
    state.listen(context).await
}

pub fn unsubscribe(
    state: &'static ServerState,
    uri: &str,
    context: &rmcp::service::RequestContext<rmcp::RoleServer>,
) {
    if let Some(session) = crate::context::session_key(context) {
        state.unsubscribe(uri, &session);
    }
}
