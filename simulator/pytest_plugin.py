"""Skeleton: the pytest plugin (issue: test toolkit) replaces this."""
