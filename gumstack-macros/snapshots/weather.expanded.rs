impl Weather {
    /// Forecast for a city, up to 7 days ahead.
    #[tool(__gumstack_expanded)]
    async fn get_forecast(
        &self,
        city: String,
        days: Option<u32>,
        detail: Option<Detail>,
    ) -> gumstack::Result<Forecast> {
        let days = days.unwrap_or(3);
        if !(1..=7).contains(&days) {
            return Err(
                gumstack::Error::msg(format!("days must be between 1 and 7, got {days}")),
            );
        }
        let city = city.trim();
        if city.is_empty() {
            return Err(gumstack::Error::msg("city must not be empty"));
        }
        let creds = self.creds();
        debug_assert!(! creds.api_key.is_empty());
        let imperial = creds.units.as_deref() == Some("imperial");
        let full = matches!(detail, Some(Detail::Full));
        let seed = city
            .to_lowercase()
            .bytes()
            .fold(17u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
        let days = (1..=days)
            .map(|day| {
                let n = seed.wrapping_add(day.wrapping_mul(7919));
                let high_c = 12 + (n % 18) as i32;
                let low_c = high_c - 4 - (n % 5) as i32;
                let convert = |c: i32| if imperial { c * 9 / 5 + 32 } else { c };
                Day {
                    day,
                    high: convert(high_c),
                    low: convert(low_c),
                    wind_kph: full.then_some(5 + n % 30),
                    rain_mm: full.then_some(n % 12),
                }
            })
            .collect();
        Ok(Forecast {
            city: city.to_owned(),
            units: if imperial { "imperial" } else { "metric" }.to_owned(),
            days,
        })
    }
    /// Whether a weather alert is in force for a region.
    #[tool(__gumstack_expanded)]
    fn get_alerts(&self, region: String) -> String {
        format!("No weather alerts in force for {region}.")
    }
}
const _: () = {
    #[allow(unused_imports)]
    use ::gumstack::__private::{
        ContextType as _, CredentialsType as _, TextArgType as _, ToolArgType as _,
        Unchecked as _,
    };
    const _: () = <String as ::gumstack::tools::ToolArg>::__CHECK;
    const _: () = <u32 as ::gumstack::tools::ToolArg>::__CHECK;
    const _: () = <Detail as ::gumstack::tools::ToolArg>::__CHECK;
    const _: () = <String as ::gumstack::tools::ToolArg>::__CHECK;
    const _: () = <Forecast as ::gumstack::tools::ToolOutput>::__CHECK;
    const _: () = <String as ::gumstack::tools::ToolOutput>::__CHECK;
    static __GUMSTACK_ENV_CREDS: ::std::sync::OnceLock<WeatherEnv> = ::std::sync::OnceLock::new();
    impl Weather {
        /// The operator's credentials (`auth = none`), read from env once at
        /// start-up: synchronous and free of allocation.
        #[allow(dead_code)]
        pub fn creds(&self) -> &'static WeatherEnv {
            __GUMSTACK_ENV_CREDS
                .get_or_init(|| {
                    (&::gumstack::__private::UserType::<WeatherEnv>::new())
                        .env_creds_outside_host()
                })
        }
    }
    /// What this server remembers of its sessions: log levels, subscriptions.
    static __GUMSTACK_STATE: ::gumstack::__private::ServerState = ::gumstack::__private::ServerState::new();
    /// The server the host runs (set at start-up, for tasks).
    #[allow(dead_code)]
    static __GUMSTACK_INSTANCE: ::std::sync::OnceLock<::std::sync::Arc<Weather>> = ::std::sync::OnceLock::new();
    impl ::gumstack::Server for Weather {
        type Auth = ::gumstack::__private::NoAuth<WeatherEnv>;
        const NAME: &'static str = "weather";
        const VERSION: &'static str = ::core::env!("CARGO_PKG_VERSION");
        const INSTRUCTIONS: ::core::option::Option<&'static str> = ::core::option::Option::Some(
            "Weather forecasts. Call get_forecast with a city name.",
        );
        fn tools() -> &'static [::gumstack::__private::rmcp::model::Tool] {
            static TOOLS: ::std::sync::LazyLock<
                ::std::vec::Vec<::gumstack::__private::rmcp::model::Tool>,
            > = ::std::sync::LazyLock::new(|| {
                ::std::vec![
                    ::gumstack::__private::tool("get_forecast",
                    ::core::option::Option::Some("Get forecast"),
                    "Forecast for a city, up to 7 days ahead.", { let schema =
                    ::gumstack::__private::InputSchema::new(); let schema = (&
                    ::gumstack::__private::UserType:: < String > ::new()).param(schema,
                    "city", ::core::option::Option::Some("City name, e.g. \"Paris\""),
                    true); let schema = (& ::gumstack::__private::UserType:: < Option <
                    u32 > > ::new()).param(schema, "days",
                    ::core::option::Option::Some("Days ahead, 1 to 7 (default 3)"),
                    false); let schema = (& ::gumstack::__private::UserType:: < Option <
                    Detail > > ::new()).param(schema, "detail",
                    ::core::option::Option::Some("How much detail (default brief)"),
                    false); schema.finish() }, { #[allow(unused_imports)] use
                    ::gumstack::__private:: { NoSchema as _, StructuredSchema as _,
                    UncheckedOutputSchema as _ }; (&
                    ::gumstack::__private::OutputSchema:: < Forecast > ::new())
                    .output_schema() }, [::core::option::Option::Some(true),
                    ::core::option::Option::None, ::core::option::Option::Some(true),
                    ::core::option::Option::Some(true)]),
                    ::gumstack::__private::tool("get_alerts",
                    ::core::option::Option::None,
                    "Whether a weather alert is in force for a region.", { let schema =
                    ::gumstack::__private::InputSchema::new(); let schema = (&
                    ::gumstack::__private::UserType:: < String > ::new()).param(schema,
                    "region", ::core::option::Option::None, true); schema.finish() }, {
                    #[allow(unused_imports)] use ::gumstack::__private:: { NoSchema as _,
                    StructuredSchema as _, UncheckedOutputSchema as _ }; (&
                    ::gumstack::__private::OutputSchema:: < String > ::new())
                    .output_schema() }, [::core::option::Option::Some(true),
                    ::core::option::Option::None, ::core::option::Option::None,
                    ::core::option::Option::None])
                ]
            });
            &TOOLS
        }
        #[allow(unused_mut, unused_variables, clippy::let_unit_value)]
        fn call_tool<'a>(
            &'a self,
            name: &'a str,
            arguments: ::gumstack::__private::rmcp::model::JsonObject,
        ) -> impl ::core::future::Future<
            Output = ::core::option::Option<
                ::gumstack::__private::rmcp::model::CallToolResult,
            >,
        > + ::core::marker::Send + 'a {
            async move {
                match name {
                    "get_forecast" => {
                        ::core::option::Option::Some(
                            async {
                                let mut arguments = ::gumstack::__private::Args::new(
                                    "get_forecast",
                                    arguments,
                                );
                                let __gumstack_arg_city = (&::gumstack::__private::UserType::<
                                    String,
                                >::new())
                                    .required(&mut arguments, "city");
                                let __gumstack_arg_days = (&::gumstack::__private::UserType::<
                                    u32,
                                >::new())
                                    .optional(&mut arguments, "days");
                                let __gumstack_arg_detail = (&::gumstack::__private::UserType::<
                                    Detail,
                                >::new())
                                    .optional(&mut arguments, "detail");
                                if let ::core::result::Result::Err(error) = arguments
                                    .finish(&["city", "days", "detail"])
                                {
                                    return error;
                                }
                                let (
                                    ::core::option::Option::Some(__gumstack_arg_city),
                                    ::core::option::Option::Some(__gumstack_arg_days),
                                    ::core::option::Option::Some(__gumstack_arg_detail),
                                ) = (
                                    __gumstack_arg_city,
                                    __gumstack_arg_days,
                                    __gumstack_arg_detail,
                                ) else { ::core::unreachable!() };
                                match self
                                    .get_forecast(
                                        __gumstack_arg_city,
                                        __gumstack_arg_days,
                                        __gumstack_arg_detail,
                                    )
                                    .await
                                {
                                    ::core::result::Result::Ok(value) => {
                                        #[allow(unused_imports)]
                                        use ::gumstack::__private::{
                                            IntoContent as _, IntoStructured as _, UncheckedOutput as _,
                                        };
                                        (&::gumstack::__private::Output::new(value)).tool_result()
                                    }
                                    ::core::result::Result::Err(error) => {
                                        ::gumstack::__private::tool_error(error)
                                    }
                                }
                            }
                                .await,
                        )
                    }
                    "get_alerts" => {
                        ::core::option::Option::Some(
                            async {
                                let mut arguments = ::gumstack::__private::Args::new(
                                    "get_alerts",
                                    arguments,
                                );
                                let __gumstack_arg_region = (&::gumstack::__private::UserType::<
                                    String,
                                >::new())
                                    .required(&mut arguments, "region");
                                if let ::core::result::Result::Err(error) = arguments
                                    .finish(&["region"])
                                {
                                    return error;
                                }
                                let (
                                    ::core::option::Option::Some(__gumstack_arg_region),
                                ) = (__gumstack_arg_region,) else {
                                    ::core::unreachable!()
                                };
                                {
                                    #[allow(unused_imports)]
                                    use ::gumstack::__private::{
                                        IntoContent as _, IntoStructured as _, UncheckedOutput as _,
                                    };
                                    (&::gumstack::__private::Output::new(
                                        self.get_alerts(__gumstack_arg_region),
                                    ))
                                        .tool_result()
                                }
                            }
                                .await,
                        )
                    }
                    _ => ::core::option::Option::None,
                }
            }
        }
        fn __prepare() -> ::gumstack::Result<()> {
            (&::gumstack::__private::UserType::<WeatherEnv>::new())
                .load_env_creds(&__GUMSTACK_ENV_CREDS)
        }
    }
    impl Weather {
        /// Run the host: parses the command line (`serve --stdio`,
        /// `serve --http ADDR`, `config`) and serves until shut down.
        #[allow(dead_code)]
        pub async fn run(self) -> ::gumstack::Result<()> {
            ::gumstack::__private::run(self).await
        }
    }
    #[allow(deprecated)]
    impl ::gumstack::__private::rmcp::ServerHandler for Weather {
        fn get_info(&self) -> ::gumstack::__private::rmcp::model::ServerConfig {
            static INFO: ::std::sync::LazyLock<
                ::gumstack::__private::rmcp::model::ServerConfig,
            > = ::std::sync::LazyLock::new(|| ::gumstack::__private::server_config::<
                Weather,
            >(::gumstack::__private::Features {
                resources: false,
                subscribe: false,
                prompts: false,
                completions: false,
                tasks: false,
            }));
            ::core::clone::Clone::clone(&*INFO)
        }
        async fn list_tools(
            &self,
            _request: ::core::option::Option<
                ::gumstack::__private::rmcp::model::PaginatedRequestParams,
            >,
            _context: ::gumstack::__private::rmcp::service::RequestContext<
                ::gumstack::__private::rmcp::RoleServer,
            >,
        ) -> ::core::result::Result<
            ::gumstack::__private::rmcp::model::ListToolsResult,
            ::gumstack::__private::rmcp::ErrorData,
        > {
            ::core::result::Result::Ok(
                ::gumstack::__private::list_tools::<Self>(&_context).await,
            )
        }
        fn call_tool(
            &self,
            request: ::gumstack::__private::rmcp::model::CallToolRequestParams,
            context: ::gumstack::__private::rmcp::service::RequestContext<
                ::gumstack::__private::rmcp::RoleServer,
            >,
        ) -> impl ::core::future::Future<
            Output = ::core::result::Result<
                ::gumstack::__private::rmcp::model::CallToolResponse,
                ::gumstack::__private::rmcp::ErrorData,
            >,
        > + ::gumstack::__private::rmcp::service::MaybeSendFuture + '_ {
            ::gumstack::__private::call_tool(self, request, context, &__GUMSTACK_STATE)
        }
        fn get_tool(
            &self,
            name: &str,
        ) -> ::core::option::Option<::gumstack::__private::rmcp::model::Tool> {
            ::gumstack::__private::get_tool::<Self>(name)
        }
        async fn set_level(
            &self,
            request: ::gumstack::__private::rmcp::model::SetLevelRequestParams,
            context: ::gumstack::__private::rmcp::service::RequestContext<
                ::gumstack::__private::rmcp::RoleServer,
            >,
        ) -> ::core::result::Result<(), ::gumstack::__private::rmcp::ErrorData> {
            ::gumstack::__private::set_level(&__GUMSTACK_STATE, request, &context);
            ::core::result::Result::Ok(())
        }
    }
};
