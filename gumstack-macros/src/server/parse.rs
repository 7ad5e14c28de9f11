//! Read the attribute arguments and the impl block into [`Server`].

use std::collections::{BTreeMap, HashMap};

use proc_macro2::{Span, TokenStream};
use syn::{
    FnArg, Ident, ImplItem, ItemImpl, LitBool, LitStr, Pat, ReturnType, Token, Type,
    parse::{ParseStream, Parser},
    spanned::Spanned,
};

use super::uri::{self, Part};
use crate::{
    attrs,
    ctxt::Ctxt,
    keys::{self, Attr},
};

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
    /// `scopes(a, b)`: what every connection asks for.
    pub scopes: Vec<Ident>,
}

pub struct Server {
    pub args: ServerArgs,
    pub self_ty: Type,
    pub tools: Vec<Tool>,
    pub resources: Vec<Resource>,
    pub prompts: Vec<Prompt>,
    /// The completers that `#[arg(complete = method)]` names, by method name.
    pub completers: BTreeMap<String, Completer>,
}

/// A method named by `#[arg(complete = method)]`: `fn(&self, value: &str) ->
/// Vec<String>`, perhaps async, perhaps with a `ctx: Context`.
pub struct Completer {
    pub ident: Ident,
    pub is_async: bool,
    /// Its parameters after `&self`, in order.
    pub inputs: Vec<CompleterInput>,
    pub output: Output,
    pub sig: syn::Signature,
}

#[allow(clippy::large_enum_variant)] // a parameter or two per completer, at compile time
pub enum CompleterInput {
    /// The text typed so far: `&str` (`owned: false`) or `String`.
    Text { owned: bool },
    /// A `Context` parameter (its type, as written).
    Context(Type),
}

/// What the three handler attributes share: one method of the impl block.
pub struct Method {
    pub fn_ident: Ident,
    pub description: Option<String>,
    pub inputs: Vec<Input>,
    pub is_async: bool,
    pub output: Output,
    /// The `fn` signature, for errors about the method as a whole.
    pub sig: syn::Signature,
}

/// One parameter after `&self`, in order.
#[allow(clippy::large_enum_variant)] // a handful per method, at compile time
pub enum Input {
    /// An argument the client supplies.
    Value(Param),
    /// `ctx: Context`: the request's context, supplied by gumstack.
    Context(ContextParam),
}

pub struct Param {
    pub ident: Ident,
    /// The argument's name on the wire: `#[arg(name = "...")]` or the parameter's.
    pub name: LitStr,
    pub ty: Type,
    /// `T` of an `Option<T>` parameter.
    pub optional: Option<Type>,
    pub description: Option<LitStr>,
    /// `#[arg(complete = method)]`
    pub complete: Option<syn::Path>,
    /// `#[arg(header = "Name")]`: mirrored into `Mcp-Param-Name` (SEP-2243).
    pub header: Option<LitStr>,
}

pub struct ContextParam {
    pub ty: Type,
    /// `true` for `&Context`/`&mut Context`, which is refused: it is passed by value.
    pub by_ref: bool,
}

impl Method {
    pub fn params(&self) -> impl Iterator<Item = &Param> {
        self.inputs.iter().filter_map(|i| match i {
            Input::Value(p) => Some(p),
            Input::Context(_) => None,
        })
    }

    pub fn contexts(&self) -> impl Iterator<Item = &ContextParam> {
        self.inputs.iter().filter_map(|i| match i {
            Input::Context(c) => Some(c),
            Input::Value(_) => None,
        })
    }
}

pub struct Tool {
    pub method: Method,
    pub name: LitStr,
    pub title: Option<LitStr>,
    /// read_only, destructive, idempotent, open_world
    pub hints: [Option<LitBool>; 4],
    /// `task = "optional" | "required" | "deferred"` (SEP-2663), checked in
    /// `validate`.
    pub task: Option<LitStr>,
    /// `scopes(a, b)`: the provider's scopes it needs, as the constants of
    /// its scope type.
    pub scopes: Vec<Ident>,
}

pub struct Resource {
    pub method: Method,
    /// The URI, or the URI template when it has `{placeholders}`.
    pub uri: LitStr,
    /// `uri` split into literal text and placeholders.
    pub parts: Vec<Part>,
    pub name: LitStr,
    pub title: Option<LitStr>,
    pub mime_type: Option<LitStr>,
    /// Clients may `resources/subscribe` to it.
    pub subscribe: bool,
}

pub struct Prompt {
    pub method: Method,
    pub name: LitStr,
    pub title: Option<LitStr>,
}

pub enum Output {
    Unit,
    Plain(Type),
    /// `Result<T, E>` (any path ending in `Result`): the `Ok` type.
    Result(Type),
}

/// The handler attributes, by the name the user writes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Tool,
    Resource,
    Prompt,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Tool => "tool",
            Kind::Resource => "resource",
            Kind::Prompt => "prompt",
        }
    }
}

pub const HINTS: [&str; 4] = ["read_only", "destructive", "idempotent", "open_world"];
const SERVER_KEYS: &str = "`auth`, `name`, `version`, `instructions` or `scopes(...)`";

/// `auth = ..., name = "...", ...`
pub fn server_args(cx: &mut Ctxt, attr: TokenStream) -> ServerArgs {
    const WITHIN: &str = "#[gumstack::server]";
    let mut auth = Attr::none("auth", WITHIN);
    let mut name = Attr::none("name", WITHIN);
    let mut version = Attr::none("version", WITHIN);
    let mut instructions = Attr::none("instructions", WITHIN);
    let mut scopes = Attr::none("scopes", WITHIN);
    let parser = |input: ParseStream| {
        while !input.is_empty() {
            let key: Ident = input.parse()?;
            if key == "scopes" {
                let content;
                syn::parenthesized!(content in input);
                scopes.set(cx, &key, scope_list(&content)?);
                if input.is_empty() {
                    break;
                }
                input.parse::<Token![,]>()?;
                continue;
            }
            input.parse::<Token![=]>()?;
            match key.to_string().as_str() {
                "auth" => {
                    if auth.is_set() {
                        cx.error(
                            &key,
                            "duplicate `auth`: a server has exactly one auth mode, fixed at compile time",
                        );
                        parse_auth(&mut Ctxt::default(), input)?;
                    } else if let Some(parsed) = parse_auth(cx, input)? {
                        auth.set(cx, &key, parsed);
                    }
                }
                "name" => name.set(cx, &key, input.parse()?),
                "version" => version.set(cx, &key, input.parse()?),
                "instructions" => instructions.set(cx, &key, input.parse()?),
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
    ServerArgs {
        auth: auth.get(),
        name: name.get(),
        version: version.get(),
        instructions: instructions.get(),
        scopes: scopes.get().unwrap_or_default(),
    }
}

/// `a, b`: the scopes of `scopes(...)`, each a constant of the provider's
/// scope type (`read_user` for GitHub's `read:user`).
fn scope_list(input: ParseStream) -> syn::Result<Vec<Ident>> {
    let names = syn::punctuated::Punctuated::<Ident, Token![,]>::parse_terminated(input)
        .map_err(|e| {
            syn::Error::new(
                e.span(),
                "`scopes(...)` lists the provider's scopes as Rust names: `scopes(repo, read_user)` (GitHub's `read:user` is `read_user`)",
            )
        })?;
    Ok(names.into_iter().collect())
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
/// block with our attributes made inert and `#[arg]` removed.
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
    let mut resources = Vec::new();
    let mut prompts = Vec::new();
    let mut methods: HashMap<String, syn::Signature> = HashMap::new();
    for impl_item in &mut item.items {
        let ImplItem::Fn(method) = impl_item else {
            continue;
        };
        methods.insert(method.sig.ident.to_string(), method.sig.clone());
        let Some(index) = method.attrs.iter().position(|a| handler_kind(a).is_some()) else {
            continue;
        };
        let attr = method.attrs.remove(index);
        let kind = handler_kind(&attr).expect("found above");
        for extra in method.attrs.iter().filter(|a| handler_kind(a).is_some()) {
            let other = handler_kind(extra).expect("filtered");
            let message = if other == kind {
                format!("duplicate `#[{}]` on one method", kind.name())
            } else {
                format!(
                    "a method is one of `#[tool]`, `#[resource]` or `#[prompt]`; this one is already a {}",
                    kind.name()
                )
            };
            cx.error(extra, message);
        }
        method.attrs.retain(|a| handler_kind(a).is_none());
        match kind {
            Kind::Tool => tools.extend(parse_tool(cx, &attr, method)),
            Kind::Resource => resources.extend(parse_resource(cx, &attr, method)),
            Kind::Prompt => prompts.extend(parse_prompt(cx, &attr, method)),
        }
        // Put back an inert attribute with the user's path, so the path resolves
        // (an import of `tool` counts as used) and the method keeps its place.
        method.attrs.insert(index, inert_attr(&attr));
    }
    let mut completers = BTreeMap::new();
    let named = resources
        .iter()
        .flat_map(|r| r.method.params())
        .chain(prompts.iter().flat_map(|p| p.method.params()))
        .filter_map(|p| p.complete.as_ref());
    for path in named {
        let Some(ident) = path.get_ident() else {
            cx.error(
                path,
                "`complete` names a method of this impl block: `complete = suggest_cities`",
            );
            continue;
        };
        if completers.contains_key(&ident.to_string()) {
            continue;
        }
        let Some(sig) = methods.get(&ident.to_string()) else {
            cx.error(
                path,
                format!(
                    "no method `{ident}` in this impl block: a completer is a method of the server, `fn {ident}(&self, value: &str) -> Vec<String>`"
                ),
            );
            continue;
        };
        if let Some(completer) = completer(cx, sig) {
            completers.insert(ident.to_string(), completer);
        }
    }
    let server = usable.then(|| Server {
        args,
        self_ty: (*item.self_ty).clone(),
        tools,
        resources,
        prompts,
        completers,
    });
    (server, item)
}

/// `#[tool(__gumstack_expanded)]` at `attr`'s path: the attribute macro returns
/// the method as is.
fn inert_attr(attr: &syn::Attribute) -> syn::Attribute {
    let path = attr.path();
    let marker = Ident::new(crate::EXPANDED_MARKER, path.span());
    syn::parse_quote_spanned!(attr.span()=> #[#path(#marker)])
}

/// Which handler attribute this is: `tool`, `gumstack::tool`, and so on.
fn handler_kind(attr: &syn::Attribute) -> Option<Kind> {
    let path = attr.path();
    let name = if path.segments.len() == 1 {
        &path.segments[0].ident
    } else if path.segments.len() == 2 && path.segments[0].ident == "gumstack" {
        &path.segments[1].ident
    } else {
        return None;
    };
    [Kind::Tool, Kind::Resource, Kind::Prompt]
        .into_iter()
        .find(|k| name == k.name())
}

/// Read `#[kind(key = "...", flag, flag = false)]` into `strings` and `flags`.
fn handler_keys(
    cx: &mut Ctxt,
    attr: &syn::Attribute,
    kind: Kind,
    strings: &mut [Attr<LitStr>],
    flags: &mut [Attr<LitBool>],
    mut scopes: Option<&mut Attr<Vec<Ident>>>,
) {
    let within = match kind {
        Kind::Tool => "#[tool]",
        Kind::Resource => "#[resource]",
        Kind::Prompt => "#[prompt]",
    };
    let names: Vec<&str> = strings
        .iter()
        .map(Attr::name)
        .chain(flags.iter().map(Attr::name))
        .chain(scopes.as_ref().map(|a| a.name()))
        .collect();
    keys::each(cx, attr, |cx, meta| {
        let key = keys::key(&meta);
        if let Some(slot) = scopes.as_deref_mut().filter(|a| a.name() == key) {
            let content;
            syn::parenthesized!(content in meta.input);
            slot.set(cx, &meta.path, scope_list(&content)?);
        } else if let Some(slot) = strings.iter_mut().find(|a| a.name() == key) {
            slot.set(cx, &meta.path, meta.value()?.parse()?);
        } else if let Some(slot) = flags.iter_mut().find(|a| a.name() == key) {
            slot.set(cx, &meta.path, keys::flag(&meta)?);
        } else {
            let hint = match (key.as_str(), keys::closest(&key, &names)) {
                (_, Some(close)) => format!("; did you mean `{close}`?"),
                ("subscribe" | "uri" | "mime_type", None) => "; it belongs on `#[resource]`".into(),
                _ => String::new(),
            };
            keys::unknown(cx, &meta, within, keys::expected(&names), &hint)?;
        }
        Ok(())
    });
}

fn parse_tool(cx: &mut Ctxt, attr: &syn::Attribute, method: &mut syn::ImplItemFn) -> Option<Tool> {
    let mut strings = [
        Attr::none("name", "#[tool]"),
        Attr::none("title", "#[tool]"),
        Attr::none("task", "#[tool]"),
    ];
    let mut flags = HINTS.map(|h| Attr::none(h, "#[tool]"));
    let mut scopes = Attr::none("scopes", "#[tool]");
    handler_keys(
        cx,
        attr,
        Kind::Tool,
        &mut strings,
        &mut flags,
        Some(&mut scopes),
    );
    let method = parse_method(cx, method, Kind::Tool);
    let [name, title, task] = strings;
    Some(Tool {
        scopes: scopes.get().unwrap_or_default(),
        name: name
            .get()
            .unwrap_or_else(|| LitStr::new(&method.fn_ident.to_string(), method.fn_ident.span())),
        title: title.get(),
        hints: flags.map(Attr::get),
        task: task.get(),
        method,
    })
}

fn parse_resource(
    cx: &mut Ctxt,
    attr: &syn::Attribute,
    method: &mut syn::ImplItemFn,
) -> Option<Resource> {
    const WITHIN: &str = "#[resource]";
    let mut strings = ["uri", "name", "title", "mime_type"].map(|k| Attr::none(k, WITHIN));
    let mut flags = [Attr::none("subscribe", WITHIN)];
    handler_keys(cx, attr, Kind::Resource, &mut strings, &mut flags, None);
    let method = parse_method(cx, method, Kind::Resource);
    let [uri, name, title, mime_type] = strings;
    let [subscribe] = flags;
    let Some(uri) = uri.get() else {
        cx.error(
            attr,
            "`#[resource]` needs its URI: `#[resource(uri = \"test://static-text\")]`, or a template such as `uri = \"test://items/{id}\"`",
        );
        return None;
    };
    // The URI is split into text and placeholders once, here.
    let parts = match uri::parse(&uri.value()) {
        Ok(parts) => parts,
        Err(problem) => {
            cx.error(&uri, problem);
            return None;
        }
    };
    Some(Resource {
        name: name
            .get()
            .unwrap_or_else(|| LitStr::new(&method.fn_ident.to_string(), method.fn_ident.span())),
        title: title.get(),
        mime_type: mime_type.get(),
        subscribe: subscribe.get().is_some_and(|b| b.value),
        uri,
        parts,
        method,
    })
}

fn parse_prompt(
    cx: &mut Ctxt,
    attr: &syn::Attribute,
    method: &mut syn::ImplItemFn,
) -> Option<Prompt> {
    let mut strings = [
        Attr::none("name", "#[prompt]"),
        Attr::none("title", "#[prompt]"),
    ];
    handler_keys(cx, attr, Kind::Prompt, &mut strings, &mut [], None);
    let method = parse_method(cx, method, Kind::Prompt);
    let [name, title] = strings;
    Some(Prompt {
        name: name
            .get()
            .unwrap_or_else(|| LitStr::new(&method.fn_ident.to_string(), method.fn_ident.span())),
        title: title.get(),
        method,
    })
}

/// The signature of a handler method; strips `#[arg]` from its parameters.
fn parse_method(cx: &mut Ctxt, method: &mut syn::ImplItemFn, kind: Kind) -> Method {
    let fn_ident = method.sig.ident.clone();
    let mut inputs = Vec::new();
    let mut has_self = false;
    for input in &mut method.sig.inputs {
        match input {
            FnArg::Receiver(receiver) => {
                has_self = true;
                if receiver.reference.is_none() || receiver.mutability.is_some() {
                    cx.error(
                        &*receiver,
                        format!(
                            "a {} takes `&self`: one server value serves every call at once",
                            kind.name()
                        ),
                    );
                }
            }
            FnArg::Typed(typed) => {
                let arg = take_arg_attr(cx, &mut typed.attrs, kind);
                if let Some(context) = context_param(&typed.ty) {
                    if let Some(span) = arg.span {
                        cx.syn_error(syn::Error::new(
                            span,
                            "`#[arg]` describes an argument the client sends; the `Context` parameter is supplied by gumstack",
                        ));
                    }
                    inputs.push(Input::Context(context));
                    continue;
                }
                let Pat::Ident(pat) = &*typed.pat else {
                    let why = match kind {
                        Kind::Tool => "the name is the argument's name in the schema",
                        Kind::Prompt => "the name is the prompt argument's name",
                        Kind::Resource => "the name is the URI placeholder it binds",
                    };
                    cx.error(
                        &typed.pat,
                        format!(
                            "a {} parameter needs a plain name (`city: String`): {why}",
                            kind.name()
                        ),
                    );
                    continue;
                };
                let ty = (*typed.ty).clone();
                let ident = pat.ident.clone();
                let name = arg.name.unwrap_or_else(|| {
                    let unraw = ident.to_string();
                    let unraw = unraw.strip_prefix("r#").unwrap_or(&unraw).to_owned();
                    LitStr::new(&unraw, ident.span())
                });
                inputs.push(Input::Value(Param {
                    ident,
                    name,
                    optional: attrs::option_inner(&ty).cloned(),
                    ty,
                    description: arg.description,
                    complete: arg.complete,
                    header: arg.header,
                }));
            }
        }
    }
    if !has_self {
        cx.error(
            &method.sig.ident,
            format!(
                "{} `{fn_ident}` must take `&self` as its first parameter",
                kind.name()
            ),
        );
    }
    let output = match &method.sig.output {
        ReturnType::Default => Output::Unit,
        ReturnType::Type(_, ty) => output_of(ty),
    };
    Method {
        description: attrs::doc_text(&method.attrs),
        inputs,
        is_async: method.sig.asyncness.is_some(),
        output,
        sig: method.sig.clone(),
        fn_ident,
    }
}

/// A completer's signature: `fn(&self, value: &str) -> Vec<String>` (or
/// `String`), async or not, a `ctx: Context` anywhere.
fn completer(cx: &mut Ctxt, sig: &syn::Signature) -> Option<Completer> {
    let ident = &sig.ident;
    let shape = format!(
        "a completer takes the text typed so far: `fn {ident}(&self, value: &str) -> Vec<String>` (it may be async and take `ctx: Context`)"
    );
    let errors_before = cx.count();
    if !sig.generics.params.is_empty() {
        cx.error(&sig.generics, format!("{shape}; it cannot be generic"));
    }
    let mut inputs = Vec::new();
    let mut has_self = false;
    let mut values = 0;
    for input in &sig.inputs {
        match input {
            FnArg::Receiver(r) => {
                has_self = true;
                if r.reference.is_none() || r.mutability.is_some() {
                    cx.error(r, format!("{shape}; it takes `&self`"));
                }
            }
            FnArg::Typed(typed) => {
                if let Some(context) = context_param(&typed.ty) {
                    inputs.push(CompleterInput::Context(context.ty));
                    continue;
                }
                values += 1;
                match text_type(&typed.ty) {
                    Some(owned) if values == 1 => inputs.push(CompleterInput::Text { owned }),
                    _ => cx.error(&typed.ty, shape.clone()),
                }
            }
        }
    }
    // A wrong parameter is reported at it; a missing one at the name.
    if !has_self || values == 0 {
        cx.error(ident, shape);
    }
    let output = match &sig.output {
        ReturnType::Default => Output::Unit,
        ReturnType::Type(_, ty) => output_of(ty),
    };
    (cx.count() == errors_before).then(|| Completer {
        ident: ident.clone(),
        is_async: sig.asyncness.is_some(),
        inputs,
        output,
        sig: sig.clone(),
    })
}

/// `Some(false)` for `&str`, `Some(true)` for `String`.
fn text_type(ty: &Type) -> Option<bool> {
    match ty {
        Type::Reference(r)
            if r.mutability.is_none()
                && matches!(&*r.elem, Type::Path(p) if p.path.is_ident("str")) =>
        {
            Some(false)
        }
        Type::Path(p) if p.path.is_ident("String") => Some(true),
        _ => None,
    }
}

/// `Context`, `gumstack::Context` or `::gumstack::Context`, possibly behind `&`.
fn context_param(ty: &Type) -> Option<ContextParam> {
    let (inner, by_ref) = match ty {
        Type::Reference(r) => (&*r.elem, true),
        other => (other, false),
    };
    let Type::Path(path) = inner else { return None };
    if path.qself.is_some() {
        return None;
    }
    let segments: Vec<String> = path
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    let last = path.path.segments.last()?;
    if !last.arguments.is_none() {
        return None;
    }
    let is_context = match segments.as_slice() {
        [one] => one == "Context",
        [krate, one] => krate == "gumstack" && one == "Context",
        _ => false,
    };
    is_context.then(|| ContextParam {
        ty: ty.clone(),
        by_ref,
    })
}

struct ArgAttr {
    span: Option<Span>,
    name: Option<LitStr>,
    description: Option<LitStr>,
    complete: Option<syn::Path>,
    header: Option<LitStr>,
}

/// Read and remove `#[arg(name = "...", description = "...", complete = method)]`.
fn take_arg_attr(cx: &mut Ctxt, attrs: &mut Vec<syn::Attribute>, kind: Kind) -> ArgAttr {
    const WITHIN: &str = "#[arg]";
    let expected = match kind {
        Kind::Tool => "`name = \"...\"`, `description = \"...\"` or `header = \"...\"`",
        Kind::Prompt => "`name = \"...\"`, `description = \"...\"` or `complete = method`",
        Kind::Resource => "`name = \"...\"` or `complete = method`",
    };
    let mut span = None;
    let mut name = Attr::none("name", WITHIN);
    let mut description = Attr::none("description", WITHIN);
    let mut complete = Attr::none("complete", WITHIN);
    let mut header = Attr::none("header", WITHIN);
    attrs.retain(|attr| {
        if !attr.path().is_ident("arg") {
            return true;
        }
        span = Some(attr.span());
        keys::each(cx, attr, |cx, meta| {
            match (keys::key(&meta).as_str(), kind) {
                ("name", _) => name.set(cx, &meta.path, meta.value()?.parse()?),
                ("description", Kind::Resource) => {
                    cx.error(
                        &meta.path,
                        "a URI template parameter has no description in MCP; describe it in the resource's doc comment",
                    );
                    meta.value()?.parse::<syn::Expr>()?;
                }
                ("description", _) => description.set(cx, &meta.path, meta.value()?.parse()?),
                ("complete", Kind::Tool) => {
                    cx.error(
                        &meta.path,
                        "MCP completes prompt arguments and URI template parameters, not tool arguments: `complete` belongs on a `#[prompt]` or `#[resource]` parameter",
                    );
                    meta.value()?.parse::<syn::Expr>()?;
                }
                ("complete", _) => complete.set(cx, &meta.path, meta.value()?.parse()?),
                ("header", Kind::Tool) => header.set(cx, &meta.path, meta.value()?.parse()?),
                ("header", _) => {
                    cx.error(
                        &meta.path,
                        "only tool arguments are mirrored into headers (`Mcp-Param-*`, SEP-2243): `header` belongs on a `#[tool]` parameter",
                    );
                    meta.value()?.parse::<syn::Expr>()?;
                }
                _ => keys::unknown(cx, &meta, WITHIN, expected, "")?,
            }
            Ok(())
        });
        false
    });
    ArgAttr {
        span,
        name: name.get(),
        description: description.get(),
        complete: complete.get(),
        header: header.get(),
    }
}

pub fn output_of(ty: &Type) -> Output {
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
