//! Generate the server: `impl Server`, `impl ServerHandler`, `creds()`, `run()`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::{ItemImpl, spanned::Spanned};

use super::parse::{AuthKind, Output, Server, Tool};

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
    let instructions = match &server.args.instructions {
        Some(i) => quote!(::core::option::Option::Some(#i)),
        None => quote!(::core::option::Option::None),
    };
    let p = quote!(::gumstack::__private);

    // The trait check goes on the user's own type, so the error lands there.
    let (mode, check, creds_items, prepare) = match auth.kind {
        AuthKind::None => {
            let span = auth
                .ty
                .as_ref()
                .map_or_else(proc_macro2::Span::call_site, |t| t.span());
            (
                quote_spanned!(span=> #p::NoAuth<#creds_ty>),
                quote_spanned!(span=> const _: () = #p::assert_credentials::<#creds_ty>();),
                quote! {
                    static __GUMSTACK_ENV_CREDS: ::std::sync::OnceLock<#creds_ty> =
                        ::std::sync::OnceLock::new();
                    impl #self_ty {
                        /// The operator's credentials (`auth = none`), read from env once at
                        /// start-up: synchronous and free of allocation.
                        #[allow(dead_code)]
                        pub fn creds(&self) -> &'static #creds_ty {
                            __GUMSTACK_ENV_CREDS.get_or_init(#p::env_creds_outside_host::<#creds_ty>)
                        }
                    }
                },
                quote!(#p::load_env_creds::<#creds_ty>(&__GUMSTACK_ENV_CREDS)),
            )
        }
        AuthKind::Cred => {
            let span = auth.ty.span();
            (
                quote_spanned!(span=> #p::CredAuth<#creds_ty>),
                quote_spanned!(span=> const _: () = #p::assert_credentials::<#creds_ty>();),
                quote! {
                    impl #self_ty {
                        /// The calling user's credentials (`auth = cred`).
                        #[allow(dead_code)]
                        pub async fn creds(&self) -> ::gumstack::Result<::std::sync::Arc<#creds_ty>> {
                            #p::cred_creds::<#creds_ty>().await
                        }
                    }
                },
                quote!(::core::result::Result::Ok(())),
            )
        }
        AuthKind::OAuth => {
            let span = auth.ty.span();
            (
                quote_spanned!(span=> #p::OAuth<#creds_ty>),
                quote_spanned!(span=> const _: () = #p::assert_auth_provider::<#creds_ty>();),
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
            )
        }
    };

    let arg_checks = server.tools.iter().flat_map(|t| &t.params).map(|param| {
        let ty = &param.ty;
        quote_spanned!(ty.span()=> const _: () = #p::assert_tool_arg::<#ty>();)
    });
    let descriptors = server.tools.iter().map(|t| descriptor(t, &p));
    let arms = server.tools.iter().map(|t| call_arm(t, &p));

    quote! {
        #item

        const _: () = {
            #check
            #(#arg_checks)*
            #creds_items

            impl ::gumstack::Server for #self_ty {
                type Auth = #mode;
                const NAME: &'static str = #name;
                const VERSION: &'static str = #version;
                const INSTRUCTIONS: ::core::option::Option<&'static str> = #instructions;

                fn tools() -> &'static [#p::rmcp::model::Tool] {
                    static TOOLS: ::std::sync::LazyLock<::std::vec::Vec<#p::rmcp::model::Tool>> =
                        ::std::sync::LazyLock::new(|| ::std::vec![#(#descriptors),*]);
                    &TOOLS
                }

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
                            #(#arms)*
                            _ => ::core::option::Option::None,
                        }
                    }
                }

                fn __prepare() -> ::gumstack::Result<()> {
                    #prepare
                }
            }

            impl #self_ty {
                /// Run the host: parses the command line (`serve --stdio`,
                /// `serve --http ADDR`, `config`) and serves until shut down.
                #[allow(dead_code)]
                pub async fn run(self) -> ::gumstack::Result<()> {
                    #p::run(self).await
                }
            }

            impl #p::rmcp::ServerHandler for #self_ty {
                fn get_info(&self) -> #p::rmcp::model::ServerConfig {
                    static INFO: ::std::sync::LazyLock<#p::rmcp::model::ServerConfig> =
                        ::std::sync::LazyLock::new(#p::server_config::<#self_ty>);
                    ::core::clone::Clone::clone(&*INFO)
                }

                async fn list_tools(
                    &self,
                    _request: ::core::option::Option<#p::rmcp::model::PaginatedRequestParams>,
                    _context: #p::rmcp::service::RequestContext<#p::rmcp::RoleServer>,
                ) -> ::core::result::Result<#p::rmcp::model::ListToolsResult, #p::rmcp::ErrorData> {
                    ::core::result::Result::Ok(#p::list_tools::<Self>())
                }

                async fn call_tool(
                    &self,
                    request: #p::rmcp::model::CallToolRequestParams,
                    _context: #p::rmcp::service::RequestContext<#p::rmcp::RoleServer>,
                ) -> ::core::result::Result<#p::rmcp::model::CallToolResponse, #p::rmcp::ErrorData> {
                    #p::call_tool(self, request).await
                }

                fn get_tool(&self, name: &str) -> ::core::option::Option<#p::rmcp::model::Tool> {
                    #p::get_tool::<Self>(name)
                }
            }
        };
    }
}

/// `Tool` descriptor of one tool, built once into the static table.
fn descriptor(tool: &Tool, p: &TokenStream) -> TokenStream {
    let name = &tool.name;
    let description = tool.description.as_deref().unwrap_or_default();
    let title = match &tool.title {
        Some(t) => quote!(::core::option::Option::Some(#t)),
        None => quote!(::core::option::Option::None),
    };
    let hints = tool.hints.iter().map(|h| match h {
        Some(b) => quote!(::core::option::Option::Some(#b)),
        None => quote!(::core::option::Option::None),
    });
    let input_schema = if tool.params.is_empty() {
        quote!(#p::rmcp::handler::server::common::schema_for_empty_input())
    } else {
        let params = tool.params.iter().map(|param| {
            let ty = &param.ty;
            let key = param.ident.to_string();
            let description = match &param.description {
                Some(d) => quote!(::core::option::Option::Some(#d)),
                None => quote!(::core::option::Option::None),
            };
            let required = param.optional.is_none();
            quote_spanned!(ty.span()=> .param::<#ty>(#key, #description, #required))
        });
        quote!(#p::InputSchema::new() #(#params)* .finish())
    };
    let output_schema = match &tool.output {
        Output::Unit => quote!(::core::option::Option::None),
        Output::Plain(ty) | Output::Result(ty) => quote!({
            #[allow(unused_imports)]
            use #p::{NoSchema as _, StructuredSchema as _};
            (&#p::OutputSchema::<#ty>::new()).output_schema()
        }),
    };
    quote! {
        #p::tool(#name, #title, #description, #input_schema, #output_schema, [#(#hints),*])
    }
}

/// One `match` arm of `call_tool`: parse each argument, call, convert.
fn call_arm(tool: &Tool, p: &TokenStream) -> TokenStream {
    let name = &tool.name;
    let fn_ident = &tool.fn_ident;
    let locals: Vec<_> = tool
        .params
        .iter()
        .map(|param| format_ident!("__gumstack_arg_{}", param.ident))
        .collect();
    let parses = tool.params.iter().zip(&locals).map(|(param, local)| {
        let key = param.ident.to_string();
        let (func, ty) = match &param.optional {
            Some(inner) => (quote!(optional), inner),
            None => (quote!(required), &param.ty),
        };
        quote_spanned!(ty.span()=> let #local = arguments.#func::<#ty>(#key);)
    });
    let keys = tool.params.iter().map(|param| param.ident.to_string());
    let call = if tool.is_async {
        quote!(self.#fn_ident(#(#locals),*).await)
    } else {
        quote!(self.#fn_ident(#(#locals),*))
    };
    let convert = |value: TokenStream| {
        quote!({
            #[allow(unused_imports)]
            use #p::{IntoContent as _, IntoStructured as _};
            (&#p::Output::new(#value)).into_tool_result()
        })
    };
    let result = match &tool.output {
        Output::Unit => quote!({
            #call;
            #p::rmcp::model::CallToolResult::success(::std::vec::Vec::new())
        }),
        Output::Plain(_) => convert(call),
        Output::Result(_) => {
            let ok = convert(quote!(value));
            quote!(match #call {
                ::core::result::Result::Ok(value) => #ok,
                ::core::result::Result::Err(error) => #p::tool_error(error),
            })
        }
    };
    quote! {
        #name => ::core::option::Option::Some(async {
            let mut arguments = #p::Args::new(#name, arguments);
            #(#parses)*
            if let ::core::result::Result::Err(error) = arguments.finish(&[#(#keys),*]) {
                return error;
            }
            // `finish` succeeded, so every parameter was parsed.
            let (#(::core::option::Option::Some(#locals),)*) = (#(#locals,)*) else {
                ::core::unreachable!()
            };
            #result
        }.await),
    }
}
