"""Tokens, devices and the QR login a simulated phone completes."""

import base64
from typing import Any

from chatsim.vendors.gewe.errors import ALREADY_LOGGED_IN, GeweError
from chatsim.vendors.gewe.model import callbacks
from chatsim.vendors.gewe.model.entities import Device, LoginSession, Token
from chatsim.vendors.gewe.model.state import WorldState

QR_FAILED = "获取二维码失败"
CHECK_FAILED = "检查登录失败"
DEVICE_FAILED = "创建设备失败"


class LoginRules(WorldState):
    def issue_token(self) -> str:
        value = self.ctx.ids.token32()
        while value in self.tokens:
            value = self.ctx.ids.token32()
        self.tokens[value] = Token(value, max_devices=self.settings.max_devices)
        return value

    def get_login_qr(self, token: Token, app_id: str) -> dict[str, Any]:
        if app_id:
            device = self.device(token, app_id, QR_FAILED, online=False)
            if device.online:
                raise GeweError(ALREADY_LOGGED_IN)
        else:
            device = self._new_device(token)
        ids = self.ctx.ids
        device.login = LoginSession(ids.uuid4(), self.now() + self.settings.qr_ttl, self.settings.login_polls)
        qr_data = f"http://weixin.qq.com/x/{ids.alnum(20)}"
        return {"appId": device.app_id, "uuid": device.login.uuid, "qrData": qr_data,
                "qrImgBase64": "data:image/jpg;base64," + base64.b64encode(qr_data.encode()).decode()}

    def _new_device(self, token: Token) -> Device:
        if token.fail_device_creation:
            raise GeweError(DEVICE_FAILED, "-1", "exceeded maximum retries")
        if len(token.devices) >= token.max_devices:
            raise GeweError(DEVICE_FAILED, "-1", "已达到最大客户端数量操作")
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
            raise GeweError(CHECK_FAILED, "-1", "二维码已过期，请重新获取二维码")
        wxid = device.wxid or self.settings.login_account
        if wxid is None:
            raise GeweError(CHECK_FAILED, "-1", "no phone scans this QR code (chatsim: set gewe.login.account)")
        session.polls_left = max(session.polls_left - 1, 0)
        person = self.people[wxid]
        status = 2 if session.polls_left == 0 else 1 if session.polls_left == 1 else 0
        data: dict[str, Any] = {"uuid": uuid, "headImgUrl": None, "nickName": None, "expiredTime": max(left, 0),
                                "status": status, "loginInfo": None}
        if status:
            data.update(headImgUrl=person.small_head_img_url, nickName=person.nickname)
        if status == 2:
            if not session.confirmed:
                session.confirmed = True
                device.wxid, device.online, device.online_since = wxid, True, self.now()
            data["loginInfo"] = {"uin": person.uin, "wxid": wxid, "nickName": person.nickname,
                                 "mobile": person.phone, "alias": person.alias}
        return data

    def check_online(self, token: Token, app_id: str) -> bool:
        return self.device(token, app_id, "检查在线状态失败", online=False).online

    def logout(self, token: Token, app_id: str) -> None:
        device = self.device(token, app_id, "退出登录失败")
        device.online, device.online_since, device.login = False, None, None

    def go_offline(self, device: Device) -> None:
        """The account drops (the phone logged it out, risk control...): GeWe pushes Offline."""
        assert device.wxid is not None
        self.queued.append((device.app_id, device.token, callbacks.offline(device.app_id, device.wxid)))
        device.online, device.online_since, device.login = False, None, None

    def check_callback_token(self, token: Token, body_token: str) -> None:
        if body_token != token.value:
            raise GeweError(None)

    def set_callback(self, token: Token, url: str) -> None:
        token.callback_url = url
