//! Read the attribute arguments and the impl block into [`Server`].

use proc_macro2::{Span, TokenStream};
use syn::{
    FnArg, Ident, ImplItem, ItemImpl, LitBool, LitStr, Pat, ReturnType, Token, Type,
    parse::{ParseStream, Parser},
    spanned::Spanned,
};

use crate::{attrs, ctxt::Ctxt};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum AuthKind {
    None,
    Cred,
    OAuth,
}

pub struct Auth {
    pub kind: AuthKind,
    /// `none(T)`/`cred(T)`/`oauth(P)`; `None` for bare `none`.
    pub ty: Option<Type>,
}

#[derive(Default)]
pub struct ServerArgs {
    pub auth: Option<Auth>,
    pub name: Option<LitStr>,
    pub version: Option<LitStr>,
    pub instructions: Option<LitStr>,
}

pub struct Server {
    pub args: ServerArgs,
    pub self_ty: Type,
    pub tools: Vec<Tool>,
}

pub struct Tool {
    pub fn_ident: Ident,
    pub name: LitStr,
    pub title: Option<LitStr>,
    pub description: Option<String>,
    /// read_only, destructive, idempotent, open_world
    pub hints: [Option<LitBool>; 4],
    pub params: Vec<Param>,
    pub is_async: bool,
    pub output: Output,
    /// The `fn` signature, for errors about the method as a whole.
    pub sig: syn::Signature,
}

pub struct Param {
    pub ident: Ident,
    pub ty: Type,
    /// `T` of an `Option<T>` parameter.
    pub optional: Option<Type>,
    pub description: Option<LitStr>,
}

pub enum Output {
    Unit,
    Plain(Type),
    /// `Result<T, E>` (any path ending in `Result`): the `Ok` type.
    Result(Type),
}

pub const HINTS: [&str; 4] = ["read_only", "destructive", "idempotent", "open_world"];
const SERVER_KEYS: &str = "`auth`, `name`, `version` or `instructions`";

/// `auth = ..., name = "...", ...`
pub fn server_args(cx: &mut Ctxt, attr: TokenStream) -> ServerArgs {
    let mut args = ServerArgs::default();
    let parser = |input: ParseStream| {
        while !input.is_empty() {
            let key: Ident = input.parse()?;
            input.parse::<Token![=]>()?;
            match key.to_string().as_str() {
                "auth" => {
                    let auth = parse_auth(cx, input)?;
                    if args.auth.is_some() {
                        cx.error(
                            &key,
                            "duplicate `auth`: a server has exactly one auth mode, fixed at compile time",
                        );
                    } else {
                        args.auth = auth;
                    }
                }
                "name" | "version" | "instructions" => {
                    let value: LitStr = input.parse()?;
                    let slot = match key.to_string().as_str() {
                        "name" => &mut args.name,
                        "version" => &mut args.version,
                        _ => &mut args.instructions,
                    };
                    if slot.is_some() {
                        cx.error(&key, format!("duplicate `{key}`"));
                    }
                    *slot = Some(value);
                }
                other => {
                    cx.error(
                        &key,
                        format!("unknown server argument `{other}`; expected {SERVER_KEYS}"),
                    );
                    // Skip its value so the other arguments are still read.
                    while !input.is_empty() && !input.peek(Token![,]) {
                        input.parse::<proc_macro2::TokenTree>()?;
                    }
                }
            }
            if input.is_empty() {
                break;
            }
            input.parse::<Token![,]>()?;
        }
        Ok(())
    };
    if let Err(e) = parser.parse2(attr) {
        cx.syn_error(e);
    }
    args
}

fn parse_auth(cx: &mut Ctxt, input: ParseStream) -> syn::Result<Option<Auth>> {
    let kind_ident: Ident = input.parse()?;
    let ty = if input.peek(syn::token::Paren) {
        let content;
        syn::parenthesized!(content in input);
        Some(content.parse::<Type>()?)
    } else {
        None
    };
    let kind = match kind_ident.to_string().as_str() {
        "none" => AuthKind::None,
        "cred" => AuthKind::Cred,
        "oauth" => AuthKind::OAuth,
        other => {
            cx.error(
                &kind_ident,
                format!(
                    "unknown auth mode `{other}`; expected `none(T)`, `cred(T)` or `oauth(P)` (or `none` for no credentials)"
                ),
            );
            return Ok(None);
        }
    };
    if ty.is_none() && kind != AuthKind::None {
        let what = if kind == AuthKind::Cred {
            "`cred` needs the credentials type users enter: `auth = cred(MyCredentials)`"
        } else {
            "`oauth` needs the provider type: `auth = oauth(MyProvider)`"
        };
        cx.error(&kind_ident, what);
        return Ok(None);
    }
    Ok(Some(Auth { kind, ty }))
}

/// Read the impl block; returns the server (if the block is usable) and the
/// block with `#[tool]` and `#[arg]` removed.
pub fn server(cx: &mut Ctxt, args: ServerArgs, mut item: ItemImpl) -> (Option<Server>, ItemImpl) {
    let mut usable = true;
    if let Some((_, path, _)) = &item.trait_ {
        cx.error(
            path,
            "`#[gumstack::server]` goes on an inherent impl (`impl MyServer { ... }`), not a trait impl",
        );
        usable = false;
    }
    if !item.generics.params.is_empty() {
        cx.error(
            &item.generics,
            "a gumstack server type cannot be generic: the auth mode and tool table are fixed per type",
        );
        usable = false;
    }
    if args.auth.is_none() && !cx.has_errors() {
        cx.syn_error(syn::Error::new(
            Span::call_site(),
            "missing `auth = ...`: choose `none(T)`, `cred(T)` or `oauth(P)`; the auth mode cannot change later",
        ));
    }

    let mut tools = Vec::new();
    for impl_item in &mut item.items {
        let ImplItem::Fn(method) = impl_item else {
            continue;
        };
        let Some(index) = method.attrs.iter().position(is_tool_attr) else {
            continue;
        };
        let tool_attr = method.attrs.remove(index);
        if let Some(extra) = method.attrs.iter().find(|a| is_tool_attr(a)) {
            cx.error(extra, "duplicate `#[tool]` on one method");
        }
        method.attrs.retain(|a| !is_tool_attr(a));
        if let Some(tool) = parse_tool(cx, &tool_attr, method) {
            tools.push(tool);
        }
        // Put back an inert `#[tool(..)]` with the user's path, so the path resolves
        // (an import of `tool` counts as used) and the method keeps its place.
        method.attrs.insert(index, inert_tool_attr(&tool_attr));
    }
    let server = usable.then(|| Server {
        args,
        self_ty: (*item.self_ty).clone(),
        tools,
    });
    (server, item)
}

/// `#[tool(__gumstack_expanded)]` at `attr`'s path: the `tool` macro returns the method as is.
fn inert_tool_attr(attr: &syn::Attribute) -> syn::Attribute {
    let path = attr.path();
    let marker = Ident::new(crate::TOOL_EXPANDED_MARKER, path.span());
    syn::parse_quote_spanned!(attr.span()=> #[#path(#marker)])
}

fn is_tool_attr(attr: &syn::Attribute) -> bool {
    let path = attr.path();
    path.is_ident("tool")
        || (path.segments.len() == 2
            && path.segments[0].ident == "gumstack"
            && path.segments[1].ident == "tool")
}

fn parse_tool(cx: &mut Ctxt, attr: &syn::Attribute, method: &mut syn::ImplItemFn) -> Option<Tool> {
    let fn_ident = method.sig.ident.clone();
    let mut name = None::<LitStr>;
    let mut title = None::<LitStr>;
    let mut hints: [Option<LitBool>; 4] = Default::default();
    if !matches!(attr.meta, syn::Meta::Path(_)) {
        let result = attr.parse_nested_meta(|meta| {
            let key = meta.path.get_ident().map(Ident::to_string).unwrap_or_default();
            if key == "name" || key == "title" {
                let value: LitStr = meta.value()?.parse()?;
                let slot = if key == "name" { &mut name } else { &mut title };
                if slot.is_some() {
                    cx.error(&meta.path, format!("duplicate `{key}` in `#[tool]`"));
                }
                *slot = Some(value);
            } else if let Some(i) = HINTS.iter().position(|h| *h == key) {
                let value = if meta.input.peek(Token![=]) {
                    meta.value()?.parse()?
                } else {
                    LitBool::new(true, meta.path.span())
                };
                if hints[i].is_some() {
                    cx.error(&meta.path, format!("duplicate `{key}` in `#[tool]`"));
                }
                hints[i] = Some(value);
            } else {
                cx.error(
                    &meta.path,
                    format!(
                        "unknown `#[tool]` argument `{}`; expected `name`, `title`, `read_only`, `destructive`, `idempotent` or `open_world`",
                        quote::ToTokens::to_token_stream(&meta.path)
                    ),
                );
                if meta.input.peek(Token![=]) {
                    meta.value()?.parse::<syn::Expr>()?;
                }
            }
            Ok(())
        });
        if let Err(e) = result {
            cx.syn_error(e);
        }
    }

    let mut params = Vec::new();
    let mut has_self = false;
    for input in &mut method.sig.inputs {
        match input {
            FnArg::Receiver(receiver) => {
                has_self = true;
                if receiver.reference.is_none() || receiver.mutability.is_some() {
                    cx.error(
                        &*receiver,
                        "a tool takes `&self`: one server value serves every call at once",
                    );
                }
            }
            FnArg::Typed(typed) => {
                let description = take_arg_description(cx, &mut typed.attrs);
                let Pat::Ident(pat) = &*typed.pat else {
                    cx.error(
                        &typed.pat,
                        "a tool parameter needs a plain name (`city: String`): the name is the argument's name in the schema",
                    );
                    continue;
                };
                let ty = (*typed.ty).clone();
                params.push(Param {
                    ident: pat.ident.clone(),
                    optional: attrs::option_inner(&ty).cloned(),
                    ty,
                    description,
                });
            }
        }
    }
    if !has_self {
        cx.error(
            &method.sig.ident,
            format!("tool `{fn_ident}` must take `&self` as its first parameter"),
        );
    }
    let output = match &method.sig.output {
        ReturnType::Default => Output::Unit,
        ReturnType::Type(_, ty) => output_of(ty),
    };
    Some(Tool {
        name: name.unwrap_or_else(|| LitStr::new(&fn_ident.to_string(), fn_ident.span())),
        fn_ident,
        title,
        description: attrs::doc_text(&method.attrs),
        hints,
        params,
        is_async: method.sig.asyncness.is_some(),
        output,
        sig: method.sig.clone(),
    })
}

/// Read and remove `#[arg(description = "...")]`.
fn take_arg_description(cx: &mut Ctxt, attrs: &mut Vec<syn::Attribute>) -> Option<LitStr> {
    let mut description = None;
    attrs.retain(|attr| {
        if !attr.path().is_ident("arg") {
            return true;
        }
        let result = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("description") {
                if description.is_some() {
                    cx.error(&meta.path, "duplicate `description` in `#[arg]`");
                }
                description = Some(meta.value()?.parse::<LitStr>()?);
            } else {
                cx.error(
                    &meta.path,
                    format!(
                        "unknown `#[arg]` argument `{}`; expected `description = \"...\"`",
                        quote::ToTokens::to_token_stream(&meta.path)
                    ),
                );
                // Skip its value so the error stays the only one.
                if meta.input.peek(Token![=]) {
                    meta.value()?.parse::<syn::Expr>()?;
                }
            }
            Ok(())
        });
        if let Err(e) = result {
            cx.syn_error(e);
        }
        false
    });
    description
}

fn output_of(ty: &Type) -> Output {
    if let Type::Tuple(t) = ty
        && t.elems.is_empty()
    {
        return Output::Unit;
    }
    if let Type::Path(p) = ty
        && p.qself.is_none()
        && let Some(last) = p.path.segments.last()
        && last.ident == "Result"
        && let syn::PathArguments::AngleBracketed(args) = &last.arguments
        && let Some(syn::GenericArgument::Type(ok)) = args.args.first()
    {
        return Output::Result(ok.clone());
    }
    Output::Plain(ty.clone())
}
