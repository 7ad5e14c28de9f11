//! Generate `impl Credentials`.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::parse::CredentialsStruct;

pub fn credentials(creds: &CredentialsStruct) -> TokenStream {
    let ident = &creds.ident;
    let p = quote!(::gumstack::__private);
    let metas = creds.fields.iter().map(|f| {
        let name = f.ident.to_string();
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
            const _: () = #p::assert_credential_value::<#value_ty>();
        );
        let ty = &f.ty;
        let secret_check = f
            .secret_flag
            .then(|| quote_spanned!(ty.span()=> const _: () = #p::assert_secret_field::<#ty>();));
        quote!(#value_check #secret_check)
    });
    let locals: Vec<_> = creds.fields.iter().map(|f| &f.ident).collect();
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
    let reads = creds.fields.iter().enumerate().map(|(i, f)| {
        let local = &f.ident;
        let (func, ty) = match &f.optional {
            Some(inner) => (quote!(optional_field), inner),
            None => (quote!(required_field), &f.ty),
        };
        quote! {
            let #local = (&#p::UserType::<#ty>::new()).#func(
                &fields[#i],
                #p::non_blank(lookup(&fields[#i])),
                &mut errors,
            );
        }
    });
    quote! {
        const _: () = {
            #(#checks)*

            impl ::gumstack::Credentials for #ident {
                const FIELDS: &'static [::gumstack::CredentialField] = &[#(#metas),*];

                fn from_lookup(
                    lookup: &mut dyn ::core::ops::FnMut(
                        &'static ::gumstack::CredentialField,
                    ) -> ::core::option::Option<::std::string::String>,
                ) -> ::core::result::Result<Self, ::gumstack::CredentialsError> {
                    // A bad field type is reported once, by its `assert_credential_value`.
                    #[allow(unused_imports)]
                    use #p::{CredentialValueType as _, Unchecked as _};
                    let fields: &'static [::gumstack::CredentialField] = Self::FIELDS;
                    let mut errors = ::gumstack::CredentialsError::default();
                    #(#reads)*
                    match (#(#locals,)*) {
                        (#(::core::option::Option::Some(#locals),)*) => {
                            ::core::result::Result::Ok(Self { #(#locals),* })
                        }
                        _ => ::core::result::Result::Err(errors),
                    }
                }

                #validate
            }
        };
    }
}

fn opt_str(value: Option<&str>) -> TokenStream {
    match value {
        Some(v) => quote!(::core::option::Option::Some(#v)),
        None => quote!(::core::option::Option::None),
    }
}
