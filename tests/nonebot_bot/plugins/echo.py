"""Answer every text addressed to the bot (a private chat, or an @-mention in a group) through the
adapter's own send(), which posts message/postText to the chat the text came from."""

from nonebot import on_message
from nonebot.adapters.gewechat import Bot
from nonebot.adapters.gewechat.event import TextMessageEvent
from nonebot.rule import to_me

echo = on_message(rule=to_me(), priority=10)


@echo.handle()
async def answer(bot: Bot, event: TextMessageEvent) -> None:
    await bot.send(event, "echo: " + event.get_plaintext().strip())
