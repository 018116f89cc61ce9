"""IMAP and POP3 adapters: build facts on the server, move, delete, watch. No Qt."""
