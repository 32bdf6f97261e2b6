"""Example-grade client of the egg.js IM backend: log in, befriend someone, star them."""

import requests


class ImClient:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.http = requests.Session()
        self.user: dict = {}

    def call(self, method: str, path: str, **form: object) -> object:
        resp = self.http.request(method, self.base_url + path, data=form or None)
        body = resp.json()
        if body["msg"] != "ok":
            raise RuntimeError(f"{resp.status_code}: {body['data']}")
        return body["data"]

    def login(self, username: str, password: str) -> dict:
        self.user = self.call("POST", "/api/loginChat", username=username, password=password)
        self.http.headers["token"] = self.user["token"]
        return self.user

    def befriend(self, keyword: str, note: str = "") -> int:
        """Search by keyword and apply to the first hit; returns their user id."""
        found = self.call("POST", "/api/chat/searchUser", keyword=keyword)
        self.call("POST", "/api/chat/applyfriend", friend_id=found[0]["id"], nickname=note)
        return found[0]["id"]

    def accept_all(self) -> int:
        pending = self.call("GET", "/api/chat/listapplyfriend/1")["alldata"]
        for apply in pending:
            self.call("POST", f"/api/chat/handleapply/{apply['id']}", status="agree")
        return len(pending)
