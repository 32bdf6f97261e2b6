"""The GeWe world: tokens, devices, the WeChat population, contacts, chatrooms, tickets, requests."""
