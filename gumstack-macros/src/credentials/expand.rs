//! Generate `impl Credentials`.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::{ext::IdentExt, spanned::Spanned};

use super::parse::CredentialsStruct;

pub fn credentials(creds: &CredentialsStruct) -> TokenStream {
    let ident = &creds.ident;
    let p = quote!(::gumstack::__private);
    let metas = creds.fields.iter().map(|f| {
        let name = &f.name;
        let label = &f.label;
        let description = opt_str(f.description.as_deref());
        let placeholder = opt_str(f.placeholder.as_deref());
        let secret = f.secret;
        let required = f.optional.is_none();
        let env = &f.env;
        quote! {
            ::gumstack::CredentialField {
                name: #name,
                label: #label,
                description: #description,
                placeholder: #placeholder,
                secret: #secret,
                required: #required,
                env: #env,
            }
        }
    });
    let checks = creds.fields.iter().map(|f| {
        let value_ty = f.optional.as_ref().unwrap_or(&f.ty);
        let value_check = quote_spanned!(value_ty.span()=>
            const _: () = <#value_ty as ::gumstack::credentials::CredentialValue>::__CHECK;
        );
        let ty = &f.ty;
        let secret_check = f
            .secret_flag
            .then(|| quote_spanned!(ty.span()=> const _: () = <#ty as ::gumstack::credentials::SecretField>::__CHECK;));
        quote!(#value_check #secret_check)
    });
    // Every local of the generated body is `__gumstack_`-prefixed: a field may
    // be named `errors`, `fields` or `lookup`.
    let idents: Vec<_> = creds.fields.iter().map(|f| &f.ident).collect();
    let locals: Vec<_> = creds
        .fields
        .iter()
        .map(|f| quote::format_ident!("__gumstack_field_{}", f.ident.unraw()))
        .collect();
    let validate = creds.validate.as_ref().map(|path| {
        quote_spanned! {path.span()=>
            fn validate(
                &self,
            ) -> impl ::core::future::Future<
                Output = ::core::result::Result<(), ::std::string::String>,
            > + ::core::marker::Send {
                #path(self)
            }
        }
    });
    // The server's own scopes, which `#[tool(scopes(...))]` of a `cred`
    // server name.
    let scopes = creds.scopes.as_ref().map(|ty| {
        quote! {
            impl #p::CredentialScopes for #ident {
                type Scopes = #ty;
            }
        }
    });
    let reads = creds
        .fields
        .iter()
        .zip(&locals)
        .enumerate()
        .map(|(i, (f, local))| {
            let (func, ty) = match &f.optional {
                Some(inner) => (quote!(optional_field), inner),
                None => (quote!(required_field), &f.ty),
            };
            quote! {
                let #local = (&#p::UserType::<#ty>::new()).#func(
                    &__gumstack_fields[#i],
                    #p::non_blank(__gumstack_lookup(&__gumstack_fields[#i])),
                    &mut __gumstack_errors,
                );
            }
        });
    quote! {
        const _: () = {
            #(#checks)*

            impl ::gumstack::Credentials for #ident {
                const FIELDS: &'static [::gumstack::CredentialField] = &[#(#metas),*];

                fn from_lookup(
                    __gumstack_lookup: &mut dyn ::core::ops::FnMut(
                        &'static ::gumstack::CredentialField,
                    ) -> ::core::option::Option<::std::string::String>,
                ) -> ::core::result::Result<Self, ::gumstack::CredentialsError> {
                    // A bad field type is reported once, by its `CredentialValue::__CHECK`.
                    #[allow(unused_imports)]
                    use #p::{CredentialValueType as _, Unchecked as _};
                    let __gumstack_fields: &'static [::gumstack::CredentialField] = Self::FIELDS;
                    let mut __gumstack_errors = ::gumstack::CredentialsError::default();
                    #(#reads)*
                    match (#(#locals,)*) {
                        (#(::core::option::Option::Some(#locals),)*) => {
                            ::core::result::Result::Ok(Self { #(#idents: #locals),* })
                        }
                        _ => ::core::result::Result::Err(__gumstack_errors),
                    }
                }

                #validate
            }

            #scopes
        };
    }
}

fn opt_str(value: Option<&str>) -> TokenStream {
    match value {
        Some(v) => quote!(::core::option::Option::Some(#v)),
        None => quote!(::core::option::Option::None),
    }
}
