"""Accept every friend request through the adapter's own call (contacts/addContacts option 3)."""

from nonebot import on_request
from nonebot.adapters.gewechat import Bot
from nonebot.adapters.gewechat.event import FriendRequestEvent
from nonebot.adapters.gewechat.model import FriendRequestOption

friend_request = on_request(priority=5)


@friend_request.handle()
async def accept(bot: Bot, event: FriendRequestEvent) -> None:
    flag = event.flag
    await bot.addContact(flag.scene.value, FriendRequestOption.AGREE.value, flag.v3, flag.v4, "accepted by the bot")
