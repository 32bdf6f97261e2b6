"""chatsim: a faithful, stateful simulator of chat platforms' friend and contact APIs."""

__version__ = "0.1.0"
