//! Checks that need the whole server: descriptions, names, signatures.

use std::collections::HashMap;

use super::parse::{Output, Server};
use crate::ctxt::Ctxt;

pub fn server(cx: &mut Ctxt, server: &Server) {
    let mut seen: HashMap<String, &syn::LitStr> = HashMap::new();
    for tool in &server.tools {
        let name = tool.name.value();
        if tool.description.is_none() {
            cx.error(
                &tool.fn_ident,
                format!(
                    "tool `{name}` has no description: add a doc comment (`/// What {name} does.`) above it; the model reads it to choose the tool, and some clients reject tools without one"
                ),
            );
        }
        if let Some(problem) = name_problem(&name) {
            cx.error(&tool.name, problem);
        }
        if seen.insert(name.clone(), &tool.name).is_some() {
            cx.error(
                &tool.name,
                format!(
                    "two tools are named `{name}`: tool names must be unique within a server (rename one with `#[tool(name = \"...\")]`)"
                ),
            );
        }
        if !tool.sig.generics.params.is_empty() {
            cx.error(
                &tool.sig.generics,
                "a tool cannot be generic: its parameter types make its input schema",
            );
        }
        let ty = match &tool.output {
            Output::Plain(ty) | Output::Result(ty) => Some(ty),
            Output::Unit => None,
        };
        if let Some(syn::Type::ImplTrait(t)) = ty {
            cx.error(
                t,
                "a tool must return a named type (its output schema is derived from it), not `impl Trait`",
            );
        }
        let mut params: HashMap<String, ()> = HashMap::new();
        for param in &tool.params {
            if params.insert(param.ident.to_string(), ()).is_some() {
                cx.error(&param.ident, "duplicate parameter name");
            }
            let value_ty = param.optional.as_ref().unwrap_or(&param.ty);
            if let Some(problem) = param_type_problem(value_ty) {
                cx.error(value_ty, problem);
            }
        }
    }
}

/// Parameter types the trait check would only report obscurely (lifetime errors).
fn param_type_problem(ty: &syn::Type) -> Option<String> {
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
                "a tool parameter cannot borrow: its value is parsed from the call's JSON arguments and must own its data; use {owned}"
            ))
        }
        syn::Type::ImplTrait(_) => Some(
            "a tool parameter needs a named type (its JSON Schema is derived from it), not `impl Trait`"
                .to_owned(),
        ),
        _ => None,
    }
}

/// MCP tool names: 1 to 128 of `A-Z a-z 0-9 _ - .`.
fn name_problem(name: &str) -> Option<String> {
    let valid_chars = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if name.is_empty() || name.len() > 128 || !valid_chars {
        Some(format!(
            "invalid tool name `{name}`: MCP tool names are 1 to 128 characters of letters, digits, `_`, `-` and `.`"
        ))
    } else {
        None
    }
}
