//! Resources and resource templates: listings, `read_resource` dispatch (fixed
//! URIs first, then templates in declaration order), subscriptions.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use super::{
    Expansion, call, context_checks, convert_output, ctx_local, local, private, some_or_none,
};
use crate::server::{
    parse::{Output, Resource, Server},
    uri::Part,
};

/// A resource, and the name of its template's static.
struct Parsed<'a> {
    resource: &'a Resource,
    parts: &'a [Part],
    /// `__GUMSTACK_TEMPLATE_<n>` for templates.
    template: Option<syn::Ident>,
}

impl Parsed<'_> {
    fn is_template(&self) -> bool {
        self.template.is_some()
    }
}

fn parsed(server: &Server) -> Vec<Parsed<'_>> {
    let mut templates = 0usize;
    server
        .resources
        .iter()
        .map(|resource| {
            let parts = &resource.parts;
            let template = parts
                .iter()
                .any(|p| matches!(p, Part::Placeholder(_)))
                .then(|| {
                    templates += 1;
                    format_ident!("__GUMSTACK_TEMPLATE_{}", templates - 1)
                });
            Parsed {
                resource,
                parts,
                template,
            }
        })
        .collect()
}

pub fn expand(server: &Server) -> Expansion {
    if server.resources.is_empty() {
        return Expansion::default();
    }
    let p = private();
    let all = parsed(server);
    let (templates, fixed): (Vec<&Parsed>, Vec<&Parsed>) =
        all.iter().partition(|r| r.is_template());

    let checks = server
        .resources
        .iter()
        .map(|r| &r.method)
        .flat_map(|method| {
            let params = method.params().map(|param| {
                let ty = &param.ty;
                quote_spanned!(ty.span()=> const _: () = <#ty as ::gumstack::prompts::TextArg>::__CHECK;)
            });
            let output = match &method.output {
                Output::Plain(ty) | Output::Result(ty) => Some(
                    quote_spanned!(ty.span()=> const _: () = <#ty as ::gumstack::resources::ResourceValue>::__CHECK;),
                ),
                Output::Unit => None,
            };
            params
                .chain(output)
                .chain(context_checks(method))
                .collect::<Vec<_>>()
        });
    let template_statics = templates.iter().map(|t| {
        let ident = t.template.as_ref().expect("a template");
        let parts = t.parts.iter().map(|part| match part {
            Part::Literal(text) => quote!(#p::UriPart::Literal(#text)),
            Part::Placeholder(name) => quote!(#p::UriPart::Placeholder(#name)),
        });
        quote!(static #ident: #p::UriTemplate = #p::UriTemplate(&[#(#parts),*]);)
    });
    let items = quote! {
        #(#checks)*
        #(#template_statics)*
    };

    let descriptor = |r: &Parsed, builder: TokenStream| {
        let resource = r.resource;
        let uri = &resource.uri;
        let name = &resource.name;
        let title = some_or_none(resource.title.as_ref());
        let description = resource.method.description.as_deref().unwrap_or_default();
        let mime = some_or_none(resource.mime_type.as_ref());
        quote!(#p::#builder(#uri, #name, #title, #description, #mime))
    };
    let fixed_descriptors = fixed.iter().map(|r| descriptor(r, quote!(resource)));
    let template_descriptors = templates
        .iter()
        .map(|r| descriptor(r, quote!(resource_template)));

    let ctx = ctx_local();
    let fixed_arms = fixed.iter().map(|r| {
        let uri = &r.resource.uri;
        let read = read(r.resource);
        quote!(#uri => break 'read #read,)
    });
    let template_reads = templates.iter().map(|r| {
        let ident = r.template.as_ref().expect("a template");
        let binds = r.resource.method.params().map(|param| {
            let local = local(param);
            let ty = &param.ty;
            let name = &param.name;
            quote! {
                let #local = match (&#p::UserType::<#ty>::new()).uri_param(&vars, #name, uri) {
                    ::core::result::Result::Ok(value) => value,
                    ::core::result::Result::Err(error) => {
                        // A `let`, not `break 'read ::core::..`: syn reads `'read ::` as a label.
                        let failed = ::core::result::Result::Err(error);
                        break 'read failed;
                    }
                };
            }
        });
        let read = read(r.resource);
        quote! {
            if let ::core::option::Option::Some(vars) = #ident.matches(uri) {
                #(#binds)*
                break 'read #read;
            }
        }
    });

    let subscribe = subscribe(&all);
    let methods = quote! {
        async fn list_resources(
            &self,
            _request: ::core::option::Option<#p::rmcp::model::PaginatedRequestParams>,
            _context: #p::rmcp::service::RequestContext<#p::rmcp::RoleServer>,
        ) -> ::core::result::Result<#p::rmcp::model::ListResourcesResult, #p::rmcp::ErrorData> {
            static LIST: ::std::sync::LazyLock<::std::vec::Vec<#p::rmcp::model::Resource>> =
                ::std::sync::LazyLock::new(|| ::std::vec![#(#fixed_descriptors),*]);
            ::core::result::Result::Ok(#p::rmcp::model::ListResourcesResult::with_all_items(
                ::core::clone::Clone::clone(&*LIST),
            ))
        }

        async fn list_resource_templates(
            &self,
            _request: ::core::option::Option<#p::rmcp::model::PaginatedRequestParams>,
            _context: #p::rmcp::service::RequestContext<#p::rmcp::RoleServer>,
        ) -> ::core::result::Result<#p::rmcp::model::ListResourceTemplatesResult, #p::rmcp::ErrorData> {
            static LIST: ::std::sync::LazyLock<::std::vec::Vec<#p::rmcp::model::ResourceTemplate>> =
                ::std::sync::LazyLock::new(|| ::std::vec![#(#template_descriptors),*]);
            ::core::result::Result::Ok(#p::rmcp::model::ListResourceTemplatesResult::with_all_items(
                ::core::clone::Clone::clone(&*LIST),
            ))
        }

        #[allow(unused_variables)]
        async fn read_resource(
            &self,
            mut request: #p::rmcp::model::ReadResourceRequestParams,
            context: #p::rmcp::service::RequestContext<#p::rmcp::RoleServer>,
        ) -> ::core::result::Result<#p::rmcp::model::ReadResourceResponse, #p::rmcp::ErrorData> {
            #[allow(unused_imports)]
            use #p::{IntoJsonResource as _, IntoResourceContents as _, UncheckedResourceOutput as _};
            let (#ctx, mut rounds) = #p::Rounds::new(
                <Self as ::gumstack::Server>::NAME,
                "resources/read",
                &request.uri,
                &(),
                request.request_state.take(),
                request.input_responses.take(),
                &context,
                &__GUMSTACK_STATE,
            );
            rounds.receive().await?;
            let uri = request.uri.as_str();
            let contents = 'read: {
                match uri {
                    #(#fixed_arms)*
                    _ => {}
                }
                #(#template_reads)*
                ::core::result::Result::Err(#p::resource_not_found(uri))
            };
            rounds.conclude_result(contents.map(#p::rmcp::model::ReadResourceResult::new))
        }

        #subscribe
    };
    Expansion { items, methods }
}

/// Call one resource method (its parameters bound) and convert what it returns.
fn read(resource: &Resource) -> TokenStream {
    let p = private();
    let method = &resource.method;
    let mime = some_or_none(resource.mime_type.as_ref());
    let call = call(method);
    let contents =
        |value: TokenStream| quote!((&#p::ResourceOutput::new(#value)).contents(uri, #mime));
    let result = convert_output(
        &method.output,
        &method.sig,
        quote!(out),
        contents,
        |error, span| quote_spanned!(span=> ::core::result::Result::Err(::gumstack::__private::resource_error(#error))),
    );
    quote!({
        let out = #call;
        #result
    })
}

/// `resources/subscribe` and `unsubscribe`, when some resource offers subscriptions.
fn subscribe(all: &[Parsed]) -> TokenStream {
    let subscribable: Vec<&Parsed> = all.iter().filter(|r| r.resource.subscribe).collect();
    if subscribable.is_empty() {
        return TokenStream::new();
    }
    let p = private();
    let fixed: Vec<_> = subscribable
        .iter()
        .filter(|r| !r.is_template())
        .map(|r| &r.resource.uri)
        .collect();
    let fixed = if fixed.is_empty() {
        quote!(false)
    } else {
        quote!(::core::matches!(uri, #(#fixed)|*))
    };
    let templates = subscribable
        .iter()
        .filter_map(|r| r.template.as_ref())
        .map(|ident| quote!(|| #ident.matches(uri).is_some()))
        .collect::<Vec<_>>();
    quote! {
        async fn subscribe(
            &self,
            request: #p::rmcp::model::SubscribeRequestParams,
            context: #p::rmcp::service::RequestContext<#p::rmcp::RoleServer>,
        ) -> ::core::result::Result<(), #p::rmcp::ErrorData> {
            let uri = request.uri.as_str();
            let subscribable = #fixed #(#templates)*;
            #p::subscribe(&__GUMSTACK_STATE, uri, subscribable, &context)
        }

        async fn unsubscribe(
            &self,
            request: #p::rmcp::model::UnsubscribeRequestParams,
            context: #p::rmcp::service::RequestContext<#p::rmcp::RoleServer>,
        ) -> ::core::result::Result<(), #p::rmcp::ErrorData> {
            #p::unsubscribe(&__GUMSTACK_STATE, &request.uri, &context);
            ::core::result::Result::Ok(())
        }

        fn accepted_subscription_filter(
            &self,
            requested: &#p::rmcp::model::SubscriptionFilter,
        ) -> ::core::option::Option<#p::rmcp::model::SubscriptionFilter> {
            #p::accepted_subscription_filter(requested, |uri: &str| #fixed #(#templates)*)
        }

        fn listen(
            &self,
            context: #p::rmcp::service::SubscriptionContext,
        ) -> impl ::core::future::Future<
            Output = ::core::result::Result<(), #p::rmcp::ErrorData>,
        > + #p::rmcp::service::MaybeSendFuture + '_ {
            #p::listen(&__GUMSTACK_STATE, context)
        }
    }
}
