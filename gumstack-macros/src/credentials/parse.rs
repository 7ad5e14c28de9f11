//! Read the struct and its `#[cred(...)]` attributes.

use syn::{Data, DeriveInput, Fields, Ident, LitStr, Type};

use crate::{
    attrs,
    ctxt::Ctxt,
    keys::{self, Attr},
};

pub struct CredentialsStruct {
    pub ident: Ident,
    pub fields: Vec<Field>,
    /// `#[cred(validate = path)]` on the struct: an async check of the values.
    pub validate: Option<syn::Path>,
    /// `#[cred(scopes = Type)]` on the struct: the server's own scopes (a
    /// type made with `gumstack::scopes!`), which `scopes(...)` name.
    pub scopes: Option<Type>,
}

pub struct Field {
    pub ident: Ident,
    /// The field's name in the form and config.yaml (`r#type` is `type`).
    pub name: String,
    pub ty: Type,
    /// `T` of an `Option<T>` field.
    pub optional: Option<Type>,
    pub label: String,
    pub description: Option<String>,
    pub placeholder: Option<String>,
    /// `#[cred(secret)]`, or the type is written `Secret`.
    pub secret: bool,
    /// Whether `secret` was written (then the type must be `Secret`).
    pub secret_flag: bool,
    pub env: String,
}

const KEYS: &str = "`label`, `description`, `placeholder`, `secret` or `env`";

pub fn credentials(cx: &mut Ctxt, input: &DeriveInput) -> Option<CredentialsStruct> {
    let ident = &input.ident;
    let named = match &input.data {
        Data::Struct(s) => match &s.fields {
            Fields::Named(named) => named,
            Fields::Unnamed(_) => {
                cx.error(
                    ident,
                    format!(
                        "`#[derive(Credentials)]` needs named fields: `{ident}` is a tuple struct, but each field needs a name (it is the field's name in the form and config.yaml)"
                    ),
                );
                return None;
            }
            Fields::Unit => {
                cx.error(
                    ident,
                    format!("`#[derive(Credentials)]` needs named fields: `{ident}` has none"),
                );
                return None;
            }
        },
        Data::Enum(_) => {
            cx.error(
                ident,
                format!(
                    "`#[derive(Credentials)]` works on structs with named fields, and `{ident}` is an enum"
                ),
            );
            return None;
        }
        Data::Union(_) => {
            cx.error(
                ident,
                format!(
                    "`#[derive(Credentials)]` works on structs with named fields, and `{ident}` is a union"
                ),
            );
            return None;
        }
    };
    if !input.generics.params.is_empty() {
        cx.error(&input.generics, "a credentials struct cannot be generic");
    }
    let fields = named.named.iter().map(|f| field(cx, f)).collect::<Vec<_>>();
    let (validate, scopes) = struct_keys(cx, &input.attrs);
    Some(CredentialsStruct {
        ident: ident.clone(),
        fields,
        validate,
        scopes,
    })
}

fn field(cx: &mut Ctxt, f: &syn::Field) -> Field {
    let ident = f.ident.clone().expect("named field");
    let name = syn::ext::IdentExt::unraw(&ident).to_string();
    const WITHIN: &str = "#[cred]";
    let mut label = Attr::<LitStr>::none("label", WITHIN);
    let mut description = Attr::<LitStr>::none("description", WITHIN);
    let mut placeholder = Attr::<LitStr>::none("placeholder", WITHIN);
    let mut env = Attr::<LitStr>::none("env", WITHIN);
    let mut secret = Attr::<()>::none("secret", WITHIN);
    for attr in f.attrs.iter().filter(|a| a.path().is_ident("cred")) {
        keys::each(cx, attr, |cx, meta| {
            match keys::key(&meta).as_str() {
                "label" => label.set(cx, &meta.path, meta.value()?.parse()?),
                "description" => description.set(cx, &meta.path, meta.value()?.parse()?),
                "placeholder" => placeholder.set(cx, &meta.path, meta.value()?.parse()?),
                "env" => env.set(cx, &meta.path, meta.value()?.parse()?),
                "secret" => secret.set(cx, &meta.path, ()),
                other => {
                    let names = ["label", "description", "placeholder", "secret", "env"];
                    let hint = keys::closest(other, &names)
                        .map(|close| format!("; did you mean `{close}`?"))
                        .unwrap_or_default();
                    keys::unknown(cx, &meta, WITHIN, KEYS, &hint)?
                }
            }
            Ok(())
        });
    }
    let (label, description, placeholder, env) =
        (label.get(), description.get(), placeholder.get(), env.get());
    let secret_flag = secret.get().is_some();
    let env_name = match &env {
        Some(lit) => {
            if let Some(problem) = attrs::env_name_problem(&lit.value()) {
                cx.error(lit, problem);
            }
            lit.value()
        }
        None => {
            let derived = name.to_ascii_uppercase();
            if let Some(problem) = attrs::env_name_problem(&derived) {
                cx.error(
                    &ident,
                    format!("{problem} (it is derived from the field name; set `#[cred(env = \"...\")]`)"),
                );
            }
            derived
        }
    };
    let optional = attrs::option_inner(&f.ty).cloned();
    let written_secret = is_secret_type(optional.as_ref().unwrap_or(&f.ty));
    Field {
        label: label
            .map(|l| l.value())
            .unwrap_or_else(|| default_label(&name)),
        description: description
            .map(|d| d.value())
            .or_else(|| attrs::doc_text(&f.attrs)),
        placeholder: placeholder.map(|p| p.value()),
        secret: secret_flag || written_secret,
        secret_flag,
        env: env_name,
        name,
        ty: f.ty.clone(),
        optional,
        ident,
    }
}

fn is_secret_type(ty: &Type) -> bool {
    matches!(ty, Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Secret"))
}

/// `api_key` -> `Api key`.
fn default_label(name: &str) -> String {
    let words = name.trim_matches('_').replace('_', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => name.to_owned(),
    }
}

/// `#[cred(validate = path)]` on the struct itself.
fn struct_keys(cx: &mut Ctxt, attrs: &[syn::Attribute]) -> (Option<syn::Path>, Option<Type>) {
    let mut validate = Attr::none("validate", "#[cred]");
    let mut scopes = Attr::none("scopes", "#[cred]");
    for attr in attrs.iter().filter(|a| a.path().is_ident("cred")) {
        keys::each(cx, attr, |cx, meta| {
            if meta.path.is_ident("validate") {
                validate.set(cx, &meta.path, meta.value()?.parse::<syn::Path>()?);
                Ok(())
            } else if meta.path.is_ident("scopes") {
                scopes.set(cx, &meta.path, meta.value()?.parse::<Type>()?);
                Ok(())
            } else {
                keys::unknown(
                    cx,
                    &meta,
                    "#[cred]",
                    "`validate = path::to::async_fn` or `scopes = MyScopes` on the struct",
                    " (field keys go on fields)",
                )
            }
        });
    }
    (validate.get(), scopes.get())
}
