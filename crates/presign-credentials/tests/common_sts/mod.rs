//! Helpers of the STS tests: a home directory with AWS config files, the
//! plan and fetch, a loopback STS stub, moto (`PRESIGN_INTEROP_SERVERS`)
//! and botocore (`PRESIGN_PYTHON`).

use std::collections::HashMap;
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use presign::{Credentials, HeaderRequest, sign_headers};
use presign_config::{
    CredentialSource, Environment, Overrides, ResolvedCredentials, TransportOverrides, resolve,
    resolve_transport,
};
use presign_credentials::{CredentialsError, Fetcher};
use tempfile::TempDir;

/// A home directory whose `~/.aws/config` and `~/.aws/credentials` hold
/// `config` and `credentials`.
pub(crate) fn home(config: &str, credentials: &str) -> TempDir {
    let home = tempfile::tempdir().unwrap();
    let aws = home.path().join(".aws");
    std::fs::create_dir_all(&aws).unwrap();
    std::fs::write(aws.join("config"), config).unwrap();
    std::fs::write(aws.join("credentials"), credentials).unwrap();
    home
}

fn environment(home: &TempDir, vars: &[(&str, &str)]) -> Environment {
    let mut all: Vec<(String, String)> = vec![
        ("AWS_REGION".into(), "us-east-1".into()),
        ("AWS_EC2_METADATA_DISABLED".into(), "true".into()),
    ];
    all.extend(vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
    Environment::from_vars(all, Some(home.path().to_owned()))
}

/// The source the chain plans for `profile` (`default`: no `--profile`).
pub(crate) fn source_of(home: &TempDir, profile: &str, vars: &[(&str, &str)]) -> CredentialSource {
    let overrides = Overrides {
        profile: (profile != "default").then(|| profile.to_owned()),
        ..Overrides::default()
    };
    resolve(&overrides, &environment(home, vars))
        .unwrap()
        .credentials
}

/// A fetcher without proxies, CA bundles or an MFA prompt.
pub(crate) fn fetcher() -> Fetcher {
    let env = Environment::from_vars(Vec::<(String, String)>::new(), None);
    Fetcher::new(resolve_transport(&TransportOverrides::default(), &env).unwrap())
}

pub(crate) fn fetch(
    source: &CredentialSource,
    now: SystemTime,
) -> Result<ResolvedCredentials, CredentialsError> {
    fetcher().fetch(source, now)
}

/// STS's answer to `action` with these keys, expiring in an hour.
pub(crate) fn answer_xml(action: &str, key: &str, secret: &str, token: &str) -> String {
    let expiration = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(1);
    let expiration = expiration.strftime("%Y-%m-%dT%H:%M:%SZ");
    format!(
        "<{action}Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><{action}Result>\
         <AssumedRoleUser><AssumedRoleId>AROASTUB:s</AssumedRoleId>\
         <Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn></AssumedRoleUser>\
         <Credentials><AccessKeyId>{key}</AccessKeyId><SecretAccessKey>{secret}</SecretAccessKey>\
         <SessionToken>{token}</SessionToken><Expiration>{expiration}</Expiration></Credentials>\
         </{action}Result><ResponseMetadata><RequestId>stub</RequestId></ResponseMetadata>\
         </{action}Response>"
    )
}

type Answer = dyn Fn(&str) -> (u16, Vec<u8>) + Send + Sync;

/// A loopback HTTP/1.1 server answering every request with `answer(request
/// text)`, one connection at a time, and keeping the requests it saw.
pub(crate) struct Stub {
    pub(crate) url: String,
    requests: Arc<Mutex<Vec<String>>>,
}

impl Stub {
    pub(crate) fn start(answer: impl Fn(&str) -> (u16, Vec<u8>) + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&requests);
        let answer: Box<Answer> = Box::new(answer);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
                let Some(request) = read_request(&mut stream) else {
                    continue;
                };
                let (status, body) = answer(&request);
                seen.lock().unwrap().push(request);
                let head = format!(
                    "HTTP/1.1 {status} Stub\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\
                     Connection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&body);
            }
        });
        Self { url, requests }
    }

    /// The requests so far: head and body as text.
    pub(crate) fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

fn read_request(stream: &mut std::net::TcpStream) -> Option<String> {
    let mut reader = BufReader::new(stream);
    let mut head = String::new();
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().ok()?;
        }
        head.push_str(&line);
        if line == "\r\n" {
            break;
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(head + &String::from_utf8_lossy(&body))
}

/// moto's server, as `scripts/servers/start.sh moto DIR` describes it.
pub(crate) struct Moto {
    pub(crate) endpoint: String,
    pub(crate) access_key: String,
    pub(crate) secret_key: String,
}

/// One test at a time uses moto: the web identity test lifts signature
/// checking for one action, which must not be another test's.
static MOTO: Mutex<()> = Mutex::new(());

/// moto of `PRESIGN_INTEROP_SERVERS`, or `None` (after a notice) outside CI.
pub(crate) fn moto() -> Option<Moto> {
    let Some(folder) = std::env::var_os("PRESIGN_INTEROP_SERVERS") else {
        assert!(
            std::env::var_os("CI").is_none_or(|value| value.is_empty()),
            "PRESIGN_INTEROP_SERVERS is not set: under CI moto must run \
             (bash scripts/servers/start.sh moto DIR)"
        );
        eprintln!(
            "SKIPPED moto test: start it with scripts/servers/start.sh moto DIR and set \
             PRESIGN_INTEROP_SERVERS=DIR"
        );
        return None;
    };
    let path = PathBuf::from(folder).join("moto.sts-env");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|error| {
        panic!(
            "{}: {error} (start moto with scripts/servers/start.sh moto DIR)",
            path.display()
        )
    });
    let values: HashMap<&str, &str> = text
        .lines()
        .filter_map(|line| line.split_once('='))
        .collect();
    let get =
        |name: &str| (*values.get(name).unwrap_or_else(|| panic!("{name} missing"))).to_owned();
    Some(Moto {
        endpoint: get("PRESIGN_TEST_ENDPOINT"),
        access_key: get("PRESIGN_TEST_ACCESS_KEY"),
        secret_key: get("PRESIGN_TEST_SECRET_KEY"),
    })
}

impl Moto {
    /// Taken through the `Moto` a test got, so that only tests that use
    /// moto wait for it.
    #[allow(clippy::unused_self)]
    pub(crate) fn lock(&self) -> MutexGuard<'static, ()> {
        MOTO.lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn user(&self) -> ResolvedCredentials {
        ResolvedCredentials {
            access_key_id: self.access_key.clone(),
            secret_access_key: self.secret_key.clone().into(),
            session_token: None,
            expires_at: None,
            source: "moto's test user".to_owned(),
        }
    }

    /// Creates (or finds) the role `name`, allowed everything, and returns
    /// its ARN.
    pub(crate) fn create_role(&self, name: &str) -> String {
        let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}"#;
        let all = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
        let form = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| format!("{k}={}", form_encode(v)))
                .collect::<Vec<_>>()
                .join("&")
        };
        let create = form(&[
            ("Action", "CreateRole"),
            ("Version", "2010-05-08"),
            ("RoleName", name),
            ("AssumeRolePolicyDocument", trust),
        ]);
        let (status, text) = moto_call(self, "iam", &create, &self.user());
        assert!(
            status == 200 || text.contains("EntityAlreadyExists"),
            "{text}"
        );
        let policy = form(&[
            ("Action", "PutRolePolicy"),
            ("Version", "2010-05-08"),
            ("RoleName", name),
            ("PolicyName", "everything"),
            ("PolicyDocument", all),
        ]);
        let (status, text) = moto_call(self, "iam", &policy, &self.user());
        assert_eq!(status, 200, "{text}");
        format!("arn:aws:iam::123456789012:role/{name}")
    }

    /// Runs `call` with moto's signature checking lifted for one action.
    pub(crate) fn without_auth_for_one_action<T>(&self, call: impl FnOnce() -> T) -> T {
        let reset = |count: &str| {
            ureq::post(format!("{}/moto-api/reset-auth", self.endpoint))
                .send(count)
                .unwrap();
        };
        reset("1");
        let result = call();
        reset("0");
        result
    }
}

fn form_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A signed form POST to moto's `service` with `credentials`.
pub(crate) fn moto_call(
    moto: &Moto,
    service: &str,
    body: &str,
    credentials: &ResolvedCredentials,
) -> (u16, String) {
    let host = moto.endpoint.trim_start_matches("http://");
    let mut signing = Credentials::new(
        credentials.access_key_id.as_str(),
        credentials.secret_access_key.as_str(),
    );
    if let Some(token) = &credentials.session_token {
        signing = signing.with_session_token(token.as_str());
    }
    let content_type = "application/x-www-form-urlencoded; charset=utf-8";
    let request = HeaderRequest::new("POST", "/")
        .header("content-type", content_type)
        .header("host", host)
        .body(body.as_bytes());
    let signed = sign_headers(&request, &signing, "us-east-1", service, SystemTime::now()).unwrap();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut call = agent
        .post(format!("{}/", moto.endpoint))
        .header("content-type", content_type);
    for (name, value) in signed.headers() {
        call = call.header(name, value);
    }
    let mut response = call.send(body).unwrap();
    let status = response.status().as_u16();
    (status, response.body_mut().read_to_string().unwrap())
}

/// The interpreter with botocore, or `None` (after a notice) outside CI.
pub(crate) fn python() -> Option<PathBuf> {
    if let Some(python) = std::env::var_os("PRESIGN_PYTHON").filter(|value| !value.is_empty()) {
        return Some(PathBuf::from(python));
    }
    let how = "run `bash scripts/setup-python.sh` and set PRESIGN_PYTHON to the python it prints";
    assert!(
        std::env::var_os("CI").is_none_or(|value| value.is_empty()),
        "PRESIGN_PYTHON is not set, so presign cannot be compared with botocore: {how}"
    );
    eprintln!("SKIPPED botocore comparison (PRESIGN_PYTHON is not set): {how}");
    None
}

/// Runs `script` with `args` in a clean environment plus `env`; its stdout.
pub(crate) fn run_python(
    python: &Path,
    script: &str,
    args: &[&str],
    env: &[(&str, &str)],
) -> String {
    let output = Command::new(python)
        .arg("-c")
        .arg(script)
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "botocore failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}
