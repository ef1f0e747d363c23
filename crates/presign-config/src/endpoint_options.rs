//! The S3 endpoint settings botocore reads (dualstack, FIPS, acceleration,
//! the us-east-1 regional endpoint, ARN regions, Multi-Region Access Points,
//! S3 Express session auth), each from the places botocore reads it, in its
//! order, behind the flags a user expects.
//!
//! | setting | flag | environment | profile |
//! |---|---|---|---|
//! | dualstack | `--dualstack` | `AWS_USE_DUALSTACK_ENDPOINT` | `s3.use_dualstack_endpoint` (when true), `use_dualstack_endpoint` |
//! | FIPS | `--fips` | `AWS_USE_FIPS_ENDPOINT` | `use_fips_endpoint` |
//! | acceleration | `--accelerate` | | `s3.use_accelerate_endpoint` |
//! | us-east-1 endpoint | | `AWS_S3_US_EAST_1_REGIONAL_ENDPOINT` | `s3_us_east_1_regional_endpoint`, `s3.us_east_1_regional_endpoint` |
//! | ARN region | | `AWS_S3_USE_ARN_REGION` | `s3_use_arn_region`, `s3.use_arn_region` |
//! | MRAP off | | `AWS_S3_DISABLE_MULTIREGION_ACCESS_POINTS` | `s3.s3_disable_multiregion_access_points` |
//! | Express session auth off | | `AWS_S3_DISABLE_EXPRESS_SESSION_AUTH` | `s3_disable_express_session_auth` |
//!
//! botocore reads any boolean that is not `true` as false; presign accepts
//! `true` and `false` (any case) and refuses anything else, naming the
//! setting and where it came from, so a typo never silently turns a
//! setting off.

use crate::environment::Environment;
use crate::error::ConfigError;
use crate::overrides::Overrides;
use crate::shared_files::SharedFiles;
use crate::transport::Sourced;

/// `AWS_USE_DUALSTACK_ENDPOINT`.
pub(crate) const ENV_USE_DUALSTACK: &str = "AWS_USE_DUALSTACK_ENDPOINT";
/// `AWS_USE_FIPS_ENDPOINT`.
pub(crate) const ENV_USE_FIPS: &str = "AWS_USE_FIPS_ENDPOINT";
/// `AWS_S3_US_EAST_1_REGIONAL_ENDPOINT`.
pub(crate) const ENV_US_EAST_1_REGIONAL: &str = "AWS_S3_US_EAST_1_REGIONAL_ENDPOINT";
/// `AWS_S3_USE_ARN_REGION`.
pub(crate) const ENV_USE_ARN_REGION: &str = "AWS_S3_USE_ARN_REGION";
/// `AWS_S3_DISABLE_MULTIREGION_ACCESS_POINTS`.
pub(crate) const ENV_DISABLE_MRAP: &str = "AWS_S3_DISABLE_MULTIREGION_ACCESS_POINTS";
/// `AWS_S3_DISABLE_EXPRESS_SESSION_AUTH`.
pub(crate) const ENV_DISABLE_EXPRESS_SESSION_AUTH: &str = "AWS_S3_DISABLE_EXPRESS_SESSION_AUTH";

/// Where [`Overrides::use_arn_region`] is said to come from, in messages.
pub(crate) const GIVEN_USE_ARN_REGION: &str = "the use_arn_region given";
/// Where [`Overrides::us_east_1_regional`] is said to come from.
pub(crate) const GIVEN_US_EAST_1: &str = "the us_east_1_regional_endpoint given";
/// Where [`Overrides::disable_express_session_auth`] is said to come from.
pub(crate) const GIVEN_DISABLE_EXPRESS_SESSION_AUTH: &str =
    "the s3_disable_express_session_auth given";

/// Which host serves us-east-1: `s3.amazonaws.com` (`legacy`, botocore's
/// default) or `s3.us-east-1.amazonaws.com` (`regional`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UsEast1Endpoint {
    /// The global host, `s3.amazonaws.com`.
    Legacy,
    /// The regional host, `s3.us-east-1.amazonaws.com`.
    Regional,
}

/// The endpoint settings, each with where it came from; `None` where nothing
/// sets it (botocore's default applies: off, except `use_arn_region`, which
/// is on, and the us-east-1 endpoint, which is `legacy`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EndpointOptions {
    /// IPv6-capable hosts (`s3.dualstack.REGION.amazonaws.com`).
    pub dualstack: Option<Sourced<bool>>,
    /// FIPS 140 hosts (`s3-fips.REGION.amazonaws.com`).
    pub fips: Option<Sourced<bool>>,
    /// S3 Transfer Acceleration (`BUCKET.s3-accelerate.amazonaws.com`).
    pub accelerate: Option<Sourced<bool>>,
    /// `legacy` or `regional` for us-east-1.
    pub us_east_1: Option<Sourced<UsEast1Endpoint>>,
    /// An access point ARN's own region wins over the configured one.
    pub use_arn_region: Option<Sourced<bool>>,
    /// Multi-Region Access Point ARNs are refused.
    pub disable_multi_region_access_points: Option<Sourced<bool>>,
    /// Directory buckets are signed with the IAM keys (service `s3express`)
    /// instead of a `CreateSession` session.
    pub disable_express_session_auth: Option<Sourced<bool>>,
}

impl EndpointOptions {
    /// Whether a switch is on: `None` is off.
    #[must_use]
    pub fn is_on(setting: Option<&Sourced<bool>>) -> bool {
        setting.is_some_and(|sourced| sourced.value)
    }

    /// botocore's `use_arn_region`: on unless a setting turns it off.
    #[must_use]
    pub fn use_arn_region(&self) -> bool {
        self.use_arn_region
            .as_ref()
            .is_none_or(|sourced| sourced.value)
    }

    /// The switches that are on, each with where it comes from, for
    /// messages: `accelerate from --accelerate, FIPS from
    /// AWS_USE_FIPS_ENDPOINT`; empty when none is.
    #[must_use]
    pub fn in_force(&self) -> String {
        let mut parts: Vec<String> = [
            ("dualstack", &self.dualstack),
            ("FIPS", &self.fips),
            ("accelerate", &self.accelerate),
            ("use_arn_region", &self.use_arn_region),
            (
                "Multi-Region Access Points disabled",
                &self.disable_multi_region_access_points,
            ),
            (
                "Express session auth disabled",
                &self.disable_express_session_auth,
            ),
        ]
        .into_iter()
        .filter_map(|(name, setting)| {
            let setting = setting.as_ref()?;
            let shown = if name == "use_arn_region" {
                format!("use_arn_region={}", setting.value)
            } else if setting.value {
                name.to_owned()
            } else {
                return None;
            };
            Some(format!("{shown} from {}", setting.source))
        })
        .collect();
        if let Some(us_east_1) = &self.us_east_1 {
            let value = match us_east_1.value {
                UsEast1Endpoint::Legacy => "legacy",
                UsEast1Endpoint::Regional => "regional",
            };
            parts.push(format!("us-east-1 {value} from {}", us_east_1.source));
        }
        parts.join(", ")
    }

    /// Whether us-east-1 is served by the global host (botocore's
    /// `legacy`, the default).
    #[must_use]
    pub fn us_east_1_legacy(&self) -> bool {
        self.us_east_1
            .as_ref()
            .is_none_or(|sourced| sourced.value == UsEast1Endpoint::Legacy)
    }
}

/// Where one setting is looked up, in order.
enum Place {
    Flag(Option<bool>, &'static str),
    Env(&'static str),
    Profile(&'static str),
    S3Section(&'static str),
    /// The `s3` section's value, only when it is true (botocore's
    /// `_is_s3_dualstack_mode`: a false there falls through to the
    /// general setting).
    S3SectionWhenTrue(&'static str),
}

/// The inputs every lookup reads.
struct Lookup<'a> {
    env: &'a Environment,
    files: &'a SharedFiles,
    profile: &'a str,
}

impl Lookup<'_> {
    /// The first place that sets the value: its text and its source.
    fn text(&self, place: &Place) -> Option<(String, String)> {
        let profile = self.profile;
        match *place {
            Place::Flag(value, flag) => value.map(|on| {
                (
                    if on { "true" } else { "false" }.to_owned(),
                    flag.to_owned(),
                )
            }),
            Place::Env(name) => self
                .env
                .var(name)
                .map(|value| (value.to_owned(), name.to_owned())),
            Place::Profile(key) => self.files.setting(profile, key).map(|(value, file)| {
                (
                    value.to_owned(),
                    format!("`{key}` in profile '{profile}' in {}", file.label()),
                )
            }),
            Place::S3Section(key) | Place::S3SectionWhenTrue(key) => {
                let (value, file) = self.files.nested_setting(profile, "s3", key)?;
                if matches!(place, Place::S3SectionWhenTrue(_))
                    && !value.trim().eq_ignore_ascii_case("true")
                {
                    return None;
                }
                Some((
                    value.to_owned(),
                    format!(
                        "`{key}` in the s3 section of profile '{profile}' in {}",
                        file.label()
                    ),
                ))
            }
        }
    }

    fn switch(&self, places: &[Place]) -> Result<Option<Sourced<bool>>, ConfigError> {
        let Some((text, source)) = places.iter().find_map(|place| self.text(place)) else {
            return Ok(None);
        };
        let value = parse_bool(&text).ok_or_else(|| ConfigError::InvalidSetting {
            origin: source.clone(),
            problem: "expected true or false".to_owned(),
        })?;
        Ok(Some(Sourced { value, source }))
    }

    fn us_east_1(
        &self,
        given: Option<bool>,
    ) -> Result<Option<Sourced<UsEast1Endpoint>>, ConfigError> {
        if let Some(regional) = given {
            return Ok(Some(Sourced {
                value: if regional {
                    UsEast1Endpoint::Regional
                } else {
                    UsEast1Endpoint::Legacy
                },
                source: GIVEN_US_EAST_1.to_owned(),
            }));
        }
        let places = [
            Place::Env(ENV_US_EAST_1_REGIONAL),
            Place::Profile("s3_us_east_1_regional_endpoint"),
            Place::S3Section("us_east_1_regional_endpoint"),
        ];
        let Some((text, source)) = places.iter().find_map(|place| self.text(place)) else {
            return Ok(None);
        };
        let value = match text.trim().to_ascii_lowercase().as_str() {
            "legacy" => UsEast1Endpoint::Legacy,
            "regional" => UsEast1Endpoint::Regional,
            _ => {
                return Err(ConfigError::InvalidSetting {
                    origin: source,
                    problem: "expected legacy or regional".to_owned(),
                });
            }
        };
        Ok(Some(Sourced { value, source }))
    }
}

/// `true` or `false` in any case, with surrounding spaces.
fn parse_bool(text: &str) -> Option<bool> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("true") {
        Some(true)
    } else if text.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// Reads every endpoint setting for `profile`: flags, then the environment
/// and the shared files in botocore's order for each.
pub(crate) fn resolve_endpoint_options(
    flags: &Overrides,
    env: &Environment,
    files: &SharedFiles,
    profile: &str,
) -> Result<EndpointOptions, ConfigError> {
    let lookup = Lookup {
        env,
        files,
        profile,
    };
    Ok(EndpointOptions {
        dualstack: lookup.switch(&[
            Place::Flag(flags.dualstack, "--dualstack"),
            Place::S3SectionWhenTrue("use_dualstack_endpoint"),
            Place::Env(ENV_USE_DUALSTACK),
            Place::Profile("use_dualstack_endpoint"),
        ])?,
        fips: lookup.switch(&[
            Place::Flag(flags.fips, "--fips"),
            Place::Env(ENV_USE_FIPS),
            Place::Profile("use_fips_endpoint"),
        ])?,
        accelerate: lookup.switch(&[
            Place::Flag(flags.accelerate, "--accelerate"),
            Place::S3Section("use_accelerate_endpoint"),
        ])?,
        us_east_1: lookup.us_east_1(flags.us_east_1_regional)?,
        use_arn_region: lookup.switch(&[
            Place::Flag(flags.use_arn_region, GIVEN_USE_ARN_REGION),
            Place::Env(ENV_USE_ARN_REGION),
            Place::Profile("s3_use_arn_region"),
            Place::S3Section("use_arn_region"),
        ])?,
        disable_multi_region_access_points: lookup.switch(&[
            Place::Env(ENV_DISABLE_MRAP),
            Place::S3Section("s3_disable_multiregion_access_points"),
        ])?,
        disable_express_session_auth: lookup.switch(&[
            Place::Flag(
                flags.disable_express_session_auth,
                GIVEN_DISABLE_EXPRESS_SESSION_AUTH,
            ),
            Place::Env(ENV_DISABLE_EXPRESS_SESSION_AUTH),
            Place::Profile("s3_disable_express_session_auth"),
        ])?,
    })
}
