//! `#[derive(Credentials)]`: parse -> expand (field checks happen while parsing).

mod expand;
mod parse;

use proc_macro2::TokenStream;

use crate::ctxt::Ctxt;

pub fn expand(item: TokenStream) -> TokenStream {
    let mut cx = Ctxt::default();
    let input: syn::DeriveInput = match syn::parse2(item) {
        Ok(i) => i,
        Err(e) => return e.into_compile_error(),
    };
    let parsed = parse::credentials(&mut cx, &input);
    match parsed {
        Some(creds) if !cx.has_errors() => expand::credentials(&creds),
        _ => cx.into_compile_errors(),
    }
}
