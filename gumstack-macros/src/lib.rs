//! Procedural macros of gumstack. Use them through the `gumstack` crate, which
//! re-exports them and provides the `__private` paths their expansions use.
//!
//! Each macro is split the same way: `parse` reads the user's tokens into a small
//! AST that keeps spans, `validate` reports every problem at once (pointing at the
//! user's own tokens), and `expand` is a plain `proc_macro2` function.

mod attrs;
mod credentials;
mod ctxt;
mod keys;
mod server;

use proc_macro::TokenStream;

/// The argument of the inert `#[tool(..)]`, `#[resource(..)]` and `#[prompt(..)]`
/// that `server` leaves on each handler method.
const EXPANDED_MARKER: &str = "__gumstack_expanded";

/// Turn an inherent `impl` block into an MCP server.
///
/// ```text
/// #[gumstack::server(
///     auth = none(T) | none | cred(T) | oauth(P),   // required, exactly once
///     name = "...",          // default: the crate's package name
///     version = "...",       // default: the crate's package version
///     instructions = "...",  // optional, sent to clients at initialize
/// )]
/// impl MyServer { #[tool] ... #[resource(..)] ... #[prompt] ... }
/// ```
///
/// Requirements: `T` implements `Credentials` (derive it), `P` implements
/// `AuthProvider`; the block is an inherent impl of a non-generic type; every
/// `#[tool]`, `#[resource]` and `#[prompt]` method takes `&self` and has a doc
/// comment. Other methods are left alone (completers among them).
///
/// Generates `impl gumstack::Server`, `impl rmcp::ServerHandler` (tools,
/// resources and templates, subscriptions, prompts, completion, logging
/// level), `creds()` with the signature of the mode (`fn creds(&self) ->
/// &'static T` for `none`; `async fn creds(&self) -> gumstack::Result<Arc<..>>`
/// for `cred` and `oauth`) and `async fn run(self) -> gumstack::Result<()>`, the
/// host's CLI.
#[proc_macro_attribute]
pub fn server(attr: TokenStream, item: TokenStream) -> TokenStream {
    server::expand(attr.into(), item.into()).into()
}

/// Mark a method of a `#[gumstack::server]` impl block as an MCP tool.
///
/// ```text
/// /// Description shown to the model (required).
/// #[tool(name = "...", title = "...", read_only, destructive, idempotent, open_world)]
/// async fn my_tool(&self, city: String,
///                  #[arg(description = "...", name = "maxDays")] days: Option<u32>) -> R
/// ```
///
/// Parameters must implement `serde::Deserialize` and `schemars::JsonSchema`;
/// `Option<T>` parameters are optional; `#[arg(name = "...")]` renames one in
/// the schema. `R` is `String`, `&'static str`, `()`,
/// a `Content` block, `Vec<Content>`, a `CallToolResult`, any
/// `Serialize + JsonSchema` type (structured content), or a `Result` of one of
/// these whose error implements `Display`.
///
/// A `ctx: Context` parameter (recognised by its type, in any position) receives
/// the request's context and is not part of the input schema.
///
/// On its own (outside a server impl) it is a compile error.
#[proc_macro_attribute]
pub fn tool(attr: TokenStream, item: TokenStream) -> TokenStream {
    outside_server("tool", attr, item)
}

/// Mark a method of a `#[gumstack::server]` impl block as an MCP resource, or a
/// resource template when its URI has `{placeholders}`.
///
/// ```text
/// /// Description shown to clients (required).
/// #[resource(
///     uri = "scheme://fixed/path" | "scheme://items/{id}/data",   // required
///     name = "...",        // default: the method's name
///     title = "...",
///     mime_type = "...",   // default: from the return type
///     subscribe,           // clients may `resources/subscribe` to it
/// )]
/// async fn item(&self, id: u32, #[arg(complete = suggest_ids)] ...) -> R
/// ```
///
/// Each `{placeholder}` (RFC 6570 level 1) binds the parameter of that name
/// (or `#[arg(name = "...")]`), parsed with `FromStr`; a placeholder without a
/// parameter, or a parameter without a placeholder, does not compile.
/// `#[arg(complete = method)]` names the completer of a placeholder. A
/// `ctx: Context` parameter receives the request's context. `R` is `String`,
/// `&'static str`, `Blob`, `ResourceContents`, `Vec<ResourceContents>`, any
/// `Serialize` type (as JSON), or a `Result` of one whose error implements
/// `Display`.
#[proc_macro_attribute]
pub fn resource(attr: TokenStream, item: TokenStream) -> TokenStream {
    outside_server("resource", attr, item)
}

/// Mark a method of a `#[gumstack::server]` impl block as an MCP prompt.
///
/// ```text
/// /// Description shown to clients (required).
/// #[prompt(name = "...", title = "...")]
/// fn review(&self, #[arg(description = "...", complete = suggest_languages)] language: String,
///           focus: Option<String>) -> R
/// ```
///
/// Parameters are the prompt's arguments, parsed from text with `FromStr`;
/// `Option<T>` ones are optional; `#[arg(name = "...")]` renames one on the wire.
/// A completer is a method of the server, `fn(&self, value: &str) -> Vec<String>`
/// (it may be async, take `ctx: Context` and return a `Result`). `R` is
/// `String`/`&'static str` (one user message), `PromptMessage`,
/// `Vec<PromptMessage>`, or a `Result` of one whose error implements `Display`.
#[proc_macro_attribute]
pub fn prompt(attr: TokenStream, item: TokenStream) -> TokenStream {
    outside_server("prompt", attr, item)
}

/// The handler attributes on their own (outside a server impl) are a compile
/// error: the `server` macro reads them and leaves an inert `#[kind(..)]` in
/// their place, so the path resolves as written (an import counts as used).
fn outside_server(kind: &str, attr: TokenStream, item: TokenStream) -> TokenStream {
    if attr.to_string() == EXPANDED_MARKER {
        // Left by `server`, which has read the real arguments.
        return item;
    }
    let item = proc_macro2::TokenStream::from(item);
    let error = syn::Error::new(
        proc_macro2::Span::call_site(),
        format!(
            "`#[{kind}]` only works on a method inside an `impl` block marked `#[gumstack::server(auth = ...)]`"
        ),
    )
    .into_compile_error();
    quote::quote!(#error #item).into()
}

/// Derive `gumstack::Credentials` for a struct with named fields.
///
/// ```text
/// #[derive(Credentials)]
/// struct MyCreds {
///     /// Doc comment: the default description.
///     #[cred(label = "...", description = "...", placeholder = "...", secret, env = "NAME")]
///     api_key: Secret,
///     org: Option<String>,   // Option<T>: optional
/// }
/// ```
///
/// Field types: `String`, `Secret`, numbers, `bool`, or `Option` of one. `secret`
/// fields must be `Secret`. `env` (for `auth = none`) defaults to the field name
/// upper-cased; names starting with `GUMSTACK_` or `GUMLOOP_` are reserved.
#[proc_macro_derive(Credentials, attributes(cred))]
pub fn derive_credentials(item: TokenStream) -> TokenStream {
    credentials::expand(item.into()).into()
}
