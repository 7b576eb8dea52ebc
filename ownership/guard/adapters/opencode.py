"""OpenCode: a plugin, .opencode/plugins/ownership.js, whose `tool.execute.before` asks the guard.

Source: anomalyco/opencode packages/plugin/src/index.ts (`"tool.execute.before"(input:
{tool, sessionID, callID}, output: {args})`), packages/web/src/content/docs/plugins.mdx
(a plugin blocks a call by throwing) and packages/opencode/src/tool/ (edit and
write: filePath; apply_patch: patchText; bash: command, workdir). The plugin
sends {tool, sessionID, callID, args, directory} on stdin of
`ownership guard --host opencode` through Bun's shell (a Response as stdin, oven-sh/bun
docs/runtime/shell.md) and throws when it does not exit 0 or does not answer within 30 s,
so a guard that cannot start, crashes or hangs blocks too. Exit 2 + stderr is the deny.
"""

from __future__ import annotations

import json
import os

from ..protocol import HookInput
from .base import Host, absolute, field, mcp_by_name, patch, request_of, shell

FILE_TOOLS = ("edit", "write", "multiedit")
PATCH_TOOLS = ("apply_patch", "patch")
PLUGIN = ".opencode/plugins/ownership.js"
PLUGIN_TEXT = """\
// The ownership guard (`ownership install opencode`): every tool call is judged before it runs.
// A call outside the agent's lane, or a guard that cannot run, throws: OpenCode then refuses the call.
export const OwnershipGuard = async ({ $, directory }) => ({
  "tool.execute.before": async (input, output) => {
    const call = JSON.stringify({ tool: input.tool, sessionID: input.sessionID, callID: input.callID,
                                  args: output.args, directory })
    let result, timer
    const late = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error("ownership: the guard did not answer within 30 s")), 30000)
    })
    try {
      const run = $`sh -c ${COMMAND} < ${new Response(call)}`.cwd(directory).nothrow().quiet()
      result = await Promise.race([run, late])
    } catch (error) {
      throw new Error(`ownership: the guard did not run (${error})`)
    } finally {
      clearTimeout(timer)
    }
    if (result.exitCode !== 0) {
      const said = result.stderr.toString().trim()
      throw new Error(said || `ownership: the guard exited ${result.exitCode}`)
    }
  },
})
"""


class OpenCode(Host):
    name, title, folder = "opencode", "OpenCode", ".opencode"

    def project(self, payload: dict) -> str | None:
        folder = payload.get("directory")
        return folder if isinstance(folder, str) and os.path.isabs(folder) else None

    def request(self, payload: dict, cwd: str) -> HookInput | None:
        tool = field(payload, "tool", "")
        args = field(payload, "args", "", dict)
        base = request_of(absolute(payload.get("directory"), "directory"), tool, None, payload.get("sessionID"))
        if tool in FILE_TOOLS:
            return HookInput(**{**base.__dict__, "paths": (field(args, "filePath", "args."),)})
        if tool in PATCH_TOOLS:
            return patch(base, field(args, "patchText", "args."))
        if tool == "bash":
            folder = field(args, "workdir", "args.", required=False)
            if folder:
                base = HookInput(**{**base.__dict__, "cwd": os.path.normpath(os.path.join(base.cwd, folder))})
            return shell(base, field(args, "command", "args."))
        return mcp_by_name(base, tool, args) if "_" in tool else None  # MCP tools are SERVER_TOOL; built-ins are not

    def command(self, program: str, agent: str | None = None) -> str:
        return self.invocation(program, agent)  # the plugin throws on any other exit than 0

    def install(self, ws, program: str) -> list[tuple[str, bool]]:
        text = PLUGIN_TEXT.replace("${COMMAND}", "${" + json.dumps(self.command(program)) + "}")
        path = os.path.join(ws.repo, PLUGIN)
        try:
            with open(path, encoding="utf-8") as handle:
                if handle.read() == text:
                    return [(PLUGIN, False)]
        except FileNotFoundError:
            pass
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        return [(PLUGIN, True)]

    def installed(self, ws) -> str | None:
        try:
            with open(os.path.join(ws.repo, PLUGIN), encoding="utf-8") as handle:
                text = handle.read()
        except OSError:
            return None
        start = text.find("sh -c ${")
        if start < 0:
            return None
        try:
            return json.JSONDecoder().raw_decode(text, start + len("sh -c ${"))[0]
        except ValueError:
            return None

    def probe(self, cwd: str, path: str | None, command: str | None, agent: str | None = None) -> bytes:
        tool, args = ("write", {"filePath": path, "content": ""}) if path else ("bash", {"command": command})
        return json.dumps({"tool": tool, "sessionID": "ownership-doctor", "callID": "c1", "args": args,
                           "directory": cwd}).encode()  # fmt: skip

    def decision(self, code: int, out: str, err: str) -> str:
        return "allow" if code == 0 else "deny" if err.strip() else "unclear"


HOST = OpenCode()
