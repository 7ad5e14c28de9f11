//! Checks that need the whole server: descriptions, names, signatures, URI
//! templates against parameters.

use std::collections::HashMap;

use super::{
    parse::{AuthKind, Input, Kind, Method, Output, Param, Server},
    uri::Part,
};
use crate::ctxt::Ctxt;

/// The values of `#[tool(task = "...")]`.
pub const TASK_MODES: [&str; 3] = ["optional", "required", "deferred"];

pub fn server(cx: &mut Ctxt, server: &Server) {
    scopes(cx, server);
    let mut seen: HashMap<String, &syn::LitStr> = HashMap::new();
    for tool in &server.tools {
        let name = tool.name.value();
        method(cx, &tool.method, Kind::Tool, &name);
        if let Some(problem) = name_problem("tool", &name) {
            cx.error(&tool.name, problem);
        }
        if let Some(task) = &tool.task
            && !TASK_MODES.contains(&task.value().as_str())
        {
            cx.error(
                task,
                format!(
                    "unknown task support `{}`; expected `\"optional\"` (a task when the client supports tasks), `\"required\"` (always a task) or `\"deferred\"` (a task from where the tool calls `ctx.become_task()`)",
                    task.value()
                ),
            );
        }
        if seen.insert(name.clone(), &tool.name).is_some() {
            cx.error(
                &tool.name,
                format!(
                    "two tools are named `{name}`: tool names must be unique within a server (rename one with `#[tool(name = \"...\")]`)"
                ),
            );
        }
    }

    let mut uris: HashMap<String, ()> = HashMap::new();
    for resource in &server.resources {
        let uri = resource.uri.value();
        method(cx, &resource.method, Kind::Resource, &resource.name.value());
        if uris.insert(uri.clone(), ()).is_some() {
            cx.error(
                &resource.uri,
                format!("two resources have the URI `{uri}`: each URI belongs to one resource"),
            );
        }
        placeholders_match_params(cx, resource, &resource.parts);
        for param in resource.method.params() {
            if let Some(inner) = &param.optional {
                cx.error(
                    &param.ty,
                    format!(
                        "a URI template parameter is always present when the URI matches: use `{}`, not `Option`",
                        quote::ToTokens::to_token_stream(inner)
                    ),
                );
            }
        }
    }

    let mut prompts: HashMap<String, ()> = HashMap::new();
    for prompt in &server.prompts {
        let name = prompt.name.value();
        method(cx, &prompt.method, Kind::Prompt, &name);
        if let Some(problem) = name_problem("prompt", &name) {
            cx.error(&prompt.name, problem);
        }
        if prompts.insert(name.clone(), ()).is_some() {
            cx.error(
                &prompt.name,
                format!(
                    "two prompts are named `{name}`: prompt names must be unique within a server (rename one with `#[prompt(name = \"...\")]`)"
                ),
            );
        }
    }
}

/// What every handler method must satisfy.
fn method(cx: &mut Ctxt, method: &Method, kind: Kind, name: &str) {
    let what = kind.name();
    if method.description.is_none() {
        let verb = if kind == Kind::Resource { "is" } else { "does" };
        let why = match kind {
            Kind::Tool => {
                "the model reads it to choose the tool, and some clients reject tools without one"
            }
            Kind::Resource => "clients show it to choose what to read",
            Kind::Prompt => "clients show it to choose the prompt",
        };
        cx.error(
            &method.fn_ident,
            format!(
                "{what} `{name}` has no description: add a doc comment (`/// What {name} {verb}.`) above it; {why}"
            ),
        );
    }
    if !method.sig.generics.params.is_empty() {
        let why = match kind {
            Kind::Tool => "its parameter types make its input schema",
            Kind::Resource | Kind::Prompt => {
                "its parameter types decide how its arguments are parsed"
            }
        };
        cx.error(
            &method.sig.generics,
            format!("a {what} cannot be generic: {why}"),
        );
    }
    let ty = match &method.output {
        Output::Plain(ty) | Output::Result(ty) => Some(ty),
        Output::Unit => None,
    };
    if let Some(syn::Type::ImplTrait(t)) = ty {
        let why = match kind {
            Kind::Tool => "its output schema is derived from it",
            Kind::Resource | Kind::Prompt => "the macro converts it by its type",
        };
        cx.error(
            t,
            format!("a {what} must return a named type ({why}), not `impl Trait`"),
        );
    }
    if kind != Kind::Tool && matches!(method.output, Output::Unit) {
        let expected = match kind {
            Kind::Resource => {
                "its contents (`String`, `Blob`, `ResourceContents`, or any `Serialize` type as JSON)"
            }
            _ => "its messages (`String`, `PromptMessage` or `Vec<PromptMessage>`)",
        };
        cx.error(&method.sig, format!("a {what} must return {expected}"));
    }
    let mut names: HashMap<String, ()> = HashMap::new();
    let mut headers: HashMap<String, ()> = HashMap::new();
    let mut contexts = 0;
    for input in &method.inputs {
        match input {
            Input::Context(context) => {
                contexts += 1;
                if contexts > 1 {
                    cx.error(
                        &context.ty,
                        "a second `Context` parameter: a handler takes the request's context at most once",
                    );
                }
                if context.by_ref {
                    cx.error(
                        &context.ty,
                        "take `Context` by value (`ctx: Context`): it is a cheap handle that the handler owns",
                    );
                }
            }
            Input::Value(param) => {
                if names.insert(param.name.value(), ()).is_some() {
                    cx.error(&param.ident, "duplicate parameter name");
                }
                let value_ty = param.optional.as_ref().unwrap_or(&param.ty);
                if let Some(problem) = param_type_problem(kind, value_ty) {
                    cx.error(value_ty, problem);
                }
                if let Some(header) = &param.header {
                    let value = header.value();
                    if let Some(problem) = header_problem(&value) {
                        cx.error(header, problem);
                    } else if headers.insert(value.to_ascii_lowercase(), ()).is_some() {
                        cx.error(
                            header,
                            format!("two arguments are mirrored into `Mcp-Param-{value}`: header names are case-insensitive, give each its own"),
                        );
                    }
                }
            }
        }
    }
}

/// Every `{placeholder}` binds one parameter and every parameter one placeholder.
fn placeholders_match_params(cx: &mut Ctxt, resource: &super::parse::Resource, parts: &[Part]) {
    let uri = resource.uri.value();
    let placeholders: Vec<&str> = parts
        .iter()
        .filter_map(|p| match p {
            Part::Placeholder(name) => Some(name.as_str()),
            Part::Literal(_) => None,
        })
        .collect();
    let params: Vec<&Param> = resource.method.params().collect();
    for name in &placeholders {
        if !params.iter().any(|p| p.name.value() == *name) {
            cx.error(
                &resource.uri,
                format!(
                    "`{{{name}}}` in `{uri}` binds no parameter: add `{name}: String` (or another `FromStr` type) to `{}`",
                    resource.method.fn_ident
                ),
            );
        }
    }
    for param in params {
        let name = param.name.value();
        if !placeholders.contains(&name.as_str()) {
            let fix = if placeholders.is_empty() {
                format!("`{uri}` is a fixed URI; to make it a template, put `{{{name}}}` in it")
            } else {
                format!("add `{{{name}}}` to `{uri}` or remove the parameter")
            };
            cx.error(
                &param.ident,
                format!(
                    "parameter `{name}` has no `{{{name}}}` in the resource's URI: a resource's parameters are its URI's placeholders; {fix}"
                ),
            );
        }
    }
}

/// Parameter types the trait check would only report obscurely (lifetime errors).
fn param_type_problem(kind: Kind, ty: &syn::Type) -> Option<String> {
    let (what, source) = match kind {
        Kind::Tool => (
            "a tool parameter",
            "its value is parsed from the call's JSON arguments",
        ),
        Kind::Resource => (
            "a URI template parameter",
            "its value is parsed from the requested URI",
        ),
        Kind::Prompt => (
            "a prompt argument",
            "its value is parsed from the request's arguments",
        ),
    };
    match ty {
        syn::Type::Reference(r) => {
            let owned = match &*r.elem {
                syn::Type::Path(p) if p.path.is_ident("str") => "`String`".to_owned(),
                syn::Type::Slice(s) => {
                    format!("`Vec<{}>`", quote::ToTokens::to_token_stream(&s.elem))
                }
                elem => format!("`{}`", quote::ToTokens::to_token_stream(elem)),
            };
            Some(format!(
                "{what} cannot borrow: {source} and must own its data; use {owned}"
            ))
        }
        syn::Type::ImplTrait(_) => Some(match kind {
            Kind::Tool => "a tool parameter needs a named type (its JSON Schema is derived from it), not `impl Trait`".to_owned(),
            _ => format!("{what} needs a named type (it is parsed with `FromStr`), not `impl Trait`"),
        }),
        _ => None,
    }
}

/// MCP tool names (and, by the same rule here, prompt names): 1 to 128 of
/// `A-Z a-z 0-9 _ - .`.
/// What is wrong with a header name of `#[arg(header = "...")]`: it becomes
/// `Mcp-Param-<name>`, so it must be an HTTP token (RFC 9110, 5.6.2).
fn header_problem(name: &str) -> Option<String> {
    let tchar = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    if name.is_empty() {
        return Some("a header name cannot be empty".into());
    }
    name.chars().find(|c| !tchar(*c)).map(|c| {
        format!("`{name}` is not an HTTP header name (it becomes `Mcp-Param-{name}`): {c:?} is not allowed; use letters, digits and `-`")
    })
}

fn name_problem(what: &str, name: &str) -> Option<String> {
    let valid_chars = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if name.is_empty() || name.len() > 128 || !valid_chars {
        Some(format!(
            "invalid {what} name `{name}`: MCP {what} names are 1 to 128 characters of letters, digits, `_`, `-` and `.`"
        ))
    } else {
        None
    }
}

/// `scopes(...)` name an OAuth provider's scopes, or a `cred` server's own:
/// a `none` server has no users to grant them to. Each list names a scope once.
fn scopes(cx: &mut Ctxt, server: &Server) {
    let lists = std::iter::once(&server.args.scopes).chain(server.tools.iter().map(|t| &t.scopes));
    let none = server
        .args
        .auth
        .as_ref()
        .is_some_and(|auth| auth.kind == AuthKind::None);
    for list in lists {
        if let (true, Some(first)) = (none, list.first()) {
            cx.error(
                first,
                "`scopes(...)` need users to grant them to: `auth = oauth(P)` (the provider's scopes) or `auth = cred(T)` (the server's own, `#[cred(scopes = MyScopes)]` on `T`); on a `none` server every caller may call every tool",
            );
            continue;
        }
        let mut seen = Vec::new();
        for scope in list {
            if seen.contains(&scope) {
                cx.error(scope, format!("`{scope}` is listed twice"));
            }
            seen.push(scope);
        }
    }
}
