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

    // `type Auth` is the one place a wrong type is reported (the `AuthMode` impls
    // need `Credentials`/`AuthProvider`), spanned at the user's type; `creds()` and
    // start-up reach the type through `UserType`, which adds no second error.
    let (mode, creds_items, prepare) = match auth.kind {
        AuthKind::None => {
            (
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
            )
        }
        AuthKind::Cred => {
            (
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
            )
        }
        AuthKind::OAuth => {
            (
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
            )
        }
    };

    // Every token at the user's type (no interpolated `#p`), or rustc reports at the attribute.
    let auth_span = auth
        .ty
        .as_ref()
        .map_or_else(proc_macro2::Span::call_site, |t| t.span());
    let mode = proc_macro2::Ident::new(mode, auth_span);
    let auth_item =
        quote_spanned!(auth_span=> type Auth = ::gumstack::__private::#mode<#creds_ty>;);

    // Each bound is checked once, on the type the user wrote (the inner `T` of an
    // `Option<T>` parameter); the other uses go through `UserType` and stay quiet.
    let arg_checks = server.tools.iter().flat_map(|t| &t.params).map(|param| {
        let ty = param.optional.as_ref().unwrap_or(&param.ty);
        quote_spanned!(ty.span()=> const _: () = #p::assert_tool_arg::<#ty>();)
    });
    let output_checks = server.tools.iter().filter_map(|t| match &t.output {
        Output::Plain(ty) | Output::Result(ty) => {
            Some(quote_spanned!(ty.span()=> const _: () = #p::assert_tool_output::<#ty>();))
        }
        Output::Unit => None,
    });
    let descriptors = server.tools.iter().map(|t| descriptor(t, &p));
    let arms = server.tools.iter().map(|t| call_arm(t, &p));

    quote! {
        #item

        const _: () = {
            #[allow(unused_imports)]
            use #p::{CredentialsType as _, ToolArgType as _, Unchecked as _};

            #(#arg_checks)*
            #(#output_checks)*
            #creds_items

            impl ::gumstack::Server for #self_ty {
                #auth_item
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
                    context: #p::rmcp::service::RequestContext<#p::rmcp::RoleServer>,
                ) -> ::core::result::Result<#p::rmcp::model::CallToolResponse, #p::rmcp::ErrorData> {
                    #p::call_tool(self, request, context).await
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
            quote! {
                let schema = (&#p::UserType::<#ty>::new())
                    .param(schema, #key, #description, #required);
            }
        });
        quote!({
            let schema = #p::InputSchema::new();
            #(#params)*
            schema.finish()
        })
    };
    let output_schema = match &tool.output {
        Output::Unit => quote!(::core::option::Option::None),
        Output::Plain(ty) | Output::Result(ty) => quote!({
            #[allow(unused_imports)]
            use #p::{NoSchema as _, StructuredSchema as _, UncheckedOutputSchema as _};
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
        quote!(let #local = (&#p::UserType::<#ty>::new()).#func(&mut arguments, #key);)
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
            use #p::{IntoContent as _, IntoStructured as _, UncheckedOutput as _};
            (&#p::Output::new(#value)).tool_result()
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
            // An error type without `Display` is reported at the `E` the user wrote.
            let err = quote_spanned!(error_type_span(tool)=>
                ::gumstack::__private::tool_error(error)
            );
            quote!(match #call {
                ::core::result::Result::Ok(value) => #ok,
                ::core::result::Result::Err(error) => #err,
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

/// The span of `E` in a tool's `-> Result<T, E>` (of the whole type if `E` is not written).
fn error_type_span(tool: &Tool) -> proc_macro2::Span {
    let syn::ReturnType::Type(_, ty) = &tool.sig.output else {
        return proc_macro2::Span::call_site();
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
