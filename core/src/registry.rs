//! The MCP Registry's `server.json` (schema `2025-12-11`) mapped onto the catalog's own model.
//!
//! [`ServerJson`] is the document as the registry defines it (camelCase, every field of the
//! schema; a field it does not define is refused). [`map`] turns it into a catalog entry:
//!
//! - the first package of `registryType` `npm`, `pypi` or `oci` with a `stdio` transport runs as
//!   `npx -y <identifier>@<version>`, `uvx <identifier>@<version>` or `docker run -i --rm -e VAR…
//!   <image>:<version>` (runtime arguments before the package, package arguments after it);
//!   failing that, the first remote (`streamable-http` → `http`, `sse`) with its URL;
//! - each argument whose value the user supplies (a positional `valueHint`, a named argument
//!   without a `value`, a `{variable}` of a `value` or of a remote URL) becomes a parameter
//!   (`format` `number` → `int`, `boolean` → `bool`, `filepath` → `path`, else `string`); a named
//!   argument is written `--flag=value`, so an absent optional one drops out whole;
//! - `environmentVariables` become env vars and remote `headers` headers, keeping `isRequired`,
//!   `isSecret` and `default` (a header `value` `Bearer {token}` becomes the prefix `Bearer `
//!   before the value given for the header).
//!
//! What the catalog cannot honour is refused with 400 `SERVER_JSON_INVALID` naming the field
//! and why: another registry type, a package started as a local HTTP server, a secret argument
//! (it would sit in the client file: use an env var), a `{name}` a value uses but `variables`
//! does not define. The mapping is pure and total: every input gives an entry or that error.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::catalog::{
    self, EnvVar, Header, Origin, ParamType, Parameter, Piece, Server, ServerSpec, Transport,
    is_header_name, is_identifier, pieces,
};
use crate::error::{Code, Error, Result};
use crate::id;

/// The tag every entry from a `server.json` carries.
pub const TEAM_TAG: &str = "team";

/// A server described in the MCP Registry's `server.json` format
/// (`https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json`).
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServerJson {
    /// The schema URI.
    #[serde(rename = "$schema", default)]
    pub schema: Option<String>,
    /// Reverse-DNS name, e.g. `io.github.acme/weather`; the part after `/` is the catalog id
    /// `POST /v1/servers` gives the entry.
    pub name: String,
    /// What the server does.
    pub description: String,
    /// The server's version.
    pub version: String,
    /// Display name.
    #[serde(default)]
    pub title: Option<String>,
    /// Home page or documentation (https).
    #[serde(default)]
    pub website_url: Option<String>,
    /// Source repository.
    #[serde(default)]
    pub repository: Option<Repository>,
    /// Ways to run it locally.
    #[serde(default)]
    pub packages: Vec<Package>,
    /// Ways to reach it remotely.
    #[serde(default)]
    pub remotes: Vec<RemoteTransport>,
    /// Icons (not used by the catalog).
    #[serde(default)]
    pub icons: Vec<Value>,
    /// Registry and publisher metadata (not used by the catalog).
    #[serde(rename = "_meta", default)]
    pub meta: Option<Map<String, Value>>,
}

/// `repository` of a `server.json`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Repository {
    /// Browsable URL.
    pub url: String,
    /// Hosting service, e.g. `github`.
    pub source: String,
    /// The forge's id of the repository.
    #[serde(default)]
    pub id: Option<String>,
    /// Folder of the server in a monorepo.
    #[serde(default)]
    pub subfolder: Option<String>,
}

/// One package of a `server.json`.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Package {
    /// `npm`, `pypi` or `oci` (others are refused).
    pub registry_type: String,
    /// Package name or image reference.
    pub identifier: String,
    /// Exact version.
    #[serde(default)]
    pub version: Option<String>,
    /// The registry's base URL.
    #[serde(default)]
    pub registry_base_url: Option<String>,
    /// SHA-256 of the package file.
    #[serde(default)]
    pub file_sha256: Option<String>,
    /// The runner: `npx`, `uvx` or `docker`.
    #[serde(default)]
    pub runtime_hint: Option<String>,
    /// How a client talks to it; only `stdio` is taken.
    pub transport: Transport_,
    /// Arguments of the runner, before the package.
    #[serde(default)]
    pub runtime_arguments: Vec<Input>,
    /// Arguments of the package.
    #[serde(default)]
    pub package_arguments: Vec<Input>,
    /// Environment variables it reads.
    #[serde(default)]
    pub environment_variables: Vec<Input>,
}

/// The transport of a package.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(non_camel_case_types, reason = "`Transport` is the catalog's")]
pub struct Transport_ {
    /// `stdio`, `streamable-http` or `sse`.
    #[serde(rename = "type")]
    pub kind: String,
    /// URL of a package's local HTTP server.
    #[serde(default)]
    pub url: Option<String>,
    /// Headers of a package's local HTTP server.
    #[serde(default)]
    pub headers: Vec<Input>,
}

/// One remote of a `server.json`.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RemoteTransport {
    /// `streamable-http` or `sse`.
    #[serde(rename = "type")]
    pub kind: String,
    /// URL template; `{name}` is a variable.
    pub url: String,
    /// Headers sent with every request.
    #[serde(default)]
    pub headers: Vec<Input>,
    /// The URL's variables.
    #[serde(default)]
    pub variables: BTreeMap<String, Input>,
}

/// An argument, environment variable, header or variable of a `server.json` (the schema's
/// `Input`, `KeyValueInput`, `PositionalArgument` and `NamedArgument` in one).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Input {
    /// `positional` or `named` (arguments only).
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// The flag (named argument), variable or header name.
    #[serde(default)]
    pub name: Option<String>,
    /// What a positional argument's value is called.
    #[serde(default)]
    pub value_hint: Option<String>,
    /// What it is for.
    #[serde(default)]
    pub description: Option<String>,
    /// A fixed value; `{name}` is one of `variables`.
    #[serde(default)]
    pub value: Option<String>,
    /// The value when none is given.
    #[serde(default)]
    pub default: Option<String>,
    /// `string`, `number`, `boolean` or `filepath`.
    #[serde(default)]
    pub format: Option<String>,
    /// Whether it must be given.
    #[serde(default)]
    pub is_required: bool,
    /// Whether it is a credential.
    #[serde(default)]
    pub is_secret: bool,
    /// Whether it may be repeated (the catalog takes one value).
    #[serde(default)]
    pub is_repeated: bool,
    /// The values allowed.
    #[serde(default)]
    pub choices: Vec<String>,
    /// A hint shown in forms.
    #[serde(default)]
    pub placeholder: Option<String>,
    /// The `{name}`s of `value`.
    #[serde(default)]
    pub variables: BTreeMap<String, Input>,
}

/// The catalog entry `json` describes, under `server_id` (default: the part of `name` after
/// its `/`); 400 `SERVER_JSON_INVALID` naming the field it cannot honour.
pub fn map(json: &ServerJson, server_id: Option<&str>) -> Result<Server> {
    spec(json, server_id).map(Server::from)
}

/// [`map`]'s entry in the form the store keeps.
pub(crate) fn spec(json: &ServerJson, server_id: Option<&str>) -> Result<ServerSpec> {
    let server_id = match server_id {
        Some(given) => id::check("server_id", given)?.to_owned(),
        None => derived_id(&json.name)?,
    };
    let documentation_url = [
        json.website_url.as_deref(),
        json.repository.as_ref().map(|r| r.url.as_str()),
    ]
    .into_iter()
    .flatten()
    .find(|u| u.starts_with("https://"))
    .ok_or_else(|| {
        refuse(
            "websiteUrl",
            "the catalog links every server to its documentation: give an https websiteUrl or repository.url",
        )
    })?
    .to_owned();
    let mut spec = ServerSpec {
        server_id,
        display_name: json
            .title
            .clone()
            .filter(|t| !t.trim().is_empty())
            .unwrap_or_else(|| json.name.clone()),
        description: json.description.clone(),
        transport: Transport::Stdio,
        npm_package: None,
        pypi_package: None,
        command: None,
        args: Vec::new(),
        url: None,
        env: Vec::new(),
        headers: Vec::new(),
        parameters: Vec::new(),
        tags: vec![TEAM_TAG.to_owned()],
        documentation_url,
        origin: Origin::Team,
    };
    launch(json, &mut spec)?;
    if let Some(problem) = catalog::problem(&spec) {
        return Err(refuse(
            "name",
            &format!("the catalog entry it maps to {problem}"),
        ));
    }
    Ok(spec)
}

/// 400 `SERVER_JSON_INVALID`: `field` cannot be honoured, and `why`.
fn refuse(field: &str, why: &str) -> Error {
    Error::new(
        Code::ServerJsonInvalid,
        format!("server.json field '{field}' cannot be used: {why}"),
    )
}

/// The part of `name` after its `/`, when it is a catalog id.
fn derived_id(name: &str) -> Result<String> {
    let last = name.rsplit('/').next().unwrap_or(name);
    if name.contains('/') && id::is_valid(last) {
        Ok(last.to_owned())
    } else {
        Err(refuse(
            "name",
            &format!(
                "'{}' does not end in '/<id>' with an id of 1-64 letters, digits, '.', '_' or '-' starting with a letter or digit; choose the id with PUT /v1/servers/{{server_id}}",
                name.escape_debug()
            ),
        ))
    }
}

/// Fills the launch of `spec`: the first usable package, else the first remote.
fn launch(json: &ServerJson, spec: &mut ServerSpec) -> Result<()> {
    let mut first_problem = None;
    for (i, package) in json.packages.iter().enumerate() {
        let at = format!("packages[{i}]");
        match runner(package, &at) {
            Ok(runner) => return local(package, runner, &at, spec),
            Err(e) => {
                first_problem.get_or_insert(e);
            }
        }
    }
    if let Some(remote) = json.remotes.first() {
        return remote_launch(remote, "remotes[0]", spec);
    }
    Err(first_problem.unwrap_or_else(|| {
        refuse(
            "packages",
            "the server needs a package (npm, pypi or oci) or a remote to be added to a client",
        )
    }))
}

/// How a package runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Runner {
    Npx,
    Uvx,
    Docker,
}

/// The runner of `package`, or why it cannot be run.
fn runner(package: &Package, at: &str) -> Result<Runner> {
    let (runner, hint) = match package.registry_type.as_str() {
        "npm" => (Runner::Npx, "npx"),
        "pypi" => (Runner::Uvx, "uvx"),
        "oci" => (Runner::Docker, "docker"),
        other => {
            return Err(refuse(
                &format!("{at}.registryType"),
                &format!(
                    "'{}' packages are not supported (npm, pypi and oci are)",
                    other.escape_debug()
                ),
            ));
        }
    };
    if package.transport.kind != "stdio" {
        return Err(refuse(
            &format!("{at}.transport.type"),
            &format!(
                "'{}': a package that serves HTTP locally is not supported, only stdio packages are",
                package.transport.kind.escape_debug()
            ),
        ));
    }
    if let Some(given) = package.runtime_hint.as_deref().filter(|h| *h != hint) {
        return Err(refuse(
            &format!("{at}.runtimeHint"),
            &format!(
                "'{}': {} packages run with {hint}",
                given.escape_debug(),
                package.registry_type
            ),
        ));
    }
    if package.identifier.trim().is_empty() || package.identifier.starts_with('-') {
        return Err(refuse(
            &format!("{at}.identifier"),
            "must be a package name or image reference",
        ));
    }
    Ok(runner)
}

/// A stdio entry running `package` with `runner`.
fn local(package: &Package, runner: Runner, at: &str, spec: &mut ServerSpec) -> Result<()> {
    let mut params = Params::default();
    let mut runtime = Vec::new();
    for (i, arg) in package.runtime_arguments.iter().enumerate() {
        runtime.push(argument(
            arg,
            &format!("{at}.runtimeArguments[{i}]"),
            &mut params,
        )?);
    }
    let mut after = Vec::new();
    for (i, arg) in package.package_arguments.iter().enumerate() {
        after.push(argument(
            arg,
            &format!("{at}.packageArguments[{i}]"),
            &mut params,
        )?);
    }
    for (i, var) in package.environment_variables.iter().enumerate() {
        spec.env
            .push(env_var(var, &format!("{at}.environmentVariables[{i}]"))?);
    }
    let version = package.version.as_deref().filter(|v| !v.is_empty());
    let pinned = match version {
        Some(v) => format!("{}@{v}", package.identifier),
        None => package.identifier.clone(),
    };
    let (command, mut args) = match runner {
        Runner::Npx => {
            spec.npm_package = Some(package.identifier.clone());
            ("npx", vec!["-y".to_owned()])
        }
        Runner::Uvx => {
            spec.pypi_package = Some(package.identifier.clone());
            ("uvx", Vec::new())
        }
        Runner::Docker => ("docker", vec!["run".into(), "-i".into(), "--rm".into()]),
    };
    args.extend(runtime);
    match runner {
        Runner::Docker => {
            for var in &spec.env {
                args.extend(["-e".to_owned(), var.name.clone()]);
            }
            args.push(image(&package.identifier, version));
        }
        Runner::Npx | Runner::Uvx => args.push(pinned),
    }
    args.extend(after);
    spec.transport = Transport::Stdio;
    spec.command = Some(command.to_owned());
    spec.args = args;
    spec.parameters = params.0;
    spec.tags.push(package.registry_type.clone());
    Ok(())
}

/// An image reference with `version` as its tag unless it already has a tag or digest.
fn image(identifier: &str, version: Option<&str>) -> String {
    let last = identifier.rsplit('/').next().unwrap_or(identifier);
    match version {
        Some(v) if !last.contains(':') && !last.contains('@') => format!("{identifier}:{v}"),
        _ => identifier.to_owned(),
    }
}

/// A remote entry reaching `remote`.
fn remote_launch(remote: &RemoteTransport, at: &str, spec: &mut ServerSpec) -> Result<()> {
    spec.transport = match remote.kind.as_str() {
        "streamable-http" => Transport::Http,
        "sse" => Transport::Sse,
        other => {
            return Err(refuse(
                &format!("{at}.type"),
                &format!(
                    "'{}' is not a remote transport (streamable-http or sse)",
                    other.escape_debug()
                ),
            ));
        }
    };
    let mut params = Params::default();
    let url = template(
        &remote.url,
        &remote.variables,
        &format!("{at}.url"),
        &mut params,
        true,
    )?;
    for (i, header) in remote.headers.iter().enumerate() {
        spec.headers
            .push(header_of(header, &format!("{at}.headers[{i}]"))?);
    }
    spec.url = Some(url);
    spec.parameters = params.0;
    spec.tags.push("remote".to_owned());
    Ok(())
}

/// The parameters an entry declares, in order, unique by name.
#[derive(Default)]
struct Params(Vec<Parameter>);

impl Params {
    /// Declares the parameter `name` from `input`; `in_url` makes an optional one without a
    /// default required (a URL cannot leave a piece out).
    fn declare(&mut self, name: &str, input: &Input, at: &str, in_url: bool) -> Result<()> {
        if !is_identifier(name) {
            return Err(refuse(
                at,
                &format!(
                    "'{}' is not a usable name (letters, digits and '_', not starting with a digit)",
                    name.escape_debug()
                ),
            ));
        }
        if self.0.iter().any(|p| p.name == name) {
            return Err(refuse(
                at,
                &format!("'{name}' names a second value; each value needs its own name"),
            ));
        }
        if input.is_secret {
            return Err(refuse(
                at,
                "a secret value here would sit in the client file as text; pass it as an environment variable or header",
            ));
        }
        let kind = match input.format.as_deref() {
            None | Some("string") => ParamType::String,
            Some("number") => ParamType::Int,
            Some("boolean") => ParamType::Bool,
            Some("filepath") => ParamType::Path,
            Some(other) => {
                return Err(refuse(
                    &format!("{at}.format"),
                    &format!(
                        "'{}' is not string, number, boolean or filepath",
                        other.escape_debug()
                    ),
                ));
            }
        };
        let default = match input.default.as_deref() {
            None => None,
            Some(text) => Some(typed(kind, text).ok_or_else(|| {
                refuse(
                    &format!("{at}.default"),
                    &format!("'{}' is not {}", text.escape_debug(), kind.expectation()),
                )
            })?),
        };
        let required = default.is_none() && (input.is_required || in_url);
        let description = input
            .description
            .clone()
            .filter(|d| !d.trim().is_empty())
            .unwrap_or_else(|| name.replace('_', " "));
        self.0.push(Parameter {
            name: name.to_owned(),
            kind,
            required,
            example: input
                .placeholder
                .as_deref()
                .and_then(|p| typed(kind, p))
                .or_else(|| input.choices.first().and_then(|c| typed(kind, c))),
            default,
            description,
        });
        Ok(())
    }
}

/// `text` as a JSON value of `kind`, if it is one.
fn typed(kind: ParamType, text: &str) -> Option<Value> {
    let value = match kind {
        ParamType::String | ParamType::Path => Value::from(text),
        ParamType::Int => Value::from(text.trim().parse::<i64>().ok()?),
        ParamType::Bool => Value::from(text.trim().parse::<bool>().ok()?),
    };
    kind.render(&value).map(|_| value)
}

/// An argument as an args template.
fn argument(arg: &Input, at: &str, params: &mut Params) -> Result<String> {
    match arg.kind.as_deref() {
        Some("positional") => match (&arg.value, &arg.value_hint) {
            (Some(value), _) => {
                template(value, &arg.variables, &format!("{at}.value"), params, false)
            }
            (None, Some(hint)) => {
                let name = identifier_of(hint);
                params.declare(&name, arg, &format!("{at}.valueHint"), false)?;
                Ok(format!("{{{name}}}"))
            }
            (None, None) => Err(refuse(
                at,
                "a positional argument needs a value or a valueHint",
            )),
        },
        Some("named") => {
            let flag = arg
                .name
                .as_deref()
                .filter(|f| !f.trim().is_empty() && !f.contains(char::is_whitespace))
                .ok_or_else(|| refuse(&format!("{at}.name"), "a named argument needs its flag"))?;
            let value = match &arg.value {
                Some(value) => {
                    template(value, &arg.variables, &format!("{at}.value"), params, false)?
                }
                None => {
                    let name = identifier_of(flag.trim_start_matches('-'));
                    params.declare(&name, arg, &format!("{at}.name"), false)?;
                    format!("{{{name}}}")
                }
            };
            Ok(format!("{flag}={value}"))
        }
        other => Err(refuse(
            &format!("{at}.type"),
            &format!(
                "{} is not positional or named",
                other.map_or("a missing type".to_owned(), |t| format!(
                    "'{}'",
                    t.escape_debug()
                ))
            ),
        )),
    }
}

/// `value` as a catalog template: each `{name}` must be one of `variables`, and becomes that
/// parameter.
fn template(
    value: &str,
    variables: &BTreeMap<String, Input>,
    at: &str,
    params: &mut Params,
    in_url: bool,
) -> Result<String> {
    let mut out = String::with_capacity(value.len());
    for piece in pieces(value) {
        match piece {
            Piece::Text(text) => out.push_str(text),
            Piece::Param(name) => {
                let input = variables.get(name).ok_or_else(|| {
                    refuse(at, &format!("'{{{name}}}' is not one of its variables"))
                })?;
                if !params.0.iter().any(|p| p.name == name) {
                    params.declare(name, input, &format!("{at} variable '{name}'"), in_url)?;
                }
                out.push('{');
                out.push_str(name);
                out.push('}');
            }
        }
    }
    Ok(out)
}

/// A name usable as a parameter: letters, digits and `_` kept, anything else `_`.
fn identifier_of(text: &str) -> String {
    let mut name: String = text
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    name
}

/// A value that is fixed text (no `{name}`), or why not.
fn fixed(input: &Input, at: &str) -> Result<Option<String>> {
    match &input.value {
        Some(value) if pieces(value).iter().any(|p| matches!(p, Piece::Param(_))) => Err(refuse(
            &format!("{at}.value"),
            "only headers may build their value from a variable ('Bearer {token}')",
        )),
        value => Ok(value.clone().or_else(|| input.default.clone())),
    }
}

/// An environment variable.
fn env_var(var: &Input, at: &str) -> Result<EnvVar> {
    let name = var.name.clone().unwrap_or_default();
    if !is_identifier(&name) {
        return Err(refuse(
            &format!("{at}.name"),
            &format!(
                "'{}' is not an environment variable name",
                name.escape_debug()
            ),
        ));
    }
    let default = fixed(var, at)?;
    Ok(EnvVar {
        description: var
            .description
            .clone()
            .filter(|d| !d.trim().is_empty())
            .unwrap_or_else(|| name.clone()),
        required: var.is_required && default.is_none(),
        secret: var.is_secret,
        example: var.placeholder.clone(),
        default,
        name,
    })
}

/// A header of a remote; a `value` of text then one `{variable}` makes a prefix.
fn header_of(header: &Input, at: &str) -> Result<Header> {
    let name = header.name.clone().unwrap_or_default();
    if !is_header_name(&name) {
        return Err(refuse(
            &format!("{at}.name"),
            &format!("'{}' is not an HTTP header name", name.escape_debug()),
        ));
    }
    let description = |input: &Input| input.description.clone().filter(|d| !d.trim().is_empty());
    let value = header.value.as_deref().map(pieces);
    let (prefix, from) = match value.as_deref() {
        None => (None, header),
        Some([Piece::Param(var)]) => (Some(String::new()), variable(header, var, at)?),
        Some([Piece::Text(prefix), Piece::Param(var)]) => {
            (Some((*prefix).to_owned()), variable(header, var, at)?)
        }
        Some(pieces) if pieces.iter().all(|p| matches!(p, Piece::Text(_))) => (None, header),
        Some(_) => {
            return Err(refuse(
                &format!("{at}.value"),
                "a header value may be fixed text or text followed by one {variable}, such as 'Bearer {token}'",
            ));
        }
    };
    let default = match prefix {
        Some(_) => from.default.clone(),
        None => header.value.clone().or_else(|| header.default.clone()),
    };
    Ok(Header {
        description: description(from)
            .or_else(|| description(header))
            .unwrap_or_else(|| name.clone()),
        required: (header.is_required || from.is_required) && default.is_none(),
        secret: header.is_secret || from.is_secret,
        prefix: prefix.filter(|p| !p.is_empty()),
        default,
        name,
    })
}

/// The variable `name` of `header`'s value.
fn variable<'a>(header: &'a Input, name: &str, at: &str) -> Result<&'a Input> {
    header.variables.get(name).ok_or_else(|| {
        refuse(
            &format!("{at}.value"),
            &format!("'{{{name}}}' is not one of its variables"),
        )
    })
}
