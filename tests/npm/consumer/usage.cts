// The CommonJS view of the declarations (index.d.cts), compiled with the same settings.
import core = require("mcp-orchestration-core");

const report: core.Report = core.validateConfig("cursor", { mcpServers: {} });
const entry: core.ServerEntry = core.renderEntry("memory");
// @ts-expect-error: a payload's servers are under "mcpServers"
core.validateConfig("cursor", { servers: {} });
void [report.valid, entry, core.version()];
