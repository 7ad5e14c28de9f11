//! Generate the server: `impl Server`, `impl ServerHandler`, `creds()`, `run()`.
//!
//! One module per MCP concept; this one assembles them. Everything generated
//! goes through `::gumstack::__private` with absolute paths.

mod completion;
mod prompts;
mod resources;
mod tools;

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::{ItemImpl, spanned::Spanned};

use super::parse::{AuthKind, Input, Method, Output, Server};

/// `::gumstack::__private`
fn private() -> TokenStream {
    quote!(::gumstack::__private)
}

/// The name of the request's context inside generated handler bodies.
fn ctx_local() -> Ident {
    Ident::new("__gumstack_ctx", Span::call_site())
}

/// The local holding a parsed parameter.
fn local(param: &super::parse::Param) -> Ident {
    format_ident!("__gumstack_arg_{}", param.ident)
}

fn some_or_none<T: quote::ToTokens>(value: Option<&T>) -> TokenStream {
    match value {
        Some(v) => quote!(::core::option::Option::Some(#v)),
        None => quote!(::core::option::Option::None),
    }
}

/// `self.method(a, ctx, b)` (with `.await` when async): parameters from their
/// locals, the context from `__gumstack_ctx`.
fn call(method: &Method) -> TokenStream {
    let fn_ident = &method.fn_ident;
    let ctx = ctx_local();
    let args = method.inputs.iter().map(|input| match input {
        Input::Value(param) => {
            let local = local(param);
            quote!(#local)
        }
        Input::Context(context) => {
            let ty = &context.ty;
            quote!((&::gumstack::__private::UserType::<#ty>::new()).context_arg(&#ctx))
        }
    });
    if method.is_async {
        quote!(self.#fn_ident(#(#args),*).await)
    } else {
        quote!(self.#fn_ident(#(#args),*))
    }
}

/// The span of `E` in a method's `-> Result<T, E>` (of the whole type if `E`
/// is not written), where an error type without `Display` is reported.
fn error_type_span(sig: &syn::Signature) -> Span {
    let syn::ReturnType::Type(_, ty) = &sig.output else {
        return Span::call_site();
    };
    if let syn::Type::Path(path) = &**ty
        && let Some(last) = path.path.segments.last()
        && let syn::PathArguments::AngleBracketed(args) = &last.arguments
        && let Some(syn::GenericArgument::Type(err)) = args.args.iter().nth(1)
    {
        return err.span();
    }
    ty.span()
}

/// `match out { Ok(v) => ok(v), Err(e) => err(e) }` for `Result` outputs, or
/// `ok(out)`: how every handler converts what the user's method returned.
fn convert_output(
    output: &Output,
    sig: &syn::Signature,
    value: TokenStream,
    ok: impl Fn(TokenStream) -> TokenStream,
    err: impl Fn(TokenStream, Span) -> TokenStream,
) -> TokenStream {
    match output {
        Output::Result(_) => {
            let ok = ok(quote!(value));
            // An error type without `Display` is reported at the `E` the user
            // wrote: the error's name and what `err` makes of it are spanned there.
            let span = error_type_span(sig);
            let error = quote_spanned!(span=> error);
            let err = err(error.clone(), span);
            quote!(match #value {
                ::core::result::Result::Ok(value) => #ok,
                ::core::result::Result::Err(#error) => #err,
            })
        }
        Output::Plain(_) | Output::Unit => ok(value),
    }
}

/// Checks of a `Context` parameter's type, at the user's type.
fn context_checks(method: &Method) -> impl Iterator<Item = TokenStream> + '_ {
    method.contexts().map(|context| {
        let ty = &context.ty;
        quote_spanned!(ty.span()=> const _: () = <#ty as ::gumstack::context::IsContext>::__CHECK;)
    })
}

/// When the macro reports an error: `creds()` (with the mode's signature,
/// when the mode is known) and `run()`, never called, so the user's code that
/// calls them still type-checks and the real error stays the only one.
pub fn fallback(server: &Server) -> TokenStream {
    let self_ty = &server.self_ty;
    let creds = server.args.auth.as_ref().map(|auth| {
        let creds_ty = match &auth.ty {
            Some(ty) => quote!(#ty),
            None => quote!(()),
        };
        match auth.kind {
            AuthKind::None => quote! {
                pub fn creds(&self) -> &'static #creds_ty {
                    ::core::unreachable!()
                }
            },
            AuthKind::Cred => quote! {
                pub async fn creds(&self) -> ::gumstack::Result<::std::sync::Arc<#creds_ty>> {
                    ::core::unreachable!()
                }
            },
            AuthKind::OAuth => quote! {
                pub async fn creds(&self) -> ::gumstack::Result<::std::sync::Arc<::gumstack::OAuthCredentials>> {
                    ::core::unreachable!()
                }
            },
        }
    });
    quote! {
        #[allow(dead_code, unreachable_code, clippy::unused_async)]
        impl #self_ty {
            #creds
            pub async fn run(self) -> ::gumstack::Result<()> {
                ::core::unreachable!()
            }
        }
    }
}

pub fn server(server: &Server, item: &ItemImpl) -> TokenStream {
    let self_ty = &server.self_ty;
    let auth = server
        .args
        .auth
        .as_ref()
        .expect("validated: auth is present");
    let creds_ty = match &auth.ty {
        Some(ty) => quote!(#ty),
        None => quote!(()),
    };
    let name = match &server.args.name {
        Some(n) => quote!(#n),
        None => quote!(::core::env!("CARGO_PKG_NAME")),
    };
    let version = match &server.args.version {
        Some(v) => quote!(#v),
        None => quote!(::core::env!("CARGO_PKG_VERSION")),
    };
    let instructions = some_or_none(server.args.instructions.as_ref());
    let p = private();

    // `type Auth` is the one place a wrong type is reported (the `AuthMode` impls
    // need `Credentials`/`AuthProvider`), spanned at the user's type; `creds()` and
    // start-up reach the type through `UserType`, which adds no second error.
    let (mode, creds_items, prepare) = match auth.kind {
        AuthKind::None => (
            "NoAuth",
            quote! {
                static __GUMSTACK_ENV_CREDS: ::std::sync::OnceLock<#creds_ty> =
                    ::std::sync::OnceLock::new();
                impl #self_ty {
                    /// The operator's credentials (`auth = none`), read from env once at
                    /// start-up: synchronous and free of allocation.
                    #[allow(dead_code)]
                    pub fn creds(&self) -> &'static #creds_ty {
                        __GUMSTACK_ENV_CREDS.get_or_init(|| {
                            (&#p::UserType::<#creds_ty>::new()).env_creds_outside_host()
                        })
                    }
                }
            },
            quote!((&#p::UserType::<#creds_ty>::new()).load_env_creds(&__GUMSTACK_ENV_CREDS)),
        ),
        AuthKind::Cred => (
            "CredAuth",
            quote! {
                impl #self_ty {
                    /// The calling user's credentials (`auth = cred`).
                    #[allow(dead_code)]
                    pub async fn creds(&self) -> ::gumstack::Result<::std::sync::Arc<#creds_ty>> {
                        (&#p::UserType::<#creds_ty>::new()).cred_creds().await
                    }
                }
            },
            quote!(::core::result::Result::Ok(())),
        ),
        AuthKind::OAuth => (
            "OAuth",
            quote! {
                impl #self_ty {
                    /// The calling user's OAuth tokens (`auth = oauth`), refreshed as needed.
                    #[allow(dead_code)]
                    pub async fn creds(&self) -> ::gumstack::Result<::std::sync::Arc<::gumstack::OAuthCredentials>> {
                        #p::oauth_creds().await
                    }
                }
            },
            quote!(::core::result::Result::Ok(())),
        ),
    };

    // Every token at the user's type (no interpolated `#p`), or rustc reports at the attribute.
    let auth_span = auth.ty.as_ref().map_or_else(Span::call_site, |t| t.span());
    let mode = Ident::new(mode, auth_span);
    let auth_item =
        quote_spanned!(auth_span=> type Auth = ::gumstack::__private::#mode<#creds_ty>;);

    let tool_checks = tools::checks(server);
    let tool_table = tools::table(server);
    let tool_arms = tools::call_arms(server);
    let resources = resources::expand(server);
    let prompts = prompts::expand(server);
    let completion = completion::expand(server);
    let features = {
        let resources = !server.resources.is_empty();
        let subscribe = server.resources.iter().any(|r| r.subscribe);
        let prompts = !server.prompts.is_empty();
        let completions = completion::any(server);
        let tasks = tools::any_task(server);
        quote!(#p::Features { resources: #resources, subscribe: #subscribe, prompts: #prompts, completions: #completions, tasks: #tasks })
    };
    let (task_items, task_methods) = tools::tasks(server);
    let scope_items = tools::scopes(server);
    let (resource_items, resource_methods) = (resources.items, resources.methods);
    let (prompt_checks, prompt_methods) = (prompts.items, prompts.methods);
    let (completion_checks, completion_method) = (completion.items, completion.methods);

    quote! {
        #item

        const _: () = {
            #[allow(unused_imports)]
            use #p::{
                ContextType as _, CredentialsType as _, TextArgType as _, ToolArgType as _,
                Unchecked as _,
            };

            #tool_checks
            #resource_items
            #prompt_checks
            #completion_checks
            #creds_items

            /// What this server remembers of its sessions: log levels, subscriptions.
            static __GUMSTACK_STATE: #p::ServerState = #p::ServerState::new();
            /// The server the host runs (set at start-up, for tasks).
            #[allow(dead_code)]
            static __GUMSTACK_INSTANCE: ::std::sync::OnceLock<::std::sync::Arc<#self_ty>> =
                ::std::sync::OnceLock::new();

            impl ::gumstack::Server for #self_ty {
                #auth_item
                const NAME: &'static str = #name;
                const VERSION: &'static str = #version;
                const INSTRUCTIONS: ::core::option::Option<&'static str> = #instructions;

                #tool_table

                #[allow(unused_mut, unused_variables, clippy::let_unit_value)]
                fn call_tool<'a>(
                    &'a self,
                    name: &'a str,
                    arguments: #p::rmcp::model::JsonObject,
                ) -> impl ::core::future::Future<
                    Output = ::core::option::Option<#p::rmcp::model::CallToolResult>,
                > + ::core::marker::Send + 'a {
                    async move {
                        match name {
                            #tool_arms
                            _ => ::core::option::Option::None,
                        }
                    }
                }

                fn __prepare() -> ::gumstack::Result<()> {
                    #prepare
                }

                #task_items
                #scope_items
            }

            impl #self_ty {
                /// Run the host: parses the command line (`serve --stdio`,
                /// `serve --http ADDR`, `config`) and serves until shut down.
                #[allow(dead_code)]
                pub async fn run(self) -> ::gumstack::Result<()> {
                    #p::run(self).await
                }
            }

            // rmcp marks logging (`set_level`) and `resources/subscribe` deprecated
            // for its 2026-07-28 protocol; they are current in the versions clients speak.
            #[allow(deprecated)]
            impl #p::rmcp::ServerHandler for #self_ty {
                fn get_info(&self) -> #p::rmcp::model::ServerConfig {
                    static INFO: ::std::sync::LazyLock<#p::rmcp::model::ServerConfig> =
                        ::std::sync::LazyLock::new(|| #p::server_config::<#self_ty>(#features));
                    ::core::clone::Clone::clone(&*INFO)
                }

                async fn list_tools(
                    &self,
                    _request: ::core::option::Option<#p::rmcp::model::PaginatedRequestParams>,
                    _context: #p::rmcp::service::RequestContext<#p::rmcp::RoleServer>,
                ) -> ::core::result::Result<#p::rmcp::model::ListToolsResult, #p::rmcp::ErrorData> {
                    ::core::result::Result::Ok(#p::list_tools::<Self>(&_context).await)
                }

                // Not `async fn`: the future rmcp boxes is `__private::call_tool`'s
                // own, which keeps only what the call needs (a smaller copy).
                fn call_tool(
                    &self,
                    request: #p::rmcp::model::CallToolRequestParams,
                    context: #p::rmcp::service::RequestContext<#p::rmcp::RoleServer>,
                ) -> impl ::core::future::Future<
                    Output = ::core::result::Result<#p::rmcp::model::CallToolResponse, #p::rmcp::ErrorData>,
                > + #p::rmcp::service::MaybeSendFuture + '_ {
                    #p::call_tool(self, request, context, &__GUMSTACK_STATE)
                }

                fn get_tool(&self, name: &str) -> ::core::option::Option<#p::rmcp::model::Tool> {
                    #p::get_tool::<Self>(name)
                }

                async fn set_level(
                    &self,
                    request: #p::rmcp::model::SetLevelRequestParams,
                    context: #p::rmcp::service::RequestContext<#p::rmcp::RoleServer>,
                ) -> ::core::result::Result<(), #p::rmcp::ErrorData> {
                    #p::set_level(&__GUMSTACK_STATE, request, &context);
                    ::core::result::Result::Ok(())
                }

                #resource_methods
                #prompt_methods
                #completion_method
                #task_methods
            }
        };
    }
}

/// What each concept adds: items at the top of the generated block (checks,
/// statics) and methods of the `ServerHandler` impl.
#[derive(Default)]
struct Expansion {
    items: TokenStream,
    methods: TokenStream,
}
