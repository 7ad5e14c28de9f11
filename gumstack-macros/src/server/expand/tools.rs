//! Tools: the static tool table and one `call_tool` arm per tool.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::{call, context_checks, convert_output, ctx_local, local, private, some_or_none};
use crate::server::parse::{AuthKind, Output, Server, Tool};

/// Each bound is checked once, on the type the user wrote (the inner `T` of an
/// `Option<T>` parameter); the other uses go through `UserType` and stay quiet.
pub fn checks(server: &Server) -> TokenStream {
    let methods = server.tools.iter().map(|t| &t.method);
    let arg_checks = methods.clone().flat_map(|m| m.params()).map(|param| {
        let ty = param.optional.as_ref().unwrap_or(&param.ty);
        quote_spanned!(ty.span()=> const _: () = <#ty as ::gumstack::tools::ToolArg>::__CHECK;)
    });
    let output_checks = methods.clone().filter_map(|m| match &m.output {
        Output::Plain(ty) | Output::Result(ty) => {
            Some(quote_spanned!(ty.span()=> const _: () = <#ty as ::gumstack::tools::ToolOutput>::__CHECK;))
        }
        Output::Unit => None,
    });
    let context_checks = methods.flat_map(context_checks);
    quote!(#(#arg_checks)* #(#output_checks)* #(#context_checks)*)
}

/// `fn tools()`: the descriptors, built once.
pub fn table(server: &Server) -> TokenStream {
    let p = private();
    let descriptors = server.tools.iter().map(descriptor);
    quote! {
        fn tools() -> &'static [#p::rmcp::model::Tool] {
            static TOOLS: ::std::sync::LazyLock<::std::vec::Vec<#p::rmcp::model::Tool>> =
                ::std::sync::LazyLock::new(|| ::std::vec![#(#descriptors),*]);
            &TOOLS
        }
    }
}

/// `Tool` descriptor of one tool.
fn descriptor(tool: &Tool) -> TokenStream {
    let p = private();
    let name = &tool.name;
    let description = tool.method.description.as_deref().unwrap_or_default();
    let title = some_or_none(tool.title.as_ref());
    let hints = tool.hints.iter().map(|h| some_or_none(h.as_ref()));
    let input_schema = if tool.method.params().next().is_none() {
        quote!(#p::rmcp::handler::server::common::schema_for_empty_input())
    } else {
        let params = tool.method.params().map(|param| {
            let ty = &param.ty;
            let key = &param.name;
            let description = some_or_none(param.description.as_ref());
            let required = param.optional.is_none();
            let header = param
                .header
                .as_ref()
                .map(|h| quote!(let schema = schema.header(#key, #h);));
            quote! {
                let schema = (&#p::UserType::<#ty>::new())
                    .param(schema, #key, #description, #required);
                #header
            }
        });
        quote!({
            let schema = #p::InputSchema::new();
            #(#params)*
            schema.finish()
        })
    };
    let output_schema = match &tool.method.output {
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

/// The `match` arms of `call_tool`.
pub fn call_arms(server: &Server) -> TokenStream {
    server.tools.iter().map(call_arm).collect()
}

/// One arm: parse each argument, call, convert.
fn call_arm(tool: &Tool) -> TokenStream {
    let p = private();
    let name = &tool.name;
    let method = &tool.method;
    let params: Vec<_> = method.params().collect();
    let locals: Vec<_> = params.iter().map(|p| local(p)).collect();
    let parses = params.iter().zip(&locals).map(|(param, local)| {
        let key = &param.name;
        let (func, ty) = match &param.optional {
            Some(inner) => (quote!(optional), inner),
            None => (quote!(required), &param.ty),
        };
        quote!(let #local = (&#p::UserType::<#ty>::new()).#func(&mut arguments, #key);)
    });
    let keys = params.iter().map(|param| &param.name);
    // `Server::call_tool` carries no request, so the context comes from the
    // task-local that `__private::call_tool` sets around the call.
    let ctx = ctx_local();
    let context =
        (method.contexts().next().is_some()).then(|| quote!(let #ctx = #p::Context::current();));
    let call = call(method);
    let to_result = |value: TokenStream| {
        quote!({
            #[allow(unused_imports)]
            use #p::{IntoContent as _, IntoStructured as _, UncheckedOutput as _};
            (&#p::Output::new(#value)).tool_result()
        })
    };
    let result = match &method.output {
        Output::Unit => quote!({
            #call;
            #p::rmcp::model::CallToolResult::success(::std::vec::Vec::new())
        }),
        output => convert_output(
            output,
            &method.sig,
            call,
            to_result,
            |error, span| quote_spanned!(span=> ::gumstack::__private::tool_error(#error)),
        ),
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
            #context
            #result
        }.await),
    }
}

/// Whether some tool runs as a task.
pub fn any_task(server: &Server) -> bool {
    server.tools.iter().any(|t| t.task.is_some())
}

/// For servers with task tools: the `Server` items that say how each tool
/// runs and keep the running server (a task outlives its request), and the
/// `tasks/*` methods of the `ServerHandler`.
pub fn tasks(server: &Server) -> (TokenStream, TokenStream) {
    if !any_task(server) {
        return (TokenStream::new(), TokenStream::new());
    }
    let p = private();
    let arms = server.tools.iter().filter_map(|tool| {
        let task = tool.task.as_ref()?;
        let name = &tool.name;
        let variant = match task.value().as_str() {
            "required" => quote!(Required),
            "deferred" => quote!(Deferred),
            _ => quote!(Optional),
        };
        Some(quote!(#name => #p::TaskSupport::#variant,))
    });
    let items = quote! {
        fn __task_support(name: &str) -> #p::TaskSupport {
            match name {
                #(#arms)*
                _ => #p::TaskSupport::Never,
            }
        }

        fn __instance() -> ::core::option::Option<::std::sync::Arc<Self>> {
            __GUMSTACK_INSTANCE.get().cloned()
        }

        fn __set_instance(server: ::std::sync::Arc<Self>) {
            let _ = __GUMSTACK_INSTANCE.set(server);
        }
    };
    let methods = quote! {
        async fn get_task(
            &self,
            request: #p::rmcp::model::GetTaskParams,
            context: #p::rmcp::service::RequestContext<#p::rmcp::RoleServer>,
        ) -> ::core::result::Result<#p::rmcp::model::GetTaskResult, #p::rmcp::ErrorData> {
            #p::get_task(&__GUMSTACK_STATE, request, &context).await
        }

        async fn update_task(
            &self,
            request: #p::rmcp::model::UpdateTaskParams,
            context: #p::rmcp::service::RequestContext<#p::rmcp::RoleServer>,
        ) -> ::core::result::Result<(), #p::rmcp::ErrorData> {
            #p::update_task(&__GUMSTACK_STATE, request, &context).await
        }

        async fn cancel_task(
            &self,
            request: #p::rmcp::model::CancelTaskParams,
            context: #p::rmcp::service::RequestContext<#p::rmcp::RoleServer>,
        ) -> ::core::result::Result<(), #p::rmcp::ErrorData> {
            #p::cancel_task(&__GUMSTACK_STATE, request, &context).await
        }
    };
    (items, methods)
}

/// For servers with `scopes(...)`: the `Server` items that say which scopes
/// each tool needs, what every connection asks for, and the provider's table
/// (for what one scope covers). Each scope is the constant of the provider's
/// scope type, at the user's name: one the provider does not define is an
/// error there, with rustc's suggestion of the close name.
pub fn scopes(server: &Server) -> TokenStream {
    let any = !server.args.scopes.is_empty() || server.tools.iter().any(|t| !t.scopes.is_empty());
    let provider = server.args.auth.as_ref().and_then(|a| a.ty.as_ref());
    let (true, Some(provider)) = (any, provider) else {
        return TokenStream::new();
    };
    let p = private();
    // An `oauth` server names its provider's scopes; a `cred` server its
    // own, named on its credentials type.
    let owner = match server.args.auth.as_ref().map(|a| a.kind) {
        Some(AuthKind::Cred) => quote!(#p::CredentialScopes),
        _ => quote!(#p::DefinesScopes),
    };
    // Every `<P as DefinesScopes>` at the provider's type: a provider without
    // scopes is then the same error at the same place each time, which rustc
    // reports once; the method at the user's name.
    let at = provider.span();
    let scope = |ident: &syn::Ident| {
        let set = quote_spanned!(at=> <#provider as #owner>::SCOPES);
        quote!(#set.#ident())
    };
    let arms = server
        .tools
        .iter()
        .filter(|t| !t.scopes.is_empty())
        .map(|tool| {
            let name = &tool.name;
            let scopes = tool.scopes.iter().map(scope);
            quote!(#name => {
                const SCOPES: &[#p::Scope] = &[#(#scopes),*];
                SCOPES
            })
        });
    let minimum = server.args.scopes.iter().map(scope);
    let table = quote_spanned!(at=> <#provider as #owner>::SCOPE_TABLE);
    quote! {
        fn __tool_scopes(name: &str) -> &'static [#p::Scope] {
            match name {
                #(#arms)*
                _ => &[],
            }
        }

        fn __server_scopes() -> &'static [#p::Scope] {
            const SCOPES: &[#p::Scope] = &[#(#minimum),*];
            SCOPES
        }

        fn __scope_table() -> &'static [#p::Scope] {
            #table
        }
    }
}
