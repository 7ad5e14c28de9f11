//! Elicitation: asking the user, through the client, to fill in a form
//! (form mode) or to visit a URL (URL mode).

use std::pin::Pin;

use rmcp::model::{
    ElicitRequest, ElicitRequestParams, ElicitResult, ElicitationAction, ElicitationSchema,
    InputRequest,
};
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::{Context, exchange::Kind};
use crate::{Error, Result};

/// What [`Context::elicit`] can ask for: a struct whose fields are strings,
/// numbers, booleans, enums or lists of enums (MCP forms are flat), deriving
/// `Deserialize` and `JsonSchema`. Doc comments become field descriptions,
/// `#[serde(default = ...)]` values become the form's defaults, enum variants
/// with `#[schemars(title = ...)]` become titled choices.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be asked of the user",
    label = "an elicited type must implement `serde::Deserialize` and `schemars::JsonSchema`",
    note = "derive both on a struct of strings, numbers, booleans and enums: `#[derive(serde::Deserialize, schemars::JsonSchema)]`"
)]
pub trait Elicit: DeserializeOwned + JsonSchema + Send + 'static {}
impl<T: DeserializeOwned + JsonSchema + Send + 'static> Elicit for T {}

/// The user's answer to an elicitation.
#[derive(Debug, Clone, PartialEq)]
pub enum Elicitation<T> {
    /// The user submitted the form (or, in URL mode, agreed to go).
    Accepted(T),
    /// The user explicitly said no.
    Declined,
    /// The user dismissed the request without choosing.
    Cancelled,
}

impl<T> Elicitation<T> {
    /// The accepted value, if any.
    pub fn accepted(self) -> Option<T> {
        match self {
            Self::Accepted(value) => Some(value),
            _ => None,
        }
    }

    /// `accept`, `decline` or `cancel`, as MCP names the actions.
    pub fn action(&self) -> &'static str {
        match self {
            Self::Accepted(_) => "accept",
            Self::Declined => "decline",
            Self::Cancelled => "cancel",
        }
    }
}

impl Context {
    /// Ask the user to fill in a form shaped like `T`.
    ///
    /// ```no_run
    /// # async fn f(ctx: gumstack::Context) -> gumstack::Result<()> {
    /// #[derive(serde::Deserialize, schemars::JsonSchema)]
    /// struct Contact {
    ///     /// Your name
    ///     name: String,
    ///     /// Where we may write to you
    ///     email: Option<String>,
    /// }
    /// if let Some(contact) = ctx.elicit::<Contact>("Who are you?").await?.accepted() {
    ///     // ...
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// (The future is boxed so that a `T` missing a derive is reported once, at
    /// the call, rather than again wherever the future's type is named. Like
    /// every ask, it owns a clone of the context: `ctx.key(..).elicit(..)`
    /// can go into `tokio::join!`.)
    pub fn elicit<T: Elicit>(
        &self,
        message: impl Into<String>,
    ) -> Pin<Box<dyn Future<Output = Result<Elicitation<T>>> + Send + 'static>> {
        let (ctx, message) = (self.clone(), message.into());
        Box::pin(async move { ctx.elicit_typed(message).await })
    }

    async fn elicit_typed<T: Elicit>(&self, message: String) -> Result<Elicitation<T>> {
        let schema = requested_schema::<T>()?;
        let answer = self.elicit_form(message, schema).await?;
        match answer {
            Elicitation::Accepted(content) => serde_json::from_value(content)
                .map(Elicitation::Accepted)
                .map_err(|e| {
                    Error::msg(format!(
                        "the user's answer does not fit `{}`: {e}",
                        std::any::type_name::<T>()
                    ))
                }),
            Elicitation::Declined => Ok(Elicitation::Declined),
            Elicitation::Cancelled => Ok(Elicitation::Cancelled),
        }
    }

    /// Ask the user to fill in a form given as a JSON Schema object (MCP's
    /// restricted subset: an object of primitive properties); the answer is the
    /// submitted object. For shapes a Rust type cannot express.
    pub fn elicit_schema(
        &self,
        message: impl Into<String>,
        schema: Value,
    ) -> impl Future<Output = Result<Elicitation<Value>>> + Send + 'static {
        let (ctx, message) = (self.clone(), message.into());
        async move {
            let schema: ElicitationSchema = serde_json::from_value(schema).map_err(|e| {
                Error::msg(format!(
                    "not an elicitation schema (an object whose properties are strings, numbers, booleans or enums): {e}"
                ))
            })?;
            ctx.elicit_form(message, schema).await
        }
    }

    /// Whether the client declared URL-mode elicitation: an offer the call
    /// does without otherwise (under 2026-07-28, asking a client that cannot
    /// answer fails the call).
    pub(crate) fn can_elicit_url(&self) -> bool {
        self.supports(Kind::Elicitation, true)
    }

    /// Ask the user to visit `url` (URL mode: for what must not pass through the
    /// client, such as credentials or a payment). `Accepted` means the user
    /// agreed to open it, not that they finished there.
    pub fn elicit_url(
        &self,
        message: impl Into<String>,
        url: impl Into<String>,
    ) -> impl Future<Output = Result<Elicitation<()>>> + Send + 'static {
        let (ctx, message, url) = (self.clone(), message.into(), url.into());
        async move { ctx.elicit_url_owned(message, url).await }
    }

    async fn elicit_url_owned(&self, message: String, url: String) -> Result<Elicitation<()>> {
        if !self.supports(Kind::Elicitation, true) {
            return Err(self.unsupported(Kind::Elicitation, "elicitation.url"));
        }
        let params = |elicitation_id| ElicitRequestParams::UrlElicitationParams {
            meta: None,
            message,
            url,
            elicitation_id,
        };
        Ok(match self.send_elicitation(params).await? {
            (ElicitationAction::Accept, _) => Elicitation::Accepted(()),
            (ElicitationAction::Decline, _) => Elicitation::Declined,
            // Cancel, and any action a newer protocol adds: not an answer.
            _ => Elicitation::Cancelled,
        })
    }

    async fn elicit_form(
        &self,
        message: String,
        requested_schema: ElicitationSchema,
    ) -> Result<Elicitation<Value>> {
        if !self.supports(Kind::Elicitation, false) {
            return Err(self.unsupported(Kind::Elicitation, "elicitation"));
        }
        let params = |_| ElicitRequestParams::FormElicitationParams {
            meta: None,
            message,
            requested_schema,
        };
        Ok(match self.send_elicitation(params).await? {
            (ElicitationAction::Accept, content) => {
                Elicitation::Accepted(content.unwrap_or_else(|| Value::Object(Map::new())))
            }
            (ElicitationAction::Decline, _) => Elicitation::Declined,
            // Cancel, and any action a newer protocol adds: not an answer.
            _ => Elicitation::Cancelled,
        })
    }

    async fn send_elicitation(
        &self,
        params: impl FnOnce(String) -> ElicitRequestParams,
    ) -> Result<(ElicitationAction, Option<Value>)> {
        let answer = self
            .ask(Kind::Elicitation, |id| {
                InputRequest::Elicitation(ElicitRequest::new(params(id)))
            })
            .await?;
        let result: ElicitResult = Self::answer(Kind::Elicitation, answer)?;
        Ok((result.action, result.content))
    }
}

/// `T`'s JSON Schema in MCP's elicitation dialect.
fn requested_schema<T: JsonSchema>() -> Result<ElicitationSchema> {
    let mut settings = schemars::generate::SchemaSettings::draft2020_12();
    // Forms are flat: no `$ref`s for the client to resolve.
    settings.inline_subschemas = true;
    let mut schema = settings
        .into_generator()
        .into_root_schema_for::<T>()
        .to_value();
    normalize(&mut schema);
    serde_json::from_value(schema).map_err(|e| {
        Error::msg(format!(
            "`{}` cannot be asked of the user: an elicitation form is a struct whose fields are strings, numbers, booleans, enums or lists of enums ({e})",
            std::any::type_name::<T>()
        ))
    })
}

/// Rewrite what schemars generates into the shapes MCP defines for forms:
/// optional fields are expressed by `required` alone (no `null` types), a titled
/// choice is `{type: string, oneOf: [{const, title}]}`, and a titled multiple
/// choice is `{type: array, items: {anyOf: [{const, title}]}}`.
fn normalize(schema: &mut Value) {
    if let Some(Value::Object(properties)) = schema.get_mut("properties") {
        properties.values_mut().for_each(normalize_property);
    }
}

fn normalize_property(property: &mut Value) {
    let Value::Object(map) = property else { return };
    drop_null(map);
    if map.get("type").and_then(Value::as_str) == Some("array") {
        if let Some(Value::Object(items)) = map.get_mut("items") {
            drop_null(items);
            titled_choices(items, "anyOf");
        }
    } else {
        titled_choices(map, "oneOf");
    }
}

/// Remove what `Option<T>` adds: `null` in `type` and `enum`, `{type: null}` alternatives.
fn drop_null(map: &mut Map<String, Value>) {
    if let Some(Value::Array(types)) = map.get("type") {
        let kept: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
        if let [only] = kept.as_slice() {
            map.insert("type".into(), only.clone());
        }
    }
    if let Some(Value::Array(values)) = map.get_mut("enum") {
        values.retain(|v| !v.is_null());
    }
    for key in ["anyOf", "oneOf"] {
        let Some(Value::Array(alternatives)) = map.get_mut(key) else {
            continue;
        };
        alternatives.retain(|a| a.get("type").and_then(Value::as_str) != Some("null"));
        // `Option<Choice>` is `anyOf: [<choice>, null]`: what is left is the choice.
        if let [Value::Object(only)] = alternatives.as_slice()
            && !only.contains_key("const")
        {
            let only = only.clone();
            map.remove(key);
            for (k, v) in only {
                map.entry(k).or_insert(v);
            }
            drop_null(map);
        }
    }
}

/// `oneOf`/`anyOf` of `{const, title}`: put them under `key`, typed `string`.
fn titled_choices(map: &mut Map<String, Value>, key: &str) {
    let Some(alternatives) = map.remove("oneOf").or_else(|| map.remove("anyOf")) else {
        return;
    };
    let Value::Array(mut alternatives) = alternatives else {
        return;
    };
    let all_const = alternatives.iter().all(|a| a.get("const").is_some());
    if all_const {
        for alt in &mut alternatives {
            if let Value::Object(alt) = alt {
                alt.remove("type");
                // A variant's doc comment is its best title when it has none.
                if !alt.contains_key("title")
                    && let Some(description) = alt.remove("description")
                {
                    alt.insert("title".into(), description);
                }
            }
        }
        map.insert("type".into(), "string".into());
    }
    map.insert(key.into(), Value::Array(alternatives));
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Deserialize, JsonSchema)]
    #[serde(rename_all = "lowercase")]
    #[allow(dead_code)]
    enum Plain {
        One,
        Two,
    }

    #[derive(Deserialize, JsonSchema)]
    #[allow(dead_code)]
    enum Titled {
        #[serde(rename = "a")]
        #[schemars(title = "First")]
        A,
        /// Second
        #[serde(rename = "b")]
        B,
    }

    fn default_name() -> String {
        "John".into()
    }

    #[derive(Deserialize, JsonSchema)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    struct Form {
        /// Your name
        #[serde(default = "default_name")]
        name: String,
        age: Option<u32>,
        plain: Plain,
        maybe_plain: Option<Plain>,
        titled: Titled,
        maybe_titled: Option<Titled>,
        many: Vec<Plain>,
        many_titled: Vec<Titled>,
    }

    #[test]
    fn structs_become_mcp_forms() {
        let schema = serde_json::to_value(requested_schema::<Form>().unwrap()).unwrap();
        let p = &schema["properties"];
        assert_eq!(
            p["name"],
            json!({"type": "string", "description": "Your name", "default": "John"})
        );
        assert_eq!(p["age"]["type"], "integer");
        assert_eq!(
            p["plain"],
            json!({"type": "string", "enum": ["one", "two"]})
        );
        assert_eq!(
            p["maybePlain"],
            json!({"type": "string", "enum": ["one", "two"]})
        );
        let titled = json!({"type": "string", "oneOf": [
            {"const": "a", "title": "First"}, {"const": "b", "title": "Second"}
        ]});
        assert_eq!(p["titled"], titled);
        assert_eq!(p["maybeTitled"], titled);
        assert_eq!(
            p["many"],
            json!({"type": "array", "items": {"type": "string", "enum": ["one", "two"]}})
        );
        assert_eq!(
            p["manyTitled"]["items"],
            json!({"anyOf": [{"const": "a", "title": "First"}, {"const": "b", "title": "Second"}]})
        );
        let required = schema["required"].as_array().unwrap();
        assert!(required.contains(&json!("plain")));
        assert!(!required.contains(&json!("age")));
        assert!(!required.contains(&json!("name")));
    }

    #[derive(Deserialize, JsonSchema)]
    #[allow(dead_code)]
    struct Nested {
        inner: Form,
    }

    #[test]
    fn nested_structs_are_refused_with_a_reason() {
        let error = requested_schema::<Nested>().unwrap_err().to_string();
        assert!(error.contains("cannot be asked of the user"), "{error}");
    }
}
