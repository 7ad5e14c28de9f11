//! `completion/complete`: route each (prompt or template, argument) to the
//! completer its `#[arg(complete = method)]` names.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::{Expansion, convert_output, ctx_local, private};
use crate::server::{
    parse::{CompleterInput, Output, Param, Server},
    uri::Part,
};

/// Whether any argument has a completer (the server then offers completions).
pub fn any(server: &Server) -> bool {
    refs(server).next().is_some()
}

/// A completable argument: `ref/prompt` (by name) or `ref/resource` (by URI template).
enum Ref<'a> {
    Prompt(&'a syn::LitStr),
    Template(&'a syn::LitStr),
}

fn refs(server: &Server) -> impl Iterator<Item = (Ref<'_>, &Param, &syn::Path)> {
    let prompts = server.prompts.iter().flat_map(|prompt| {
        prompt.method.params().filter_map(move |param| {
            Some((Ref::Prompt(&prompt.name), param, param.complete.as_ref()?))
        })
    });
    let templates = server.resources.iter().flat_map(|resource| {
        resource.method.params().filter_map(move |param| {
            Some((
                Ref::Template(&resource.uri),
                param,
                param.complete.as_ref()?,
            ))
        })
    });
    prompts.chain(templates)
}

pub fn expand(server: &Server) -> Expansion {
    if !any(server) {
        return Expansion::default();
    }
    let p = private();
    let ctx = ctx_local();

    // One output check per completer, however many arguments share it.
    let checks = server.completers.values().map(|completer| {
        let ty = match &completer.output {
            Output::Result(ok) | Output::Plain(ok) => ok.clone(),
            Output::Unit => syn::parse_quote_spanned!(completer.ident.span()=> ()),
        };
        let output =
            quote_spanned!(ty.span()=> const _: () = <#ty as ::gumstack::CompletionValues>::__CHECK;);
        let contexts = completer.inputs.iter().filter_map(|input| match input {
            CompleterInput::Context(ty) => Some(
                quote_spanned!(ty.span()=> const _: () = <#ty as ::gumstack::context::IsContext>::__CHECK;),
            ),
            CompleterInput::Text { .. } => None,
        });
        quote!(#output #(#contexts)*)
    });
    let items = quote!(#(#checks)*);

    let arms = refs(server).map(|(reference, param, path)| {
        let argument = &param.name;
        let call = call_completer(server, path);
        match reference {
            Ref::Prompt(name) => quote! {
                (#p::rmcp::model::Reference::Prompt(r), #argument) if r.name == #name => #call,
            },
            Ref::Template(uri) => quote! {
                (#p::rmcp::model::Reference::Resource(r), #argument) if r.uri == #uri => #call,
            },
        }
    });
    // Known prompts and templates answer "nothing to suggest" for arguments
    // without a completer; anything else is an unknown reference.
    let prompt_names: Vec<_> = server.prompts.iter().map(|p| &p.name).collect();
    let template_uris: Vec<_> = server
        .resources
        .iter()
        .filter(|r| r.parts.iter().any(|p| matches!(p, Part::Placeholder(_))))
        .map(|r| &r.uri)
        .collect();
    let known_prompt = (!prompt_names.is_empty()).then(|| {
        quote! {
            (#p::rmcp::model::Reference::Prompt(r), _)
                if ::core::matches!(r.name.as_str(), #(#prompt_names)|*) =>
            {
                ::core::result::Result::Ok(#p::no_completion())
            }
        }
    });
    let known_template = (!template_uris.is_empty()).then(|| {
        quote! {
            (#p::rmcp::model::Reference::Resource(r), _)
                if ::core::matches!(r.uri.as_str(), #(#template_uris)|*) =>
            {
                ::core::result::Result::Ok(#p::no_completion())
            }
        }
    });
    let methods = quote! {
        #[allow(unused_variables)]
        async fn complete(
            &self,
            request: #p::rmcp::model::CompleteRequestParams,
            context: #p::rmcp::service::RequestContext<#p::rmcp::RoleServer>,
        ) -> ::core::result::Result<#p::rmcp::model::CompleteResult, #p::rmcp::ErrorData> {
            #[allow(unused_imports)]
            use #p::{IntoCompletion as _, UncheckedCompletion as _};
            let #ctx = #p::Context::from_request(&context, &__GUMSTACK_STATE);
            let value = &request.argument.value;
            match (&request.r#ref, request.argument.name.as_str()) {
                #(#arms)*
                #known_prompt
                #known_template
                (reference, _) => ::core::result::Result::Err(#p::unknown_completion_ref(reference)),
            }
        }
    };
    Expansion { items, methods }
}

/// `self.completer(value, ctx)` in the completer's own parameter order, converted.
fn call_completer(server: &Server, path: &syn::Path) -> TokenStream {
    let p = private();
    let ctx = ctx_local();
    let ident = path.get_ident().expect("parsed: a method name");
    let completer = &server.completers[&ident.to_string()];
    let args = completer.inputs.iter().map(|input| match input {
        CompleterInput::Text { owned: false } => quote!(value.as_str()),
        CompleterInput::Text { owned: true } => quote!(::core::clone::Clone::clone(value)),
        CompleterInput::Context(ty) => quote!((&#p::UserType::<#ty>::new()).context_arg(&#ctx)),
    });
    // Spanned at the user's path, so a mismatch is reported where they named it.
    let call = if completer.is_async {
        quote_spanned!(path.span()=> self.#ident(#(#args),*).await)
    } else {
        quote_spanned!(path.span()=> self.#ident(#(#args),*))
    };
    let result = convert_output(
        &completer.output,
        &completer.sig,
        quote!(out),
        |value| quote!(::core::result::Result::Ok((&#p::CompletionOutput::new(#value)).completion())),
        |error, span| quote_spanned!(span=> ::core::result::Result::Err(::gumstack::__private::completion_error(#error))),
    );
    quote!({
        let out = #call;
        #result
    })
}
