"""The GeWe world: the rule sets together, plus the world actions the admin API triggers."""

from chatsim.contract import Refused
from chatsim.vendors.gewe.model.entities import Device, FriendRequest
from chatsim.vendors.gewe.model.friends import FriendRules
from chatsim.vendors.gewe.model.login import LoginRules
from chatsim.vendors.gewe.model.membership import MembershipRules


class GeweWorld(LoginRules, FriendRules, MembershipRules):
    def online_device(self, app_id: str) -> Device:
        device = self.devices.get(app_id)
        if device is None:
            raise Refused(f"no device {app_id}", 404)
        if not device.online:
            raise Refused(f"device {app_id} is offline")
        return device

    def person_sends_request(self, app_id: str, sender: str, content: str, scene: int,
                             chatroom: str = "") -> FriendRequest:
        """Someone asks the account on ``app_id`` to be friends: the account gets AddMsg 37."""
        account = self.online_device(app_id).wxid
        if sender not in self.people:
            raise Refused(f"{sender} is not in gewe.people", 404)
        if sender == account or (account is not None and self.is_friend(account, sender)):
            raise Refused(f"{sender} is already a friend of {account}")
        assert account is not None
        return self.send_request(sender, account, scene, content, chatroom)

    def person_decides(self, request_id: int, decision: str) -> FriendRequest:
        """The person an account asked accepts or rejects (only people who are not accounts of ours)."""
        request = self.requests.get(request_id)
        if request is None:
            raise Refused(f"no friend request {request_id}", 404)
        if self.is_account(request.receiver):
            raise Refused(f"{request.receiver} is a simulated account: it answers with addContacts option 3/4")
        if request.status not in ("pending", "ignored"):
            raise Refused(f"friend request {request_id} is {request.status}")
        if decision == "accept":
            self.accept(request)
        else:
            self.reject(request)
        return request

    def take_offline(self, app_id: str, reason: str = "kicked") -> Device:
        device = self.online_device(app_id)
        self.go_offline(device, reason)
        return device
