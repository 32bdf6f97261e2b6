"""Friend requests and the tickets that carry them.

v3 is stable per (account, person). v4 is one-time, expires on the virtual clock and is bound to
the account and the context that issued it: a search (used with option 2) or a friend request the
account received (used with option 3/4). Anything else is GeWe's ``user ticket invalid``.
A request to a simulated account reaches that account as an AddMsg 37; a request to anyone else is
answered by that person's scenario behaviour (accept, maybe after N seconds; reject; ignore).
"""

from chatsim.vendors.gewe.errors import GeweError, ticket_invalid
from chatsim.vendors.gewe.model import callbacks
from chatsim.vendors.gewe.model.contacts import ContactRules
from chatsim.vendors.gewe.model.entities import Contact, FriendRequest, Ticket, Token

ADD_FAILED = "添加好友失败"
GROUP_SCENE = 14
PRIVACY = "由于对方的隐私设置，你无法通过群聊将其添加至通讯录。"


class FriendRules(ContactRules):
    def valid_ticket(self, v4: str, account: str, kind: str) -> Ticket:
        ticket = self.tickets.get(v4)
        if (ticket is None or ticket.used or ticket.account != account or ticket.kind != kind
                or self.now() >= ticket.expires_at):
            raise ticket_invalid()
        return ticket

    def add_contacts(self, token: Token, app_id: str, scene: int, option: int, v3: str, v4: str,
                     content: str) -> None:
        me = self.account(token, app_id, ADD_FAILED)
        if option == 2:
            ticket = self.valid_ticket(v4, me, "search")
            target = self.v3_owners.get(v3, ("", ""))
            if target != (me, ticket.person) and not (v3 == ticket.person and self.is_friend(me, v3)):
                raise ticket_invalid()
            ticket.used = True
            if not self.is_friend(me, ticket.person):
                self.send_request(me, ticket.person, scene, content)
        elif option in (3, 4):
            ticket = self.valid_ticket(v4, me, "request")
            request = self.requests[int(ticket.context)]
            if self.v3_owners.get(v3) != (me, request.sender) or request.status not in ("pending", "ignored"):
                raise ticket_invalid()
            ticket.used = True
            if option == 3:
                self.accept(request)
            else:
                request.status = "rejected"
        else:
            raise GeweError(ADD_FAILED, "-1", f"option {option} 不支持，2添加好友 3同意好友 4拒绝好友")

    def add_group_member(self, token: Token, app_id: str, chatroom_id: str, member: str, content: str) -> str:
        me = self.account(token, app_id, ADD_FAILED)
        room = self.room_of(me, chatroom_id, ADD_FAILED)
        if member not in room.members or member == me:
            raise GeweError(ADD_FAILED, "-1", "对方不在该群聊中")
        if not self.people[member].group_adds:
            raise GeweError(ADD_FAILED, "-1", PRIVACY)
        v3 = self.v3(me, member)
        if not self.is_friend(me, member):
            self.send_request(me, member, GROUP_SCENE, content, chatroom_id)
        return v3

    def send_request(self, sender: str, receiver: str, scene: int, content: str, chatroom: str = "") -> FriendRequest:
        now = self.now()
        request = FriendRequest(len(self.requests) + 1, sender, receiver, scene, content, now,
                                now + self.settings.request_ttl, chatroom=chatroom)
        self.requests[request.id] = request
        self.next_due = min(self.next_due, request.expires_at)
        if self.is_account(receiver):
            self._notify(request)
            return request
        person = self.people[receiver]
        if person.on_request == "reject":
            request.status = "rejected"
        elif person.on_request == "ignore":
            request.status = "ignored"
        elif person.accept_after > 0:
            request.decide_at = now + person.accept_after
            self.next_due = min(self.next_due, request.decide_at)
        else:
            self.accept(request)
        return request

    def _notify(self, request: FriendRequest) -> None:
        """The receiving account gets AddMsg 37 with its own v3 of the sender and a fresh v4."""
        receiver, sender = request.receiver, self.people[request.sender]
        v3 = self.v3(receiver, sender.wxid)
        ticket = request.ticket = self.issue_ticket(receiver, sender.wxid, "request", str(request.id),
                                                    request.expires_at)
        self.emit_to(receiver, lambda app: callbacks.friend_request(
            app, receiver, sender, request, v3, ticket, self.message_ids()))

    def accept(self, request: FriendRequest) -> None:
        request.status, request.decide_at = "accepted", None
        self.befriend(request.sender, request.receiver, request.scene)

    def reject(self, request: FriendRequest) -> None:
        request.status, request.decide_at = "rejected", None

    def befriend(self, one: str, other: str, scene: int) -> None:
        """Both sides gain the contact; each simulated side gets ModContacts carrying its v3."""
        for me, friend in ((one, other), (other, one)):
            fresh = Contact(friend, scene=scene, since=self.now())
            contact = self.contacts.setdefault(me, {}).setdefault(friend, fresh)
            if self.online_devices(me):
                person, v3 = self.people[friend], self.v3(me, friend)
                self.emit_to(me, lambda app, me=me, person=person, contact=contact, v3=v3:
                             callbacks.mod_contacts(app, me, person, contact, v3))

    def settle(self, now: float) -> None:
        """Apply what virtual time has decided by ``now``: timed acceptances, expiries."""
        if now < self.next_due:
            return
        self.next_due = float("inf")
        for request in self.requests.values():
            if request.status not in ("pending", "ignored"):
                continue
            if request.decide_at is not None and request.decide_at <= now:
                self.accept(request)
            elif request.expires_at <= now:
                request.status = "expired"
            else:
                self.next_due = min(self.next_due, request.decide_at or request.expires_at)
        self.publish(None)
