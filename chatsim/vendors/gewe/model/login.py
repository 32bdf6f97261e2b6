"""The instance's token, its devices, and the login lifecycle a simulated phone completes.

A Gewechat container has one token for its lifetime; devices (appIds) persist under it across
logout and login, at most ``max_devices`` of them. A login attempt is a ``LoginSession``: a QR code
from getLoginQrCode, or dialogLogin's prompt on the phone of the account last logged in. checkLogin
reports it as waiting (status 0), scanned (1, with the scanner's nickName and headImgUrl) or
confirmed (2, with loginInfo), and expiredTime counts down on the virtual clock.
"""

import base64
from typing import Any

from chatsim.contract import Refused
from chatsim.vendors.gewe.errors import ALREADY_LOGGED_IN, OFFLINE, GeweError
from chatsim.vendors.gewe.model.entities import Device, LoginSession, Person, Token
from chatsim.vendors.gewe.model.state import WorldState

QR_FAILED = "获取二维码失败"
CHECK_FAILED = "检查登录失败"
DEVICE_FAILED = "创建设备失败"
RECONNECT_FAILED = "断线重连失败"
DIALOG_FAILED = "弹框登录失败"
MAX_DEVICES = "已达到最大客户端数量操作"
EXPIRED = "二维码已过期，请重新获取二维码"
# Why a device went offline, as the admin API names it; only a dropped network comes back by itself.
OFFLINE_REASONS = ("logout", "kicked", "risk", "network")


class LoginRules(WorldState):
    def instance_token(self) -> str:
        """tools/getTokenId: the container's one token, every time."""
        return self.settings.instance_token

    def device_list(self, token: Token) -> list[str]:
        return list(token.devices)

    def get_login_qr(self, token: Token, app_id: str) -> dict[str, Any]:
        if app_id:
            device = self.device(token, app_id, QR_FAILED, online=False)
            if device.online:
                raise GeweError(ALREADY_LOGGED_IN)
        else:
            device = self._new_device(token)
        session = self._start_login(device)
        qr_data = f"http://weixin.qq.com/x/{self.ctx.ids.alnum(20)}"
        return {"appId": device.app_id, "uuid": session.uuid, "qrData": qr_data,
                "qrImgBase64": "data:image/jpg;base64," + base64.b64encode(qr_data.encode()).decode()}

    def _start_login(self, device: Device) -> LoginSession:
        device.login = LoginSession(self.ctx.ids.uuid4(), self.now() + self.settings.qr_ttl, self.settings.login_polls)
        return device.login

    def _new_device(self, token: Token) -> Device:
        if token.fail_device_creation:
            raise GeweError(DEVICE_FAILED, "-1", "exceeded maximum retries")
        if len(token.devices) >= token.max_devices:
            raise GeweError(DEVICE_FAILED, "-1", MAX_DEVICES)
        app_id = self.ctx.ids.wx_appid()
        while app_id in self.devices:
            app_id = self.ctx.ids.wx_appid()
        device = self.devices[app_id] = Device(app_id, token.value)
        token.devices.append(app_id)
        return device

    def check_login(self, token: Token, app_id: str, uuid: str) -> dict[str, Any]:
        device = self.device(token, app_id, CHECK_FAILED, online=False)
        session = device.login
        if session is None or session.uuid != uuid:
            raise GeweError(CHECK_FAILED, "-1", "uuid不存在或已失效，请重新获取二维码")
        left = int(session.expires_at - self.now())
        if left <= 0 and not session.confirmed:
            raise GeweError(CHECK_FAILED, "-1", EXPIRED)
        if self.settings.login_mode == "auto" and not session.confirmed:
            self._auto_poll(device, session)
        data: dict[str, Any] = {"uuid": uuid, "headImgUrl": None, "nickName": None, "expiredTime": max(left, 0),
                                "status": 0, "loginInfo": None}
        if session.scanned_by is not None:
            person = self.people[session.scanned_by]
            data.update(status=1, headImgUrl=person.small_head_img_url, nickName=person.nickname)
        if session.confirmed:
            data.update(status=2, loginInfo=_login_info(self.people[session.scanned_by or ""]))
        return data

    def _auto_poll(self, device: Device, session: LoginSession) -> None:
        """Auto mode: the phone of the device's account (or ``login.wxid``) scans on the poll before
        the last and confirms on the last."""
        wxid = device.wxid or self.settings.login_account
        if wxid is None:
            raise GeweError(CHECK_FAILED, "-1", "no phone scans this QR code (chatsim: set gewe.login.wxid)")
        session.polls_left = max(session.polls_left - 1, 0)
        if session.polls_left <= 1:
            session.scanned_by = wxid
        if session.polls_left == 0:
            self._confirm(device, session)

    def _confirm(self, device: Device, session: LoginSession) -> None:
        session.confirmed = True
        device.wxid, device.online, device.online_since = session.scanned_by, True, self.now()
        device.offline_reason = None

    # --- the phone's side, for the world actions ----------------------------------------------

    def login_waiting(self, app_id: str) -> tuple[Device, LoginSession]:
        device = self.devices.get(app_id)
        if device is None:
            raise Refused(f"no device {app_id}", 404)
        session = device.login
        if session is None or session.confirmed:
            raise Refused(f"device {app_id} has no login waiting (getLoginQrCode or dialogLogin first)")
        if self.now() >= session.expires_at:
            raise Refused(f"the login of device {app_id} has expired")
        return device, session

    def phone_scans(self, app_id: str, wxid: str) -> Device:
        """A phone scans the device's QR code (a dialogLogin prompt has its account already)."""
        device, session = self.login_waiting(app_id)
        if wxid not in self.people:
            raise Refused(f"{wxid} is not in gewe.people", 404)
        if device.wxid is not None and device.wxid != wxid:
            raise Refused(f"device {app_id} belongs to {device.wxid}: another account cannot log in on it")
        session.scanned_by = wxid
        return device

    def phone_confirms(self, app_id: str) -> Device:
        device, session = self.login_waiting(app_id)
        if session.scanned_by is None:
            raise Refused(f"nobody has scanned the QR code of device {app_id} yet")
        self._confirm(device, session)
        return device

    # --- staying online -----------------------------------------------------------------------

    def reconnection(self, token: Token, app_id: str) -> dict[str, Any]:
        """Back online after a dropped connection; after a logout, a kick or risk control it takes a
        new login (QR code or dialogLogin)."""
        device = self.device(token, app_id, RECONNECT_FAILED, online=False)
        if not device.online:
            if device.wxid is None or device.offline_reason != "network":
                raise GeweError(RECONNECT_FAILED, "-1", OFFLINE)
            device.online, device.online_since, device.offline_reason = True, self.now(), None
        return self._logged_in(device)

    def dialog_login(self, token: Token, app_id: str) -> dict[str, Any]:
        """The account last logged in on the device gets a prompt on its phone, no QR code."""
        device = self.device(token, app_id, DIALOG_FAILED, online=False)
        if device.online:
            raise GeweError(ALREADY_LOGGED_IN)
        if device.wxid is None:
            raise GeweError(DIALOG_FAILED, "-1", "设备从未登录过，请扫码登录")
        session = self._start_login(device)
        session.scanned_by = device.wxid
        return {"appId": device.app_id, "uuid": session.uuid}

    def _logged_in(self, device: Device) -> dict[str, Any]:
        """checkLogin's status-2 answer, which the doc shows reconnection giving back too."""
        person = self.people[device.wxid or ""]
        return {"uuid": self.ctx.ids.alnum(20), "headImgUrl": person.small_head_img_url, "nickName": person.nickname,
                "expiredTime": int(self.settings.qr_ttl), "status": 2, "loginInfo": _login_info(person)}

    def check_online(self, token: Token, app_id: str) -> bool:
        return self.device(token, app_id, "检查在线状态失败", online=False).online

    def logout(self, token: Token, app_id: str) -> None:
        device = self.device(token, app_id, "退出登录失败")
        device.online, device.online_since, device.login, device.offline_reason = False, None, None, "logout"

    def check_callback_token(self, token: Token, body_token: str) -> int:
        """The token check of a setCallback; returns its place in the order setCallbacks arrived."""
        if body_token != token.value:
            raise GeweError(None)
        token.callback_requests += 1
        return token.callback_requests

    def set_callback(self, token: Token, url: str, arrival: int) -> None:
        """Keep the URL unless a setCallback that arrived later has already been kept: the probe
        of an earlier one may finish last, but of those that succeed the one sent last counts."""
        if arrival > token.callback_kept:
            token.callback_url, token.callback_kept = url, arrival


def _login_info(person: Person) -> dict[str, Any]:
    return {"uin": person.uin, "wxid": person.wxid, "nickName": person.nickname, "mobile": person.phone,
            "alias": person.alias}
