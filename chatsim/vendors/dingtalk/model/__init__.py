"""The DingTalk world, plain Python: organisations, apps and tokens, chats (``world``), custom
robots (``robots``) and what group messages carry (``messages``)."""
