"""A simulated trainee: does over HTTP and the kernel websocket what the Voila page does in a browser.

    page = await open_lesson(base_url, path)    # GET the page, connect to its kernel, fetch widget state
    await page.answer_first_question()          # choose an option, press Check, wait for the feedback
    await page.leave()                          # what the page does on close: shutdown beacon, close socket

Used by the classroom benchmark (thirty of these at once cost the server what thirty browsers cost it,
without thirty browsers competing for the same two cores) and by the robustness tests (a kernel
websocket that tries to run code).
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from tornado.httpclient import AsyncHTTPClient, HTTPRequest
from tornado.websocket import websocket_connect

CONFIG = re.compile(r'<script id="jupyter-config-data" type="application/json">\s*(\{.*?\})\s*</script>', re.S)


def message(msg_type: str, content: dict, channel: str = "shell", session: str = "") -> dict:
    return {
        "header": {
            "msg_id": uuid.uuid4().hex,
            "msg_type": msg_type,
            "session": session,
            "username": "",
            "date": "",
            "version": "5.3",
        },
        "parent_header": {},
        "metadata": {},
        "content": content,
        "channel": channel,
        "buffers": [],
    }


class LessonPage:
    """One trainee's page. `page` is a notebook path under voila/render/ or a full URL (stock Voila: `/`)."""

    def __init__(self, base_url: str, page: str, assets: tuple = ()):
        self.base_url = base_url.rstrip("/") + "/"
        self.url = page if "://" in page else f"{self.base_url}voila/render/{page}"
        self.assets = assets  # static files the browser fetches for this page (recorded from a real one)
        self.session = uuid.uuid4().hex
        self.cookies = {}
        self.kernel_id = None
        self.ws = None
        self.states = {}
        self.times = {}
        self.html = ""
        self._t0 = None

    def _mark(self, name):
        self.times[name] = time.perf_counter() - self._t0

    def _cookie_header(self):
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def _keep_cookies(self, response):
        for header in response.headers.get_list("Set-Cookie"):
            for key, morsel in SimpleCookie(header).items():
                self.cookies[key] = morsel.value

    async def open(self, timeout: float = 120) -> LessonPage:
        client = AsyncHTTPClient(max_clients=64)
        self._t0 = self._t0 or time.perf_counter()
        headers = {"Cookie": self._cookie_header()} if self.cookies else None  # e.g. a trainee who joined a group
        response = await client.fetch(self.url, headers=headers, request_timeout=timeout, raise_error=False)
        self._mark("html")
        self.status = response.code
        self._keep_cookies(response)
        self.html = response.body.decode("utf-8", "replace")
        if response.code != 200:
            return self
        if self.assets:
            await self.fetch_assets(timeout)
            self._mark("assets")
        config = json.loads(CONFIG.search(self.html).group(1))
        self.kernel_id = config["kernelId"]
        await client.fetch(
            f"{self.base_url}api/kernels/{self.kernel_id}",
            headers={"Cookie": self._cookie_header()},
            request_timeout=timeout,
        )
        host = urlsplit(self.base_url)
        ws_url = f"ws://{host.netloc}{host.path}api/kernels/{self.kernel_id}/channels?" + urlencode(
            {"session_id": self.session}
        )
        request = HTTPRequest(
            ws_url,
            headers={"Cookie": self._cookie_header(), "Origin": f"http://{host.netloc}"},
            request_timeout=timeout,
        )
        self.ws = await websocket_connect(request, max_message_size=64 * 2**20)
        self._mark("websocket")
        await self.send(message("kernel_info_request", {}))
        await self.wait_for(lambda m: m["msg_type"] == "kernel_info_reply", timeout)
        comm_id = uuid.uuid4().hex
        opening = message("comm_open", {"comm_id": comm_id, "target_name": "jupyter.widget.control", "data": {}})
        opening["metadata"] = {"version": "1.0.0"}  # the widget control protocol
        await self.send(opening)
        await self.send(message("comm_msg", {"comm_id": comm_id, "data": {"method": "request_states"}}))
        reply = await self.wait_for(
            lambda m: m["msg_type"] == "comm_msg" and m["content"].get("comm_id") == comm_id, timeout
        )
        self.states = reply["content"]["data"].get("states", {})
        self._mark("interactive")
        await self.send(message("comm_close", {"comm_id": comm_id, "data": {}}))
        return self

    async def fetch_assets(self, timeout: float, connections: int = 6) -> None:
        """Fetch the page's scripts and styles as a browser does: at most six at a time per server."""
        client, queue = AsyncHTTPClient(max_clients=64), list(self.assets)

        async def worker():
            while queue:
                url = queue.pop(0)
                await client.fetch(
                    url if "://" in url else self.base_url + url.lstrip("/"),
                    raise_error=False,
                    request_timeout=timeout,
                    headers={"Cookie": self._cookie_header()},
                )

        await asyncio.gather(*[worker() for _ in range(connections)])

    async def send(self, msg: dict) -> None:
        msg["header"]["session"] = self.session
        await self.ws.write_message(json.dumps(msg))

    async def receive(self, timeout: float):
        raw = await asyncio.wait_for(self.ws.read_message(), timeout)
        if raw is None:
            raise ConnectionError("the kernel websocket closed")
        msg = json.loads(raw)
        msg["msg_type"] = msg.get("msg_type") or msg["header"]["msg_type"]
        return msg

    async def wait_for(self, predicate, timeout: float = 30, collect=None):
        deadline = time.monotonic() + timeout
        while True:
            msg = await self.receive(max(0.01, deadline - time.monotonic()))
            if collect is not None:
                collect.append(msg)
            if predicate(msg):
                return msg

    def models(self, name: str) -> list:
        return [mid for mid, s in self.states.items() if s.get("model_name") == name]

    async def answer_first_question(self, option: int = 0, timeout: float = 60) -> str:
        """Choose an option of the first question, press its Check button, return the feedback HTML."""
        radio = self.models("RadioButtonsModel")[0]
        box = next(
            mid
            for mid, s in self.states.items()
            if s.get("model_name") == "VBoxModel" and f"IPY_MODEL_{radio}" in s["state"].get("children", [])
        )
        children = [c.replace("IPY_MODEL_", "") for c in self.states[box]["state"]["children"]]
        button = next(c for c in children if self.states[c]["model_name"] == "ButtonModel")
        feedback = children[-1]
        await self.send(
            message(
                "comm_msg",
                {"comm_id": radio, "data": {"method": "update", "state": {"index": option}, "buffer_paths": []}},
            )
        )
        await self.send(
            message("comm_msg", {"comm_id": button, "data": {"method": "custom", "content": {"event": "click"}}})
        )
        msg = await self.wait_for(
            lambda m: (
                m["msg_type"] == "comm_msg"
                and m["content"].get("comm_id") == feedback
                and "value" in m["content"]["data"].get("state", {})
            ),
            timeout,
        )
        self._mark("answered")
        return msg["content"]["data"]["state"]["value"]

    async def leave(self) -> None:
        """What the page does on `beforeunload`: the shutdown beacon (with the _xsrf cookie), then close."""
        if self.kernel_id:
            body = urlencode({"_xsrf": self.cookies.get("_xsrf", "")})
            await AsyncHTTPClient().fetch(
                f"{self.base_url}voila/api/shutdown/{self.kernel_id}",
                method="POST",
                body=body,
                raise_error=False,
                headers={"Cookie": self._cookie_header(), "Content-Type": "application/x-www-form-urlencoded"},
            )
        if self.ws is not None:
            self.ws.close()
            self.ws = None


async def open_lesson(base_url: str, page: str, timeout: float = 120) -> LessonPage:
    return await LessonPage(base_url, page).open(timeout)
