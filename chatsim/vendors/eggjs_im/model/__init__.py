"""The egg.js IM backend's world: its MySQL tables and redis sessions (``world``), the JWTs and
passwords as the backend makes them (``tokens``), the friend list's A-Z grouping (``grouping``)."""
