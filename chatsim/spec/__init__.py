"""OpenAPI documents turned into operations: the types (``operations``), the loading (``load``) and the
generated happy-path check (``fastpath``). Importing the package itself loads nothing."""
