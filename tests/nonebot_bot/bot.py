"""A NoneBot app with nonebot-adapter-gewechat, unmodified, for tests/gewe/test_nonebot.py.

Its configuration comes from the environment the test sets (GEWECHAT_API_URL, APPID, WXID, ...);
plugins/accept.py accepts every friend request, plugins/echo.py answers every text addressed to it.
"""

import nonebot
from nonebot.adapters.gewechat import Adapter

nonebot.init()
nonebot.get_driver().register_adapter(Adapter)
nonebot.load_plugin("plugins.accept")
nonebot.load_plugin("plugins.echo")

if __name__ == "__main__":
    nonebot.run()
