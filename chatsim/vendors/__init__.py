"""The vendor packages chatsim serves, each under ``chatsim/vendors/<name>/`` with the same files;
``registry`` finds them."""
