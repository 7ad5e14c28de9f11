//! Procedural macros of gumstack. Use them through the `gumstack` crate, which
//! re-exports them and provides the `__private` paths their expansions use.
//!
//! Each macro is split the same way: `parse` reads the user's tokens into a small
//! AST that keeps spans, `validate` reports every problem at once (pointing at the
//! user's own tokens), and `expand` is a plain `proc_macro2` function.

mod attrs;
mod credentials;
mod ctxt;
mod server;

use proc_macro::TokenStream;

/// The argument of the inert `#[tool(..)]` that `server` leaves on each tool method.
const TOOL_EXPANDED_MARKER: &str = "__gumstack_expanded";

/// Turn an inherent `impl` block into an MCP server.
///
/// ```text
/// #[gumstack::server(
///     auth = none(T) | none | cred(T) | oauth(P),   // required, exactly once
///     name = "...",          // default: the crate's package name
///     version = "...",       // default: the crate's package version
///     instructions = "...",  // optional, sent to clients at initialize
/// )]
/// impl MyServer { #[tool] ... }
/// ```
///
/// Requirements: `T` implements `Credentials` (derive it), `P` implements
/// `AuthProvider`; the block is an inherent impl of a non-generic type; every
/// `#[tool]` method takes `&self` and has a doc comment.
///
/// Generates `impl gumstack::Server`, `impl rmcp::ServerHandler`, `creds()` with
/// the signature of the mode (`fn creds(&self) -> &'static T` for `none`;
/// `async fn creds(&self) -> gumstack::Result<Arc<..>>` for `cred` and `oauth`)
/// and `async fn run(self) -> gumstack::Result<()>`, the host's CLI.
#[proc_macro_attribute]
pub fn server(attr: TokenStream, item: TokenStream) -> TokenStream {
    server::expand(attr.into(), item.into()).into()
}

/// Mark a method of a `#[gumstack::server]` impl block as an MCP tool.
///
/// ```text
/// /// Description shown to the model (required).
/// #[tool(name = "...", title = "...", read_only, destructive, idempotent, open_world)]
/// async fn my_tool(&self, city: String, #[arg(description = "...")] days: Option<u32>) -> R
/// ```
///
/// Parameters must implement `serde::Deserialize` and `schemars::JsonSchema`;
/// `Option<T>` parameters are optional. `R` is `String`, `&'static str`, `()`,
/// a `Content` block, `Vec<Content>`, a `CallToolResult`, any
/// `Serialize + JsonSchema` type (structured content), or a `Result` of one of
/// these whose error implements `Display`.
///
/// On its own (outside a server impl) it is a compile error: the `server` macro
/// reads it and leaves an inert `#[tool(__gumstack_expanded)]` in its place, so
/// the path resolves as written (an import of `tool` counts as used).
#[proc_macro_attribute]
pub fn tool(attr: TokenStream, item: TokenStream) -> TokenStream {
    if attr.to_string() == TOOL_EXPANDED_MARKER {
        // Left by `server`, which has read the real arguments.
        return item;
    }
    let item = proc_macro2::TokenStream::from(item);
    let error = syn::Error::new(
        proc_macro2::Span::call_site(),
        "`#[tool]` only works on a method inside an `impl` block marked `#[gumstack::server(auth = ...)]`",
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
