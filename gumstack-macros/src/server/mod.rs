//! `#[gumstack::server(...)]`: parse -> validate -> expand.

mod expand;
mod parse;
mod uri;
mod validate;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ctxt::Ctxt;

pub fn expand(attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut cx = Ctxt::default();
    let item_impl: syn::ItemImpl = match syn::parse2(item.clone()) {
        Ok(i) => i,
        Err(_) => {
            let e = syn::Error::new_spanned(
                &item,
                "`#[gumstack::server]` goes on an inherent `impl` block: `impl MyServer { ... }`",
            )
            .into_compile_error();
            return quote!(#e #item);
        }
    };
    let args = parse::server_args(&mut cx, attr);
    let (server, stripped) = parse::server(&mut cx, args, item_impl);
    if let Some(server) = &server {
        validate::server(&mut cx, server);
    }
    match server {
        Some(server) if !cx.has_errors() => expand::server(&server, &stripped),
        // Emit the user's impl (without our attributes) next to the errors,
        // and `creds()` and `run()` as stubs, so uses of them (every tool,
        // `main`) do not add a cascade of unrelated errors (thiserror's
        // `fallback.rs` does the same).
        server => {
            let errors = cx.into_compile_errors();
            let fallback = server.as_ref().map(expand::fallback);
            quote!(#errors #stripped #fallback)
        }
    }
}

#[cfg(test)]
mod tests;
