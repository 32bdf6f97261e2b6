"""The test toolkit: what the pytest plugin, ``chatsim verify`` and ``chatsim listen`` share.

Only the standard library is imported at package level, because the pytest plugin is loaded into
every pytest run on a machine where chatsim is installed and must cost nothing until used.
"""
