"""The `auth = cred` flow driven by the official MCP Python SDK.

Usage: cred_flow.py MCP_URL

`OAuthClientProvider` discovers the authorization server from the 401, registers
dynamically and sends the "browser" to /authorize. The redirect handler plays the
person: it approves on the consent page and submits the credentials form with
httpx2 (keeping the CSRF cookie), and reads code, state and iss off the 303 that
ends the flow. The SDK then exchanges the code (PKCE), checks `state` and `iss`,
and the session lists the tools and calls `generate`.

Prints {"tools": [...], "text": "..."} on stdout and exits 0; any failure exits
non-zero with the error on stderr.
"""

import html
import json
import logging
import re
import sys
import time
import traceback
from urllib.parse import parse_qs, urljoin, urlparse

import anyio
import httpx2
from mcp.client.auth import AuthorizationCodeResult, OAuthClientProvider, TokenStorage
from mcp.client.session import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import OAuthClientInformationFull, OAuthClientMetadata, OAuthToken

# Nothing listens here: the code is read from the 303's Location, never followed.
REDIRECT_URI = "http://127.0.0.1:9/callback"
API_KEY = "sk-python"
ORGANIZATION = "org-py"


class MemoryStorage(TokenStorage):
    def __init__(self) -> None:
        self.tokens: OAuthToken | None = None
        self.client_info: OAuthClientInformationFull | None = None

    async def get_tokens(self) -> OAuthToken | None:
        return self.tokens

    async def set_tokens(self, tokens: OAuthToken) -> None:
        self.tokens = tokens

    async def get_client_info(self) -> OAuthClientInformationFull | None:
        return self.client_info

    async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
        self.client_info = client_info


def hidden(page: str, name: str) -> str:
    """The value of the input named `name`, as the server's templates write it."""
    match = re.search(rf'name="{re.escape(name)}"[^>]*?value="([^"]*)"', page)
    if match is None:
        raise RuntimeError(f"no input {name!r} on the page:\n{page}")
    return html.unescape(match.group(1))


def form_action(page: str, fallback: str) -> str:
    match = re.search(r'<form[^>]*action="([^"]*)"', page)
    return html.unescape(match.group(1)) if match else fallback


class Person:
    """The browser: walks the pages the authorization URL leads to."""

    def __init__(self) -> None:
        self.result: AuthorizationCodeResult | None = None
        self.steps: list[str] = []
        self.authorizations = 0

    async def redirect_handler(self, authorization_url: str) -> None:
        self.authorizations += 1
        # A browser of its own: cookies kept, redirects read rather than followed.
        async with httpx2.AsyncClient(follow_redirects=False, timeout=30, trust_env=False) as browser:
            consent = await browser.get(authorization_url)
            self.steps.append(f"GET /authorize -> {consent.status_code}")
            if consent.status_code != 200:
                raise RuntimeError(f"consent page: HTTP {consent.status_code}: {consent.text}")
            if "Python SDK client" not in consent.text:
                raise RuntimeError("the consent page does not name the client")
            if "gumstack_browser" not in browser.cookies:
                raise RuntimeError(f"GET /authorize set no gumstack_browser cookie: {consent.headers}")
            approve_url = urljoin(authorization_url, form_action(consent.text, "/authorize"))
            form = await browser.post(
                approve_url,
                data={
                    "pending": hidden(consent.text, "pending"),
                    "csrf": hidden(consent.text, "csrf"),
                    "decision": "approve",
                },
            )
            self.steps.append(f"POST {urlparse(approve_url).path} approve -> {form.status_code}")
            if form.status_code != 200 or 'name="api_key"' not in form.text:
                raise RuntimeError(f"credentials form: HTTP {form.status_code}: {form.text}")
            submit_url = urljoin(authorization_url, "/authorize/credentials")
            done = await browser.post(
                submit_url,
                data={
                    "pending": hidden(form.text, "pending"),
                    "csrf": hidden(form.text, "csrf"),
                    "api_key": API_KEY,
                    "organization": ORGANIZATION,
                },
            )
            self.steps.append(f"POST /authorize/credentials -> {done.status_code}")
            if done.status_code != 303:
                raise RuntimeError(f"credentials: expected 303, got HTTP {done.status_code}: {done.text}")
            location = done.headers["location"]
            if not location.startswith(REDIRECT_URI + "?"):
                raise RuntimeError(f"redirected to {location!r}, not to {REDIRECT_URI}")
            query = parse_qs(urlparse(location).query)
            if "error" in query:
                raise RuntimeError(f"authorization error: {query}")
            self.result = AuthorizationCodeResult(
                code=query["code"][0],
                state=query.get("state", [None])[0],
                iss=query.get("iss", [None])[0],
            )

    async def callback_handler(self) -> AuthorizationCodeResult:
        if self.result is None:
            raise RuntimeError("the redirect handler ended without a code")
        return self.result


def first_text(result) -> str:
    if result.is_error:
        raise RuntimeError(f"generate failed: {result.model_dump_json()}")
    texts = [block.text for block in result.content if getattr(block, "type", None) == "text"]
    if not texts:
        raise RuntimeError(f"generate returned no text: {result.model_dump_json()}")
    return texts[0]


def oauth(url: str, person: "Person", storage: MemoryStorage) -> OAuthClientProvider:
    """The SDK's OAuth client, registering as a public client; `person` walks the pages."""
    return OAuthClientProvider(
        server_url=url,
        client_metadata=OAuthClientMetadata(
            client_name="Python SDK client",
            redirect_uris=[REDIRECT_URI],
            grant_types=["authorization_code", "refresh_token"],
            response_types=["code"],
            token_endpoint_auth_method="none",
        ),
        storage=storage,
        redirect_handler=person.redirect_handler,
        callback_handler=person.callback_handler,
    )


async def run(url: str) -> dict:
    person = Person()
    storage = MemoryStorage()
    auth = oauth(url, person, storage)
    async with httpx2.AsyncClient(auth=auth, timeout=httpx2.Timeout(30, read=60), trust_env=False) as http:
        async with streamable_http_client(url, http_client=http) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                tools = await session.list_tools()
                text = first_text(await session.call_tool("generate", {"prompt": "from python"}))
                # Let the access token expire (as far as the SDK knows): the next request
                # refreshes it with the refresh token, which the server rotates.
                first = storage.tokens
                auth.context.token_expiry_time = time.time() - 1
                after_refresh = first_text(await session.call_tool("generate", {"prompt": "after refresh"}))
    tokens = storage.tokens
    return {
        "tools": [tool.name for tool in tools.tools],
        "text": text,
        "text_after_refresh": after_refresh,
        "authorizations": person.authorizations,
        "refresh": {
            "new_access_token": bool(first and tokens and first.access_token != tokens.access_token),
            "rotated_refresh_token": bool(first and tokens and first.refresh_token != tokens.refresh_token),
        },
        "steps": person.steps,
        "client_id": storage.client_info.client_id if storage.client_info else None,
        "token": {
            "token_type": tokens.token_type if tokens else None,
            "expires_in": tokens.expires_in if tokens else None,
            "has_refresh_token": bool(tokens and tokens.refresh_token),
        },
    }


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: cred_flow.py MCP_URL", file=sys.stderr)
        return 2
    # The SDK's warnings (a refused refresh, an odd response) go to stderr.
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    try:
        output = anyio.run(run, sys.argv[1])
    except BaseException as error:  # noqa: BLE001 - report everything, exception groups included
        traceback.print_exception(error, file=sys.stderr)
        print(f"cred_flow.py failed: {error!r}", file=sys.stderr)
        return 1
    print(json.dumps(output))
    return 0


if __name__ == "__main__":
    sys.exit(main())
