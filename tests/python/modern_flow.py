"""MCP 2026-07-28 driven by the official Python SDK's high-level `Client`.

Usage: modern_flow.py cred|oauth|notes MCP_URL

`Client` in its default mode ('auto') probes `server/discover` and, when the
server speaks 2026-07-28, sends every request stateless: no `initialize`, no
session, the version and capabilities in each request's `_meta`, the bearer
token on each. The person's pages are walked as in `cred_flow.py`; for
`oauth` the consent page leads through the (mock) provider and back to the
server's callback.

- `cred` (the `openai` example): `generate` with the user's key, then
  `delete_file`, which asks the user to confirm: under 2026-07-28 the call ends
  with `InputRequiredResult`, the SDK answers through `elicitation_callback`
  and sends the call again with the answer and the sealed `requestState`.
- `oauth` (the `oauth2` example): `whoami` with the user's provider token.
- `notes` (the `notes` example): `list_notes`, then `add_note`, which needs a
  scope the first authorization lacks: the server answers 403
  `insufficient_scope`, and the SDK authorizes again for the scopes the
  challenge names (a step-up) and retries; the consent page's optional scopes
  are left ticked, as a browser sends them.

Prints a JSON report on stdout and exits 0; any failure exits non-zero with
the error on stderr.
"""

import html
import json
import logging
import re
import sys
import traceback
from urllib.parse import parse_qs, urljoin, urlparse

import anyio
import httpx2
import mcp_types as types
from mcp.client.auth import AuthorizationCodeResult
from mcp.client.client import Client
from mcp.client.streamable_http import streamable_http_client

from cred_flow import REDIRECT_URI, MemoryStorage, Person, first_text, form_action, hidden, oauth


class OAuthPerson(Person):
    """The browser of an `oauth` server: consent, then the provider, then back."""

    def __init__(self) -> None:
        super().__init__()
        self.scopes_asked: list[str] = []

    async def redirect_handler(self, authorization_url: str) -> None:
        self.authorizations += 1
        async with httpx2.AsyncClient(follow_redirects=False, timeout=30, trust_env=False) as browser:
            consent = await browser.get(authorization_url)
            self.steps.append(f"GET /authorize -> {consent.status_code}")
            if consent.status_code != 200:
                raise RuntimeError(f"consent page: HTTP {consent.status_code}: {consent.text}")
            approve_url = urljoin(authorization_url, form_action(consent.text, "/authorize"))
            self.scopes_asked.append(parse_qs(urlparse(authorization_url).query).get("scope", [""])[0])
            # The optional scopes' checkboxes, left checked.
            ticked = {html.unescape(name): "on" for name in re.findall(r'type="checkbox" name="([^"]*)"[^>]*checked', consent.text)}
            response = await browser.post(
                approve_url,
                data={
                    "pending": hidden(consent.text, "pending"),
                    "csrf": hidden(consent.text, "csrf"),
                    "decision": "approve",
                    **ticked,
                },
            )
            # To the provider (which approves at once), back to the server's
            # callback, and on to the client's redirect URI.
            for _ in range(5):
                self.steps.append(f"{response.request.method} {response.request.url.path} -> {response.status_code}")
                if response.status_code not in (302, 303):
                    raise RuntimeError(f"expected a redirect, got HTTP {response.status_code}: {response.text}")
                location = urljoin(str(response.request.url), response.headers["location"])
                if location.startswith(REDIRECT_URI + "?"):
                    query = parse_qs(urlparse(location).query)
                    if "error" in query:
                        raise RuntimeError(f"authorization error: {query}")
                    self.result = AuthorizationCodeResult(
                        code=query["code"][0],
                        state=query.get("state", [None])[0],
                        iss=query.get("iss", [None])[0],
                    )
                    return
                response = await browser.get(location)
            raise RuntimeError(f"too many redirects: {self.steps}")


async def run(kind: str, url: str) -> dict:
    person = Person() if kind == "cred" else OAuthPerson()
    storage = MemoryStorage()
    auth = oauth(url, person, storage)
    asked: list[str] = []

    async def elicit(_context, params: types.ElicitRequestParams) -> types.ElicitResult:
        asked.append(params.message)
        return types.ElicitResult(action="accept", content={"delete": True})

    report: dict = {}
    async with httpx2.AsyncClient(auth=auth, timeout=httpx2.Timeout(30, read=60), trust_env=False) as http:
        transport = streamable_http_client(url, http_client=http)
        async with Client(transport, elicitation_callback=elicit) as client:
            report["protocol_version"] = client.protocol_version
            report["tools"] = [tool.name for tool in (await client.list_tools()).tools]
            if kind == "cred":
                report["text"] = first_text(await client.call_tool("generate", {"prompt": "from 2026"}))
                report["deleted"] = first_text(await client.call_tool("delete_file", {"file_id": "file-9"}))
            elif kind == "notes":
                report["before"] = first_text(await client.call_tool("list_notes", {}))
                report["added"] = first_text(await client.call_tool("add_note", {"text": "from Python"}))
                report["after"] = first_text(await client.call_tool("list_notes", {}))
            else:
                report["whoami"] = first_text(await client.call_tool("whoami", {}))
    report["asked"] = asked
    report["authorizations"] = person.authorizations
    report["steps"] = person.steps
    report["scopes_asked"] = getattr(person, "scopes_asked", [])
    return report


def main() -> int:
    if len(sys.argv) != 3 or sys.argv[1] not in ("cred", "oauth", "notes"):
        print("usage: modern_flow.py cred|oauth|notes MCP_URL", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    try:
        output = anyio.run(run, sys.argv[1], sys.argv[2])
    except BaseException as error:  # noqa: BLE001 - report everything, exception groups included
        traceback.print_exception(error, file=sys.stderr)
        print(f"modern_flow.py failed: {error!r}", file=sys.stderr)
        return 1
    print(json.dumps(output))
    return 0


if __name__ == "__main__":
    sys.exit(main())
