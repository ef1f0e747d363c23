//! How a bucket becomes a host: the endpoint settings of a configuration,
//! applied to one bucket by the core's host module
//! ([`presign::resolve_s3_endpoint`], botocore's S3 endpoint rules).
//!
//! One deliberate difference from botocore: on a custom endpoint
//! (`--endpoint-url`, `AWS_ENDPOINT_URL_S3`, ...) an ordinary bucket keeps
//! presign's own addressing (path style unless the host is AWS's, see
//! [`presign::Addressing::Auto`]), because most S3-compatible stores serve
//! no virtual hosts; access point ARNs and S3 Express directory buckets on a
//! custom endpoint follow the rules.

use std::sync::Arc;

use presign::{
    Addressing, AuthScheme, EndpointError, EndpointSettings, HostForm, ResolvedEndpoint,
    resolve_s3_endpoint,
};

use crate::error::ConfigError;

/// How the host a target's URLs go to is signed, beyond the keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostSigning {
    /// What the URL carries as the bucket: the host label of an access
    /// point (`myap-123456789012`), the bucket otherwise.
    pub url_bucket: String,
    /// The service in the credential scope: `s3`, `s3-object-lambda`,
    /// `s3-outposts` or `s3express`.
    pub service: String,
    /// SigV4A's region set (`*`) for a Multi-Region Access Point; `None`
    /// signs SigV4.
    pub sigv4a_region_set: Option<String>,
    /// An S3 Express directory bucket signed with a `CreateSession`
    /// session: the shell fetches the session for [`crate::Target::bucket`] at
    /// [`ExpressSession::endpoint`] and signs with its keys.
    pub express_session: Option<ExpressSession>,
    /// The host form, `None` for an ordinary bucket on a custom endpoint.
    pub form: Option<HostForm>,
}

/// Where an S3 Express session comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExpressSession {
    /// The zonal endpoint with the bucket in its host:
    /// `https://BUCKET.s3express-ZONE.REGION.amazonaws.com`.
    pub endpoint: String,
    /// The region `CreateSession` is signed for.
    pub region: String,
}

impl HostSigning {
    /// An ordinary bucket, signed SigV4 for `s3`.
    pub(crate) fn plain(bucket: &str) -> Self {
        Self {
            url_bucket: bucket.to_owned(),
            service: presign::SERVICE.to_owned(),
            sigv4a_region_set: None,
            express_session: None,
            form: None,
        }
    }
}

/// A configuration's endpoint settings, kept to resolve any bucket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct HostRules {
    /// The rules' inputs but `force_path_style`, which [`Self::resolve`]
    /// sets per bucket from `addressing`.
    pub(crate) settings: EndpointSettings,
    /// The addressing asked for (flag, profile, or auto).
    pub(crate) addressing: Addressing,
    /// The switches that are on and where each comes from, for errors:
    /// `accelerate from --accelerate, FIPS from AWS_USE_FIPS_ENDPOINT`.
    pub(crate) in_force: String,
}

/// What a bucket resolves to.
pub(crate) struct BucketHost {
    pub(crate) endpoint: String,
    pub(crate) region: String,
    pub(crate) addressing: Addressing,
    pub(crate) signing: HostSigning,
}

impl HostRules {
    pub(crate) fn shared(
        settings: EndpointSettings,
        addressing: Addressing,
        in_force: String,
    ) -> Arc<Self> {
        Arc::new(Self {
            settings,
            addressing,
            in_force,
        })
    }

    fn refusal(&self, bucket: &str, problem: EndpointError) -> ConfigError {
        ConfigError::Endpoint {
            bucket: bucket.to_owned(),
            problem,
            in_force: if self.in_force.is_empty() {
                String::new()
            } else {
                format!(" (settings in force: {})", self.in_force)
            },
        }
    }

    /// Resolves `bucket`.
    ///
    /// # Errors
    /// [`ConfigError::Endpoint`] naming the bucket when the rules refuse it
    /// (a malformed ARN, accelerate with a dotted bucket, FIPS in China,
    /// ...).
    pub(crate) fn resolve(&self, bucket: &str) -> Result<BucketHost, ConfigError> {
        // Access point ARNs and S3 Express directory buckets follow the
        // rules on a custom endpoint too: botocore signs them there with
        // their own service (and, for Express, a `CreateSession` session
        // from that endpoint), which is what an S3 Express-compatible store
        // or a test stub answers.
        let follows_rules = bucket.starts_with("arn:") || is_express_name(bucket);
        if let Some(endpoint) = &self.settings.endpoint_url
            && !follows_rules
        {
            if self.settings.accelerate {
                return Err(self.refusal(
                    bucket,
                    EndpointError::Conflict {
                        setting: "a custom endpoint (endpoint_url)",
                        with: "S3 Accelerate (accelerate)",
                    },
                ));
            }
            return Ok(BucketHost {
                endpoint: endpoint.clone(),
                region: self.settings.region.clone(),
                addressing: self.addressing,
                signing: HostSigning::plain(bucket),
            });
        }
        let mut settings = self.settings.clone();
        // botocore asks for path style only where it can apply: acceleration
        // turns it off for the whole client (args.py), and an ARN bucket is
        // never path style (handlers.py customize_endpoint_resolver_builtins);
        // both then sign on the virtual host instead of refusing.
        settings.force_path_style = self.addressing == Addressing::Path
            && !settings.accelerate
            && !bucket.starts_with("arn:");
        if settings.endpoint_url.is_some() {
            // botocore drops FIPS and dualstack when an endpoint is given
            // (args.py); `--output explain` says so.
            settings.use_fips = false;
            settings.use_dualstack = false;
        }
        let resolved = resolve_s3_endpoint(&settings, bucket)
            .map_err(|problem| self.refusal(bucket, problem))?;
        Ok(bucket_host(resolved, &self.settings.region))
    }
}

/// The resolver's answer in the shape a [`presign::PresignRequest`] takes.
/// A host label with dots (`NAME.mrap` of a Multi-Region Access Point) keeps
/// its first label as the bucket and moves the rest into the endpoint, so
/// the request's virtual host needs no dotted bucket.
fn bucket_host(resolved: ResolvedEndpoint, region: &str) -> BucketHost {
    let ResolvedEndpoint {
        mut endpoint,
        mut bucket,
        addressing,
        auth,
        alternative_auth,
        form,
        express,
        ..
    } = resolved;
    // SigV4 where the rules offer it second (Outposts list SigV4A first):
    // every S3 signer speaks it, and botocore signs it unless awscrt is
    // installed. A Multi-Region Access Point offers SigV4A alone.
    let auth = match alternative_auth {
        Some(alternative @ AuthScheme::SigV4 { .. }) => alternative,
        _ => auth,
    };
    if addressing == Addressing::VirtualHost
        && let Some(dot) = bucket.find('.')
        && let Some((scheme, authority)) = endpoint.split_once("://")
    {
        endpoint = format!("{scheme}://{}.{authority}", &bucket[dot + 1..]);
        bucket.truncate(dot);
    }
    let (service, signing_region, sigv4a_region_set, session) = match &auth {
        AuthScheme::SigV4 {
            signing_name,
            signing_region,
        } => (signing_name.clone(), signing_region.clone(), None, false),
        AuthScheme::SigV4S3Express {
            signing_name,
            signing_region,
        } => (signing_name.clone(), signing_region.clone(), None, true),
        AuthScheme::SigV4a {
            signing_name,
            region_set,
        } => (
            signing_name.clone(),
            region.to_owned(),
            Some(region_set.join(",")),
            false,
        ),
    };
    let express_session = (express && session).then(|| ExpressSession {
        endpoint: if addressing == Addressing::VirtualHost {
            virtual_url(&endpoint, &bucket)
        } else {
            format!("{endpoint}/{bucket}")
        },
        region: signing_region.clone(),
    });
    BucketHost {
        endpoint,
        region: signing_region,
        addressing,
        signing: HostSigning {
            url_bucket: bucket,
            service,
            sigv4a_region_set,
            express_session,
            form: Some(form),
        },
    }
}

/// Whether `bucket` is named as an S3 Express directory bucket
/// (`NAME--ZONE--x-s3`) or one of its access points (`NAME--ZONE--xa-s3`),
/// the suffixes the endpoint rules test.
fn is_express_name(bucket: &str) -> bool {
    bucket.ends_with("--x-s3") || bucket.ends_with("--xa-s3")
}

/// `scheme://BUCKET.authority[/path]`.
fn virtual_url(endpoint: &str, bucket: &str) -> String {
    match endpoint.split_once("://") {
        Some((scheme, rest)) => format!("{scheme}://{bucket}.{rest}"),
        None => format!("{bucket}.{endpoint}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(addressing: Addressing, accelerate: bool) -> Arc<HostRules> {
        let settings = EndpointSettings {
            region: "us-west-2".to_owned(),
            accelerate,
            use_arn_region: true,
            ..EndpointSettings::default()
        };
        HostRules::shared(settings, addressing, String::new())
    }

    /// botocore 1.43.11, `addressing_style='path'`, region us-west-2:
    /// `https://myap-123456789012.s3-accesspoint.us-west-2.amazonaws.com/KEY`.
    #[test]
    fn an_access_point_arn_is_virtual_hosted_even_when_path_style_is_asked() {
        let host = rules(Addressing::Path, false)
            .resolve("arn:aws:s3:us-west-2:123456789012:accesspoint/myap")
            .unwrap();
        assert_eq!(host.addressing, Addressing::VirtualHost);
        assert_eq!(host.signing.url_bucket, "myap-123456789012");
        assert_eq!(
            host.endpoint,
            "https://s3-accesspoint.us-west-2.amazonaws.com"
        );
    }

    /// botocore 1.43.11, `addressing_style='path'` with
    /// `use_accelerate_endpoint=True`:
    /// `https://fr1najcfikrobrfpgf.s3-accelerate.amazonaws.com/KEY`.
    #[test]
    fn acceleration_turns_path_style_off() {
        let host = rules(Addressing::Path, true)
            .resolve("fr1najcfikrobrfpgf")
            .unwrap();
        assert_eq!(host.addressing, Addressing::VirtualHost);
        assert_eq!(host.endpoint, "https://s3-accelerate.amazonaws.com");
        // A name that cannot be a host label is still refused, as botocore
        // refuses it ("Path-style addressing cannot be used with S3
        // Accelerate").
        assert!(rules(Addressing::Path, true).resolve("my.bucket").is_err());
    }
}
