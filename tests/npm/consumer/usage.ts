// Compiled with `tsc --noEmit` under `strict` by tests/npm/package.test.mjs: the declarations give
// every value a real type, and misuse does not compile.
import {
  artifactId, canonicalize, catalog, clients, diffConfigs, getServer, readClientConfig,
  renderClientConfig, renderEntry, searchServers, validateConfig, verifyArtifact, version,
  type Artifact, type ClientSummary, type Code, type CoreError, type Diff, type Issue,
  type JsonValue, type Payload, type Report, type Server, type ServerEntry, type Transport,
} from "mcp-orchestration-core";

const servers: Server[] = catalog().servers;
const count: number = searchServers("git", { transport: "stdio" }).count;
const transport: Transport = getServer("filesystem").transport;
const client: ClientSummary | undefined = clients().clients.find((c) => c.config_format === "toml");

const entry: ServerEntry = renderEntry("filesystem", { params: { path: "/tmp" }, name: "fs" });
const command: string | undefined = "command" in entry ? entry.command : undefined;
const payload: Payload = { mcpServers: { fs: entry } };

const report: Report = validateConfig("cursor", payload);
const codes: Code[] = report.errors.map((i: Issue) => i.code);
const diff: Diff = diffConfigs(payload, { mcpServers: {} });
const status: "up-to-date" | "outdated" | "diverged" = diff.status;

const canonical: string = canonicalize(payload);
const id: string = artifactId(payload);
declare const artifact: Artifact;
const ok: boolean = verifyArtifact(artifact, "-----BEGIN PUBLIC KEY-----\n...");
const text: string = renderClientConfig("codex", payload, null);
const back: Payload = readClientConfig("codex", text);
const v: string = version();
const metadata: JsonValue = artifact.metadata;

try {
  getServer("nope");
} catch (e) {
  const code: Code = (e as CoreError).code;
  void code;
}

// @ts-expect-error: a transport is one of "stdio", "http", "sse"
searchServers("x", { transport: "ftp" });
// @ts-expect-error: renderEntry takes params, env and name, not "param"
renderEntry("filesystem", { param: {} });
// @ts-expect-error: a payload's servers are under "mcpServers"
validateConfig("cursor", { servers: {} });
// @ts-expect-error: verifyArtifact answers a boolean
const notAString: string = verifyArtifact(artifact, "pem");
// @ts-expect-error: a report's issues have codes of the registry
const bad: Issue = { code: "NOT_A_CODE", message: "", severity: "error" };

void [servers, count, transport, client, command, codes, status, canonical, id, ok, back, v, metadata, notAString, bad];
