//! Prompts: the static listing and one `get_prompt` arm per prompt.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::{
    Expansion, call, context_checks, convert_output, ctx_local, local, private, some_or_none,
};
use crate::server::parse::{Output, Prompt, Server};

pub fn expand(server: &Server) -> Expansion {
    if server.prompts.is_empty() {
        return Expansion::default();
    }
    let p = private();
    let checks = server.prompts.iter().map(|r| &r.method).flat_map(|method| {
        let params = method.params().map(|param| {
            let ty = param.optional.as_ref().unwrap_or(&param.ty);
            quote_spanned!(ty.span()=> const _: () = <#ty as ::gumstack::prompts::TextArg>::__CHECK;)
        });
        let output = match &method.output {
            Output::Plain(ty) | Output::Result(ty) => {
                Some(quote_spanned!(ty.span()=> const _: () = <#ty as ::gumstack::prompts::PromptValue>::__CHECK;))
            }
            Output::Unit => None,
        };
        params
            .chain(output)
            .chain(context_checks(method))
            .collect::<Vec<_>>()
    });
    let items = quote!(#(#checks)*);

    let descriptors = server.prompts.iter().map(|prompt| {
        let name = &prompt.name;
        let title = some_or_none(prompt.title.as_ref());
        let description = prompt.method.description.as_deref().unwrap_or_default();
        let arguments = prompt.method.params().map(|param| {
            let name = &param.name;
            let description = some_or_none(param.description.as_ref());
            let required = param.optional.is_none();
            quote!((#name, #description, #required))
        });
        quote!(#p::prompt(#name, #title, #description, &[#(#arguments),*]))
    });
    let arms = server.prompts.iter().map(get_arm);
    let ctx = ctx_local();
    let methods = quote! {
        async fn list_prompts(
            &self,
            _request: ::core::option::Option<#p::rmcp::model::PaginatedRequestParams>,
            _context: #p::rmcp::service::RequestContext<#p::rmcp::RoleServer>,
        ) -> ::core::result::Result<#p::rmcp::model::ListPromptsResult, #p::rmcp::ErrorData> {
            static LIST: ::std::sync::LazyLock<::std::vec::Vec<#p::rmcp::model::Prompt>> =
                ::std::sync::LazyLock::new(|| ::std::vec![#(#descriptors),*]);
            ::core::result::Result::Ok(#p::rmcp::model::ListPromptsResult::with_all_items(
                ::core::clone::Clone::clone(&*LIST),
            ))
        }

        #[allow(unused_variables, unused_mut)]
        async fn get_prompt(
            &self,
            mut request: #p::rmcp::model::GetPromptRequestParams,
            context: #p::rmcp::service::RequestContext<#p::rmcp::RoleServer>,
        ) -> ::core::result::Result<#p::rmcp::model::GetPromptResponse, #p::rmcp::ErrorData> {
            #[allow(unused_imports)]
            use #p::{IntoPrompt as _, UncheckedPrompt as _};
            let (#ctx, mut rounds) = #p::Rounds::new(
                <Self as ::gumstack::Server>::NAME,
                "prompts/get",
                &request.name,
                &request.arguments,
                request.request_state.take(),
                request.input_responses.take(),
                &context,
                &__GUMSTACK_STATE,
            );
            rounds.receive().await?;
            let result = match request.name.as_str() {
                #(#arms)*
                _ => ::core::result::Result::Err(#p::unknown_prompt(&request.name)),
            };
            rounds.conclude_result(result)
        }
    };
    Expansion { items, methods }
}

/// One arm: parse each argument, call, convert.
fn get_arm(prompt: &Prompt) -> TokenStream {
    let p = private();
    let name = &prompt.name;
    let method = &prompt.method;
    let params: Vec<_> = method.params().collect();
    let locals: Vec<_> = params.iter().map(|p| local(p)).collect();
    let parses = params.iter().zip(&locals).map(|(param, local)| {
        let key = &param.name;
        let (func, ty) = match &param.optional {
            Some(inner) => (quote!(prompt_optional), inner),
            None => (quote!(prompt_required), &param.ty),
        };
        quote!(let #local = (&#p::UserType::<#ty>::new()).#func(&mut arguments, #key);)
    });
    let keys = params.iter().map(|param| &param.name);
    let destructure = (!locals.is_empty()).then(|| {
        quote! {
            // `finish` succeeded, so every argument was parsed.
            let (#(::core::option::Option::Some(#locals),)*) = (#(#locals,)*) else {
                ::core::unreachable!()
            };
        }
    });
    let description = method.description.as_deref().unwrap_or_default();
    let call = call(method);
    let result = convert_output(
        &method.output,
        &method.sig,
        quote!(out),
        |value| quote!(::core::result::Result::Ok((&#p::PromptOutput::new(#value)).prompt_result(#description))),
        |error, span| quote_spanned!(span=> ::core::result::Result::Err(::gumstack::__private::prompt_error(#error))),
    );
    quote! {
        #name => 'get: {
            let mut arguments = #p::PromptArgs::new(#name, request.arguments);
            #(#parses)*
            if let ::core::result::Result::Err(error) = arguments.finish(&[#(#keys),*]) {
                // A `let`, not `break 'get ::core::..`: syn reads `'get ::` as a label.
                let failed = ::core::result::Result::Err(error);
                break 'get failed;
            }
            #destructure
            let out = #call;
            #result
        }
    }
}
