//! `presign.Client`: boto3's presigning methods over presign's core.
//!
//! The client resolves credentials, region, endpoint and addressing style
//! once, through `presign_config` (the resolver of the `presign` command),
//! and keeps a [`presign::Signer`]: each URL is then checked and signed in
//! Rust, with the signing key kept per day and region.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use presign::{Addressing, BatchSigner, Method, Signer};
use presign_config::{Environment, Overrides, ResolvedCredentials, SignatureVersion, Target};
use presign_credentials::{ExpressSessions, Fetcher};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyInt, PyList, PyString};

use crate::errors::{
    IntoPyResult, config_error, credentials_error, presign_error, signing_error, type_error,
};
use crate::instant::signing_instant;
use crate::many::{Buffers, sign_many};
use crate::operations::{self, Call, text};
use crate::post;
use crate::signing::{self, Signing};
use crate::sigv2;

/// The names of the keys as the `Client` (and `verify`) take them, for
/// messages.
pub(crate) const KEY_ARGUMENTS: [&str; 3] = [
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
];

/// Presigns S3 requests as boto3's S3 client does, over 80 times faster.
///
/// With no arguments the client finds credentials, region and endpoint as the
/// ``presign`` command and boto3 do: the ``AWS_*`` environment variables, then
/// the profile (``AWS_PROFILE``, else ``default``) of ``~/.aws/config`` and
/// ``~/.aws/credentials`` with its assumed role, web identity, IAM Identity
/// Center (SSO) login, keys or ``credential_process``, then the container and
/// instance roles. Temporary credentials are refreshed before they expire, so
/// a long-lived client keeps signing URLs that work. Arguments win over all:
///
/// - ``region_name``: the signing region; ``""`` is valid (IBM COS).
/// - ``endpoint_url``: ``http(s)://host[:port][/base]`` of an S3-compatible
///   store; without it, AWS S3 for the region.
/// - ``aws_access_key_id``, ``aws_secret_access_key``, ``aws_session_token``:
///   keys to use as they are (the first two together).
/// - ``profile_name``: a profile of the shared files.
/// - ``addressing_style``: ``"auto"`` (virtual-hosted on AWS when the bucket
///   allows it, path style elsewhere; a profile's ``s3.addressing_style``
///   when it sets one), ``"path"`` or ``"virtual"``.
/// - ``ibm_credentials``: an IBM COS service-credentials JSON file (its
///   ``cos_hmac_keys``).
/// - ``signature_version``: ``"s3v4"`` (SigV4, the default) or ``"s3"``
///   (SigV2 query-string URLs, as boto3's ``Config(signature_version="s3")``,
///   for stores that still document them); else ``config``'s, else the
///   profile's ``s3.signature_version``.
/// - ``config``: a ``botocore.config.Config``; presign reads its
///   ``region_name``, ``signature_version`` (``s3v4``, or ``s3`` for SigV2),
///   ``use_dualstack_endpoint``, ``use_fips_endpoint``,
///   ``s3_disable_express_session_auth`` and, in ``s3={...}``,
///   ``addressing_style``, ``use_accelerate_endpoint``,
///   ``use_dualstack_endpoint``, ``use_arn_region`` and
///   ``us_east_1_regional_endpoint``, as boto3 does. Without them the
///   environment (``AWS_USE_DUALSTACK_ENDPOINT``, ``AWS_USE_FIPS_ENDPOINT``,
///   ``AWS_S3_US_EAST_1_REGIONAL_ENDPOINT``, ``AWS_S3_USE_ARN_REGION``,
///   ``AWS_S3_DISABLE_EXPRESS_SESSION_AUTH``, ...) and the profile decide.
///
/// ``Bucket`` may be an access point ARN (S3, Object Lambda, Outposts, a
/// Multi-Region Access Point, signed SigV4A) or an S3 Express directory
/// bucket (``NAME--ZONE--x-s3``): its URLs go to the host botocore's
/// endpoint rules give it. A directory bucket's URLs are signed with a
/// ``CreateSession`` session, asked for once and kept per bucket until it
/// nears its expiry (the call runs without the GIL).
///
/// Secrets are never shown, in ``repr`` or in any message.
///
/// Example::
///
///     >>> import datetime, presign
///     >>> client = presign.Client(
///     ...     region_name="us-east-1",
///     ...     aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
///     ...     aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
///     ... )
///     >>> url = client.generate_presigned_url(
///     ...     "get_object",
///     ...     Params={"Bucket": "examplebucket", "Key": "test.txt"},
///     ...     ExpiresIn=86400,
///     ...     now=datetime.datetime(2013, 5, 24, tzinfo=datetime.timezone.utc),
///     ... )
///     >>> url[-64:]
///     'aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404'
#[pyclass(frozen, module = "presign", name = "Client")]
pub(crate) struct Client {
    signing: Signing,
    /// Endpoint, region and addressing; its bucket is set per call.
    target: Target,
    /// The addressing style as given (`auto` included), for `repr`.
    addressing_given: Addressing,
    /// `presign_many`'s buffers, kept between calls.
    buffers: Buffers,
    /// The last bucket's target: resolving a bucket's host runs the
    /// endpoint rules, and most programs sign for one bucket at a time.
    last_target: Mutex<Option<Arc<Target>>>,
    /// S3 Express sessions, per directory bucket, shared by the calls.
    express: ExpressSessions,
    /// SigV4 (the default) or SigV2.
    signature_version: SignatureVersion,
}

#[pymethods]
impl Client {
    #[new]
    #[pyo3(signature = (
        service_name=None,
        region_name=None,
        endpoint_url=None,
        aws_access_key_id=None,
        aws_secret_access_key=None,
        aws_session_token=None,
        profile_name=None,
        addressing_style=None,
        ibm_credentials=None,
        config=None,
        allow_legacy_bucket_names=false,
        signature_version=None,
    ))]
    #[pyo3(
        text_signature = "(service_name=None, region_name=None, endpoint_url=None, \
        aws_access_key_id=None, aws_secret_access_key=None, aws_session_token=None, \
        profile_name=None, addressing_style='auto', ibm_credentials=None, config=None, \
        allow_legacy_bucket_names=False, signature_version=None)"
    )]
    // boto3's signature, argument for argument; pyo3 extracts the arguments
    // as owned values (a `&str` argument needs Python 3.10 under the stable ABI).
    #[allow(clippy::too_many_arguments, clippy::needless_pass_by_value)]
    fn new(
        service_name: Option<String>,
        region_name: Option<String>,
        endpoint_url: Option<String>,
        aws_access_key_id: Option<String>,
        aws_secret_access_key: Option<String>,
        aws_session_token: Option<String>,
        profile_name: Option<String>,
        addressing_style: Option<String>,
        ibm_credentials: Option<std::path::PathBuf>,
        config: Option<&Bound<'_, PyAny>>,
        allow_legacy_bucket_names: bool,
        signature_version: Option<String>,
    ) -> PyResult<Self> {
        if let Some(service) = service_name.as_deref()
            && service != "s3"
        {
            return Err(presign_error(format!(
                "service_name is {service:?}: presign signs for S3 only, as boto3.client(\"s3\", \
                 ...) does (the first argument is the service name, not the region: give \
                 region_name=...)"
            )));
        }
        let from_config = BotocoreConfig::read(config)?;
        let region_name = region_name.or(from_config.region_name);
        let addressing_style = addressing_style
            .or(from_config.addressing_style)
            .unwrap_or_else(|| "auto".to_owned());
        let addressing: Addressing = addressing_style.parse().or_raise()?;
        let credentials = ResolvedCredentials::given(
            aws_access_key_id.as_deref(),
            aws_secret_access_key.as_deref(),
            aws_session_token.as_deref(),
            KEY_ARGUMENTS,
            "the Client's aws_access_key_id and aws_secret_access_key arguments",
        )
        .or_raise()?;
        let env = Environment::from_process();
        let transport = signing::transport(profile_name.as_deref(), &env)?;
        let overrides = Overrides {
            profile: profile_name,
            region: region_name,
            endpoint_url,
            ibm_credentials,
            credentials,
            dualstack: from_config.dualstack,
            fips: from_config.fips,
            accelerate: from_config.accelerate,
            use_arn_region: from_config.use_arn_region,
            us_east_1_regional: from_config.us_east_1_regional,
            disable_express_session_auth: from_config.disable_express_session_auth,
        };
        let resolved =
            presign_config::resolve(&overrides, &env).map_err(|error| config_error(&error))?;
        // `auto` defers to the profile's style, as the command's default does.
        let style = (addressing != Addressing::Auto).then_some(addressing);
        let mut target = resolved.target("", style).or_raise()?;
        target.legacy_bucket_names = allow_legacy_bucket_names;
        // Checked now rather than at the first URL: a bad endpoint is a bad client.
        presign::Endpoint::parse(&target.endpoint).or_raise()?;
        let signature_version = sigv2::choose(
            signature_version.as_deref(),
            from_config.signature_version.as_deref(),
            resolved.signature_version.as_ref(),
        )?;
        Ok(Self {
            signature_version,
            express: ExpressSessions::new(Fetcher::new(transport.clone())),
            signing: Signing::new(resolved.credentials, transport)?,
            target,
            addressing_given: addressing,
            buffers: Buffers::default(),
            last_target: Mutex::new(None),
        })
    }

    /// The signing region (may be ``""``).
    #[getter]
    fn region_name(&self) -> &str {
        &self.target.region
    }

    /// The endpoint URLs are made for (without the bucket).
    #[getter]
    fn endpoint_url(&self) -> &str {
        &self.target.endpoint
    }

    /// ``"auto"``, ``"path"`` or ``"virtual"``: the style in use.
    #[getter]
    fn addressing_style(&self) -> &'static str {
        self.target.addressing.as_str()
    }

    /// ``"s3v4"`` (SigV4) or ``"s3"`` (SigV2): how URLs are signed.
    #[getter]
    fn signature_version(&self) -> &'static str {
        self.signature_version.as_str()
    }

    fn __repr__(&self) -> String {
        format!(
            "presign.Client(region_name={:?}, endpoint_url={:?}, addressing_style={:?}, \
             aws_access_key_id={:?}, credentials from {}, secrets not shown)",
            self.target.region,
            self.target.endpoint,
            if self.addressing_given == Addressing::Auto {
                self.target.addressing.as_str()
            } else {
                self.addressing_given.as_str()
            },
            self.signing.access_key_id(),
            self.signing.source(),
        )
    }

    /// A presigned URL, as boto3's ``generate_presigned_url`` makes it.
    ///
    /// ``ClientMethod`` is one of ``get_object``, ``put_object``,
    /// ``head_object``, ``delete_object``, ``upload_part``,
    /// ``create_multipart_upload``, ``complete_multipart_upload``,
    /// ``abort_multipart_upload``, ``list_parts``; ``Params`` holds boto3's
    /// parameters of that operation (``Bucket`` and ``Key`` always; then
    /// e.g. ``VersionId``, ``ResponseContentDisposition``, ``ContentType``,
    /// ``Metadata``, ``PartNumber``, ``UploadId``). Query parameters keep the
    /// order of ``Params``, as boto3's do. ``ExpiresIn`` is in seconds (1 to
    /// 604800); ``HttpMethod`` overrides the operation's method; ``now`` (an
    /// aware ``datetime``) signs as of that instant instead of the clock's.
    ///
    /// Headers a URL signs (``ContentType``, ``Metadata``, ...) must be sent
    /// with it, exactly.
    ///
    /// Raises ``presign.PresignError`` (a ``ValueError``) naming what is wrong:
    /// an unknown method or parameter, a missing ``Bucket`` or ``Key``, an
    /// expiry out of range; ``TypeError`` for a value of the wrong type.
    ///
    /// Example::
    ///
    ///     >>> url = client.generate_presigned_url(
    ///     ...     "put_object",
    ///     ...     Params={"Bucket": "uploads", "Key": "in/a.png", "ContentType": "image/png"},
    ///     ...     ExpiresIn=600,
    ///     ... )
    #[pyo3(signature = (ClientMethod, Params=None, ExpiresIn=None, HttpMethod=None, *, now=None))]
    #[pyo3(
        text_signature = "($self, ClientMethod, Params=None, ExpiresIn=3600, HttpMethod=None, *, now=None)"
    )]
    #[allow(non_snake_case)] // boto3's names.
    fn generate_presigned_url(
        &self,
        ClientMethod: &Bound<'_, PyAny>,
        Params: Option<&Bound<'_, PyAny>>,
        ExpiresIn: Option<&Bound<'_, PyAny>>,
        HttpMethod: Option<&Bound<'_, PyAny>>,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        let (index, operation) = operations::find(ClientMethod)?;
        let mut call = operation.read(index, Params, &[])?;
        let method = http_method(HttpMethod, operation.method)?;
        let expires_in = expires_in(ExpiresIn)?;
        let now = signing_instant(now)?;
        let target = self.target_for(call.bucket.take().unwrap_or_default())?;
        let request = request(&target, method, call, expires_in);
        if self.signature_version == SignatureVersion::S3 {
            target.check_sigv2().map_err(|error| config_error(&error))?;
            return sigv2::sign(&request, self.signing.signer()?.credentials(), now);
        }
        self.signer_for(&target)?
            .sign(&request, now)
            .map_err(|error| signing_error(&error))
    }

    /// A presigned POST, as boto3's ``generate_presigned_post`` makes it: a
    /// dict with the ``url`` a form posts to and its ``fields`` (the form's
    /// hidden inputs, in order; the file goes last, in a field named
    /// ``file``).
    ///
    /// ``Key`` ending in ``${filename}`` lets the uploader choose the rest of
    /// the key. ``Fields`` (a dict) are handed to the form as they are, not
    /// signed; ``Conditions`` (a list) are signed, not handed to the form:
    /// dicts such as ``{"acl": "public-read"}`` or lists such as
    /// ``["starts-with", "$Content-Type", "image/"]`` and
    /// ``["content-length-range", 1, 10485760]``. The policy document and the
    /// signature are byte-identical to boto3's.
    ///
    /// Example::
    ///
    ///     >>> post = client.generate_presigned_post(
    ///     ...     "uploads", "in/${filename}",
    ///     ...     Fields={"acl": "private"},
    ///     ...     Conditions=[{"acl": "private"}, ["content-length-range", 1, 10485760]],
    ///     ...     ExpiresIn=600,
    ///     ... )
    ///     >>> sorted(post)
    ///     ['fields', 'url']
    #[pyo3(signature = (Bucket, Key, Fields=None, Conditions=None, ExpiresIn=None, *, now=None))]
    #[pyo3(
        text_signature = "($self, Bucket, Key, Fields=None, Conditions=None, ExpiresIn=3600, *, now=None)"
    )]
    #[allow(non_snake_case, clippy::too_many_arguments)] // boto3's names and arguments.
    fn generate_presigned_post<'py>(
        &self,
        py: Python<'py>,
        Bucket: &Bound<'py, PyAny>,
        Key: &Bound<'py, PyAny>,
        Fields: Option<&Bound<'py, PyAny>>,
        Conditions: Option<&Bound<'py, PyAny>>,
        ExpiresIn: Option<&Bound<'_, PyAny>>,
        now: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        if self.signature_version == SignatureVersion::S3 {
            return Err(presign_error(
                "generate_presigned_post signs SigV4 POST policies only; this client signs \
                 signature_version=\"s3\" (SigV2): make a client without it for POST policies",
            ));
        }
        let target = self.target_for(text("Bucket", Bucket)?)?;
        let mut policy = target
            .post_policy(&text("Key", Key)?, expires_in(ExpiresIn)?)
            .map_err(|error| config_error(&error))?;
        let given = post::fields(Fields)?;
        for (name, written, _) in &given {
            policy = policy.form_field(name, written);
        }
        for condition in post::conditions(Conditions)? {
            policy = policy.condition(condition);
        }
        let now = signing_instant(now)?;
        let signed = presign::presign_post(&policy, self.signing.signer()?.credentials(), now)
            .map_err(|error| signing_error(&error))?;
        let fields = PyDict::new(py);
        for (name, value) in signed.fields() {
            fields.set_item(name, post::field_value(py, &given, name, value))?;
        }
        let answer = PyDict::new(py);
        answer.set_item("url", signed.url())?;
        answer.set_item("fields", fields)?;
        Ok(answer)
    }

    /// Presigned URLs for many keys of one bucket, in the order of ``Keys``,
    /// all signed as of one instant: boto3's ``generate_presigned_url`` for
    /// each key, made on every core with the GIL released.
    ///
    /// The other parameters of ``ClientMethod`` (``ResponseContentType``,
    /// ``ContentType``, ...) are keyword arguments, as in ``Params``.
    ///
    /// ``Keys`` may be any iterable of ``str``; it is read a chunk at a time
    /// while earlier chunks are signed. A key that is not a ``str`` raises
    /// ``TypeError``, a key S3 refuses (empty, over 1024 bytes)
    /// ``presign.PresignError``; either names the key's index, and of several
    /// bad keys the first in ``Keys`` is the one reported. No list is
    /// returned then.
    ///
    /// Example::
    ///
    ///     >>> urls = client.presign_many("get_object", "dataset", ["a.csv", "b.csv"])
    ///     >>> len(urls)
    ///     2
    #[pyo3(signature = (ClientMethod, Bucket, Keys, ExpiresIn=None, HttpMethod=None, *, now=None, **Params))]
    #[pyo3(
        text_signature = "($self, ClientMethod, Bucket, Keys, ExpiresIn=3600, HttpMethod=None, *, now=None, **Params)"
    )]
    #[allow(non_snake_case, clippy::too_many_arguments)] // boto3's names.
    fn presign_many<'py>(
        &self,
        py: Python<'py>,
        ClientMethod: &Bound<'py, PyAny>,
        Bucket: &Bound<'py, PyAny>,
        Keys: &Bound<'py, PyAny>,
        ExpiresIn: Option<&Bound<'py, PyAny>>,
        HttpMethod: Option<&Bound<'py, PyAny>>,
        now: Option<&Bound<'py, PyAny>>,
        Params: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyList>> {
        // A str is iterable, by character: "abc" would sign keys a, b and c.
        if Keys.is_instance_of::<PyString>() || Keys.is_instance_of::<PyBytes>() {
            return Err(type_error(
                "Keys",
                "a list (or another iterable) of str keys",
                Keys,
            ));
        }
        let (index, operation) = operations::find(ClientMethod)?;
        let mut call = operation.read(index, Params.map(Bound::as_any), &["Bucket", "Key"])?;
        call.bucket = Some(text("Bucket", Bucket)?);
        let method = http_method(HttpMethod, operation.method)?;
        let expires_in = expires_in(ExpiresIn)?;
        let now = signing_instant(now)?;
        let target = self.target_for(call.bucket.take().unwrap_or_default())?;
        let template = request(&target, method, call, expires_in);
        if self.signature_version == SignatureVersion::S3 {
            target.check_sigv2().map_err(|error| config_error(&error))?;
            let credentials = self.signing.signer()?.credentials().clone();
            return sigv2::sign_many(py, &template, &credentials, now, Keys);
        }
        let signer = BatchSigner::new(&template, self.signer_for(&target)?.credentials(), now)
            .map_err(|error| signing_error(&error))?;
        sign_many(py, &signer, Keys, &self.buffers)
    }
}

impl Client {
    /// The target of `bucket` (its host as the endpoint rules give it),
    /// the last one again when the bucket is the last one's.
    ///
    /// # Errors
    /// The endpoint rules' refusal of the bucket (a malformed access point
    /// ARN, acceleration with a dotted name, ...), naming the bucket and
    /// the settings in force.
    fn target_for(&self, bucket: String) -> PyResult<Arc<Target>> {
        let mut last = self
            .last_target
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(target) = last.as_ref()
            && target.bucket == bucket
        {
            return Ok(Arc::clone(target));
        }
        let target = Arc::new(
            self.target
                .with_bucket(bucket)
                .map_err(|error| config_error(&error))?,
        );
        *last = Some(Arc::clone(&target));
        Ok(target)
    }

    /// The signer for `target`'s URLs: the client's keys, or for an S3
    /// Express directory bucket (session auth, botocore's default) a
    /// signer over its `CreateSession` session, made with the client's
    /// keys. A session kept fresh is used as it is; otherwise the call is
    /// made with the GIL released, as a credential refresh is.
    ///
    /// # Errors
    /// The client's credentials cannot be had, or `CreateSession` failed
    /// (the message names the bucket and the endpoint).
    fn signer_for(&self, target: &Target) -> PyResult<Arc<Signer>> {
        let signer = self.signing.signer()?;
        let Some(session) = &target.host.express_session else {
            return Ok(signer);
        };
        let base = signer.credentials();
        // The session is asked for and timed by the clock, whatever instant
        // the URL is signed as of (`now=`).
        let clock = SystemTime::now();
        let keys = match self
            .express
            .fresh_session(&target.bucket, &session.endpoint, base, clock)
        {
            Some((keys, _)) => keys,
            None => {
                Python::attach(|py| {
                    py.detach(|| {
                        self.express.session_for(
                            &target.bucket,
                            &session.endpoint,
                            &session.region,
                            base,
                            clock,
                        )
                    })
                })
                .map_err(|error| credentials_error(&error))?
                .0
            }
        };
        Ok(Arc::new(Signer::new(keys).or_raise()?))
    }
}

/// The request `call` asks for on `target` (as [`Target::request`] builds
/// it, from the strings `call` owns).
fn request(
    target: &Target,
    method: Method,
    call: Call,
    expires_in: Duration,
) -> presign::PresignRequest {
    let mut request = target.request_for(method, call.key.unwrap_or_default(), expires_in);
    for (name, value) in call.query {
        request = request.query(name, value);
    }
    for (name, value) in call.headers {
        request = request.header(name, value);
    }
    request
}

/// `HttpMethod`, else the operation's.
fn http_method(given: Option<&Bound<'_, PyAny>>, default: Method) -> PyResult<Method> {
    match given.filter(|given| !given.is_none()) {
        None => Ok(default),
        Some(given) => text("HttpMethod", given)?.parse().or_raise(),
    }
}

/// `ExpiresIn` as a duration (default 3600): an `int` within 1..=604800
/// seconds; any other
/// value (0, a negative number, one too large for any integer type) gets
/// the same message, naming the argument.
fn expires_in(seconds: Option<&Bound<'_, PyAny>>) -> PyResult<Duration> {
    let Some(seconds) = seconds.filter(|seconds| !seconds.is_none()) else {
        return Ok(Duration::from_secs(presign::DEFAULT_EXPIRES_SECS));
    };
    if !seconds.is_instance_of::<PyInt>() || seconds.is_instance_of::<PyBool>() {
        return Err(type_error("ExpiresIn", "an int (seconds)", seconds));
    }
    match seconds.extract::<u64>() {
        Ok(seconds @ 1..=presign::MAX_EXPIRES_SECS) => Ok(Duration::from_secs(seconds)),
        _ => Err(presign_error(format!(
            "ExpiresIn must be within 1..={} seconds (7 days, the SigV4 maximum), got {}",
            presign::MAX_EXPIRES_SECS,
            seconds
                .str()
                .map_or_else(|_| "another value".to_owned(), |text| text.to_string())
                .chars()
                .take(40)
                .collect::<String>()
        ))),
    }
}

/// What presigning takes from a botocore `Config` (`config=`): its
/// `region_name`, `signature_version` (checked with the client's choice, in
/// [`sigv2::choose`]), the endpoint settings
/// (`use_dualstack_endpoint`, `use_fips_endpoint`,
/// `s3_disable_express_session_auth`) and, in `s3={...}`,
/// `addressing_style`, `use_accelerate_endpoint`, `use_dualstack_endpoint`,
/// `use_arn_region`, `us_east_1_regional_endpoint` and
/// `disable_s3_express_session_auth`. A setting left `None` is not set:
/// the environment and the profile decide, as in boto3.
#[derive(Default)]
struct BotocoreConfig {
    region_name: Option<String>,
    addressing_style: Option<String>,
    signature_version: Option<String>,
    dualstack: Option<bool>,
    fips: Option<bool>,
    accelerate: Option<bool>,
    use_arn_region: Option<bool>,
    us_east_1_regional: Option<bool>,
    disable_express_session_auth: Option<bool>,
}

impl BotocoreConfig {
    fn read(config: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        let Some(config) = config.filter(|config| !config.is_none()) else {
            return Ok(Self::default());
        };
        let attribute = |name: &str| -> PyResult<Option<Bound<'_, PyAny>>> {
            match config.getattr(name) {
                Ok(value) if value.is_none() => Ok(None),
                Ok(value) => Ok(Some(value)),
                Err(_) => Err(type_error("config", "a botocore.config.Config", config)),
            }
        };
        let signature_version = attribute("signature_version")?
            .map(|version| text("config.signature_version", &version))
            .transpose()?;
        let region_name = attribute("region_name")?
            .map(|region| text("config.region_name", &region))
            .transpose()?;
        let flag = |name: &str| -> PyResult<Option<bool>> {
            attribute(name)?
                .map(|value| switch(&format!("config.{name}"), &value))
                .transpose()
        };
        let mut read = Self {
            region_name,
            signature_version,
            dualstack: flag("use_dualstack_endpoint")?,
            fips: flag("use_fips_endpoint")?,
            disable_express_session_auth: flag("s3_disable_express_session_auth")?,
            ..Self::default()
        };
        if let Some(s3) = attribute("s3")? {
            read.read_s3(s3.cast::<PyDict>()?)?;
        }
        Ok(read)
    }

    /// The settings of `Config(s3={...})`.
    fn read_s3(&mut self, s3: &Bound<'_, PyDict>) -> PyResult<()> {
        let item = |name: &str| -> PyResult<Option<Bound<'_, PyAny>>> {
            Ok(s3.get_item(name)?.filter(|value| !value.is_none()))
        };
        let flag = |name: &str| -> PyResult<Option<bool>> {
            item(name)?
                .map(|value| switch(&format!("config.s3[{name:?}]"), &value))
                .transpose()
        };
        if let Some(style) = item("addressing_style")? {
            self.addressing_style = Some(text("config.s3[\"addressing_style\"]", &style)?);
        }
        // botocore's `_is_s3_dualstack_mode`: the s3 section's true wins.
        if flag("use_dualstack_endpoint")? == Some(true) {
            self.dualstack = Some(true);
        }
        self.accelerate = flag("use_accelerate_endpoint")?;
        self.use_arn_region = flag("use_arn_region")?;
        if let Some(disable) = flag("disable_s3_express_session_auth")? {
            self.disable_express_session_auth = Some(disable);
        }
        if let Some(value) = item("us_east_1_regional_endpoint")? {
            const WHAT: &str = "config.s3[\"us_east_1_regional_endpoint\"]";
            self.us_east_1_regional = Some(match &*text(WHAT, &value)? {
                "regional" => true,
                "legacy" => false,
                other => {
                    return Err(presign_error(format!(
                        "{WHAT} is {other:?}: expected \"regional\" or \"legacy\""
                    )));
                }
            });
        }
        Ok(())
    }
}

/// A botocore boolean setting: `True`/`False`, or the strings `"true"` and
/// `"false"` (any case) that botocore's `ensure_boolean` reads; anything
/// else is refused naming `what` (botocore would read it as false).
fn switch(what: &str, value: &Bound<'_, PyAny>) -> PyResult<bool> {
    if value.is_instance_of::<PyBool>() {
        return value.extract::<bool>();
    }
    if value.is_instance_of::<PyString>() {
        let given = text(what, value)?;
        if given.eq_ignore_ascii_case("true") {
            return Ok(true);
        }
        if given.eq_ignore_ascii_case("false") {
            return Ok(false);
        }
        return Err(presign_error(format!(
            "{what} is {given:?}: expected True or False"
        )));
    }
    Err(type_error(what, "a bool", value))
}
